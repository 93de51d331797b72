/**
 * Standard Webhooks / Svix (standard-webhooks `spec/standard-webhooks.md`, `libraries/javascript`):
 * headers `webhook-id`, `webhook-timestamp`, `webhook-signature` (Svix: `svix-*`), the signature
 * header a space-separated list of `v1,<base64>` (HMAC) and `v1a,<base64>` (ed25519) entries.
 * v1 = base64(HMAC-SHA256(base64decode(secret without "whsec_"), id + "." + timestamp + "." + body)).
 * Timestamps more than the tolerance away from the clock, in either direction, fail.
 */
import { headerValue } from '../../shared/http-message'
import type { DeliverySummary, ProviderKey, ProviderVariant } from '../../shared/providers'
import { decodeBase64Strict } from './crypto-utils'
import { checkHmacCandidates, type HmacSecretCandidate } from './hmac-check'
import { hmacSecretsFor, keyFingerprint, keyLabel } from './keys'
import { genericSummary } from './summary'
import {
  HMAC_MISMATCH,
  checkTimestamp,
  concatBytes,
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

export const STANDARD_WEBHOOKS_TOLERANCE_SECONDS = 300
const SECRET_PREFIX = 'whsec_'

/** `standard` for `webhook-*` headers, `svix` for `svix-*`. */
export function standardWebhooksVariant(delivery: Delivery): Extract<ProviderVariant, 'standard' | 'svix'> {
  return headerValue(delivery.headers, 'webhook-signature') === undefined && headerValue(delivery.headers, 'svix-signature') !== undefined ? 'svix' : 'standard'
}

/** The HMAC key: the secret without `whsec_`, base64-decoded. `null` when it is not base64. */
export function standardWebhooksKey(secret: string): Buffer | null {
  return decodeBase64Strict(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret)
}

/** Signs as `new Webhook(secret).sign(id, date, payload)` does: returns `v1,<base64>`. */
export function signStandardWebhook(input: { secret: string; id: string; timestamp: number; body: Buffer | string }): { signature: string; signedMessage: string; headers: Array<[string, string]> } {
  const key = standardWebhooksKey(input.secret)
  if (!key) throw new Error('the secret is not whsec_<base64>')
  const signed = concatBytes([`${input.id}.${input.timestamp}.`, input.body])
  const signature = `v1,${hmacBytes('sha256', key, [signed]).toString('base64')}`
  return {
    signature,
    signedMessage: signed.toString('utf8'),
    headers: [['webhook-id', input.id], ['webhook-timestamp', String(input.timestamp)], ['webhook-signature', signature]],
  }
}

export function verifyStandardWebhooks(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions): VerifyResult {
  const prefix = standardWebhooksVariant(delivery) === 'svix' ? 'svix' : 'webhook'
  const explanation = newExplanation('standard-webhooks-v1', 'base64(HMAC-SHA256(base64decode(secret), id + "." + timestamp + "." + rawBody)), |now − timestamp| ≤ tolerance', `${prefix}-signature header`)
  const id = headerValue(delivery.headers, `${prefix}-id`)
  const timestampText = headerValue(delivery.headers, `${prefix}-timestamp`)
  const signatureHeader = headerValue(delivery.headers, `${prefix}-signature`)
  const missing = [[`${prefix}-id`, id], [`${prefix}-timestamp`, timestampText], [`${prefix}-signature`, signatureHeader]].filter(([, value]) => value === undefined).map(([name]) => name)
  if (id === undefined || timestampText === undefined || signatureHeader === undefined) {
    return result(invalidVerdict('missing-header', `missing ${missing.join(', ')}`), explanation)
  }
  if (!/^\d{1,12}$/.test(timestampText.trim())) return result(invalidVerdict('malformed-signature', `${prefix}-timestamp is not Unix seconds`), explanation)
  const entries = signatureHeader.split(' ').filter((entry) => entry.length > 0)
  explanation.receivedSignatures.push(...entries)
  const received: Buffer[] = []
  let asymmetric = 0
  for (const entry of entries) {
    const comma = entry.indexOf(',')
    const version = comma < 0 ? entry : entry.slice(0, comma)
    if (version === 'v1a') asymmetric++
    if (version !== 'v1') continue
    const bytes = decodeBase64Strict(entry.slice(comma + 1))
    if (bytes && bytes.length === 32) received.push(bytes)
  }
  if (asymmetric > 0) explanation.notes.push(`${asymmetric} v1a (ed25519) signature(s) not checked: only symmetric v1 signatures are supported`)
  if (received.length === 0) {
    return result(
      asymmetric > 0
        ? invalidVerdict('unsupported-algorithm', 'only v1a (ed25519) signatures present; the inspector checks v1 (HMAC) signatures')
        : invalidVerdict('malformed-signature', `${prefix}-signature has no "v1,<base64 of 32 bytes>" entry`),
      explanation,
    )
  }

  const tolerance = options.toleranceSeconds ?? STANDARD_WEBHOOKS_TOLERANCE_SECONDS
  const timestamp = checkTimestamp(Number(timestampText.trim()), options.now, tolerance, 'symmetric')
  explanation.timestamp = timestamp
  const signed = concatBytes([`${id}.${timestampText.trim()}.`, delivery.body])
  const secrets = hmacSecretsFor(keys, 'standard-webhooks')
  if (secrets.length === 0) {
    explanation.attempts.push(makeAttempt({ variant: 'v1', matched: false, ...signedStringFields(signed), detail: 'no secret configured: nothing to compute' }))
    return result(noKeyVerdict('no Standard Webhooks / Svix secret (whsec_...) configured for this endpoint'), explanation)
  }
  const candidates: HmacSecretCandidate[] = []
  for (const key of secrets) {
    const secret = standardWebhooksKey(key.value)
    if (secret) candidates.push({ key, secret })
    else explanation.attempts.push(makeAttempt({ variant: 'v1', matched: false, keyFingerprint: keyFingerprint(key), keyLabel: keyLabel(key), detail: 'the secret is not whsec_<base64>' }))
  }
  if (candidates.length === 0) return result(invalidVerdict('unusable-key', 'no configured secret is whsec_<base64>'), explanation)

  const { matched } = checkHmacCandidates({
    candidates,
    algorithm: 'sha256',
    signed,
    received,
    encode: (mac) => `v1,${mac.toString('base64')}`,
    variant: `v1 (${received.length} of ${entries.length} signature${entries.length === 1 ? '' : 's'} checked)`,
    explanation,
  })
  const age = describeSkew(timestamp.skewSeconds)
  if (matched && timestamp.withinTolerance) return result(validVerdict(prefix === 'svix' ? 'svix v1' : 'v1', `a v1 signature matches; timestamp ${age} (tolerance ±${tolerance} s)`), explanation)
  if (matched) return result(invalidVerdict('stale-timestamp', `timestamp outside tolerance: ${age}, tolerance ±${tolerance} s (the signature itself matches)`), explanation)
  return result(invalidVerdict('signature-mismatch', `${HMAC_MISMATCH} (the id, the timestamp, the body or the secret)${timestamp.withinTolerance ? '' : `; the timestamp is also outside tolerance (${age})`}`), explanation)
}

/** Standard Webhooks payloads are `{type, timestamp, data}`; the generic view shows them well. */
export function parseStandardWebhooks(delivery: Delivery): DeliverySummary {
  const summary = genericSummary(delivery.body)
  const id = headerValue(delivery.headers, 'webhook-id') ?? headerValue(delivery.headers, 'svix-id')
  if (id) summary.fields.unshift({ label: 'Message id', value: id })
  return summary
}
