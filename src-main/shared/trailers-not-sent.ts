/**
 * What is said wherever a capture's trailer fields (header lines sent after a chunked body) are
 * left out of what the app sends or writes: a resend sends the body whole with Content-Length,
 * and a curl command cannot send trailers at all. The one home of that wording: the resend
 * dialog's list, "Copy as curl" (the detail's button and the `c` key) and the curl export's
 * comment. Zod-free and Node-free (the renderer bundles it).
 */
import type { HeaderPairs } from './http-message'

/** Why each of them leaves the trailer fields out. */
export const TRAILERS_LEFT_OUT_BECAUSE = {
  resend: 'the body goes whole, with Content-Length',
  curl: 'curl cannot send them',
} as const

/** e.g. "trailer fields not sent (X-Digest, x-digest): curl cannot send them"; each name once. */
export function trailersNotSent(trailers: HeaderPairs, by: keyof typeof TRAILERS_LEFT_OUT_BECAUSE): string {
  return `trailer fields not sent (${[...new Set(trailers.map(([name]) => name))].join(', ')}): ${TRAILERS_LEFT_OUT_BECAUSE[by]}`
}
