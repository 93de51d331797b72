/**
 * What each payment provider counts as a successful answer (its module's `acknowledgement`,
 * from its webhook documentation), and a plain-language check of a configured answer against it.
 *
 * Where the documentation is thin (Plexo, Swedbank Pay's exact status, Adyen's legacy body), the
 * check says "may" instead of "will": a QA engineer should know which warnings are documented
 * behaviour and which are our reading of incomplete docs.
 */
import { PINNABLE_PROVIDER_IDS, type PinnableProviderId } from '../../shared/provider-catalog'
import { answerBodyText, type AnswerSpec, type RespondAnswerSpec, type ResolvedAnswer } from '../../shared/responses'
import { assertNever } from '../../shared/assert-never'
import type { AcknowledgementProfile, Judgement } from '../providers/provider-module'
import { findProviderModule, providerModule } from '../providers/registry'
import { resolvedBodyBytes } from './resolve-answer'

/** Providers with a documented acknowledgement, by the id the recogniser reports: every module but the generic scheme's. */
export const PROVIDERS_WITH_ACKNOWLEDGEMENT = PINNABLE_PROVIDER_IDS.filter(
  (id): id is Exclude<PinnableProviderId, 'generic'> => providerModule(id).acknowledgement !== undefined,
)
export type ProviderWithAcknowledgement = (typeof PROVIDERS_WITH_ACKNOWLEDGEMENT)[number]

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
  // Any string may arrive here (a stored capture may name a provider this version does not know).
  const module = findProviderModule(provider.toLowerCase())
  return module?.acknowledgement?.(variant?.toLowerCase()) ?? null
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

/** A delay at or past the provider's documented timeout: it has given up before the answer comes. */
function pastTimeout(profile: AcknowledgementProfile, delayMs: number): boolean {
  return profile.timeoutMs !== null && delayMs >= profile.timeoutMs
}

/**
 * How the provider takes an HTTP answer it was sent (status, body text, delay): its documented
 * acknowledgement (`judge`), a delay past its timeout being a failure, and, unless it is a
 * success, the Answers warning's sentence saying why (one wording for a configured answer and a
 * sent one). `null` when the provider has no documented acknowledgement (an unknown sender, the
 * generic scheme).
 */
export function providerJudgement(
  provider: string | null,
  variant: string | null | undefined,
  answer: HttpAnswer,
): { judgement: Judgement; explanation: string | null } | null {
  if (provider === null) return null
  const profile = profileFor(provider, variant ?? undefined)
  return profile === null ? null : judgeHttpAnswer(profile, answer)
}

interface HttpAnswer {
  status: number
  bodyText: string
  delayMs: number
}

function judgeHttpAnswer(profile: AcknowledgementProfile, answer: HttpAnswer): { judgement: Judgement; explanation: string | null } {
  if (profile.timeoutMs !== null && pastTimeout(profile, answer.delayMs)) {
    return {
      judgement: 'failure',
      explanation: failureSentence(profile, `the answer comes after ${seconds(answer.delayMs)}, past its ${seconds(profile.timeoutMs)} timeout`),
    }
  }
  const judgement = profile.judge(answer.status, answer.bodyText)
  switch (judgement) {
    case 'success':
      return { judgement, explanation: null }
    case 'failure':
      return { judgement, explanation: profile.explainStatus?.(answer.status) ?? failureSentence(profile, null) }
    case 'uncertain':
      return { judgement, explanation: failureSentence(profile, null, 'may') }
    default:
      return assertNever(judgement)
  }
}

/** "IXOPAY will treat this as a failure and retry: <reason>; it expects HTTP 200 with body OK". */
function failureSentence(profile: AcknowledgementProfile, reason: string | null, verb: 'will' | 'may' = 'will'): string {
  const consequence = profile.consequence === '' ? '' : ` ${profile.consequence}`
  const because = reason === null ? '' : `${reason}; `
  return `${profile.subject} ${verb} treat this as a failure${consequence}: ${because}it expects ${profile.expects}`
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
  const failure = (reason: string): string => failureSentence(profile, reason)
  switch (answer.kind) {
    case 'close':
      return failure('the connection is closed without an answer')
    case 'reset':
      return failure('the connection is reset without an answer')
    case 'hang':
      return failure('nothing is answered, so the delivery times out')
    case 'respond':
      return judgeHttpAnswer(profile, { status: answer.status, bodyText: bodyTextOf(answer), delayMs: answer.delayMs }).explanation
    default:
      return assertNever(answer)
  }
}
