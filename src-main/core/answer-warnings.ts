/**
 * Plain warnings for an endpoint's answer configuration against the providers it receives from:
 * "IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK". Deliberate
 * failures (rules, sequence steps, failure rates) are meant to fail, so they are labelled rather
 * than hidden: the user sees which part will make the provider retry.
 *
 * The one home of this rule: the saved configuration (`getAnswerConfig`, `setAnswerConfig`) and a
 * draft being edited (`previewAnswerWarnings`) are both judged here, against the same providers.
 */
import type { EndpointAnswerConfig, Rule } from '../shared/responses'
import type { AnswerWarningProvider, AnswerWarningsView, AnswerWarningsBasis } from '../shared/answer-warnings'
import { PROVIDER_NAMES, type ProviderId } from '../shared/provider-catalog'
import { assessAnswerForProvider, describeProviderExpectation, providerAcknowledgement } from './responses'

/** A provider as recognised on a capture (or pinned): its id and, for some, a variant (Adyen `classic`). */
export interface ProviderRef {
  id: string
  variant: string | null
}

/**
 * The distinct providers of an endpoint's captures, newest first (`recognitions` newest first):
 * an endpoint may receive from more than one, and each judges the answer by its own rule.
 * Unrecognised senders are left out: nothing is known of what they accept.
 */
export function distinctProviders(recognised: ReadonlyArray<ProviderRef | null | undefined>): ProviderRef[] {
  const seen = new Map<string, ProviderRef>()
  for (const provider of recognised) {
    if (!provider || provider.id === 'unknown') continue
    const key = `${provider.id}\u0000${provider.variant ?? ''}`
    if (!seen.has(key)) seen.set(key, { id: provider.id, variant: provider.variant })
  }
  return [...seen.values()]
}

/** A rule restricted to one provider (`match.provider`) never answers another's callbacks. */
function ruleApplies(rule: Rule, provider: string): boolean {
  return rule.enabled && (rule.match.provider === undefined || rule.match.provider.toLowerCase() === provider.toLowerCase())
}

/**
 * Every part of `config` that `provider` would not count as success, as "where: why" sentences.
 * `provider-default` is judged as the acknowledgement it sends (the provider's own, so almost
 * always fine); a failure rate of 0% never answers, so it is not judged.
 */
export function answerWarnings(config: EndpointAnswerConfig, provider: string | null, variant?: string): string[] {
  if (provider === null) return []
  const warnings: string[] = []
  const add = (where: string, warning: string | null): void => {
    if (warning !== null) warnings.push(`${where}: ${warning}`)
  }
  if (config.defaultAnswer !== 'provider-default') add('Default answer', assessAnswerForProvider(provider, config.defaultAnswer, variant))
  else {
    // The provider's own acknowledgement, which it accepts, except where the inspector cannot make
    // it: Plexo's legacy API wants a response signed with the merchant's key, and gets an empty 200.
    const acknowledgement = providerAcknowledgement(provider, variant)
    if (acknowledgement) add("Default answer (the provider's default)", assessAnswerForProvider(provider, acknowledgement, variant))
  }
  for (const rule of config.rules) if (ruleApplies(rule, provider)) add(`Rule "${rule.name}"`, assessAnswerForProvider(provider, rule.answer, variant))
  if (config.sequence?.enabled) {
    config.sequence.steps.forEach((step, index) => add(`Sequence step ${index + 1}`, assessAnswerForProvider(provider, step, variant)))
  }
  if (config.failureRate?.enabled && config.failureRate.percent > 0) {
    add(`Failure rate (${config.failureRate.percent}%)`, assessAnswerForProvider(provider, config.failureRate.answer, variant))
  }
  return warnings
}

function describeProvider({ id, variant }: ProviderRef): AnswerWarningProvider {
  const expectation = describeProviderExpectation(id, variant ?? undefined)
  const name = expectation?.subject ?? PROVIDER_NAMES[id as ProviderId] ?? id
  return { id, variant, name, expects: expectation?.expects ?? null }
}

/**
 * The warnings for `config` against each provider the endpoint receives from, with those
 * providers and where they were learnt, so the UI can say what the warnings are (and are not) based on.
 */
export function answerWarningsView(config: EndpointAnswerConfig, basis: { source: AnswerWarningsBasis; providers: ProviderRef[] }): AnswerWarningsView {
  const warnings = basis.providers.flatMap((provider) => answerWarnings(config, provider.id, provider.variant ?? undefined))
  return { warnings: [...new Set(warnings)], providers: basis.providers.map(describeProvider), providerSource: basis.source }
}
