/**
 * Plain warnings for an endpoint's answer configuration against the provider it receives from:
 * "IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK". Deliberate
 * failures (rules, sequence steps, failure rates) are meant to fail, so they are labelled rather
 * than hidden: the user sees which part will make the provider retry.
 */
import type { EndpointAnswerConfig } from '../shared/responses'
import { assessAnswerForProvider } from './responses'

export function answerWarnings(config: EndpointAnswerConfig, provider: string | null, variant?: string): string[] {
  if (provider === null) return []
  const warnings: string[] = []
  const add = (where: string, warning: string | null): void => {
    if (warning !== null) warnings.push(`${where}: ${warning}`)
  }
  if (config.defaultAnswer !== 'provider-default') add('Default answer', assessAnswerForProvider(provider, config.defaultAnswer, variant))
  for (const rule of config.rules) if (rule.enabled) add(`Rule "${rule.name}"`, assessAnswerForProvider(provider, rule.answer, variant))
  if (config.sequence?.enabled) {
    config.sequence.steps.forEach((step, index) => add(`Sequence step ${index + 1}`, assessAnswerForProvider(provider, step, variant)))
  }
  if (config.failureRate?.enabled) {
    add(`Failure rate (${config.failureRate.percent}%)`, assessAnswerForProvider(provider, config.failureRate.answer, variant))
  }
  return warnings
}
