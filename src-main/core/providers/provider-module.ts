/**
 * What a payment provider is to the inspector, in one object: how it is recognised, read,
 * verified, re-signed and simulated, what answer it counts as success, which public URLs it can
 * reach, its key kinds, what identifies one delivery across retries, and its retry policy.
 *
 * Each provider exports one `ProviderModule` from its own file (`stripe.ts` exports
 * `stripeProvider`), and `registry.ts` lists them all in a record keyed by id, so a provider
 * without a module is a compile error. Everything a module says is read through the registry:
 * the code that recognises, answers, checks URLs or groups deliveries has no `switch` over ids.
 *
 * Recognition is the one thing a module does not decide alone: its `rules` are named, and the
 * registry puts every provider's rules in one ordered list, because the order between providers
 * matters (IXOPAY's two dialects sit on either side of CHIP's rule).
 */
import type { RetrySchedule } from '../../shared/deliveries'
import type { HeaderPairs } from '../../shared/http-message'
import type { DeliverySummary, HmacProviderId, PinnableProviderId, ProviderKey, ProviderKeyKind, ProviderVariant } from '../../shared/providers'
import type { SigningKey, SimulatedKeyInfo, SimulatedKeyKind } from '../../shared/replay'
import type { RespondAnswerSpec } from '../../shared/responses'
import type { PreflightCheck } from '../../shared/tunnel'
import type { JsonValue } from './body'
import type { SigningDraft } from './signing-draft'
import type { Delivery, VerifyOptions, VerifyResult } from './verification'

// ---------------------------------------------------------------------------------------------
// Recognition

/** What the recognition rules read: the delivery, its body parsed as JSON once for all rules, and the endpoint's keys. */
export interface RecognitionInput {
  delivery: Delivery
  /** `undefined` when the body is not JSON. */
  json: JsonValue | undefined
  keys: readonly ProviderKey[]
}

/** A rule's finding: which variant, and why (shown to the user as "detected by …"). */
export interface RuleMatch {
  variant: ProviderVariant | null
  detectedBy: string
}

/** One recognition rule of a provider: `null` when the delivery does not match it. */
export type RecognitionRule = (input: RecognitionInput) => RuleMatch | null

// ---------------------------------------------------------------------------------------------
// Answers (acknowledgement)

/** How a provider would judge an answer it received in time. */
export type Judgement = 'success' | 'failure' | 'uncertain'

