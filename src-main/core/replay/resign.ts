/**
 * Re-signing: after an edit, or after a time-bound scheme's tolerance window, the captured
 * signature no longer holds. For every scheme found on the request whose key is configured, the
 * signature is recomputed over what is actually sent (body, method, request target, headers), with
 * a fresh timestamp where the scheme is time-bound, and every header or body field that changed is
 * reported. Schemes found without a key are listed as skipped, so the UI can warn before sending.
 *
 * Body-level signatures (Plexo envelope, Adyen classic items) go first, header signatures after,
 * and the generic HMAC last: header signatures cover the final body, and a generic template may
 * cover other headers.
 */
import { createHmac, randomBytes, type KeyObject } from 'node:crypto'
import { headerValue, setHeader, type HeaderPairs } from '../../shared/http-message'
import type { HmacProviderId, ProviderId, ProviderKey } from '../../shared/providers'
import type { Ed25519PrivateKey, ResignChange, ResignSkip, ResignSummary, SigningKey } from '../../shared/replay'
import { ed25519Fingerprint, parseEd25519PrivateKey } from '../keys/ed25519'
import {
  IXOPAY_JSON_CONTENT_TYPE,
  IXOPAY_XML_CONTENT_TYPE,
  keyFingerprint,
  parseStandardWebhookSignatures,
  signAdyenPayload,
  signChip,
  signGenericHmac,
  signGithub,
  signIxopayJson,
  signIxopayLegacyXml,
  signMollie,
  signPaypal,
  signShopify,
  signStandardWebhook,
  signStripe,
} from '../providers/index'
import { errorMessage } from '../../shared/errors'
import { CHIP_SIGNATURE_BYTES } from '../providers/chip'
import { IXOPAY_AUTHORIZATION_PATTERN, IXOPAY_SIGNATURE_BYTES } from '../providers/ixopay'
import { compareWithCapture, frameHeaders, type ReplayRequest } from './replay-request'
import { resignAdyenItems, resignPlexoEnvelope } from './resign-body'
import { ed25519PrivateKeyFor, hmacSecretFor, privateKeyFingerprint, privateKeyFor, type HmacKey } from './signing-keys'

/** How long a re-signed Plexo envelope stays valid: the plexouy SDKs' default. */
export const PLEXO_ENVELOPE_LIFETIME_SECONDS = 600

export interface ResignOptions {
  /** Injected clock: fresh timestamps and `Date` headers are taken from it. */
  now: Date
  plexoLifetimeSeconds?: number
}

export interface ResignResult {
  request: ReplayRequest
  summary: ResignSummary
}

type GenericKey = Extract<ProviderKey, { kind: 'generic-hmac' }>

/** RFC 7231 IMF-fixdate, e.g. `Tue, 21 Jul 2020 13:15:03 GMT`. */
export function httpDate(now: Date): string {
  return now.toUTCString()
}

/** Which scheme and key set a header. */
type ChangeSource = Omit<ResignChange, 'location' | 'name' | 'before' | 'after'>

/** The working copy of the request while schemes are applied one by one. */
class Draft {
  headers: HeaderPairs
  body: Buffer
  bodyChanged = false
  readonly changes: ResignChange[] = []
  readonly skipped: ResignSkip[] = []
  readonly notes: string[] = []

  constructor(readonly request: ReplayRequest) {
    this.headers = request.headers.map(([name, value]) => [name, value])
    this.body = request.body
  }

  header(name: string): string | undefined {
    return headerValue(this.headers, name)
  }

  /**
   * Sets the first header of that name in place (its case kept), or appends it. One change is
   * reported per signature the value carries (a Standard Webhooks header can hold v1 and v1a).
   */
  setHeader(name: string, value: string, change: ChangeSource | readonly ChangeSource[]): void {
    const { sentName, before } = setHeader(this.headers, name, value)
    for (const each of [change].flat()) this.changes.push({ ...each, location: 'header', name: sentName, before, after: value })
  }

  setBody(body: Buffer, changes: ResignChange[]): void {
    this.body = body
    this.bodyChanged = true
    this.changes.push(...changes)
  }

  skip(scheme: string, provider: ProviderId, reason: string): void {
    this.skipped.push({ scheme, provider, reason })
  }

  /** The request target the signatures cover: the one actually sent. */
  get target(): string {
    return this.request.target
  }
}

/**
 * Re-signs every recognised scheme whose key is given, over the request as it will be sent.
 * Never throws for a bad key: the scheme is listed in `skipped` with the reason.
 */
