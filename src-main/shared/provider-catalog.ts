/**
 * Provider ids, names, short names and key hints: plain data with no runtime imports, so the renderer uses the
 * very same lists as the core (shared/providers.ts re-exports them beside its zod schemas).
 */

/** Every sender the inspector recognises, plus `generic` (a per-endpoint HMAC scheme) and `unknown`. */
export const PROVIDER_IDS = [
  'ixopay',
  'chip',
  'plexo',
  'swedbankpay',
  'stripe',
  'standard-webhooks',
  'github',
  'shopify',
  'adyen',
  'mollie',
  'paypal',
  'paddle',
  'checkout-com',
  'mercadopago',
  'braintree',
  'square',
  'gocardless',
  'razorpay',
  'paystack',
  'generic',
  'unknown',
] as const
export type ProviderId = (typeof PROVIDER_IDS)[number]

/** Providers an endpoint can be pinned to ("this endpoint receives CHIP"). */
export const PINNABLE_PROVIDER_IDS = PROVIDER_IDS.filter((id): id is Exclude<ProviderId, 'unknown'> => id !== 'unknown')
export type PinnableProviderId = Exclude<ProviderId, 'unknown'>

/** Display names, one per provider id. */
export const PROVIDER_NAMES: Record<ProviderId, string> = {
  ixopay: 'IXOPAY',
  chip: 'CHIP',
  plexo: 'Plexo',
  swedbankpay: 'PayEx / Swedbank Pay',
  stripe: 'Stripe',
  'standard-webhooks': 'Standard Webhooks / Svix',
  github: 'GitHub',
  shopify: 'Shopify',
  adyen: 'Adyen',
  mollie: 'Mollie',
  paypal: 'PayPal',
  paddle: 'Paddle Billing',
  'checkout-com': 'Checkout.com',
  mercadopago: 'Mercado Pago',
  braintree: 'Braintree',
  square: 'Square',
  gocardless: 'GoCardless',
  razorpay: 'Razorpay',
  paystack: 'Paystack',
  generic: 'Generic HMAC',
  unknown: 'Unknown sender',
}

/** Short names for the capture list's provider badge. */
export const PROVIDER_SHORT_NAMES: Record<ProviderId, string> = {
  ixopay: 'IXOPAY',
  chip: 'CHIP',
  plexo: 'Plexo',
  swedbankpay: 'PayEx',
  stripe: 'Stripe',
  'standard-webhooks': 'StdHooks',
  github: 'GitHub',
  shopify: 'Shopify',
  adyen: 'Adyen',
  mollie: 'Mollie',
  paypal: 'PayPal',
  paddle: 'Paddle',
  'checkout-com': 'Checkout',
  mercadopago: 'MercPago',
  braintree: 'Braintree',
  square: 'Square',
  gocardless: 'GoCardless',
  razorpay: 'Razorpay',
  paystack: 'Paystack',
  generic: 'HMAC',
  unknown: '—',
}

/** Providers whose signatures are HMACs over a shared secret (and IXOPAY's optional API key). */
export const HMAC_PROVIDER_IDS = [
  'ixopay',
  'stripe',
  'standard-webhooks',
  'github',
  'shopify',
  'adyen',
  'mollie',
  'paddle',
  'checkout-com',
  'mercadopago',
  'braintree',
  'square',
  'gocardless',
  'razorpay',
  'paystack',
] as const
export type HmacProviderId = (typeof HMAC_PROVIDER_IDS)[number]

/** What the key form says about an HMAC provider's secret: where to find it and what it looks like. */
export const HMAC_SECRET_HINTS: Record<HmacProviderId, string> = {
  ixopay: "The connector's shared secret (UTF-8). The API key is only needed for legacy XML callbacks.",
  stripe: 'The endpoint signing secret, whsec_…, used as is.',
  'standard-webhooks': 'The signing secret, whsec_<base64>: it checks v1 (HMAC) signatures. For v1a (ed25519) signatures add the sender’s public key instead.',
  github: "The webhook's secret.",
  shopify: "The app's client secret.",
  adyen: 'The HMAC key in hex, from the Customer Area.',
  mollie: 'The next-gen webhook signing secret.',
  paddle: "The notification destination's secret key, pdl_ntfset_…, used whole (Paddle > Developer tools > Notifications).",
  'checkout-com': "The webhook's signature key. Optionally also its authorization header key, which Checkout.com sends as-is in Authorization.",
  mercadopago: "The application's secret signature (Your integrations > the application > Webhooks).",
  braintree: 'The API private key, with the public key of the same pair below (Control Panel > Settings > API > API Keys).',
  square:
    "The subscription's signature key (Developer Console > Webhooks > Subscriptions > the subscription). Square signs the notification URL with the body: enter that URL below.",
  gocardless: "The webhook endpoint's secret (Dashboard > Developers > Webhook endpoints > the endpoint).",
  razorpay: "The webhook's secret, entered when the webhook was set up (Dashboard > Settings > Webhooks); not the API key secret.",
  paystack: 'The secret key, sk_test_… or sk_live_… of the mode the events come from (Settings > API Keys & Webhooks).',
}

/**
 * HMAC providers whose key has a second, optional field (`apiKey` of an `hmac-secret`), and what the
 * key form calls it: IXOPAY's API key, Checkout.com's authorization header key.
 */
export const HMAC_API_KEY_FIELDS: Partial<Record<HmacProviderId, string>> = {
  ixopay: 'API key (optional, legacy XML)',
  'checkout-com': 'Authorization header key (optional)',
  braintree: 'Public key of the same pair (required: it picks the signature to check)',
}

/**
 * How a key's list entry shows the `apiKey` field, where it is not IXOPAY's API key (an identifier,
 * shown by its first characters): a secret is shown as dots only.
 */
export const HMAC_API_KEY_DETAILS: Partial<Record<HmacProviderId, { label: string; secret: boolean }>> = {
  'checkout-com': { label: 'Authorization header key', secret: true },
  braintree: { label: 'Public key', secret: false },
}

export const GENERIC_HMAC_ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const
export const GENERIC_HMAC_ENCODINGS = ['hex', 'base64'] as const

/** The statuses of a signature verdict (`SignatureVerdict['status']` in shared/providers.ts). */
export const VERDICT_STATUSES = ['valid', 'invalid', 'no-key', 'unsigned', 'not-applicable'] as const
export type VerdictStatus = (typeof VERDICT_STATUSES)[number]
