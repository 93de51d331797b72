/**
 * Retention caps as the Storage dialog shows them: one text per cap, empty for "no cap", bytes
 * typed in MiB. The API keeps numbers (`null` or absent: no cap).
 */
import { RETENTION_LIMIT_MAX, type RetentionLimitsSetting } from '@shared/storage-settings'

export const MIB = 1024 * 1024

/** The three caps as typed. */
export interface CapTexts {
  maxCaptures: string
  maxMiB: string
  maxAgeDays: string
}

/**
 * A cap as typed: empty is no cap. Bytes show as their exact number of MiB (`0.5`,
 * `1.430511474609375`: a whole number of bytes over 2^20 has at most 20 decimals). Rounded to
 * whole MiB, a cap set through the API to 500,000 bytes showed as 0, marked as no limit (which
 * kept Save off), and one of 1,500,000 bytes as 1, which any Save then made 1,048,576.
 */
export function capText(value: number | null | undefined, unit = 1): string {
  if (value === null || value === undefined) return ''
  return unit === 1 ? String(value) : (value / unit).toFixed(20).replace(/\.?0+$/, '')
}

/** One of the three caps as typed. */
export type CapField = keyof CapTexts

/**
 * What each typed cap counts in and the most it takes: the API's limit (`RETENTION_LIMIT_MAX`), so
 * a cap it refuses is refused as it is typed. Before, 10,000,000,000 MiB was offered to Save, and
 * only the API's answer said why, in bytes ("maxBytes is at most 9007199254740991").
 */
const CAP_FIELDS: Record<CapField, { unit: number; max: number; noun: string }> = {
  maxCaptures: { unit: 1, max: RETENTION_LIMIT_MAX.maxCaptures, noun: 'captures' },
  maxMiB: { unit: MIB, max: RETENTION_LIMIT_MAX.maxBytes, noun: 'MiB' },
  maxAgeDays: { unit: 1, max: RETENTION_LIMIT_MAX.maxAgeDays, noun: 'days' },
}

/** What a cap's field counts in: the MiB field's bytes, else ones. */
export const unitOf = (field: CapField): number => CAP_FIELDS[field].unit

/** A typed cap read: its number (× the field's unit), `null` for none, or why it is not a limit. */
function readCap(text: string, field: CapField): number | null | 'not-a-limit' | 'too-large' {
  const { unit, max } = CAP_FIELDS[field]
  const trimmed = text.trim()
  if (trimmed === '') return null
  if (!(unit === 1 ? /^\d+$/ : /^(\d+(\.\d*)?|\.\d+)$/).test(trimmed)) return 'not-a-limit'
  const value = Math.round(Number(trimmed) * unit)
  if (value < 1) return 'not-a-limit'
  return value > max ? 'too-large' : value
}

/**
 * A typed cap as a number (× the field's unit), `null` for none, or `'invalid'`: a whole number of
 * at least 1, or for MiB any number of them that is at least a byte (`1.5`), up to the field's maximum.
 */
export function parseCap(text: string, field: CapField): number | null | 'invalid' {
  const value = readCap(text, field)
  return value === 'not-a-limit' || value === 'too-large' ? 'invalid' : value
}

/**
 * The most a field takes, in whole units as it can be typed back: `100000000 captures`,
 * `8589934591 MiB`. The exact most, 2^53 - 1 bytes, is 8589934591.99999904632568359375 MiB, which
 * nobody reads; a value typed between the two is still taken.
 */
export function capMaxText(field: CapField): string {
  const { unit, max, noun } = CAP_FIELDS[field]
  return `${Math.floor(max / unit)} ${noun}`
}

/** Why a typed cap is not a limit (`null` when it is one, or empty): MiB take fractions, the other caps whole numbers; none more than its maximum. */
export function capProblem(text: string, field: CapField): string | null {
  const value = readCap(text, field)
  if (value === 'too-large') return `Too large: at most ${capMaxText(field)}, or empty for none.`
  if (value !== 'not-a-limit') return null
  return unitOf(field) === 1
    ? 'Not a limit: a whole number of at least 1, or empty for none.'
    : 'Not a limit: a number of MiB above 0 (1.5), or empty for none.'
}

/** A field's name in the note beside Save, with its maximum when what is typed is over it. */
export function invalidCapName(name: string, text: string, field: CapField): string {
  return readCap(text, field) === 'too-large' ? `${name} (at most ${capMaxText(field)})` : name
}

export function capTextsOf(limits: RetentionLimitsSetting | undefined): CapTexts {
  return { maxCaptures: capText(limits?.maxCaptures), maxMiB: capText(limits?.maxBytes, MIB), maxAgeDays: capText(limits?.maxAgeDays) }
}

/** The limits typed, or `'invalid'` when one of them is not a limit (`parseCap`). */
export function limitsOf(texts: CapTexts): { maxCaptures: number | null; maxBytes: number | null; maxAgeDays: number | null } | 'invalid' {
  const maxCaptures = parseCap(texts.maxCaptures, 'maxCaptures')
  const maxBytes = parseCap(texts.maxMiB, 'maxMiB')
  const maxAgeDays = parseCap(texts.maxAgeDays, 'maxAgeDays')
  if (maxCaptures === 'invalid' || maxBytes === 'invalid' || maxAgeDays === 'invalid') return 'invalid'
  return { maxCaptures, maxBytes, maxAgeDays }
}

/** Whether any of the limits is set. */
export function hasAnyCap(limits: { maxCaptures: number | null; maxBytes: number | null; maxAgeDays: number | null }): boolean {
  return limits.maxCaptures !== null || limits.maxBytes !== null || limits.maxAgeDays !== null
}
