/**
 * CHIP (Collect and Send): parsing, verification and signing.
 *
 * X-Signature = base64(RSA PKCS#1 v1.5 signature over the raw body), SHA-256 for CHIP Collect
 * (chip-php-sdk `ChipApi::verify`), SHA-512 for CHIP Send (recognised by its `Event-Type` header).
 * Collect has two keys (the company key for `success_callback`, one per webhook), so every
 * configured key is tried and the one that matched is reported.
 */
import { errorMessage } from '../../shared/errors'
import { createHash, createPrivateKey, createPublicKey, sign as rsaSign, type KeyObject } from 'node:crypto'
import { headerValue, setHeader } from '../../shared/http-message'
import type { DeliverySummary, ProviderKey, ProviderVariant } from '../../shared/providers'
import { at, firstText, isObject, prop, text, type JsonObject, type JsonValue } from './body'
import { decodeBase64Strict } from '../crypto/bytes'
import { keyFingerprint, keyLabel } from '../keys/describe-key'
import { loadPublicKey } from '../keys/pem'
import { checkRsaPkcs1, digestLabel, type RsaCheck, type RsaDigest } from './rsa'
import { decimalAmount, emptySummary, minorAmount, pushField, summariseJsonObject } from './summary'
import {
  invalidVerdict,
  makeAttempt,
  newExplanation,
  noKeyVerdict,
  result,
  signedStringFields,
  validVerdict,
  type Delivery,
  type VerifyOptions,
  type VerifyResult,
  judgeRepeatedHeaders,
  repeatedHeaders,
} from './verification'
import type { RetrySchedule } from '../../shared/deliveries'
import { COMMON_URL_RULES, fromFirst, generic2xx, hasHeader, MINUTE } from './module-parts'
import type { DeliveryIdentityInput, ProviderModule } from './provider-module'
import type { GeneratedKeyPair, SimulationInput, SimulationResult } from './provider-module'
import { generateRsaKeyPair } from './simulation'
import type { RsaPrivateKey } from '../../shared/replay'
import type { SigningDraft } from './signing-draft'
import { privateKeyFingerprint, privateKeyFor } from './signing-keys'

export type ChipProduct = 'collect' | 'send'

/**
 * Decoded X-Signature sizes of CHIP's RSA keys: 2048-bit (256 bytes) and 3072-bit (384 bytes, as
 * in CHIP's published keys). The one home of this rule: recognition and re-signing both tell
 * CHIP's X-Signature from IXOPAY's (64 bytes) by it.
 */
export const CHIP_SIGNATURE_BYTES: ReadonlySet<number> = new Set([256, 384])

export function chipDigest(product: ChipProduct): RsaDigest {
  return product === 'send' ? 'sha512' : 'sha256'
}

/**
 * What to change when a signature opens under a key with the other product's digest. The delivery
 * says which product sent it (CHIP Send adds an Event-Type header): a key marked for the other
 * product is named as the cause; only for an unmarked key is CHIP Send a guess.
 */
function productAdvice(key: ChipKey, deliveryProduct: ChipProduct, signedWith: string): string {
  if (key.chipProduct !== undefined && key.chipProduct !== deliveryProduct) {
    const evidence = deliveryProduct === 'send' ? 'it carries the Event-Type header CHIP Send adds' : 'it has no Event-Type header, which CHIP Send adds'
    return `; this delivery is ${productLabel(deliveryProduct)} (${evidence}), but the key is marked ${productLabel(key.chipProduct)}: mark it ${productLabel(deliveryProduct)}`
  }
  return signedWith === 'sha512' ? '; if this is a CHIP Send webhook, mark the key as CHIP Send' : ''
}

function productLabel(product: ChipProduct): string {
  return product === 'send' ? 'CHIP Send' : 'CHIP Collect'
}

/** CHIP Send adds an `Event-Type` header; Collect does not. */
export function chipVariant(delivery: Delivery): Extract<ProviderVariant, 'collect' | 'send'> {
  return headerValue(delivery.headers, 'Event-Type') !== undefined ? 'send' : 'collect'
}

/** Signs a body as CHIP does (simulator, re-signed replays). Returns the X-Signature value. */
export function signChip(body: Buffer | string, privateKeyPem: string | KeyObject, product: ChipProduct = 'collect'): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
  return rsaSign(chipDigest(product), bytes, privateKeyPem).toString('base64')
}