export function resignRequest(request: ReplayRequest, keys: readonly SigningKey[], options: ResignOptions): ResignResult {
  const draft = new Draft(request)
  const nowSeconds = Math.floor(options.now.getTime() / 1000)
  const guard = (scheme: string, provider: ProviderId, apply: () => void): void => {
    try {
      apply()
    } catch (error: unknown) {
      draft.skip(scheme, provider, `could not sign: ${errorMessage(error)}`)
    }
  }

  guard('plexo-legacy-rsa-sha512', 'plexo', () =>
    resignPlexoEnvelope(draft, privateKeyFor(keys, 'plexo'), nowSeconds + (options.plexoLifetimeSeconds ?? PLEXO_ENVELOPE_LIFETIME_SECONDS)),
  )
  guard('adyen-classic-item', 'adyen', () => resignAdyenItems(draft, hmacSecretFor(keys, 'adyen')))

  guard('stripe-v1', 'stripe', () => resignStripe(draft, hmacSecretFor(keys, 'stripe'), nowSeconds))
  guard('standard-webhooks', 'standard-webhooks', () => resignStandardWebhooks(draft, keys, nowSeconds))
  guard('github-hmac', 'github', () => resignGithub(draft, hmacSecretFor(keys, 'github')))
  guard('shopify-hmac-sha256', 'shopify', () =>
    resignSimpleHeader(draft, 'X-Shopify-Hmac-Sha256', 'shopify-hmac-sha256', 'shopify', hmacSecretFor(keys, 'shopify'), (secret) =>
      signShopify(secret, draft.body),
    ),
  )
  guard('mollie-hmac-sha256', 'mollie', () => resignMollie(draft, hmacSecretFor(keys, 'mollie')))
  guard('adyen-platform-hmac', 'adyen', () =>
    resignSimpleHeader(draft, 'HmacSignature', 'adyen-platform-hmac', 'adyen', hmacSecretFor(keys, 'adyen'), (secret) => signAdyenPayload(secret, draft.body)),
  )
  guard('paypal-rsa', 'paypal', () => resignPaypal(draft, keys, options.now))
  guard('x-signature', 'ixopay', () => resignXSignature(draft, keys, options.now))
  guard('ixopay-legacy-xml', 'ixopay', () => resignIxopayLegacy(draft, hmacSecretFor(keys, 'ixopay'), options.now))
  guard('generic-hmac', 'generic', () => resignGeneric(draft, keys))

  const url = new URL(request.url)
  const headers = frameHeaders(draft.headers, url.host, request.method, draft.body)
  const resignedHeaders = new Set(request.resigned.headers)
  for (const change of draft.changes) if (change.location === 'header') resignedHeaders.add(change.name.toLowerCase())
  const next: ReplayRequest = {
    ...request,
    headers,
    body: draft.body,
    resigned: { headers: [...resignedHeaders], body: request.resigned.body || draft.bodyChanged },
  }
  next.differences = compareWithCapture(next)
  return { request: next, summary: { changes: draft.changes, skipped: draft.skipped, notes: draft.notes } }
}

function noKey(draft: Draft, scheme: string, provider: ProviderId, what: string): void {
  draft.skip(scheme, provider, `no ${what} configured: the captured signature is sent unchanged and will not match an edited request`)
}

function resignStripe(draft: Draft, key: HmacKey | undefined, nowSeconds: number): void {
  if (draft.header('Stripe-Signature') === undefined) return
  if (!key) {
    draft.skip(
      'stripe-v1',
      'stripe',
      'no Stripe signing secret configured: the captured signature is sent unchanged, and Stripe libraries reject it once its timestamp is older than 300 s',
    )
    return
  }
  const signed = signStripe({ secret: key.value, body: draft.body, timestamp: nowSeconds })
  draft.setHeader('Stripe-Signature', signed.header, { scheme: 'stripe-v1', provider: 'stripe', keyFingerprint: keyFingerprint(key) })
}

/**
 * Standard Webhooks: a `v1` entry with the secret (`whsec_`), a `v1a` entry with the ed25519
 * private key (`whsk_` or PEM), both when both are at hand. A captured entry whose key is missing
 * is dropped rather than resent: it covered the old timestamp, so it could only fail.
 */
