/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex(HMAC-SHA256(secret, rawBody))>`; the legacy
 * `X-Hub-Signature: sha1=<hex>` is checked only when the SHA-256 header is absent
 * (github/docs `validating-webhook-deliveries.md`).
 */
import { headerValue, setHeader } from '../../shared/http-message'
import type { DeliverySummary, ProviderKey } from '../../shared/providers'
import { at, firstText, isObject, parseJsonBody, prop } from './body'
import { decodeHexStrict } from '../crypto/bytes'
import { checkHmacCandidates } from './hmac-check'
import { keyFingerprint } from '../keys/describe-key'
import { hmacSecretsFor } from '../keys/key-lookups'
import { emptySummary, genericSummary, pushField } from './summary'
import {
  HMAC_MISMATCH,
  hmacBytes,
  invalidVerdict,
  newExplanation,
  noKeyVerdict,
  result,
  validVerdict,
  type Delivery,
  type VerifyOptions,
  type VerifyResult,
} from './verification'
import { createHmac, randomBytes } from 'node:crypto'
import type { RetrySchedule } from '../../shared/deliveries'
import { COMMON_URL_RULES, generic2xx, hasHeader, warnAboutSurroundingWhitespace } from './module-parts'
import type { ProviderModule } from './provider-module'
import { signedWithSecret, simulationSecret } from './simulation'
import type { SigningDraft } from './signing-draft'
import { hmacSecretFor, type HmacKey } from './signing-keys'

/** Value for X-Hub-Signature-256 (what `@octokit/webhooks-methods` `sign` returns). */
export function signGithub(secret: string, body: Buffer | string): string {
  return `sha256=${hmacBytes('sha256', secret, [typeof body === 'string' ? Buffer.from(body, 'utf8') : body]).toString('hex')}`
}

export function verifyGithub(delivery: Delivery, keys: readonly ProviderKey[], _options?: VerifyOptions): VerifyResult {
  const sha256 = headerValue(delivery.headers, 'X-Hub-Signature-256')
  const sha1 = headerValue(delivery.headers, 'X-Hub-Signature')
  const useLegacy = sha256 === undefined && sha1 !== undefined
  const headerName = useLegacy ? 'X-Hub-Signature' : 'X-Hub-Signature-256'
  const algorithm = useLegacy ? 'sha1' : 'sha256'
  const explanation = newExplanation(
    useLegacy ? 'github-hmac-sha1' : 'github-hmac-sha256',
    `"${algorithm}=" + hex(HMAC-${algorithm.toUpperCase()}(secret, rawBody))`,
    `${headerName} header`,
  )
  const header = sha256 ?? sha1
  if (header === undefined)
    return result(invalidVerdict('missing-header', 'no X-Hub-Signature-256 header (GitHub signs deliveries only when the webhook has a secret)'), explanation)
  explanation.receivedSignatures.push(header)
  if (useLegacy) explanation.notes.push('only the legacy SHA-1 header is present; GitHub recommends X-Hub-Signature-256')
  const prefix = `${algorithm}=`
  const received = header.startsWith(prefix) ? decodeHexStrict(header.slice(prefix.length)) : null
  const expectedBytes = algorithm === 'sha1' ? 20 : 32
  if (!received || received.length !== expectedBytes)
    return result(invalidVerdict('malformed-signature', `${headerName} is not "${prefix}<${expectedBytes * 2} hex characters>"`), explanation)
  const secrets = hmacSecretsFor(keys, 'github')
  if (secrets.length === 0) return result(noKeyVerdict('no GitHub webhook secret configured for this endpoint'), explanation)
  const variant = useLegacy ? 'legacy SHA-1' : 'SHA-256'
  const { matched } = checkHmacCandidates({
    candidates: secrets.map((key) => ({ key, secret: key.value })),
    algorithm,
    signed: delivery.body,
    received: [received],
    encode: (mac) => `${prefix}${mac.toString('hex')}`,
    variant,
    explanation,
  })
  if (matched) return result(validVerdict(variant, `${headerName} matches`), explanation)
  return result(invalidVerdict('signature-mismatch', HMAC_MISMATCH), explanation)
}

/** Summary of a GitHub delivery: event from the header, action and repository from the body. */
export function parseGithub(delivery: Delivery): DeliverySummary {
  const json = parseJsonBody(delivery.body)
  const summary = isObject(json) ? emptySummary('json') : genericSummary(delivery.body)
  const event = headerValue(delivery.headers, 'X-GitHub-Event') ?? null
  const action = isObject(json) ? firstText(json.action) : null
  summary.eventType = event && action ? `${event}.${action}` : event
  summary.status = action
  summary.providerObjectId = headerValue(delivery.headers, 'X-GitHub-Delivery') ?? null
  const fields = summary.fields
  pushField(fields, 'Event', event)
  pushField(fields, 'Action', action)
  pushField(fields, 'Delivery', summary.providerObjectId)
  pushField(fields, 'Hook id', headerValue(delivery.headers, 'X-GitHub-Hook-ID'))
  if (isObject(json)) {
    pushField(fields, 'Repository', at(json, 'repository', 'full_name'))
    pushField(fields, 'Sender', at(json, 'sender', 'login'))
    pushField(fields, 'Zen', prop(json, 'zen'))
    pushField(fields, 'Ref', prop(json, 'ref'))
  }
  return summary
}

const GITHUB_TIMEOUT_MS = 10_000

// GitHub, https://docs.github.com/en/webhooks/testing-and-troubleshooting-webhooks/redelivering-webhooks:
// failed deliveries are not redelivered automatically.
const GITHUB_RETRIES: RetrySchedule = {
  provider: 'github',
  title: 'GitHub',
  kind: 'no-automatic-retries',
  description: 'GitHub does not retry failed deliveries: a second attempt is a redelivery someone asked for (in the settings or through the API).',
  successRule: 'any 2xx within 10 s',
  retries: [],
  sourceUrl: 'https://docs.github.com/en/webhooks/testing-and-troubleshooting-webhooks/redelivering-webhooks',
  sourceTitle: 'GitHub: redelivering webhooks',
  confirmed: true,
  caveat: null,
}

function resignGithub(draft: SigningDraft, key: HmacKey | undefined): void {
  const has256 = draft.header('X-Hub-Signature-256') !== undefined
  const has1 = draft.header('X-Hub-Signature') !== undefined
  if (!has256 && !has1) return
  if (!key) {
    draft.noKey('github-hmac', 'github', 'GitHub webhook secret')
    return
  }
  const change = { scheme: 'github-hmac', provider: 'github' as const, keyFingerprint: keyFingerprint(key) }
  if (has256) draft.setHeader('X-Hub-Signature-256', signGithub(key.value, draft.body), change)
  // The legacy SHA-1 header: the provider library signs SHA-256 only, so it is computed here.
  if (has1) draft.setHeader('X-Hub-Signature', `sha1=${createHmac('sha1', key.value).update(draft.body).digest('hex')}`, change)
}

export const githubProvider: ProviderModule<'github'> = {
  id: 'github',
  rules: {
    header: ({ delivery }) => {
      if (hasHeader(delivery, 'X-Hub-Signature-256')) return { variant: 'webhook', detectedBy: 'X-Hub-Signature-256 header' }
      return hasHeader(delivery, 'X-GitHub-Event') ? { variant: 'webhook', detectedBy: 'X-GitHub-Event header' } : null
    },
  },
  variantOf: () => 'webhook',
  parse: parseGithub,
  verify: verifyGithub,
  acknowledgement: () => generic2xx('GitHub', '(it does not redeliver on its own; redeliver by hand or through the API)', GITHUB_TIMEOUT_MS),
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'GitHub' },
  keyKinds: ['hmac-secret'],
  hmacSecret: { check: warnAboutSurroundingWhitespace, generate: () => randomBytes(24).toString('hex') },
  deliveryIdentity: {
    label: 'delivery GUID (X-GitHub-Delivery)',
    parts: ({ summary }) => (summary.objectId === null ? null : [summary.objectId]),
  },
  resign: {
    signatureHeaders: { scheme: 'github-hmac', apply: (draft, keys) => resignGithub(draft, hmacSecretFor(keys, 'github')) },
  },
  simulate: {
    keyKinds: ['hmac-secret'],
    sign: (input) => {
      const secret = simulationSecret(input.keys, 'github', githubProvider.hmacSecret.generate)
      const body = input.serialise(input.body)
      setHeader(input.headers, 'X-Hub-Signature-256', signGithub(secret.key.value, body))
      return signedWithSecret(secret, body)
    },
  },
  retrySchedule: () => GITHUB_RETRIES,
}