type ChipKey = Extract<ProviderKey, { kind: 'rsa-public-key' }>

/** Verifies X-Signature with every configured CHIP public key. */
export function verifyChip(delivery: Delivery, keys: readonly ProviderKey[], _options?: VerifyOptions): VerifyResult {
  return judgeRepeatedHeaders(
    verifyChipOnce(delivery, keys),
    repeatedHeaders(delivery.headers, ['X-Signature']),
    'X-Signature',
    'Node joins the copies with ", " and its base64 decoding stops at the first copy\'s "=" padding, so a Node check verifies the first copy; chip-php-sdk\'s openssl_verify gets PHP\'s decoding of the joined text (Apache and nginx join the copies), which is no signature at all; the check here reads the first copy',
  )
}

function verifyChipOnce(delivery: Delivery, keys: readonly ProviderKey[]): VerifyResult {
  const deliveryProduct: ChipProduct = chipVariant(delivery)
  const explanation = newExplanation('chip-rsa', 'RSA PKCS#1 v1.5 over the raw body: SHA-256 (CHIP Collect) or SHA-512 (CHIP Send)', 'X-Signature header')
  const header = headerValue(delivery.headers, 'X-Signature')
  if (header === undefined) return result(invalidVerdict('missing-header', 'no X-Signature header'), explanation)
  explanation.receivedSignatures.push(header)
  const signature = decodeBase64Strict(header.trim())
  if (!signature) return result(invalidVerdict('malformed-signature', 'X-Signature is not base64'), explanation)

  const chipKeys = keys.filter((key): key is ChipKey => key.kind === 'rsa-public-key' && key.provider === 'chip')
  if (chipKeys.length === 0) {
    return result(
      noKeyVerdict(
        "no CHIP public key configured (Collect: the company key from GET /public_key/ and each webhook's public_key; Send: the webhook's public_key)",
      ),
      explanation,
    )
  }

  const failures: Array<{ key: ChipKey; product: ChipProduct; check: RsaCheck }> = []
  for (const key of chipKeys) {
    const product = key.chipProduct ?? deliveryProduct
    const digest = chipDigest(product)
    const fingerprint = keyFingerprint(key)
    const variant = `${productLabel(product)} (RSA ${digestLabel(digest)})`
    let check: RsaCheck
    try {
      check = checkRsaPkcs1(loadPublicKey(key.pem), digest, delivery.body, signature)
    } catch (error: unknown) {
      check = { outcome: 'wrong-key', detail: `the key does not load: ${errorMessage(error)}` }
    }
    const matched = check.outcome === 'valid'
    explanation.attempts.push(
      makeAttempt({
        variant,
        matched,
        keyFingerprint: fingerprint,
        keyLabel: keyLabel(key),
        ...signedStringFields(delivery.body),
        bodyHash: { algorithm: digest, hex: createHash(digest).update(delivery.body).digest('hex') },
        detail: describeCheck(check, digest),
      }),
    )
    if (matched) {
      explanation.matchedVariant = variant
      explanation.keyFingerprint = fingerprint
      return result(validVerdict(variant, `X-Signature verifies with ${keyLabel(key)} (${fingerprint}) as ${variant}`), explanation)
    }
    failures.push({ key, product, check })
  }
  explanation.notes.push('CHIP signs the raw body bytes: a body re-serialised by a proxy or framework no longer verifies')

  // Prefer the diagnosis of a key the signature actually opens under: that key is the signer's.
  const opened = failures.find((failure) => failure.check.outcome === 'digest-differs' || failure.check.outcome === 'digest-mismatch')
  if (opened) {
    explanation.keyFingerprint = keyFingerprint(opened.key)
    const { check, product } = opened
    // A signature is made with a private key: name the public key it opens under, and its fingerprint.
    const signer = `the private key matching ${keyLabel(opened.key)} (${keyFingerprint(opened.key)})`
    if (check.outcome === 'digest-mismatch') {
      const expected = chipDigest(product)
      return result(
        invalidVerdict(
          'digest-mismatch',
          `digest mismatch (the hash function the signature was made with): the signature was made with ${signer} and ${digestLabel(check.signedWith)}, but ${productLabel(product)} uses ${digestLabel(expected)}${productAdvice(opened.key, deliveryProduct, check.signedWith)}`,
        ),
        explanation,
      )
    }
    return result(
      invalidVerdict('body-changed', `raw body bytes differ: the signature was made with ${signer}, but over other bytes than the body received`),
      explanation,
    )
  }
  return result(
    invalidVerdict(
      'wrong-key',
      `the signature was not made by any configured CHIP key (${chipKeys.length} tried): ${
        // A Send (payout) webhook is signed by its own webhook's key; the Collect advice named two channels Send does not have.
        deliveryProduct === 'send'
          ? 'this is a CHIP Send webhook: add the public_key of the CHIP Send webhook it came from'
          : "use the company key for success_callback and the webhook's own public_key for webhooks"
      }`,
    ),
    explanation,
  )
}

