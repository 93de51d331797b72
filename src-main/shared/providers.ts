/**
 * What the provider layer says about one delivery, in a shape that crosses IPC and HTTP as JSON:
 * who sent it, what it says, whether its signature holds, and how that verdict was reached.
 *
 * Everything here is derived from the stored raw bytes and can be recomputed at any time (for
 * instance when the user changes a key). No Buffers, no secrets: keys appear only as masked
 * descriptors with a fingerprint.
 *
 * The input schemas (`providerKeySchema`) are used by the API layer to validate keys on entry; the
 * core re-validates with `validateKey` (PEM parsing, hex and base64 checks) before storing them.
 */
import {
  GENERIC_HMAC_ALGORITHMS,
  GENERIC_HMAC_ENCODINGS,
  HMAC_PROVIDER_IDS,
  type HmacProviderId,
  type ProviderId,
  type VerdictStatus,
} from './provider-catalog'

export {
  GENERIC_HMAC_ALGORITHMS,
  GENERIC_HMAC_ENCODINGS,
  HMAC_PROVIDER_IDS,
  PINNABLE_PROVIDER_IDS,
  PROVIDER_IDS,
  PROVIDER_NAMES,
  VERDICT_STATUSES,
  type HmacProviderId,
  type PinnableProviderId,
  type ProviderId,
  type VerdictStatus,
} from './provider-catalog'
import { HTTP_TOKEN_PATTERN } from './answer-catalog'
import { describeInvalidSquareNotificationUrl } from './square-notification-url'
import { z } from 'zod'

// ---------------------------------------------------------------------------------------------
// Providers

/**
 * The generation or product of a provider's callback format.
 *
 * - IXOPAY: `json-api` (X-Signature) or `legacy-xml` (Authorization: Gateway ...).
 * - CHIP: `collect` (RSA SHA-256) or `send` (RSA SHA-512, `Event-Type` header).
 * - Plexo: `rest` (unsigned PaymentDto) or `legacy-envelope` (signed `{Object, Signature}`).
 * - Swedbank Pay: `payex-v1`, `instrument`, `payment-order-v3.0`, `payment-order-v3.1`.
 * - Standard Webhooks: `standard` (`webhook-*` headers) or `svix` (`svix-*` headers).
 * - Adyen: `classic` (per-item HMAC in the body) or `platform` (`HmacSignature` header).
 * - Mollie: `classic` (unsigned `id=tr_...` form) or `next-gen` (`X-Mollie-Signature`).
 * - Stripe `v1`, GitHub `webhook`, Shopify `webhook`, PayPal `webhook`, generic `configured`.
 */
export type ProviderVariant =
  | 'json-api'
  | 'legacy-xml'
  | 'collect'
  | 'send'
  | 'rest'
  | 'legacy-envelope'
  | 'payex-v1'
  | 'instrument'
  | 'payment-order-v3.0'
  | 'payment-order-v3.1'
  | 'v1'
  | 'standard'
  | 'svix'
  | 'webhook'
  | 'classic'
  | 'platform'
  | 'next-gen'
  | 'configured'

export interface ProviderRecognition {
  id: ProviderId
  name: string
  variant: ProviderVariant | null
  /** Human reason, e.g. "Stripe-Signature header" or "pinned by the endpoint setting". */
  detectedBy: string
  /** True when the endpoint setting chose the provider instead of detection. */
  pinned: boolean
}

// ---------------------------------------------------------------------------------------------
// Summary

/** An amount as the provider sent it, plus a normalised form. */
export interface MoneyAmount {
  /** Integer minor units (cents) when they can be derived exactly, else `null`. */
  amountMinor: number | null
  /** Formatted per provider rules: IXOPAY "9.99 EUR" (decimal string as sent), CHIP "MYR 1.00". */
  amountDisplay: string
  /** ISO 4217 code (upper case) when known. */
  currency: string | null
  /** The raw value as it appeared in the body (a decimal string, an integer in minor units...). */
  raw: string
  /** How the raw value is to be read. */
  unit: 'decimal' | 'minor'
}

