/**
 * Standard Webhooks / Svix (standard-webhooks `spec/standard-webhooks.md`, `libraries/javascript`,
 * `libraries/go/webhook_asymmetric.go`): headers `webhook-id`, `webhook-timestamp`,
 * `webhook-signature` (Svix: `svix-*`), the signature header a space-separated list of entries.
 * Both versions sign the same content, `id + "." + timestamp + "." + body`:
 * - v1 (symmetric) = base64(HMAC-SHA256(base64decode(secret without "whsec_"), content));
 * - v1a (asymmetric) = base64(ed25519 signature of content), checked with the sender's public key
 *   (`whpk_...`), made with its private key (`whsk_...`).
 * A delivery is valid when any entry verifies with a configured key of its version. Timestamps
 * more than the tolerance away from the clock, in either direction, fail.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import { headerValue, headerValues, setHeader } from '../../shared/http-message'
import { repeatedHeaderNote } from './body-hmac-header'
import type { DeliverySummary, ProviderKey, ProviderVariant, SignatureExplanation, SignatureVerdict } from '../../shared/providers'
import { ed25519Fingerprint, parseEd25519PrivateKey, parseEd25519PublicKey, toWhpk, WHPK_PREFIX, WHSK_PREFIX } from '../keys/ed25519'
import { bytesEqual, decodeBase64Strict } from '../crypto/bytes'
import { checkEd25519Candidates, type Ed25519Candidate } from './ed25519-check'
import { checkHmacCandidates, type HmacSecretCandidate } from './hmac-check'
import { keyFingerprint, keyLabel } from '../keys/describe-key'
import { ed25519PublicKeysFor, hmacSecretsFor } from '../keys/key-lookups'
import { genericSummary } from './summary'
import {
  ARRIVAL_UNKNOWN_TIMING,
  bodyAsLibraryText,
  checkTimestamp,
  concatBytes,
  decodedBodyNote,
  decodedBodyRefusal,
  describeSkew,
  hmacBytes,
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
} from './verification'
import type { RetrySchedule } from '../../shared/deliveries'
import { COMMON_URL_RULES, fromPrevious, generic2xx, hasHeader, HOUR, MINUTE, SECOND } from './module-parts'
import type { ProviderModule } from './provider-module'
import type { SimulationInput, SimulationResult } from './provider-module'
import { ALPHANUMERIC, randomFrom, signedWithSecret, simulationSecret } from './simulation'
import { InspectorError } from '../../shared/errors'
import type { Ed25519PrivateKey, SigningKey } from '../../shared/replay'
import type { ChangeSource, SigningDraft } from './signing-draft'
import { ed25519PrivateKeyFor, hmacSecretFor } from './signing-keys'

export const STANDARD_WEBHOOKS_TOLERANCE_SECONDS = 300
const SECRET_PREFIX = 'whsec_'
const HMAC_SHA256_BYTES = 32
const ED25519_SIGNATURE_BYTES = 64

/** How the verdict and the Signature panel name the two signature versions. */
const V1_VARIANT = 'v1 (HMAC-SHA256)'
const V1A_VARIANT = 'v1a (ed25519)'

const ALGORITHM =
  'content = id + "." + timestamp + "." + rawBody; v1 = base64(HMAC-SHA256(base64decode(whsec_ secret), content)), v1a = base64(ed25519 signature of content) checked with the whpk_ public key; |now − timestamp| ≤ tolerance'

/** `standard` for `webhook-*` headers, `svix` for `svix-*`. */
export function standardWebhooksVariant(delivery: Delivery): Extract<ProviderVariant, 'standard' | 'svix'> {
  return headerValue(delivery.headers, 'webhook-signature') === undefined && headerValue(delivery.headers, 'svix-signature') !== undefined ? 'svix' : 'standard'
}

/** The HMAC key: the secret without `whsec_`, base64-decoded. `null` when it is not base64. */
export function standardWebhooksKey(secret: string): Buffer | null {
  return decodeBase64Strict(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret)
}

/** What both signature versions sign: `id + "." + timestamp + "." + body`, as bytes. */
function standardWebhooksSignedContent(id: string, timestamp: number | string, body: Buffer | string): Buffer {
  return concatBytes([`${id}.${timestamp}.`, body])
}

