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

/** A cap as typed: empty is no cap. */
export function capText(value: number | null | undefined, unit = 1): string {
  return value === null || value === undefined ? '' : String(Math.round(value / unit))
}

/** A typed cap as a number (× `unit`), `null` for none, or `'invalid'`. */
export function parseCap(text: string, unit = 1): number | null | 'invalid' {
  const trimmed = text.trim()
  if (trimmed === '') return null
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1) return 'invalid'
  return Number(trimmed) * unit
}

export function capTextsOf(limits: RetentionLimitsSetting | undefined): CapTexts {
  return { maxCaptures: capText(limits?.maxCaptures), maxMiB: capText(limits?.maxBytes, MIB), maxAgeDays: capText(limits?.maxAgeDays) }
}

/** The limits typed, or `'invalid'` when one of them is not a whole number of at least 1. */
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
