/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex(HMAC-SHA256(secret, rawBody))>`; the legacy
 * `X-Hub-Signature: sha1=<hex>` is checked only when the SHA-256 header is absent
 * (github/docs `validating-webhook-deliveries.md`).
 */
import { randomBytes } from 'node:crypto'
import type { RetrySchedule } from '../../shared/deliveries'
import { headerValue } from '../../shared/http-message'
import type { DeliverySummary, ProviderKey } from '../../shared/providers'
import { keyFingerprint } from '../keys/describe-key'
import { at, firstText, isObject, parseFormBody, parseJsonBody, prop, type JsonValue } from './body'
import {
  bodyHmacHeaderExplanation,
  bodyHmacHeaderSimulation,
  bodyHmacHeaderTexts,
  signBodyHmacHeader,
  upperCaseHexMessage,
  utf8SecretCandidates,
  verifyBodyHmacHeader,
  type BodyHmacHeaderScheme,
} from './body-hmac-header'
import { COMMON_URL_RULES, generic2xx, hasHeader, warnAboutSurroundingWhitespace } from './module-parts'
import type { ProviderModule } from './provider-module'
import type { SigningDraft } from './signing-draft'
import { hmacSecretFor, type HmacKey } from './signing-keys'
import { emptySummary, genericSummary, pushField } from './summary'
import { invalidVerdict, result, type Delivery, type VerifyOptions, type VerifyResult } from './verification'

/** `X-Hub-Signature-256: "sha256=" + hex(HMAC-SHA256(secret, rawBody))`, compared as a whole text by @octokit/webhooks-methods (so upper-case hex fails). */
export const GITHUB_SHA256: BodyHmacHeaderScheme = githubScheme('sha256', 'X-Hub-Signature-256', 'SHA-256')
/** The legacy `X-Hub-Signature: "sha1=" + hex(HMAC-SHA1(secret, rawBody))`. */
export const GITHUB_SHA1: BodyHmacHeaderScheme = githubScheme('sha1', 'X-Hub-Signature', 'legacy SHA-1')

function githubScheme(algorithm: 'sha1' | 'sha256', headerName: string, variant: string): BodyHmacHeaderScheme {
  const prefix = `${algorithm}=`
  const hexChars = algorithm === 'sha1' ? 40 : 64
  return {
    scheme: `github-hmac-${algorithm}`,
    formula: `"${prefix}" + hex(HMAC-${algorithm.toUpperCase()}(secret, rawBody))`,
    headerName,
    algorithm,
    encoding: 'hex',
    prefix: { text: prefix, required: true },
    keepWhitespace: true,
    variant,
    malformed: () => `${headerName} is not "${prefix}<${hexChars} hex characters>"`,
    noKey: { message: 'no GitHub webhook secret configured for this endpoint' },
    upperCaseHex: upperCaseHexMessage(headerName, 'GitHub'),
  }
}

/** Value for X-Hub-Signature-256 (what `@octokit/webhooks-methods` `sign` returns). */
export function signGithub(secret: string, body: Buffer | string): string {
  return signBodyHmacHeader(GITHUB_SHA256, secret, body)
}

export function verifyGithub(delivery: Delivery, keys: readonly ProviderKey[], _options?: VerifyOptions): VerifyResult {
  // The legacy SHA-1 header is checked only when the SHA-256 one is absent.
  const useLegacy = headerValue(delivery.headers, GITHUB_SHA256.headerName) === undefined && headerValue(delivery.headers, GITHUB_SHA1.headerName) !== undefined
  const scheme = useLegacy ? GITHUB_SHA1 : GITHUB_SHA256
  const explanation = bodyHmacHeaderExplanation(scheme)
  const texts = bodyHmacHeaderTexts(scheme, delivery, explanation.notes)
  if (texts.length === 0)
    return result(invalidVerdict('missing-header', 'no X-Hub-Signature-256 header (GitHub signs deliveries only when the webhook has a secret)'), explanation)
  if (useLegacy) explanation.notes.push('only the legacy SHA-1 header is present; GitHub recommends X-Hub-Signature-256')
  const outcome = verifyBodyHmacHeader(scheme, texts, delivery.body, utf8SecretCandidates(keys, 'github'), explanation)
  return delivery.body.length === 0 ? emptyPayloadResult(outcome, scheme.headerName) : outcome
}

/**
 * @octokit/webhooks-methods' verify refuses an empty payload before computing anything (it throws
 * "secret, eventPayload & signature required"), and GitHub sends every event with a body: an empty
 * one is never valid, with or without a key, even when the header is the HMAC of no bytes.
 */
function emptyPayloadResult(outcome: VerifyResult, headerName: string): VerifyResult {
  const { verdict, explanation } = outcome
  const hmacOfNothing =
    verdict.status === 'valid'
      ? `${headerName} is the HMAC of no bytes under the configured secret`
      : verdict.status === 'no-key'
        ? 'no secret is configured to tell whether it is the HMAC of no bytes'
        : `${headerName} is not the HMAC of no bytes either (${verdict.message})`
  explanation.notes.push(`the body is empty: ${hmacOfNothing}`)
  explanation.matchedVariant = null
  return result(
    invalidVerdict(
      'malformed-body',
      'the body is empty: GitHub sends every event with a JSON (or form-encoded payload=) body, and @octokit/webhooks-methods refuses an empty payload before checking the signature ("secret, eventPayload & signature required")',
    ),
    explanation,
  )
}

/**
 * The event GitHub sent: the JSON body, or, for a webhook whose content type is
 * `application/x-www-form-urlencoded`, the JSON in the body's `payload` field (GitHub sends
 * `payload=<the JSON, URL-encoded>` and signs those form bytes, not the JSON).
 */
function githubPayload(body: Buffer): { json: JsonValue | undefined; form: boolean } {
  const json = parseJsonBody(body)
  if (json !== undefined) return { json, form: false }
  const payload = parseFormBody(body)?.find(([name]) => name === 'payload')?.[1]
  return payload === undefined ? { json: undefined, form: false } : { json: parseJsonBody(Buffer.from(payload, 'utf8')), form: true }
}

/** Summary of a GitHub delivery: event from the header, action and repository from the body (JSON, or the form's payload field). */
export function parseGithub(delivery: Delivery): DeliverySummary {
  const { json, form } = githubPayload(delivery.body)
  const summary = form ? emptySummary('form') : isObject(json) ? emptySummary('json') : genericSummary(delivery.body)
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
  if (delivery.body.length === 0) summary.problems.push('the body is empty: GitHub sends every event with a JSON (or form-encoded payload=) body')
  if (form && !isObject(json)) summary.problems.push("the form's payload field is not a JSON object: GitHub puts the event's JSON there")
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
  if (has1) draft.setHeader('X-Hub-Signature', signBodyHmacHeader(GITHUB_SHA1, key.value, draft.body), change)
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
  simulate: bodyHmacHeaderSimulation('github', GITHUB_SHA256, () => githubProvider.hmacSecret.generate()),
  retrySchedule: () => GITHUB_RETRIES,
}