export interface StandardWebhookSignInput {
  id: string
  timestamp: number
  body: Buffer | string
  /** `whsec_<base64>`: adds a `v1` entry. */
  secret?: string
  /** An ed25519 private key: adds a `v1a` entry. */
  privateKey?: KeyObject
}

/**
 * Signs as the reference libraries do: `v1,<base64>` with a secret (`new Webhook(secret).sign(...)`),
 * `v1a,<base64>` with a private key (Go `NewWebhookAsymmetric(nil, &key).Sign(...)`). Given both,
 * the signature header lists both, v1 first, as the spec's example does.
 */
export function signStandardWebhook(input: StandardWebhookSignInput): { signature: string; signedMessage: string; headers: Array<[string, string]> } {
  const signed = standardWebhooksSignedContent(input.id, input.timestamp, input.body)
  const entries: string[] = []
  if (input.secret !== undefined) {
    const key = standardWebhooksKey(input.secret)
    if (!key) throw new Error('the secret is not whsec_<base64>')
    entries.push(`v1,${hmacBytes('sha256', key, [signed]).toString('base64')}`)
  }
  if (input.privateKey !== undefined) entries.push(`v1a,${sign(null, signed, input.privateKey).toString('base64')}`)
  if (entries.length === 0) throw new Error('nothing to sign with: give a whsec_ secret or an ed25519 private key')
  const signature = entries.join(' ')
  return {
    signature,
    signedMessage: signed.toString('utf8'),
    headers: [
      ['webhook-id', input.id],
      ['webhook-timestamp', String(input.timestamp)],
      ['webhook-signature', signature],
    ],
  }
}

/** The entries of a signature header, decoded and sorted by version. */
export interface StandardWebhookSignatures {
  /** Decoded `v1` HMACs (32 bytes each). */
  v1: Buffer[]
  /** The `v1` values as written (the reference libraries compare this text). */
  v1Texts: string[]
  /** Decoded `v1a` ed25519 signatures (64 bytes each). */
  v1a: Buffer[]
  /** `v1` / `v1a` entries whose value is not base64 of the right size. */
  malformed: string[]
  /** Entries of other versions, skipped as the reference libraries skip them. */
  ignored: string[]
}

/** Splits the space-separated header into `version,base64` entries. */
export function parseStandardWebhookSignatures(header: string): StandardWebhookSignatures {
  const parsed: StandardWebhookSignatures = { v1: [], v1Texts: [], v1a: [], malformed: [], ignored: [] }
  for (const entry of header.split(' ').filter((each) => each.length > 0)) {
    // As the reference libraries read an entry: the value lies between its first and second comma.
    const [version = '', value] = entry.split(',')
    if (version !== 'v1' && version !== 'v1a') {
      parsed.ignored.push(entry)
      continue
    }
    const bytes = value === undefined ? null : decodeBase64Strict(value)
    if (version === 'v1' && bytes?.length === HMAC_SHA256_BYTES) {
      parsed.v1.push(bytes)
      parsed.v1Texts.push(value ?? '')
    } else if (version === 'v1a' && bytes?.length === ED25519_SIGNATURE_BYTES) parsed.v1a.push(bytes)
    else parsed.malformed.push(entry)
  }
  return parsed
}

