/**
 * Retention caps as the Storage dialog shows them: one text per cap, empty for "no cap", bytes
 * typed in MiB. The API keeps numbers (`null` or absent: no cap).
 */
import type { RetentionLimitsSetting } from '@shared/storage-settings'

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

/**
 * A typed cap as a number (× `unit`), `null` for none, or `'invalid'`: a whole number of at least 1,
 * or for MiB (`unit` > 1) any number of them that is at least a byte (`1.5`).
 */
export function parseCap(text: string, unit = 1): number | null | 'invalid' {
  const trimmed = text.trim()
  if (trimmed === '') return null
  if (!(unit === 1 ? /^\d+$/ : /^(\d+(\.\d*)?|\.\d+)$/).test(trimmed)) return 'invalid'
  const value = Math.round(Number(trimmed) * unit)
  return value < 1 ? 'invalid' : value
}

/** What a field that is not a limit is told: MiB take fractions, the other caps whole numbers. */
export function capProblem(unit = 1): string {
  return unit === 1 ? 'Not a limit: a whole number of at least 1, or empty for none.' : 'Not a limit: a number of MiB above 0 (1.5), or empty for none.'
}

export function capTextsOf(limits: RetentionLimitsSetting | undefined): CapTexts {
  return { maxCaptures: capText(limits?.maxCaptures), maxMiB: capText(limits?.maxBytes, MIB), maxAgeDays: capText(limits?.maxAgeDays) }
}

/** The limits typed, or `'invalid'` when one of them is not a limit (`parseCap`). */
export function limitsOf(texts: CapTexts): { maxCaptures: number | null; maxBytes: number | null; maxAgeDays: number | null } | 'invalid' {
  const maxCaptures = parseCap(texts.maxCaptures)
  const maxBytes = parseCap(texts.maxMiB, MIB)
  const maxAgeDays = parseCap(texts.maxAgeDays)
  if (maxCaptures === 'invalid' || maxBytes === 'invalid' || maxAgeDays === 'invalid') return 'invalid'
  return { maxCaptures, maxBytes, maxAgeDays }
}

/** Whether any of the limits is set. */
export function hasAnyCap(limits: { maxCaptures: number | null; maxBytes: number | null; maxAgeDays: number | null }): boolean {
  return limits.maxCaptures !== null || limits.maxBytes !== null || limits.maxAgeDays !== null
}