/** What a provider counts as a successful answer, from its webhook documentation. */
export interface AcknowledgementProfile {
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

// ---------------------------------------------------------------------------------------------
// Public URL (tunnel pre-flight)

/** Where a provider can deliver: checked against the endpoint's public URL, without network. */
export interface UrlRules {
  https: { severity: PreflightCheck['severity']; why: string }
  /** Allowed ports, or `null` when the provider documents none. */
  ports: readonly number[] | null
  /** The host must resolve to IPv4 (an IPv6 literal cannot work). */
  isIpv4Only: boolean
  /** Host name suffixes the provider refuses (Razorpay: known tunnel domains), and why, in plain words. */
  blockedHostSuffixes?: { suffixes: readonly string[]; why: string }
}

// ---------------------------------------------------------------------------------------------
// Keys

/** What a provider's HMAC secrets look like. Only for providers in `HMAC_PROVIDER_IDS`. */
export interface HmacSecretRules {
  /**
   * A message refusing `value` when it cannot be this provider's secret, else `null`; warnings for
   * shapes that are unusual but usable are pushed to `warnings`. (The cross-provider shape rule of
   * shared/key-shape.ts runs first.) `apiKey` is the key's second field, where the provider has one
   * (HMAC_API_KEY_FIELDS).
   */
  check: (value: string, warnings: string[], apiKey?: string) => string | null
  /** A fresh secret in the format the provider issues (the simulator signs with it). */
  generate: () => string
}

// ---------------------------------------------------------------------------------------------
// Deliveries

/** The parts of a stored capture a delivery-identity rule reads. */
export interface DeliveryIdentityInput {
  variant: string | null
  summary: {
    eventType: string | null
    status: string | null
    objectId: string | null
    reference: string | null
    eventId?: string | null
    /** `undefined` in a record stored before it was kept. */
    revision?: string | null
  }
  headers: HeaderPairs
}

/**
 * What stays the same across retries of one notification and differs between two notifications.
 * `parts` become the key `<provider id>:<part>:<part>…`; `parts: null` means "only the body's bytes
 * identify it" (the key is then the body's sha256).
 */
export interface DeliveryIdentityRule {
  /** For the UI's "grouped by the <provider> <label>", e.g. "event id". */
  label: string
  parts(input: DeliveryIdentityInput): Array<string | null> | null
}

// ---------------------------------------------------------------------------------------------
// Re-signing

/** The clock and settings a re-signing step needs. */
export interface ResignContext {
  now: Date
  /** `now` in whole seconds (the Unix timestamp schemes sign). */
  nowSeconds: number
  /** Plexo envelopes: how long a re-signed envelope stays valid. */
  plexoLifetimeSeconds: number
}

/**
 * One re-signing step: finds its scheme's signature on the draft and, when the key is at hand,
 * recomputes it (`draft.setHeader` / `draft.setBody`), else `draft.skip(...)`. Does nothing when
 * the scheme's signature is absent. May throw: the caller reports the throw as a skip of `scheme`.
 */
export interface ResignStep {
  /** Scheme name reported in changes and skips, e.g. `stripe-v1`. */
  scheme: string
  apply(draft: SigningDraft, keys: readonly SigningKey[], context: ResignContext): void
}

// ---------------------------------------------------------------------------------------------
// Simulation

/** A generated RSA key pair (PKCS#8 private, SPKI public), reused across simulated callbacks. */
export interface GeneratedKeyPair {
  privateKeyPem: string
  publicKeyPem: string
}

/** What the simulator hands a provider to sign: the filled template, not yet serialised. */
export interface SimulationInput {
  /** The template body with placeholders filled; a body-signing provider (Adyen) may change it. */
  body: JsonValue
  /** Writes a body in the template's style (compact, pretty, spaced JSON or a form). */
  serialise(body: JsonValue): Buffer
  /** The template's headers, filled; the signature headers are set on this array. */
  headers: HeaderPairs
  /** Path and query the callback is sent to (IXOPAY signs it). */
  target: string
  /** The absolute URL it is sent to, when known (a provider that signs its notification URL needs it). */
  targetUrl?: string
  keys: readonly SigningKey[]
  /** How this template is signed (one of the module's `simulate.keyKinds`). */
  keyKind: SimulatedKeyKind
  now: Date
  /** An RSA pair to reuse instead of generating one. */
  generatedKeyPair?: GeneratedKeyPair
}

/** A signed simulated callback's body and the key facts the caller reports. */
export interface SimulationResult {
  body: Buffer
  /** A different path and query than `input.target`, when the provider signs ids it puts there (Mercado Pago's `?data.id=`). */
  target?: string
  key: SimulatedKeyInfo
  /** What the receiving endpoint must have configured for verification to say `valid`; `null` when unsigned. */
  verificationKey: ProviderKey | null
  /** The RSA pair used, so the same pair can be reused. */
  keyPair: GeneratedKeyPair | null
}

export interface ProviderSimulation {
  /** The ways the provider signs; the first is its usual one (`['none']` for unsigned providers). */
  keyKinds: readonly [SimulatedKeyKind, ...SimulatedKeyKind[]]
  sign(input: SimulationInput): SimulationResult
}

// ---------------------------------------------------------------------------------------------
// The module

/** What `parse` may be told. */
export interface ParseOptions {
  /** `false` skips the generic field listing (the generic module, Mollie and Adyen's platform webhooks list fields): the capture path keeps none. */
  genericFields: boolean
}

/** What `verify` may read besides the delivery: the recognition's variant and the parsed summary (Adyen marks its items). */
export interface VerifyContext {
  variant: ProviderVariant | null
  /** The endpoint chose the provider (pinned); else recognition did, from the delivery alone. */
  pinned: boolean
  summary: DeliverySummary
}

/**
 * A provider. `hmacSecret` is required exactly for the providers in `HMAC_PROVIDER_IDS` (a
 * provider whose keys are HMAC secrets must say what its secrets look like).
 */
export type ProviderModule<Id extends PinnableProviderId = PinnableProviderId> = ProviderModuleParts<Id> &
  ([Id] extends [HmacProviderId]
    ? { hmacSecret: HmacSecretRules }
    : [Id] extends [Exclude<PinnableProviderId, HmacProviderId>]
      ? { hmacSecret?: undefined }
      : // Any provider (the registry's view): the rules may be there.
        { hmacSecret?: HmacSecretRules })

/** Everything a module says but its HMAC secret rules (see `ProviderModule`). */
export interface ProviderModuleParts<Id extends PinnableProviderId> {
  id: Id
  /** Named recognition rules; the registry's `RECOGNITION_ORDER` says where each applies. */
  rules: Readonly<Record<string, RecognitionRule>>
  /** The variant of a delivery the endpoint pinned to this provider (detection skipped). */
  variantOf(delivery: Delivery): ProviderVariant | null
  /** The summary: event, status, ids, amount. May throw (the caller falls back to the generic view). */
  parse(delivery: Delivery, options: ParseOptions): DeliverySummary
  /** The signature verdict and its explanation. May throw (the caller reports `not-applicable`). */
  verify(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions, context: VerifyContext): VerifyResult
  /** Named re-signing steps; the registry's `RESIGN_ORDER` says when each runs. Absent: cannot be re-signed. */
  resign?: Readonly<Record<string, ResignStep>>
  /** Absent: no simulator templates for this provider. */
  simulate?: ProviderSimulation
  /** The documented acknowledgement for a variant; absent for the generic scheme (no provider behind it). */
  acknowledgement?(variant: string | undefined): AcknowledgementProfile
  /** Public URL rules, and how the pre-flight checklist names the sender ("a Standard Webhooks sender"). */
  publicUrl: { rules: UrlRules; senderName: string }
  /** The key kinds an endpoint can hold for this provider (the key form offers these). */
  keyKinds: readonly ProviderKeyKind[]
  /** What identifies one delivery across retries; absent: the body's bytes. */
  deliveryIdentity?: DeliveryIdentityRule
  /** The documented retry policy for a variant, or `null` where none is published. */
  retrySchedule(variant: string | null): RetrySchedule | null
}
