/**
 * An attempt number typed to reach any attempt of a delivery, however old: the Delivery view's
 * "Go to attempt" and "Compare with…"'s attempt box read it the same way. Both list the latest
 * page of attempts, and a delivery can have 10,000 and more.
 */
import { formatCount } from './format'

/** An attempt number of a delivery of `totalAttempts` (1 = the first to arrive), or why the text is not one. */
export function parseAttemptNumber(text: string, totalAttempts: number): { attempt: number } | { problem: string } {
  const typed = text.trim()
  if (typed === '') return { problem: 'Type an attempt number.' }
  const range = `This delivery has attempts 1 to ${formatCount(totalAttempts)}.`
  // "#37" as the Delivery view writes it, "1,234" as it counts. Nothing inside is dropped: read
  // without its spaces, "1 2" went to attempt 12, and "1,2" did too.
  const number = typed.replace(/^#/, '')
  if (/\s/.test(number)) return { problem: `“${typed}” is not one attempt number: it has a space inside. ${range}` }
  if (number.includes(',') && !/^\d{1,3}(,\d{3})+$/.test(number)) {
    return { problem: `“${typed}” is not an attempt number: commas only group thousands (1,234). ${range}` }
  }
  const digits = number.replace(/,/g, '')
  const attempt = /^\d+$/.test(digits) ? Number(digits) : NaN
  // Past the last one: say there is no such attempt (yet), not only which ones there are.
  if (attempt > totalAttempts) return { problem: `There is no attempt ${formatCount(attempt)}. ${range}` }
  if (!Number.isSafeInteger(attempt) || attempt < 1) return { problem: `“${typed}” is not an attempt number. ${range}` }
  return { attempt }
}