/** The request an integration must make to learn the real state of a signal-only callback. */
export interface ConfirmHint {
  method: 'GET'
  /** Path of the resource on the provider's API, e.g. `/v1/payments/6305...`. */
  path: string
  /** Full production URL, e.g. `https://api.swedbankpay.com/psp/paymentorders/<id>`. */
  url: string
  /** The request as one line for display, e.g. `GET https://api.mollie.com/v2/payments/tr_x`. */
  display: string
  /** Other hosts (sandbox / test environments) serving the same path. */
  alternativeUrls: string[]
  /** Why this request is needed and what it needs (auth...). */
  note: string
}

export interface SummaryField {
  label: string
  value: string
}

/** One Adyen classic notification item (a batch can hold several). */
export interface NotificationItemSummary {
  index: number
  eventCode: string | null
  success: string | null
  pspReference: string | null
  originalReference: string | null
  merchantReference: string | null
  merchantAccountCode: string | null
  amount: MoneyAmount | null
  paymentMethod: string | null
  reason: string | null
  /** Outcome of this item's own `hmacSignature`. */
  signature: 'valid' | 'invalid' | 'missing' | 'no-key' | 'not-checked'
}

export interface DeliverySummary {
  /** Event or transaction type (IXOPAY `transactionType`, CHIP `event_type`, Stripe `type`...). */
  eventType: string | null
  /** Result or status as the provider words it (IXOPAY `result`, CHIP `status`, Plexo `status`...). */
  status: string | null
  /** The provider's id of the object (IXOPAY uuid, CHIP purchase id, Stripe object id...). */
  providerObjectId: string | null
  /**
   * The provider's id of this notification when the body carries one apart from the object's
   * (Stripe `evt_…`, PayPal `WH-…`): the same on every retry, so deliveries group by it.
   */
  eventId: string | null
  /**
   * The provider's stamp of this version of the object, where a notification carries one and no
   * event id (CHIP's `updated_on`, as the body wrote it): the same on every retry, different
   * between two events of one object, so deliveries tell those apart by it.
   */
  revision: string | null
  /** The merchant's own reference (IXOPAY merchantTransactionId, CHIP reference...). */
  merchantReference: string | null
  amount: MoneyAmount | null
  paymentMethod: string | null
  /** Never a full card number: BIN and last four at most. */
  maskedCard: string | null
  errorCode: string | null
  errorMessage: string | null
  /** Test / live flag when the provider says so. */
  isTest: boolean | null
  /** Adyen classic batch items; empty for other providers. */
  items: NotificationItemSummary[]
  /** Set when the provider says the callback is only a signal: fetch this to confirm. */
  signalOnly: ConfirmHint | null
  /** Everything else worth showing, labelled, in display order. */
  fields: SummaryField[]
  /** Shape problems found while parsing (missing fields, values outside the documented enum). */
  problems: string[]
  /** How the body was read. */
  bodyFormat: 'json' | 'xml' | 'form' | 'text' | 'binary' | 'empty'
}

// ---------------------------------------------------------------------------------------------
// Verdict

/**
 * Why a signature does not hold. Where a scheme cannot tell "body changed" from "wrong key" (any
 * HMAC) the reason is `signature-mismatch`; RSA schemes can tell them apart (the signature decodes
 * under the right key to a digest of other bytes), so they say `body-changed` or `wrong-key`.
 */
export type InvalidReason =
  | 'missing-header'
  | 'malformed-signature'
  | 'signature-mismatch'
  | 'body-changed'
  | 'signed-data-changed'
  | 'wrong-key'
  | 'digest-mismatch'
  | 'wrong-encoding'
  | 'stale-timestamp'
  | 'expired'
  | 'fingerprint-mismatch'
  | 'malformed-body'
  | 'unsupported-algorithm'
  | 'unusable-key'

export type SignatureVerdict =
  | { status: 'valid'; variant: string; message: string }
  | { status: 'invalid'; reason: InvalidReason; message: string }
  | { status: 'no-key'; message: string }
  | { status: 'unsigned'; confirmHint: ConfirmHint | null; message: string }
  | { status: 'not-applicable'; message: string }

// A verdict's status is one of the catalogue's; this fails to compile when the two drift apart.
type VerdictStatusesMatch = [SignatureVerdict['status']] extends [VerdictStatus] ? ([VerdictStatus] extends [SignatureVerdict['status']] ? true : never) : never
const verdictStatusesMatch: VerdictStatusesMatch = true
void verdictStatusesMatch

// ---------------------------------------------------------------------------------------------
// Explanation (the Signature panel)