function describeCheck(check: RsaCheck, digest: RsaDigest): string {
  switch (check.outcome) {
    case 'valid':
      return `verifies with ${digestLabel(digest)}`
    case 'digest-differs':
      return `opens under this key: signed ${digestLabel(digest)} digest ${check.signedDigestHex}, body digest ${check.computedDigestHex}`
    case 'digest-mismatch':
      return `opens under this key, but was made with ${digestLabel(check.signedWith)}`
    case 'wrong-key':
      return check.detail
    default: {
      const exhaustive: never = check
      return String(exhaustive)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** Summary of a CHIP Collect (Purchase / payment snapshot) or CHIP Send callback. */
export function parseChip(delivery: Delivery): DeliverySummary {
  return summariseJsonObject(delivery.body, 'object', (json) => (chipVariant(delivery) === 'send' ? parseSend(json, delivery) : parseCollect(json)))
}

function parseCollect(body: JsonObject): DeliverySummary {
  // The official deliveries are flat; CHIP's skill file shows an {event_type, object} wrapper.
  const wrapped = isObject(body.object) ? body.object : null
  const object: JsonObject = wrapped ?? body
  const summary = emptySummary('json')
  summary.eventType = firstText(body.event_type, object.event_type)
  summary.status = firstText(object.status)
  summary.providerObjectId = firstText(object.id)
  // Unix seconds as the body wrote them: two events of one purchase with one event type (two failed
  // payments) differ only here, and a retry resends the same snapshot (see `chipDeliveryParts`).
  summary.revision = firstText(object.updated_on)
  summary.merchantReference = firstText(object.reference, at(object, 'related_to', 'reference'))
  const payment = object.payment
  summary.amount =
    isObject(payment) && prop(payment, 'amount') !== undefined
      ? minorAmount(prop(payment, 'amount'), prop(payment, 'currency'))
      : minorAmount(at(object, 'purchase', 'total'), at(object, 'purchase', 'currency'))
  summary.paymentMethod = firstText(at(object, 'transaction_data', 'payment_method'))
  summary.isTest = typeof object.is_test === 'boolean' ? object.is_test : null
  const attempts = at(object, 'transaction_data', 'attempts')
  if (Array.isArray(attempts)) {
    for (const attempt of attempts) {
      const error = prop(attempt, 'error')
      if (isObject(error)) {
        summary.errorCode = firstText(error.code) ?? summary.errorCode
        summary.errorMessage = firstText(error.message) ?? summary.errorMessage
      }
    }
  }
  if (!summary.eventType) summary.problems.push('no event_type')
  const type = text(object.type)
  if (type !== null && type !== 'purchase' && type !== 'payment') summary.problems.push(`type "${type}" is not purchase or payment`)

  const fields = summary.fields
  pushField(fields, 'Event', summary.eventType)
  pushField(fields, 'Object type', object.type)
  pushField(fields, 'Status', object.status)
  pushField(fields, 'Id', object.id)
  pushField(fields, 'Reference', object.reference)
  pushField(fields, 'Reference (generated)', object.reference_generated)
  pushField(fields, 'Amount', summary.amount?.amountDisplay)
  pushField(fields, 'Purchase total', minorAmount(at(object, 'purchase', 'total'), at(object, 'purchase', 'currency'))?.amountDisplay)
  pushField(fields, 'Net amount', minorAmount(at(object, 'payment', 'net_amount'), at(object, 'payment', 'currency'))?.amountDisplay)
  pushField(fields, 'Fee', minorAmount(at(object, 'payment', 'fee_amount'), at(object, 'payment', 'currency'))?.amountDisplay)
  pushField(fields, 'Payment type', at(object, 'payment', 'payment_type'))
  pushField(fields, 'Payment method', summary.paymentMethod)
  pushField(fields, 'Client email', at(object, 'client', 'email'))
  pushField(fields, 'Test mode', object.is_test)
  pushField(fields, 'Brand id', object.brand_id)
  pushField(fields, 'Company id', object.company_id)
  pushField(fields, 'Related to', at(object, 'related_to', 'id'))
  pushField(fields, 'Updated on (unix)', object.updated_on)
  pushField(fields, 'Error code', summary.errorCode)
  pushField(fields, 'Error message', summary.errorMessage)
  return summary
}

function parseSend(body: JsonObject, delivery: Delivery): DeliverySummary {
  const summary = emptySummary('json')
  summary.eventType = headerValue(delivery.headers, 'Event-Type') ?? null
  summary.status = firstText(body.state, body.status)
  summary.providerObjectId = firstText(body.id)
  summary.merchantReference = firstText(body.reference)
  // CHIP Send sends amounts as decimal strings ("10.00"), in MYR unless stated.
  summary.amount = decimalAmount(body.amount, body.currency ?? 'MYR')
  const fields = summary.fields
  pushField(fields, 'Event-Type', summary.eventType)
  pushField(fields, 'State', summary.status)
  pushField(fields, 'Id', body.id)
  pushField(fields, 'Reference', body.reference)
  pushField(fields, 'Amount', summary.amount?.amountDisplay)
  pushField(fields, 'Bank account id', body.bank_account_id)
  pushField(fields, 'Email', body.email)
  pushField(fields, 'Description', body.description)
  pushField(fields, 'Created at', body.created_at)
  pushField(fields, 'Updated at', body.updated_at)
  return summary
}

// CHIP Collect, https://docs.chip-in.asia/chip-collect/overview/delivery-protocol:
// the delay before attempt n is 3^(n−1) − 1 minutes counted from when the callback was first
// scheduled; delivery stops after the 8th attempt, 36 h 26 min after the first.
const CHIP_COLLECT_RETRIES: RetrySchedule = {
  provider: 'chip',
  title: 'CHIP Collect',
  kind: 'published-times',
  description:
    'Retried until a 2xx, up to 8 attempts over 36 h 26 min: attempt n comes 3^(n−1) − 1 minutes after the first (2, 8, 26, 80, 242, 728 and 2186 minutes).',
  successRule: 'any 2xx',
  retries: [2, 8, 26, 80, 242, 728, 2186].map((minutes) => fromFirst(minutes * MINUTE)),
  sourceUrl: 'https://docs.chip-in.asia/chip-collect/overview/delivery-protocol',
  sourceTitle: 'CHIP Collect: delivery protocol',
  confirmed: true,
  caveat: 'CHIP’s older callbacks page says “up to 8 additional attempts” over about 36 hours, one more than this page: the last attempt may differ by one.',
}

// CHIP Send, https://docs.chip-in.asia/chip-send/api-reference/webhooks/delivery-protocol:
// 25 retries over about 21 days, then an e-mail; no per-attempt times.
const CHIP_SEND_RETRIES: RetrySchedule = {
  provider: 'chip',
  title: 'CHIP Send',
  kind: 'outline',
  description: 'Retried up to 25 times over about 21 days, then CHIP sends an e-mail. The page gives no per-attempt times.',
  successRule: 'any 2xx',
  retries: [],
  sourceUrl: 'https://docs.chip-in.asia/chip-send/api-reference/webhooks/delivery-protocol',
  sourceTitle: 'CHIP Send: webhook delivery protocol',
  confirmed: true,
  caveat: null,
}

/**
 * A CHIP notification's identity. CHIP retries carry "the same payload and event", and its delivery
 * protocol says to dedupe on (id, event_type, updated_on): two events of one purchase with one
 * event type and status (two failed payment attempts) are two deliveries, told apart by
 * `updated_on`. The status stays in the key (a retry resends it unchanged). A body without
 * `updated_on` (CHIP Send, which has none), and a record stored before it was kept (`revision`
 * absent: delivery-key.ts reads its key again from its body), keep the key without it.
 */
function chipDeliveryParts(summary: DeliveryIdentityInput['summary']): Array<string | null> | null {
  if (summary.objectId === null) return null
  const identity = [summary.objectId, summary.eventType, summary.status]
  return summary.revision === undefined || summary.revision === null ? identity : [...identity, summary.revision]
}

/**
 * The identity versions before `updated_on` was in the key gave a CHIP delivery: the store's
 * index holds their keys' hashes for the captures they stored, and saved answer-sequence counters
 * are keyed by them, so a delivery's attempts and counter are looked up under both.
 */
export function formerChipDeliveryParts(parts: readonly string[]): string[][] {
  return parts.length === 4 ? [parts.slice(0, 3)] : []
}

function isChipBody(json: JsonValue | undefined): boolean {
  if (!isObject(json)) return false
  if (json.event_type !== undefined) return true
  const type = text(json.type)
  return type === 'purchase' || type === 'payment'
}

/**
 * Re-signs CHIP's X-Signature with the user's private key (IXOPAY's X-Signature step decides the
 * header is CHIP's, by its size: see ixopay.ts).
 */
export function resignChipSignature(draft: SigningDraft, chipKey: RsaPrivateKey | undefined): void {
  if (!chipKey) {
    draft.skip(
      'chip-rsa',
      'chip',
      'no CHIP private key supplied: CHIP signs with its own RSA key, so a re-signed delivery only verifies against the public key of the key pair you supply',
    )
    return
  }
  const product = chipKey.chipProduct ?? (draft.header('Event-Type') !== undefined ? 'send' : 'collect')
  draft.setHeader('X-Signature', signChip(draft.body, chipKey.pem, product), {
    scheme: 'chip-rsa',
    provider: 'chip',
    keyFingerprint: privateKeyFingerprint(chipKey),
  })
}

/** A simulated CHIP callback, signed with the user's private key or a generated (or reused) RSA pair. */
function simulateChip(input: SimulationInput): SimulationResult {
  const given = privateKeyFor(input.keys, 'chip')
  const pair: GeneratedKeyPair = given
    ? { privateKeyPem: given.pem, publicKeyPem: createPublicKey(createPrivateKey(given.pem)).export({ type: 'spki', format: 'pem' }).toString() }
    : (input.generatedKeyPair ?? generateRsaKeyPair())
  const body = input.serialise(input.body)
  const product = given?.chipProduct ?? (input.headers.some(([name]) => name.toLowerCase() === 'event-type') ? 'send' : 'collect')
  setHeader(input.headers, 'X-Signature', signChip(body, pair.privateKeyPem, product))
  return {
    body,
    key: {
      kind: 'rsa-key-pair',
      generated: !given,
      fingerprint: privateKeyFingerprint({ kind: 'rsa-private-key', provider: 'chip', pem: pair.privateKeyPem }),
      generatedSecret: null,
      publicKeyPem: pair.publicKeyPem,
      publicKeyWhpk: null,
    },
    verificationKey: { kind: 'rsa-public-key', provider: 'chip', pem: pair.publicKeyPem, chipProduct: product },
    keyPair: pair,
  }
}

export const chipProvider: ProviderModule<'chip'> = {
  id: 'chip',
  rules: {
    // X-Signature is IXOPAY's header too: CHIP's is an RSA signature of CHIP_SIGNATURE_BYTES.
    xSignature: ({ delivery, json }) => {
      const signature = headerValue(delivery.headers, 'X-Signature')
      if (signature === undefined) return null
      const length = decodeBase64Strict(signature.trim())?.length ?? 0
      if (!CHIP_SIGNATURE_BYTES.has(length)) return null
      if (hasHeader(delivery, 'Event-Type')) return { variant: 'send', detectedBy: `X-Signature of ${length} bytes (RSA) and an Event-Type header` }
      if (isChipBody(json)) return { variant: 'collect', detectedBy: `X-Signature of ${length} bytes (RSA), event_type/type in the body` }
      return null
    },
  },
  variantOf: chipVariant,
  parse: parseChip,
  verify: verifyChip,
  // Named by product: Collect and Send retry on different schedules, and an endpoint that gets
  // both is warned about each (two "CHIP will …" sentences with different figures read as a contradiction).
  acknowledgement: (variant) =>
    variant === 'send'
      ? generic2xx('CHIP Send', 'and retry (up to 25 times over about 21 days)')
      : generic2xx('CHIP Collect', 'and retry (up to about 8 times over 36 hours)'),
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'CHIP' },
  keyKinds: ['rsa-public-key'],
  deliveryIdentity: {
    label: 'object id, event type, status and updated_on',
    parts: ({ summary }) => chipDeliveryParts(summary),
  },
  simulate: { keyKinds: ['rsa-key-pair'], sign: simulateChip },
  retrySchedule: (variant) => (variant === 'send' ? CHIP_SEND_RETRIES : CHIP_COLLECT_RETRIES),
}
