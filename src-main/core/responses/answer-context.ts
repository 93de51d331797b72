import type { HeaderPairs } from '../../shared/http-message'

/** What the receiver knows about one delivery when it picks the answer. */
export interface AnswerContext {
  /** The endpoint the delivery arrived on; sequence counters are kept per endpoint. */
  endpointId: string
  method: string
  /** The request target exactly as received (path and query). */
  target: string
  /** The path part of the target relative to the endpoint, e.g. `/orders/17`; rules' path globs match this. */
  pathWithinEndpoint: string
  headers: HeaderPairs
  body: Buffer
  /** The recognised provider, e.g. `'ixopay'`, `'chip'`, `'adyen'`; null when not recognised. */
  provider: string | null
  /** The provider's flavour where it answers differently, e.g. `'classic'` for Adyen classic notifications. */
  providerVariant?: string
  /** The signature verdict, e.g. `'valid'`, `'invalid'`, `'no-key'`; null when not verified. */
  verdict: string | null
  /**
   * The provider's transaction or event id where recognised, else a hash of the body: retries of
   * one delivery share it, so a sequence walks its steps per delivery. Computed by the caller.
   */
  deliveryKey: string
}

/** Injected so tests can seed the failure rate. */
export interface ChooseAnswerDeps {
  /** A number in [0, 1), like `Math.random`. */
  random: () => number
}
