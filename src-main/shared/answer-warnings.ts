/**
 * What an endpoint's answer warnings are based on: the providers the endpoint receives from, and
 * where that was learnt. Types only; the rule that computes the warnings is `core/answer-warnings.ts`.
 */

/**
 * Where the providers an answer is checked against come from. `pinned`: the provider pinned under
 * "Keys & provider"; `recent-captures`: the providers recognised among the endpoint's newest
 * captures; `none`: neither, so nothing is checked.
 */
export type AnswerWarningsBasis = 'pinned' | 'recent-captures' | 'none'

/** A provider an answer configuration was checked against. */
export interface AnswerWarningProvider {
  id: string
  /** E.g. Adyen `classic`; null when the provider has none (or it is pinned, which names no variant). */
  variant: string | null
  /** Display name, e.g. "IXOPAY", "Adyen (classic notifications)". */
  name: string
  /** What it counts as success, e.g. "HTTP 200 with body OK"; null when its documentation says nothing we check. */
  expects: string | null
}

/** An answer configuration's warnings and what they were computed against. */
export interface AnswerWarningsView {
  /** Plain sentences, e.g. "Default answer: IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK". */
  warnings: string[]
  /** Every provider checked; empty when none is known (and then `warnings` is empty too). */
  providers: AnswerWarningProvider[]
  providerSource: AnswerWarningsBasis
}