export function verifyStandardWebhooks(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions): VerifyResult {
  const prefix = standardWebhooksVariant(delivery) === 'svix' ? 'svix' : 'webhook'
  const explanation = newExplanation('standard-webhooks', ALGORITHM, `${prefix}-signature header`)
  // A header that came more than once reaches the libraries as Node's http server joins it: ", " between the values.
  const read = (name: string): string | undefined => {
    const values = headerValues(delivery.headers, name)
    if (values.length > 1) explanation.notes.push(repeatedHeaderNote(name, values.length))
    return values.length === 0 ? undefined : values.join(', ')
  }
  const id = read(`${prefix}-id`)
  const timestampText = read(`${prefix}-timestamp`)
  const signatureHeader = read(`${prefix}-signature`)
  const missing = [
    [`${prefix}-id`, id],
    [`${prefix}-timestamp`, timestampText],
    [`${prefix}-signature`, signatureHeader],
  ]
    .filter(([, value]) => value === undefined)
    .map(([name]) => name)
  if (id === undefined || timestampText === undefined || signatureHeader === undefined) {
    return result(invalidVerdict('missing-header', `missing ${missing.join(', ')}`), explanation)
  }
  if (!/^\d{1,12}$/.test(timestampText.trim())) return result(invalidVerdict('malformed-signature', `${prefix}-timestamp is not Unix seconds`), explanation)
  explanation.receivedSignatures.push(...signatureHeader.split(' ').filter((entry) => entry.length > 0))
  const signatures = parseStandardWebhookSignatures(signatureHeader)
  for (const entry of signatures.malformed)
    explanation.notes.push(`skipped ${JSON.stringify(entry)}: a v1 entry is base64 of 32 bytes, a v1a entry base64 of 64 bytes`)
  if (signatures.ignored.length > 0) explanation.notes.push(`ignored entries of other versions: ${signatures.ignored.join(' ')}`)
  if (signatures.v1.length === 0 && signatures.v1a.length === 0) {
    return result(
      invalidVerdict('malformed-signature', `${prefix}-signature has no "v1,<base64 of 32 bytes>" or "v1a,<base64 of 64 bytes>" entry`),
      explanation,
    )
  }

  const tolerance = options.toleranceSeconds ?? STANDARD_WEBHOOKS_TOLERANCE_SECONDS
  const seconds = Number(timestampText.trim())
  const timestamp = checkTimestamp(seconds, options.now, options.arrivalUnknown ? null : tolerance, 'symmetric')
  explanation.timestamp = timestamp
  // The libraries (JS, Python, Go) parse the header and sign the number they read: "01614265330"
  // is checked as 1614265330, as they do, not as the text received.
  const signedTimestamp = String(seconds)
  const signed = standardWebhooksSignedContent(id, signedTimestamp, delivery.body)
  const secrets = usableSecrets(keys, explanation)
  const publicKeys = usablePublicKeys(keys, explanation)
  const checksV1 = signatures.v1.length > 0 && secrets.usable.length > 0
  const checksV1a = signatures.v1a.length > 0 && publicKeys.usable.length > 0
  if (!checksV1 && !checksV1a) return result(nothingToCheck(signatures, secrets, publicKeys, signed, explanation), explanation)
  if (signatures.v1.length > 0 && !checksV1)
    explanation.notes.push(`${signatures.v1.length} v1 signature(s) not checked: no usable Standard Webhooks secret (whsec_...) configured`)
  if (signatures.v1a.length > 0 && !checksV1a)
    explanation.notes.push(`${signatures.v1a.length} v1a signature(s) not checked: no Standard Webhooks public key (whpk_...) configured`)

  // As the reference libraries do, stop at the first entry that verifies.
  let matched: { variant: string; key: ProviderKey } | null = null
  let misspelled = false
  // The standardwebhooks package hashes the body as payload.toString() reads it (v1a has no JavaScript reference: raw bytes).
  const v1Body = checksV1 ? bodyAsLibraryText(delivery.body, 'to-string') : delivery.body
  if (v1Body !== delivery.body) explanation.notes.push(decodedBodyNote('the standardwebhooks package', 'to-string', 'a Standard Webhooks sender'))
  const v1Signed = v1Body === delivery.body ? signed : standardWebhooksSignedContent(id, signedTimestamp, v1Body)
  if (checksV1) {
    const hmac = checkHmacCandidates({
      candidates: secrets.usable,
      algorithm: 'sha256',
      signed: v1Signed,
      received: signatures.v1,
      encode: (mac) => `v1,${mac.toString('base64')}`,
      variant: V1_VARIANT,
      explanation,
    })
    const mac = hmac.computed[hmac.computed.length - 1]
    // The reference libraries compare the base64 text: the right MAC without its padding fails there.
    if (hmac.matched && mac && signatures.v1Texts.includes(mac.toString('base64'))) matched = { variant: V1_VARIANT, key: hmac.matched }
    else if (hmac.matched) misspelled = true
  }
  if (!matched && checksV1a) {
    const ed25519 = checkEd25519Candidates({ candidates: publicKeys.usable, signed, received: signatures.v1a, variant: V1A_VARIANT, explanation })
    if (ed25519.matched) matched = { variant: V1A_VARIANT, key: ed25519.matched }
  }

  const age = describeSkew(timestamp.skewSeconds)
  if (matched) {
    const signedBy = `a ${matched.variant} signature verifies with ${keyLabel(matched.key)} (fingerprint ${keyFingerprint(matched.key)})`
    const timing = options.arrivalUnknown ? ARRIVAL_UNKNOWN_TIMING : `timestamp ${age} (tolerance ±${tolerance} s)`
    if (timestamp.withinTolerance) return result(validVerdict(`${prefix === 'svix' ? 'svix ' : ''}${matched.variant}`, `${signedBy}; ${timing}`), explanation)
    return result(
      invalidVerdict(
        'stale-timestamp',
        `timestamp outside tolerance: ${prefix}-timestamp ${timestampText.trim()}, ${age}, tolerance ±${tolerance} s (${signedBy})`,
      ),
      explanation,
    )
  }
  if (misspelled)
    return result(
      invalidVerdict(
        'wrong-encoding',
        `encoding mismatch: a v1 entry holds the right HMAC but not as Standard Webhooks writes it (44 base64 characters ending in '='); the standardwebhooks libraries compare the text, so they refuse it`,
      ),
      explanation,
    )
  if (v1Body !== delivery.body && secrets.usable.some((secret) => signatures.v1.some((mac) => bytesEqual(hmacBytes('sha256', secret.secret, [signed]), mac))))
    return result(decodedBodyRefusal('v1', 'the standardwebhooks package'), explanation)
  const checked = [checksV1 ? 'v1' : null, checksV1a ? 'v1a' : null].filter((version) => version !== null).join(' or ')
  return result(
    invalidVerdict(
      'signature-mismatch',
      `signature mismatch: no ${checked} signature verifies with a configured key (the id, the timestamp, the body or the key differ)${timestamp.withinTolerance ? '' : `; the timestamp is also outside tolerance (${age})`}`,
    ),
    explanation,
  )
}

