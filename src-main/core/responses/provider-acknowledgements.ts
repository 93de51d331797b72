/**
 * What each payment provider counts as a successful answer, from its webhook documentation,
 * and a plain-language check of a configured answer against it.
 *
 * Where the documentation is thin (Plexo, Swedbank Pay's exact status, Adyen's legacy body), the
 * check says "may" instead of "will": a QA engineer should know which warnings are documented
 * behaviour and which are our reading of incomplete docs.
 */
import { PINNABLE_PROVIDER_IDS, type PinnableProviderId } from '../../shared/provider-catalog'
import { answerBodyText, type AnswerSpec, type RespondAnswerSpec, type ResolvedAnswer } from '../../shared/responses'
import { assertNever } from '../../shared/assert-never'
import { DEFAULT_TEXT_CONTENT_TYPE, resolvedBodyBytes } from './resolve-answer'

/** How a provider would judge an answer it received in time. */
type Judgement = 'success' | 'failure' | 'uncertain'

interface AcknowledgementProfile {
  /** Sentence subject: "IXOPAY", "Shopify", "A Standard Webhooks sender". */
  subject: string
  /** What it expects, after "it expects": "HTTP 200 with body OK". */
  expects: string
  /** What it does on failure, after "will treat this as a failure": "and retry (…)"; empty when undocumented. */
  consequence: string
  /** Its documented acknowledgement, the answer `'provider-default'` sends. */
  acknowledgement: RespondAnswerSpec
  /** Total time it waits for the answer, when documented. */
  timeoutMs: number | null
  judge(status: number, bodyText: string): Judgement
  /** A more specific sentence for some failing statuses (Standard Webhooks' 410, 429, 502, 504). */
  explainStatus?(status: number): string | null
}

/** Providers with a documented acknowledgement, by the id the recogniser reports. */
export const PROVIDERS_WITH_ACKNOWLEDGEMENT = PINNABLE_PROVIDER_IDS.filter((id): id is Exclude<PinnableProviderId, 'generic'> => id !== 'generic')
export type ProviderWithAcknowledgement = (typeof PROVIDERS_WITH_ACKNOWLEDGEMENT)[number]

const SHOPIFY_TIMEOUT_MS = 5_000
const GITHUB_TIMEOUT_MS = 10_000
const ADYEN_TIMEOUT_MS = 10_000

const is2xx = (status: number): boolean => status >= 200 && status <= 299
const any2xx = (status: number): Judgement => (is2xx(status) ? 'success' : 'failure')

function textAnswer(status: number, text: string): RespondAnswerSpec {
  return { kind: 'respond', status, headers: [], body: { text, contentType: DEFAULT_TEXT_CONTENT_TYPE }, delayMs: 0 }
}
const EMPTY_200: RespondAnswerSpec = { kind: 'respond', status: 200, headers: [], body: null, delayMs: 0 }

function generic2xx(subject: string, consequence: string, timeoutMs: number | null = null): AcknowledgementProfile {
  return {
    subject,
    expects: timeoutMs === null ? 'a 2xx answer' : `a 2xx answer within ${timeoutMs / 1000} s`,
    consequence,
    acknowledgement: EMPTY_200,
    timeoutMs,
    judge: any2xx,
  }
}

/** The profile for a provider and variant; null for a provider we know nothing about. */
/** Profiles are built once per provider and variant (the answer objects are then reused). */
const profiles = new Map<string, AcknowledgementProfile | null>()

function profileFor(provider: string, variant: string | undefined): AcknowledgementProfile | null {
  const key = `${provider}\u0000${variant ?? ''}`
  let profile = profiles.get(key)
  if (profile === undefined) {
    profile = buildProfile(provider, variant)
    // Only known providers are kept: the key is whatever a sender made us recognise.
    if (profile !== null) profiles.set(key, profile)
  }
  return profile
}