function resignStandardWebhooks(draft: Draft, keys: readonly SigningKey[], nowSeconds: number): void {
  const prefix = draft.header('webhook-signature') !== undefined ? 'webhook-' : draft.header('svix-signature') !== undefined ? 'svix-' : null
  if (prefix === null) return
  const secret = hmacSecretFor(keys, 'standard-webhooks')
  const privateKey = loadStandardWebhooksPrivateKey(draft, ed25519PrivateKeyFor(keys))
  if (!secret && !privateKey) {
    draft.skip(
      'standard-webhooks',
      'standard-webhooks',
      'no Standard Webhooks secret (whsec_...) configured and no ed25519 private key (whsk_...) supplied: the captured signature is sent unchanged, and is rejected once its timestamp is more than 300 s off',
    )
    return
  }
  const captured = parseStandardWebhookSignatures(draft.header(`${prefix}signature`) ?? '')
  if (captured.v1.length > 0 && !secret)
    draft.notes.push(
      'the captured v1 (HMAC) signature was dropped: no Standard Webhooks secret (whsec_...) is configured to recompute it over the fresh timestamp',
    )
  if (captured.v1a.length > 0 && !privateKey)
    draft.notes.push(
      "the captured v1a (ed25519) signature was dropped: recomputing it over the fresh timestamp needs the sender's private key (whsk_...), which was not supplied",
    )

  // The message id stays: receivers deduplicate on it, and a replay is the same message.
  const id = draft.header(`${prefix}id`) ?? `msg_${randomBytes(12).toString('hex')}`
  const signed = signStandardWebhook({ id, timestamp: nowSeconds, body: draft.body, secret: secret?.value, privateKey: privateKey?.key })
  const changes: ChangeSource[] = []
  if (secret) changes.push({ scheme: 'standard-webhooks-v1', provider: 'standard-webhooks', keyFingerprint: keyFingerprint(secret) })
  if (privateKey) changes.push({ scheme: 'standard-webhooks-v1a', provider: 'standard-webhooks', keyFingerprint: privateKey.fingerprint })
  if (draft.header(`${prefix}id`) === undefined) draft.setHeader(`${prefix}id`, id, changes)
  draft.setHeader(`${prefix}timestamp`, String(nowSeconds), changes)
  draft.setHeader(`${prefix}signature`, signed.signature, changes)
}

/** The supplied private key, loaded; a key that does not load is reported and v1 still re-signed. */
function loadStandardWebhooksPrivateKey(draft: Draft, supplied: Ed25519PrivateKey | undefined): { key: KeyObject; fingerprint: string } | undefined {
  if (!supplied) return undefined
  const parsed = parseEd25519PrivateKey(supplied.value)
  if (!parsed.ok) {
    draft.skip('standard-webhooks-v1a', 'standard-webhooks', `the ed25519 private key does not load: ${parsed.message}`)
    return undefined
  }
  return { key: parsed.key, fingerprint: ed25519Fingerprint(parsed.key) }
}

function resignGithub(draft: Draft, key: HmacKey | undefined): void {
  const has256 = draft.header('X-Hub-Signature-256') !== undefined
  const has1 = draft.header('X-Hub-Signature') !== undefined
  if (!has256 && !has1) return
  if (!key) {
    noKey(draft, 'github-hmac', 'github', 'GitHub webhook secret')
    return
  }
  const change = { scheme: 'github-hmac', provider: 'github' as const, keyFingerprint: keyFingerprint(key) }
  if (has256) draft.setHeader('X-Hub-Signature-256', signGithub(key.value, draft.body), change)
  // The legacy SHA-1 header: the provider library signs SHA-256 only, so it is computed here.
  if (has1) draft.setHeader('X-Hub-Signature', `sha1=${createHmac('sha1', key.value).update(draft.body).digest('hex')}`, change)
}

function resignSimpleHeader(
  draft: Draft,
  header: string,
  scheme: string,
  provider: HmacProviderId,
  key: HmacKey | undefined,
  sign: (secret: string) => string,
): void {
  if (draft.header(header) === undefined) return
  if (!key) {
    noKey(draft, scheme, provider, `${provider} secret`)
    return
  }
  draft.setHeader(header, sign(key.value), { scheme, provider, keyFingerprint: keyFingerprint(key) })
}

function resignMollie(draft: Draft, key: HmacKey | undefined): void {
  const current = draft.header('X-Mollie-Signature')
  if (current === undefined) return
  if (!key) {
    noKey(draft, 'mollie-hmac-sha256', 'mollie', 'Mollie signing secret')
    return
  }
  const signed = signMollie(key.value, draft.body)
  // Keep the form the capture used: the `sha256=` prefix is optional for Mollie's validator.
  const value = current.trim().startsWith('sha256=') ? signed : signed.replace(/^sha256=/, '')
  draft.setHeader('X-Mollie-Signature', value, { scheme: 'mollie-hmac-sha256', provider: 'mollie', keyFingerprint: keyFingerprint(key) })
}