interface KeysOfVersion<Candidate> {
  /** Keys of this version configured on the endpoint. */
  configured: number
  usable: Candidate[]
}

/** Secrets that decode (`whsec_<base64>`); the others are recorded as failed attempts. */
function usableSecrets(keys: readonly ProviderKey[], explanation: SignatureExplanation): KeysOfVersion<HmacSecretCandidate> {
  const configured = hmacSecretsFor(keys, 'standard-webhooks')
  const usable: HmacSecretCandidate[] = []
  for (const key of configured) {
    const secret = standardWebhooksKey(key.value)
    if (secret) usable.push({ key, secret })
    else
      explanation.attempts.push(
        makeAttempt({
          variant: V1_VARIANT,
          matched: false,
          keyFingerprint: keyFingerprint(key),
          keyLabel: keyLabel(key),
          detail: 'the secret is not whsec_<base64>',
        }),
      )
  }
  return { configured: configured.length, usable }
}

/** Public keys that load; they are validated on entry, so a failure here means a damaged store. */
function usablePublicKeys(keys: readonly ProviderKey[], explanation: SignatureExplanation): KeysOfVersion<Ed25519Candidate> {
  const configured = ed25519PublicKeysFor(keys)
  const usable: Ed25519Candidate[] = []
  for (const key of configured) {
    const parsed = parseEd25519PublicKey(key.value)
    if (parsed.ok) usable.push({ key, publicKey: parsed.key })
    else
      explanation.attempts.push(
        makeAttempt({ variant: V1A_VARIANT, matched: false, keyFingerprint: keyFingerprint(key), keyLabel: keyLabel(key), detail: parsed.message }),
      )
  }
  return { configured: configured.length, usable }
}

/**
 * The verdict when no received entry has a usable key of its version: "no key configured", naming
 * the key each version needs (a whsec_ secret for v1, the sender's whpk_ public key for v1a), or
 * `unusable-key` when the keys that would apply are configured but do not load.
 */