/** One try of one variant with one key. */
export interface VerificationAttempt {
  /** e.g. "SHA-512 body hash, Date header, received Content-Type". */
  variant: string
  keyFingerprint: string | null
  keyLabel: string | null
  /** The exact string that was signed (body shown as UTF-8; cut at a display limit). */
  signedString: string | null
  signedStringTruncated: boolean
  /** Hash of the body when the scheme signs a hash instead of the body. */
  bodyHash: { algorithm: string; hex: string } | null
  /** What this key computes, in the scheme's encoding (HMAC), or `null` for RSA. */
  computedSignature: string | null
  matched: boolean
  /** Extra detail, e.g. "signature decodes under this key to a SHA-512 digest". */
  detail: string | null
}

export interface TimestampCheck {
  /** Signed timestamp as ISO 8601. */
  signedAt: string
  /** now − signedAt, seconds (negative when the timestamp is in the future). */
  skewSeconds: number
  /** Allowed |skew| (or maximum age) in seconds, or `null` when the scheme does not bound it. */
  toleranceSeconds: number | null
  withinTolerance: boolean
}

export interface SignatureExplanation {
  /** Scheme id, e.g. `ixopay-hmac-sha512`, `chip-rsa`, `stripe-v1`. `null` when nothing was checked. */
  scheme: string | null
  /** One-line algorithm, e.g. "base64(HMAC-SHA512(secret, message))". */
  algorithm: string | null
  /** Header (or body field) carrying the signature. */
  signatureLocation: string | null
  /** Signature(s) as received. */
  receivedSignatures: string[]
  attempts: VerificationAttempt[]
  /** The variant that matched, if any. */
  matchedVariant: string | null
  /** Fingerprint of the key that matched (or of the only key tried). */
  keyFingerprint: string | null
  timestamp: TimestampCheck | null
  notes: string[]
}

export interface DeliveryAnalysis {
  provider: ProviderRecognition
  summary: DeliverySummary
  verdict: SignatureVerdict
  explanation: SignatureExplanation
}

// ---------------------------------------------------------------------------------------------
// Keys

/**
 * A generic HMAC scheme for senders the inspector does not know.
 *
 * Template syntax (`signed: { template }`): the template is copied literally except for
 * - `{method}`: the request method as received (e.g. `POST`);
 * - `{target}`: path and query exactly as received (e.g. `/hooks?x=1`);
 * - `{path}` / `{query}`: the target before / after the first `?` (query without the `?`);
 * - `{header:Name}`: the first value of header `Name` (case-insensitive); a missing header fails
 *   the check with `missing-header`;
 * - `{body}`: the raw body bytes;
 * - `{{` and `}}`: literal braces; the two-character escapes `\n`, `\r`, `\t` and `\\` become a
 *   newline, carriage return, tab and backslash (so a template typed on one line can hold them).
 * Example: `{method}\n{target}\n{header:X-Timestamp}\n{body}`.
 */
export interface GenericHmacConfig {
  /** Header carrying the signature, e.g. `X-Signature`. */
  header: string
  /** Text before the encoded signature in the header, e.g. `sha256=`; empty for none. */
  prefix: string
  algorithm: (typeof GENERIC_HMAC_ALGORITHMS)[number]
  encoding: (typeof GENERIC_HMAC_ENCODINGS)[number]
  signed: 'body' | { template: string }
}

/**
 * Key material configured on an endpoint. JSON-serialisable; secrets live only in the core's
 * encrypted key store and never reach the renderer (it gets `KeyDescriptor`s).
 *
 * - `hmac-secret`: a shared secret. IXOPAY connector shared secret (UTF-8; `apiKey` optionally
 *   names the connector's API key for legacy XML), Stripe `whsec_...` (used as-is), Standard
 *   Webhooks / Svix `whsec_<base64>`, GitHub webhook secret, Shopify client secret, Adyen HMAC key
 *   (hex), Mollie next-gen signing secret, Square subscription signature key (`notificationUrl`, Square
 *   only, names the subscription's notification URL, which Square signs with the body). Several
 *   secrets per provider are tried in turn (rotation).
 * - `rsa-public-key`: a CHIP public key, PEM (CHIP's `GET /public_key/` JSON-string form is accepted
 *   on entry and stored as PEM). `chipProduct` pins the digest: `collect` = SHA-256, `send` =
 *   SHA-512; without it the digest follows the delivery (an `Event-Type` header means CHIP Send).
 *   Several keys (company key, per-webhook keys) are tried in turn and the match is reported.
 * - `ed25519-public-key`: a Standard Webhooks sender's public key, which checks its asymmetric
 *   `v1a` signatures. Entered as `whpk_<base64 of the 32-byte key>` or a PEM SPKI public key, stored
 *   as `whpk_...`. Several keys are tried in turn (rotation).
 * - `certificate`: an X.509 certificate, PEM: Plexo's signing certificate (its SHA-1 thumbprint must
 *   equal the envelope's `Fingerprint`) or PayPal's certificate from `PAYPAL-CERT-URL`.
 * - `paypal-webhook-id`: the id of the PayPal webhook, part of PayPal's signed message.
 * - `generic-hmac`: a per-endpoint HMAC scheme (see `GenericHmacConfig`) and its secret (UTF-8).
 */
