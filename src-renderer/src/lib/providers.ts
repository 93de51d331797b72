/**
 * How the renderer names providers and verdicts. The ids and full names come from the shared
 * catalogue (plain data, no zod), so the lists are the core's own.
 */
import { PROVIDER_NAMES, type ProviderId, type VerdictStatus } from '../../../src-main/shared/provider-catalog'

export {
  GENERIC_HMAC_ALGORITHMS,
  GENERIC_HMAC_ENCODINGS,
  HMAC_PROVIDER_IDS,
  PINNABLE_PROVIDER_IDS,
  PROVIDER_NAMES,
  VERDICT_STATUSES,
} from '../../../src-main/shared/provider-catalog'

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