function nothingToCheck(
  signatures: StandardWebhookSignatures,
  secrets: KeysOfVersion<HmacSecretCandidate>,
  publicKeys: KeysOfVersion<Ed25519Candidate>,
  signed: Buffer,
  explanation: SignatureExplanation,
): SignatureVerdict {
  const hasV1 = signatures.v1.length > 0
  const hasV1a = signatures.v1a.length > 0
  if ((hasV1 && secrets.configured > 0) || (hasV1a && publicKeys.configured > 0)) {
    return invalidVerdict('unusable-key', 'no configured key for these signatures loads: a secret must be whsec_<base64>, a public key whpk_<base64>')
  }
  if (hasV1)
    explanation.attempts.push(
      makeAttempt({ variant: V1_VARIANT, matched: false, ...signedStringFields(signed), detail: 'no secret configured: nothing to compute' }),
    )
  if (hasV1a)
    explanation.attempts.push(
      makeAttempt({ variant: V1A_VARIANT, matched: false, ...signedStringFields(signed), detail: 'no public key configured: nothing to check' }),
    )
  if (hasV1 && hasV1a) {
    return noKeyVerdict(
      "no Standard Webhooks secret (whsec_...) or public key (whpk_...) configured for this endpoint: v1 signatures are checked with the secret, v1a signatures with the sender's public key",
    )
  }
  if (hasV1a) {
    const secretNote = secrets.configured > 0 ? ' (a whsec_ secret checks only v1 signatures)' : ''
    return noKeyVerdict(
      `no Standard Webhooks public key (whpk_...) configured: this delivery carries only v1a (ed25519) signatures, which are checked with the sender's public key${secretNote}`,
    )
  }
  const publicKeyNote = publicKeys.configured > 0 ? ' (a whpk_ public key checks only v1a signatures, and this delivery has none)' : ''
  return noKeyVerdict(`no Standard Webhooks / Svix secret (whsec_...) configured for this endpoint${publicKeyNote}`)
}

/** Standard Webhooks payloads are `{type, timestamp, data}`; the generic view shows them well. */
export function parseStandardWebhooks(delivery: Delivery): DeliverySummary {
  const summary = genericSummary(delivery.body)
  const id = headerValue(delivery.headers, 'webhook-id') ?? headerValue(delivery.headers, 'svix-id')
  if (id) summary.fields.unshift({ label: 'Message id', value: id })
  return summary
}

// Standard Webhooks, https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md:
// an example schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h); each
// sender picks its own.
const STANDARD_WEBHOOKS_RETRIES: RetrySchedule = {
  provider: 'standard-webhooks',
  title: 'Standard Webhooks / Svix',
  kind: 'example-times',
  description:
    'The specification’s example: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h after each failure. Each sender may use its own.',
  successRule: 'any 2xx',
  retries: [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR].map(fromPrevious),
  sourceUrl: 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
  sourceTitle: 'Standard Webhooks specification',
  confirmed: true,
  caveat: null,
}

function checkStandardWebhooksSecret(value: string): string | null {
  if (value.startsWith(WHPK_PREFIX))
    return 'this is a v1a (ed25519) public key: add it with the kind "Standard Webhooks public key (v1a)"; an HMAC secret looks like whsec_<base64>'
  if (value.startsWith(WHSK_PREFIX))
    return 'this is a v1a (ed25519) private key: verification needs the sender\'s public key (whpk_...), added with the kind "Standard Webhooks public key (v1a)"; a private key is only for re-signing'
  if (!value.startsWith('whsec_')) return 'a Standard Webhooks / Svix secret looks like whsec_<base64>'
  if (!decodeBase64Strict(value.slice('whsec_'.length))) return 'the part after whsec_ must be base64'
  return null
}

/**
 * Standard Webhooks: a `v1` entry with the secret (`whsec_`), a `v1a` entry with the ed25519
 * private key (`whsk_` or PEM), both when both are at hand. A captured entry whose key is missing
 * is dropped rather than resent: it covered the old timestamp, so it could only fail.
 */
