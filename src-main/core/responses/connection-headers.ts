/**
 * The headers Node would add to an answer on its own (`Date`, `Connection`, `Keep-Alive`), set
 * by the pipeline instead, so that a capture records every header the provider was sent. Node
 * leaves a header alone when the answer already has one.
 */
import type { ResolvedAnswer } from '../../shared/responses'

/** How long the receiver keeps an idle connection open; announced in `Keep-Alive`. */
export const RECEIVER_KEEP_ALIVE_TIMEOUT_MS = 5_000

let cachedSecond = -1
let cachedDate = ''

/** The IMF-fixdate of `nowMs`, made once per second (as Node does for its own `Date`). */
function httpDate(nowMs: number): string {
  const second = Math.floor(nowMs / 1000)
  if (second !== cachedSecond) {
    cachedSecond = second
    cachedDate = new Date(second * 1000).toUTCString()
  }
  return cachedDate
}

/**
 * `answer` with `Date` (when the answer was chosen) and the connection headers for a connection
 * that is kept open or closed after it; headers the answer already names are left as they are.
 * Other answer kinds send no headers and are returned as is.
 */
export function withConnectionHeaders(answer: ResolvedAnswer, keepAlive: boolean, nowMs: number): ResolvedAnswer {
  if (answer.kind !== 'respond') return answer
  let hasDate = false
  let hasConnection = false
  let hasKeepAlive = false
  for (const [name] of answer.headers) {
    const lower = name.toLowerCase()
    if (lower === 'date') hasDate = true
    else if (lower === 'connection') hasConnection = true
    else if (lower === 'keep-alive') hasKeepAlive = true
  }
  const added: Array<[string, string]> = []
  if (!hasDate) added.push(['Date', httpDate(nowMs)])
  if (!hasConnection) {
    if (!keepAlive) added.push(['Connection', 'close'])
    else {
      added.push(['Connection', 'keep-alive'])
      // An answer that names its own Keep-Alive (to test how a sender reads it) is sent with that one alone.
      if (!hasKeepAlive) added.push(['Keep-Alive', `timeout=${RECEIVER_KEEP_ALIVE_TIMEOUT_MS / 1000}`])
    }
  }
  return added.length === 0 ? answer : { ...answer, headers: [...answer.headers, ...added] }
}
