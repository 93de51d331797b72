/**
 * Provider names and ids the renderer shows. Mirrored from `src-main/shared/providers.ts`
 * (`PROVIDER_NAMES`, `PINNABLE_PROVIDER_IDS`, `HMAC_PROVIDER_IDS`, `GENERIC_HMAC_*`): that module
 * imports zod at runtime, which must stay out of the renderer bundle. The `satisfies` checks fail
 * to compile when the two drift apart.
 */
import type {
  GenericHmacConfig,
  HmacProviderId,
  PinnableProviderId,
  ProviderId,
  VerdictStatus,
} from '../../../src-main/shared/providers'

/** Display names, one per provider id (source: `PROVIDER_NAMES`). */
export const PROVIDER_NAMES = {
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
  generic: 'Generic HMAC',
  unknown: 'Unknown sender',
} as const satisfies Record<ProviderId, string>

/** Short names for the list's provider badge. */
export const PROVIDER_SHORT_NAMES = {
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
  generic: 'HMAC',
  unknown: '—',
} as const satisfies Record<ProviderId, string>

/** Providers an endpoint can be pinned to (source: `PINNABLE_PROVIDER_IDS`). */
export const PINNABLE_PROVIDER_IDS = [
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
  'generic',
] as const satisfies readonly PinnableProviderId[]

/** Providers whose key is an HMAC shared secret (source: `HMAC_PROVIDER_IDS`). */
export const HMAC_PROVIDER_IDS = [
  'ixopay',
  'stripe',
  'standard-webhooks',
  'github',
  'shopify',
  'adyen',
  'mollie',
] as const satisfies readonly HmacProviderId[]

export const GENERIC_HMAC_ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const satisfies readonly GenericHmacConfig['algorithm'][]
export const GENERIC_HMAC_ENCODINGS = ['hex', 'base64'] as const satisfies readonly GenericHmacConfig['encoding'][]

/** Source: `VERDICT_STATUSES`. */
export const VERDICT_STATUSES = ['valid', 'invalid', 'no-key', 'unsigned', 'not-applicable'] as const satisfies readonly VerdictStatus[]

export const VERDICT_WORDS: Record<VerdictStatus, string> = {
  valid: 'valid',
  invalid: 'invalid',
  'no-key': 'no key',
  unsigned: 'unsigned',
  'not-applicable': 'n/a',
}

/** A text glyph per verdict (never the only signal: the word is always shown beside it). */
export const VERDICT_ICONS: Record<VerdictStatus, string> = {
  valid: '✓',
  invalid: '✗',
  'no-key': '◇',
  unsigned: '○',
  'not-applicable': '–',
}

export function providerName(id: string | null): string {
  if (id === null) return 'Unknown sender'
  return (PROVIDER_NAMES as Record<string, string>)[id] ?? id
}

export function providerShortName(id: string): string {
  return (PROVIDER_SHORT_NAMES as Record<string, string>)[id] ?? id
}