function resignStandardWebhooks(draft: SigningDraft, keys: readonly SigningKey[], nowSeconds: number): void {
  const prefix = draft.header('webhook-signature') !== undefined ? 'webhook-' : draft.header('svix-signature') !== undefined ? 'svix-' : null
  if (prefix === null) return
  // GoCardless sends a `Webhook-Signature` too (64 hex, no id or timestamp): not this scheme's to re-sign.
  if (prefix === 'webhook-' && draft.header('webhook-id') === undefined && draft.header('webhook-timestamp') === undefined) {
    if (!/^v1a?,/.test((draft.header('webhook-signature') ?? '').trim())) return
  }
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
function loadStandardWebhooksPrivateKey(draft: SigningDraft, supplied: Ed25519PrivateKey | undefined): { key: KeyObject; fingerprint: string } | undefined {
  if (!supplied) return undefined
  const parsed = parseEd25519PrivateKey(supplied.value)
  if (!parsed.ok) {
    draft.skip('standard-webhooks-v1a', 'standard-webhooks', `the ed25519 private key does not load: ${parsed.message}`)
    return undefined
  }
  return { key: parsed.key, fingerprint: ed25519Fingerprint(parsed.key) }
}

/**
 * The user's ed25519 private key when one is given, else a fresh pair. A given key that does not
 * load is refused: silently signing with another key would make the receiving side fail for a
 * reason the user cannot see.
 */
function ed25519SigningPair(keys: readonly SigningKey[]): { privateKey: KeyObject; generated: boolean } {
  const given = ed25519PrivateKeyFor(keys)
  if (!given) return { privateKey: generateKeyPairSync('ed25519').privateKey, generated: true }
  const parsed = parseEd25519PrivateKey(given.value)
  if (!parsed.ok) throw new InspectorError('BAD_REQUEST', `the ed25519 private key does not load: ${parsed.message}`)
  return { privateKey: parsed.key, generated: false }
}

/** A simulated callback: `v1a` (ed25519) when the template asks for a key pair, else `v1` (HMAC). */
function simulateStandardWebhook(input: SimulationInput): SimulationResult {
  const body = input.serialise(input.body)
  const id = `msg_${randomFrom(ALPHANUMERIC, 27)}`
  const timestamp = Math.floor(input.now.getTime() / 1000)
  if (input.keyKind === 'ed25519-key-pair') {
    const pair = ed25519SigningPair(input.keys)
    for (const [name, value] of signStandardWebhook({ privateKey: pair.privateKey, id, timestamp, body }).headers) setHeader(input.headers, name, value)
    const publicKeyWhpk = toWhpk(pair.privateKey)
    return {
      body,
      key: {
        kind: 'ed25519-key-pair',
        generated: pair.generated,
        fingerprint: ed25519Fingerprint(pair.privateKey),
        generatedSecret: null,
        publicKeyPem: null,
        publicKeyWhpk,
      },
      verificationKey: { kind: 'ed25519-public-key', provider: 'standard-webhooks', value: publicKeyWhpk },
      keyPair: null,
    }
  }
  const secret = simulationSecret(input.keys, 'standard-webhooks', standardWebhooksProvider.hmacSecret.generate)
  for (const [name, value] of signStandardWebhook({ secret: secret.key.value, id, timestamp, body }).headers) setHeader(input.headers, name, value)
  return signedWithSecret(secret, body)
}

export const standardWebhooksProvider: ProviderModule<'standard-webhooks'> = {
  id: 'standard-webhooks',
  rules: {
    signatureHeader: ({ delivery }) => {
      if (!hasHeader(delivery, 'webhook-signature') && !hasHeader(delivery, 'svix-signature')) return null
      const variant = standardWebhooksVariant(delivery)
      return { variant, detectedBy: `${variant === 'svix' ? 'svix' : 'webhook'}-signature header` }
    },
  },
  variantOf: standardWebhooksVariant,
  parse: parseStandardWebhooks,
  verify: verifyStandardWebhooks,
  acknowledgement: () => ({
    ...generic2xx('A Standard Webhooks sender', 'and retry'),
    explainStatus: (status) => {
      if (status === 410) return 'A Standard Webhooks sender will take 410 as a request to disable this endpoint: it expects a 2xx answer'
      if (status === 429 || status === 502 || status === 504) {
        return `A Standard Webhooks sender will treat this as a failure and slow down its deliveries (${status} means throttle) before retrying: it expects a 2xx answer`
      }
      return null
    },
  }),
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'a Standard Webhooks sender' },
  keyKinds: ['hmac-secret', 'ed25519-public-key'],
  hmacSecret: { check: checkStandardWebhooksSecret, generate: () => `whsec_${randomBytes(24).toString('base64')}` },
  deliveryIdentity: {
    label: 'message id (webhook-id)',
    // The spec's message id, the same on every retry.
    parts: ({ headers }) => {
      const id = headerValue(headers, 'webhook-id') ?? headerValue(headers, 'svix-id')
      return id === undefined ? null : [id]
    },
  },
  resign: {
    signatureHeaders: { scheme: 'standard-webhooks', apply: (draft, keys, { nowSeconds }) => resignStandardWebhooks(draft, keys, nowSeconds) },
  },
  simulate: { keyKinds: ['hmac-secret', 'ed25519-key-pair'], sign: simulateStandardWebhook },
  retrySchedule: () => STANDARD_WEBHOOKS_RETRIES,
}