function buildProfile(provider: string, variant: string | undefined): AcknowledgementProfile | null {
  const flavour = variant?.toLowerCase()
  // Any string may arrive here (the recogniser may learn providers we have no profile for), so
  // the switch ends in `default: null`, not in an exhaustiveness check.
  switch (provider.toLowerCase()) {
    case 'ixopay':
      return {
        subject: 'IXOPAY',
        expects: 'HTTP 200 with body OK',
        consequence: 'and retry',
        acknowledgement: textAnswer(200, 'OK'),
        timeoutMs: null,
        // The SDK example prints exactly "OK"; surrounding whitespace is allowed here (a trailing
        // newline from `echo`-style code is common), which the docs neither allow nor forbid.
        judge: (status, body) => (status === 200 && body.trim() === 'OK' ? 'success' : 'failure'),
      }
    case 'chip':
      return flavour === 'send'
        ? generic2xx('CHIP', 'and retry (up to 25 times over about 21 days)')
        : generic2xx('CHIP', 'and retry (up to about 8 times over 36 hours)')
    case 'plexo':
      if (flavour === 'legacy-envelope' || flavour === 'legacy') {
        return {
          subject: 'Plexo (legacy signed API)',
          expects: "a ClientSignedResponse JSON signed with the merchant's private key, which the inspector cannot sign",
          consequence: '',
          acknowledgement: EMPTY_200,
          timeoutMs: null,
          judge: (status, body) => (!is2xx(status) ? 'failure' : looksLikeSignedEnvelope(body) ? 'success' : 'uncertain'),
        }
      }
      // The REST API's acknowledgement and retries are undocumented; 2xx is the usual contract.
      return { ...generic2xx('Plexo', ''), judge: (status) => (is2xx(status) ? 'success' : 'uncertain') }
    case 'swedbankpay':
      return {
        subject: 'Swedbank Pay',
        expects: 'HTTP 200 OK',
        consequence: 'and retry (up to 8 times)',
        acknowledgement: EMPTY_200,
        timeoutMs: null,
        // Its docs name 200 OK, while a sequence diagram says 2xx: other 2xx are a maybe.
        judge: (status) => (status === 200 ? 'success' : is2xx(status) ? 'uncertain' : 'failure'),
      }
    case 'stripe':
      return generic2xx('Stripe', 'and retry (for up to 3 days in live mode, a few times over hours in a sandbox)')
    case 'standard-webhooks':
      return {
        ...generic2xx('A Standard Webhooks sender', 'and retry'),
        explainStatus: (status) => {
          if (status === 410) return 'A Standard Webhooks sender will take 410 as a request to disable this endpoint: it expects a 2xx answer'
          if (status === 429 || status === 502 || status === 504) {
            return `A Standard Webhooks sender will treat this as a failure and slow down its deliveries (${status} means throttle) before retrying: it expects a 2xx answer`
          }
          return null
        },
      }
    case 'github':
      return generic2xx('GitHub', '(it does not redeliver on its own; redeliver by hand or through the API)', GITHUB_TIMEOUT_MS)
    case 'shopify':
      return {
        ...generic2xx('Shopify', 'and retry (8 times over 4 hours, after which it may delete the subscription)', SHOPIFY_TIMEOUT_MS),
        expects: `a 200-series answer within ${SHOPIFY_TIMEOUT_MS / 1000} s`,
      }
    case 'adyen':
      if (flavour === 'classic') {
        return {
          subject: 'Adyen',
          expects: `a 2xx answer with body [accepted] within ${ADYEN_TIMEOUT_MS / 1000} s (older integrations need the body)`,
          consequence: 'and retry',
          acknowledgement: textAnswer(200, '[accepted]'),
          timeoutMs: ADYEN_TIMEOUT_MS,
          judge: (status, body) => (!is2xx(status) ? 'failure' : body.trim() === '[accepted]' ? 'success' : 'uncertain'),
        }
      }
      return generic2xx('Adyen', 'and retry', ADYEN_TIMEOUT_MS)
    case 'mollie':
      return generic2xx('Mollie', '')
    case 'paypal':
      return generic2xx('PayPal', 'and retry (reportedly up to 25 times over 3 days)')
    default:
      return null
  }
}

function looksLikeSignedEnvelope(body: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body)
    return typeof parsed === 'object' && parsed !== null && 'Object' in parsed && 'Signature' in parsed
  } catch {
    // Not JSON, so not the envelope.
    return false
  }
}

/**
 * The provider's documented acknowledgement (IXOPAY: 200 `OK`; Adyen classic: 200 `[accepted]`;
 * the others: 200 with no body), or null when the provider is not one we know.
 */
export function providerAcknowledgement(provider: string | null, variant?: string): RespondAnswerSpec | null {
  if (provider === null) return null
  return profileFor(provider, variant)?.acknowledgement ?? null
}

/** What the UI can show next to the default answer: what this provider expects, and its timeout. */
export function describeProviderExpectation(provider: string | null, variant?: string): { subject: string; expects: string; timeoutMs: number | null } | null {
  if (provider === null) return null
  const profile = profileFor(provider, variant)
  return profile === null ? null : { subject: profile.subject, expects: profile.expects, timeoutMs: profile.timeoutMs }
}

function bodyTextOf(answer: AnswerSpec | ResolvedAnswer): string {
  if (answer.kind !== 'respond' || answer.body === null) return ''
  const body = answer.body
  if ('encoding' in body) return resolvedBodyBytes(body).toString('utf8')
  return answerBodyText(body) ?? ''
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`
}

/**
 * Null when the provider would count this answer as success; otherwise one plain sentence, e.g.
 * "IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK". Closing,
 * resetting, never answering, and a delay at or past a documented timeout (Shopify 5 s, GitHub
 * 10 s, Adyen 10 s) are failures too. "may" marks what the provider's docs leave open.
 * Accepts a configured answer or the resolved one recorded with a capture.
 */
export function assessAnswerForProvider(provider: string | null, answer: AnswerSpec | ResolvedAnswer, variant?: string): string | null {
  if (provider === null) return null
  const profile = profileFor(provider, variant)
  if (profile === null) return null
  const failure = (reason: string | null, verb: 'will' | 'may' = 'will'): string => {
    const consequence = profile.consequence === '' ? '' : ` ${profile.consequence}`
    const because = reason === null ? '' : `${reason}; `
    return `${profile.subject} ${verb} treat this as a failure${consequence}: ${because}it expects ${profile.expects}`
  }
  switch (answer.kind) {
    case 'close':
      return failure('the connection is closed without an answer')
    case 'reset':
      return failure('the connection is reset without an answer')
    case 'hang':
      return failure('nothing is answered, so the delivery times out')
    case 'respond': {
      if (profile.timeoutMs !== null && answer.delayMs >= profile.timeoutMs) {
        return failure(`the answer comes after ${seconds(answer.delayMs)}, past its ${seconds(profile.timeoutMs)} timeout`)
      }
      const judgement = profile.judge(answer.status, bodyTextOf(answer))
      switch (judgement) {
        case 'success':
          return null
        case 'failure':
          return profile.explainStatus?.(answer.status) ?? failure(null)
        case 'uncertain':
          return failure(null, 'may')
        default:
          return assertNever(judgement)
      }
    }
    default:
      return assertNever(answer)
  }
}
