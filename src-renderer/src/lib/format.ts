/** Display formatting shared by the views. */

const numberFormat = new Intl.NumberFormat('en-US')

export function formatCount(value: number): string {
  return numberFormat.format(value)
}

const KIB = 1024
/** Binary multiples, named as such: 1,048,576 bytes is 1 MiB, and "1 MB" would be 1,000,000. */
const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const

/**
 * A short human size: `512 B`, `1.5 KiB`, `20 MiB`. Every size in the app is counted in powers of
 * 1,024, so the units say so (the import limit of 20 MiB read "20.0 MB"). One decimal below 100, none
 * when it is .0; the exact byte count belongs in a title or beside it (formatExactBytes).
 */
export function formatBytes(bytes: number): string {
  if (bytes < KIB) return `${bytes} B`
  let value = bytes / KIB
  for (const [index, unit] of BYTE_UNITS.entries()) {
    // Compared as shown, so 1,048,575 bytes reads "1 MiB", not "1024 KiB".
    if (Number(shortNumber(value)) < KIB || index === BYTE_UNITS.length - 1) return `${shortNumber(value)} ${unit}`
    value /= KIB
  }
  throw new Error('unreachable: the last unit returns')
}

function shortNumber(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '')
}

/** A count of characters (never a byte size: one character can be up to four bytes). */
export function formatCharacters(count: number): string {
  return `${numberFormat.format(count)} ${count === 1 ? 'character' : 'characters'}`
}

export function formatExactBytes(bytes: number): string {
  return `${numberFormat.format(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`
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

/** Time of day with milliseconds; the date only when it is not today. */
export function formatListTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const isToday = date.toDateString() === now.toDateString()
  return isToday ? timeFormat.format(date) : `${shortDateFormat.format(date)} ${timeFormat.format(date)}`
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
