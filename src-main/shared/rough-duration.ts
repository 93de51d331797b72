/**
 * A long span in words, for people reading a signature's age: "26 hours", "4.5 days", "3.1
 * years". Verdict messages (core/providers) and the Signature panel say it the same way.
 */

/** "26 hours", "4.5 days", "3.1 years" for a span of an hour or more; null below (seconds say it well). */
export function roughDuration(seconds: number): string | null {
  const hours = seconds / 3600
  if (!Number.isFinite(hours) || hours < 1) return null
  const [value, unit] = hours < 48 ? [hours, 'hour'] : hours < 24 * 365 ? [hours / 24, 'day'] : [hours / (24 * 365.25), 'year']
  const shown = value < 10 ? value.toFixed(1).replace(/\.0$/, '') : String(Math.round(value))
  return `${shown} ${unit}${shown === '1' ? '' : 's'}`
}
