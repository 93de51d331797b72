/**
 * Why the receiver refused a request, in words: written into the capture's refusal (and sent to
 * the sender as the answer's body) when it refuses, and shown again from the stored record.
 *
 * Sizes go through byte-size.ts ("10 MiB"). Records stored before that (c9c62d0) say the raw count
 * ("(10485760 bytes)", "after 10 byte(s)"); stored records are never rewritten, so the views show
 * such a reason as today's words say it (`refusalReasonToShow`), whatever the record holds.
 */
import { formatByteLimit, formatExactBytes } from './byte-size'

/** 413: the body is over the receiver's limit. */
export function bodyTooLargeReason(limitBytes: number): string {
  return `The body is larger than this inspector accepts (${formatByteLimit(limitBytes)}).`
}

/** 408: the body stopped arriving. */
export function bodyStalledReason(idleSeconds: number, receivedBytes: number): string {
  return `The body stopped arriving: no byte for ${idleSeconds} s after ${formatExactBytes(receivedBytes)}.`
}

/** The reasons earlier versions stored with a raw byte count, and today's words for them. */
const EARLIER_FORMS: Array<{ form: RegExp; today: (match: RegExpExecArray) => string }> = [
  { form: /^The body is larger than this inspector accepts \((\d+) bytes\)\.$/, today: (match) => bodyTooLargeReason(Number(match[1])) },
  {
    form: /^The body stopped arriving: no byte for (\d+(?:\.\d+)?) s after (\d+) byte\(s\)\.$/,
    today: (match) => bodyStalledReason(Number(match[1]), Number(match[2])),
  },
]

/** A stored refusal's reason as the views show it: in today's words when an earlier version wrote a raw byte count, else as stored. */
export function refusalReasonToShow(stored: string): string {
  for (const { form, today } of EARLIER_FORMS) {
    const match = form.exec(stored)
    if (match) return today(match)
  }
  return stored
}
