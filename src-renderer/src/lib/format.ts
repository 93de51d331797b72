/** Display formatting shared by the views. */

const numberFormat = new Intl.NumberFormat('en-US')

export function formatCount(value: number): string {
  return numberFormat.format(value)
}

// Sizes: one rule for the core's messages and these views (shared/byte-size.ts).
export { formatBytes, formatExactBytes } from '@shared/byte-size'

/** A count of characters (never a byte size: one character can be up to four bytes). */
export function formatCharacters(count: number): string {
  return `${numberFormat.format(count)} ${count === 1 ? 'character' : 'characters'}`
}

// Seconds are enough in a list (it is in arrival order); the full time is in each row's title.
const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})
const shortDateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })
const fullFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
})

/** Time of day to the second; the date only when it is not today. */
export function formatListTime(iso: string, now: Date = new Date()): string {
  const { date, time } = listTimeParts(iso, now)
  return date === null ? time : `${date} ${time}`
}

/**
 * formatListTime's two parts, for a cell too narrow for both on one line (the capture list's): the
 * date (`null` today) and the time of day (the whole text when `iso` is not a time).
 */
export function listTimeParts(iso: string, now: Date = new Date()): { date: string | null; time: string } {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return { date: null, time: iso }
  const isToday = date.toDateString() === now.toDateString()
  return { date: isToday ? null : shortDateFormat.format(date), time: timeFormat.format(date) }
}

export function formatFullTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${fullFormat.format(date)} (${iso})`
}

export function formatDuration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(2)} s`
}
