/**
 * The attempt number typed in "Compare with…" to pick any attempt of a delivery, however old: the
 * picker lists the latest page of attempts, and a delivery can have 10,000 and more.
 */
import { formatCount } from '../../lib/format'

/** An attempt number of a delivery of `totalAttempts` (1 = the first to arrive), or why the text is not one. */
export function parseAttemptNumber(text: string, totalAttempts: number): { attempt: number } | { problem: string } {
  // "#37" as the Delivery view writes it, "1,234" as it counts.
  const digits = text.trim().replace(/^#/, '').replace(/[,\s]/g, '')
  if (digits === '') return { problem: 'Type an attempt number.' }
  const attempt = /^\d+$/.test(digits) ? Number(digits) : NaN
  if (!Number.isSafeInteger(attempt) || attempt < 1 || attempt > totalAttempts) {
    return { problem: `This delivery has attempts 1 to ${formatCount(totalAttempts)}.` }
  }
  return { attempt }
}