export type ProviderKey =
  | { kind: 'hmac-secret'; provider: HmacProviderId; value: string; label?: string; apiKey?: string; notificationUrl?: string }
  | { kind: 'rsa-public-key'; provider: 'chip'; pem: string; label?: string; chipProduct?: 'collect' | 'send' }
  | { kind: 'ed25519-public-key'; provider: 'standard-webhooks'; value: string; label?: string }
  | { kind: 'certificate'; provider: 'plexo' | 'paypal'; pem: string; label?: string }
  | { kind: 'paypal-webhook-id'; value: string; label?: string }
  | { kind: 'generic-hmac'; config: GenericHmacConfig; secret: string; label?: string }

export type ProviderKeyKind = ProviderKey['kind']

/** What the renderer may see of a key: never the secret itself. */
export interface KeyDescriptor {
  kind: ProviderKeyKind
  provider: ProviderId
  label: string | null
  /** First 16 hex characters: for secrets a keyed HMAC (per installation), else SHA-256 over the key material (SPKI DER for public keys, DER for certificates). */
  fingerprint: string
  /** e.g. "whsec_••••••••", "RSA 2048-bit public key", "ed25519 public key", "4JH86294D6297924G". */
  masked: string
  /** Facts about public material: subject, validity, SHA-1 thumbprint, key size... */
  details: SummaryField[]
}

const label = z.string().max(100).optional()
/** Square signs this URL with the body: kept as typed (trimmed), see shared/square-notification-url.ts. */
const squareNotificationUrl = z
  .string()
  .trim()
  .superRefine((url, context) => {
    const problem = describeInvalidSquareNotificationUrl(url)
    if (problem !== null) context.addIssue({ code: 'custom', message: problem })
  })
const nonEmpty = z.string().min(1, 'cannot be empty').max(65_536)

export const genericHmacConfigSchema = z
  .object({
    header: z.string().regex(HTTP_TOKEN_PATTERN, 'a header name is a token like X-Signature'),
    prefix: z.string().max(64),
    algorithm: z.enum(GENERIC_HMAC_ALGORITHMS),
    encoding: z.enum(GENERIC_HMAC_ENCODINGS),
    signed: z.union([z.literal('body'), z.object({ template: z.string().min(1, 'a template cannot be empty').max(4096) }).strict()]),
  })
  .strict()

/** Shape check for a key as entered (UI or API). `validateKey` in the core checks the content. */
export const providerKeySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('hmac-secret'),
      provider: z.enum(HMAC_PROVIDER_IDS),
      value: nonEmpty,
      label,
      apiKey: z.string().max(200).optional(),
      notificationUrl: squareNotificationUrl.optional(),
    })
    .strict(),
  z
    .object({ kind: z.literal('rsa-public-key'), provider: z.literal('chip'), pem: nonEmpty, label, chipProduct: z.enum(['collect', 'send']).optional() })
    .strict(),
  z.object({ kind: z.literal('ed25519-public-key'), provider: z.literal('standard-webhooks'), value: nonEmpty, label }).strict(),
  z.object({ kind: z.literal('certificate'), provider: z.enum(['plexo', 'paypal']), pem: nonEmpty, label }).strict(),
  z
    .object({
      kind: z.literal('paypal-webhook-id'),
      value: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a PayPal webhook id is letters and digits, e.g. 4JH86294D6297924G'),
      label,
    })
    .strict(),
  z.object({ kind: z.literal('generic-hmac'), config: genericHmacConfigSchema, secret: nonEmpty, label }).strict(),
])