function resignPaypal(draft: Draft, keys: readonly SigningKey[], now: Date): void {
  if (draft.header('PAYPAL-TRANSMISSION-SIG') === undefined) return
  const privateKey = privateKeyFor(keys, 'paypal')
  const webhookId = keys.find((key): key is Extract<ProviderKey, { kind: 'paypal-webhook-id' }> => key.kind === 'paypal-webhook-id')
  if (!privateKey || !webhookId) {
    draft.skip(
      'paypal-rsa',
      'paypal',
      `${!privateKey ? 'no PayPal private key' : 'no PayPal webhook id'} configured: PayPal signs with its own certificate, so a re-signed delivery only verifies against the matching certificate`,
    )
    return
  }
  const transmissionId = draft.header('PAYPAL-TRANSMISSION-ID') ?? randomBytes(16).toString('hex')
  const transmissionTime = now.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const signed = signPaypal({ privateKey: privateKey.pem, transmissionId, transmissionTime, webhookId: webhookId.value, body: draft.body })
  const change = { scheme: 'paypal-rsa', provider: 'paypal' as const, keyFingerprint: privateKeyFingerprint(privateKey) }
  draft.setHeader('PAYPAL-TRANSMISSION-TIME', transmissionTime, change)
  draft.setHeader('PAYPAL-TRANSMISSION-SIG', signed.signature, change)
}

/** `X-Signature` is IXOPAY's HMAC or CHIP's RSA signature; its size (or the keys at hand) tells which. */
function resignXSignature(draft: Draft, keys: readonly SigningKey[], now: Date): void {
  const current = draft.header('X-Signature')
  if (current === undefined) return
  const ixopayKey = hmacSecretFor(keys, 'ixopay')
  const chipKey = privateKeyFor(keys, 'chip')
  const size = decodedSize(current)
  const isIxopay = size === IXOPAY_SIGNATURE_BYTES || (!CHIP_SIGNATURE_BYTES.has(size) && ixopayKey !== undefined)
  if (isIxopay) {
    if (!ixopayKey) {
      noKey(draft, 'ixopay-hmac-sha512', 'ixopay', 'IXOPAY shared secret')
      return
    }
    const date = httpDate(now)
    const change = { scheme: 'ixopay-hmac-sha512', provider: 'ixopay' as const, keyFingerprint: keyFingerprint(ixopayKey) }
    // IXOPAY signs the Date header (X-Date when a proxy ate Date); both get the fresh value.
    const hasXDate = draft.header('X-Date') !== undefined
    if (draft.header('Date') !== undefined || !hasXDate) draft.setHeader('Date', date, change)
    if (hasXDate) draft.setHeader('X-Date', date, change)
    const signed = signIxopayJson({
      secret: ixopayKey.value,
      body: draft.body,
      date,
      requestUri: draft.target,
      contentType: draft.header('Content-Type') ?? IXOPAY_JSON_CONTENT_TYPE,
      bodyHash: 'sha512',
    })
    if (draft.header('Content-Type') === undefined) draft.notes.push(`no Content-Type header: IXOPAY was signed with ${IXOPAY_JSON_CONTENT_TYPE}`)
    draft.setHeader('X-Signature', signed.signature, change)
    return
  }
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

function decodedSize(signature: string): number {
  const trimmed = signature.trim()
  return /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64').length : -1
}

function resignIxopayLegacy(draft: Draft, key: HmacKey | undefined, now: Date): void {
  const headerName = ['Authorization', 'X-Authorization'].find((name) => IXOPAY_AUTHORIZATION_PATTERN.test(draft.header(name)?.trim() ?? ''))
  if (headerName === undefined) return
  if (!key) {
    noKey(draft, 'ixopay-legacy-xml', 'ixopay', 'IXOPAY shared secret')
    return
  }
  const [, scheme = 'Gateway', apiKey = ''] = IXOPAY_AUTHORIZATION_PATTERN.exec(draft.header(headerName)?.trim() ?? '') ?? []
  const date = httpDate(now)
  const change = { scheme: 'ixopay-legacy-xml', provider: 'ixopay' as const, keyFingerprint: keyFingerprint(key) }
  draft.setHeader('Date', date, change)
  const signed = signIxopayLegacyXml({
    secret: key.value,
    body: draft.body,
    date,
    requestUri: draft.target,
    contentType: draft.header('Content-Type') ?? IXOPAY_XML_CONTENT_TYPE,
    apiKey: key.apiKey ?? apiKey,
    scheme: scheme === 'IxoPay' ? 'IxoPay' : 'Gateway',
    bodyHash: 'md5',
  })
  draft.setHeader(headerName, signed.authorization, change)
}

function resignGeneric(draft: Draft, keys: readonly SigningKey[]): void {
  for (const key of keys) {
    if (key.kind !== 'generic-hmac') continue
    const genericKey: GenericKey = key
    if (draft.header(genericKey.config.header) === undefined) continue
    const value = signGenericHmac(genericKey.config, genericKey.secret, {
      method: draft.request.method,
      target: draft.target,
      headers: draft.headers,
      body: draft.body,
    })
    if (genericKey.config.signed !== 'body')
      draft.notes.push(`the generic scheme on ${genericKey.config.header} was signed over its template as sent; timestamp headers it covers were not refreshed`)
    draft.setHeader(genericKey.config.header, value, { scheme: 'generic-hmac', provider: 'generic', keyFingerprint: keyFingerprint(genericKey) })
  }
}
