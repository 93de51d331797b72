/**
 * How the renderer names providers and verdicts. The ids, names and short names come from the shared
 * catalogue (plain data, no zod), so the lists are the core's own.
 */
import { PROVIDER_NAMES, PROVIDER_SHORT_NAMES, type VerdictStatus } from '@shared/provider-catalog'

export {
  GENERIC_HMAC_ALGORITHMS,
  GENERIC_HMAC_ENCODINGS,
  HMAC_API_KEY_DETAILS,
  HMAC_API_KEY_FIELDS,
  HMAC_PROVIDER_IDS,
  HMAC_SECRET_HINTS,
  PINNABLE_PROVIDER_IDS,
  PROVIDER_NAMES,
  PROVIDER_SHORT_NAMES,
  VERDICT_STATUSES,
} from '@shared/provider-catalog'

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
