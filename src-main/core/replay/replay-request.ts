/**
 * From a captured request to the request a replay sends.
 *
 * Invariant (field notes, lesson 1): with nothing edited, the bytes that leave are the captured
 * ones: same method, same body, same end-to-end headers in the same order and case. Only `Host`
 * (rewritten for the target) and hop-by-hop headers (connection-scoped) differ, and whatever else
 * differs is listed in `differences` so the UI can say so plainly.
 */
import { createHash } from 'node:crypto'
import type { CaptureDetail } from '../../shared/views'
import { InspectorError } from '../../shared/errors'
import type { HeaderPairs } from '../../shared/http-message'
import {
  REPLAY_RECORD_BODY_BYTES,
  type BodyDigest,
  type HeaderChangeReason,
  type ReplayBody,
  type ReplayDifference,
  type ReplayEdits,
  type SentRequestView,
} from '../../shared/replay'
import { requestedUrl } from '../../shared/captured-path'
import { originFormOf } from '../../shared/target-text'
import { FORWARDED_MARK_HEADER } from './forward-loop'
import { withoutHopByHop } from './hop-by-hop'

/** Where the captured path goes: its home is shared/captured-path.ts (the Forward dialog previews it). */
export { sentTarget } from '../../shared/captured-path'

/** A request as captured: the raw material of every replay. */
export interface CapturedRequest {
  method: string
  /**
   * Path and query as received (with the endpoint's `/<slug>` prefix); from `capturedRequestOf`,
   * a target received in absolute form is its origin form (`originFormOf`).
   */
  target: string
  headers: HeaderPairs
  body: Buffer
  /** A chunked body's trailer fields as received (absent or `[]`: none); never sent, see `compareWithCapture`. */
  trailers?: HeaderPairs
}

/** A capture as the contract returns it, or the raw request itself. */
export type ReplaySource = CapturedRequest | Pick<CaptureDetail, 'request'>

/** The request a replay sends, with everything needed to explain it. */
export interface ReplayRequest {
  method: string
  /** Full URL: the target's origin plus `target`. */
  url: string
  /** Request target on the wire (path and query). */
  target: string
  /** Exactly as they will be sent: order and case kept, `Host` and framing included. */
  headers: HeaderPairs
  body: Buffer
  captured: CapturedRequest
  /** Hop-by-hop header names of the capture (or of the edit) that are not sent. */
  droppedHeaders: string[]
  differences: ReplayDifference[]
  /** What the user changed (kept so differences can be recomputed after re-signing). */
  edited: { method: boolean; headers: boolean; body: boolean }
  /** Lower-case header names re-signing set; `bodyResigned` when re-signing rewrote the body. */
  resigned: { headers: string[]; body: boolean }
  /** Set on a live forward: the app added `X-Callback-Inspector-Forwarded` (see forward-loop.ts). */
  forwardMarked?: boolean
}

export interface BuildReplayOptions {
  /** Where to send, e.g. `http://localhost:3000/callbacks/ixopay`. */
  targetUrl: string
  /** Append the captured path and query (relative to the endpoint) to the target URL's path. */
  keepCapturedPath?: boolean
  edits?: ReplayEdits
}

/** Methods for which Node does not fall back to chunked framing: an empty body needs no Content-Length. */
const BODYLESS_BY_DEFAULT = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'])

export function capturedRequestOf(source: ReplaySource): CapturedRequest {
  if ('request' in source) {
    const { method, target, headers, trailers, bodyBase64 } = source.request
    return { method, target: originFormOf(target), headers, trailers, body: Buffer.from(bodyBase64, 'base64') }
  }
  // A target received in absolute form (`http://host/<slug>/x`): its path is what is resent and compared.
  const target = originFormOf(source.target)
  return target === source.target ? source : { ...source, target }
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export function bodyDigest(bytes: Buffer): BodyDigest {
  return { sha256: sha256Hex(bytes), size: bytes.length }
}

export function bodyFromEdit(body: ReplayBody): Buffer {
  switch (body.encoding) {
    case 'utf8':
      return Buffer.from(body.text, 'utf8')
    case 'base64':
      return Buffer.from(body.base64, 'base64')
    default: {
      const exhaustive: never = body
      throw new InspectorError('BAD_REQUEST', `unknown body encoding ${JSON.stringify(exhaustive)}`)
    }
  }
}

/** Parses and checks a target URL; only http and https can be replayed to. */
export function parseTargetUrl(targetUrl: string): URL {
  let url: URL
  try {
    url = new URL(targetUrl)
  } catch (error: unknown) {
    if (error instanceof TypeError) throw new InspectorError('BAD_REQUEST', `not a URL: ${targetUrl}`)
    throw error
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InspectorError('BAD_REQUEST', `only http:// and https:// targets can be replayed to, not ${url.protocol}`)
  if (url.hostname === '') throw new InspectorError('BAD_REQUEST', `the target URL has no host: ${targetUrl}`)
  return url
}

/**
 * Makes the headers' framing match the body: `Content-Length` set to the body's length (kept in
 * place and in its case when present, appended when needed), and `Host` set to `host` (in place,
 * or first when absent). Node adds neither when headers are given as an array.
 */
export function frameHeaders(headers: HeaderPairs, host: string, method: string, body: Buffer): HeaderPairs {
  const framed: HeaderPairs = []
  let hasHost = false
  let hasLength = false
  for (const [name, value] of headers) {
    const lower = name.toLowerCase()
    if (lower === 'host') {
      if (hasHost) continue
      hasHost = true
      framed.push([name, host])
    } else if (lower === 'content-length') {
      if (hasLength) continue
      hasLength = true
      framed.push([name, String(body.length)])
    } else framed.push([name, value])
  }
  if (!hasHost) framed.unshift(['Host', host])
  if (!hasLength && (body.length > 0 || !BODYLESS_BY_DEFAULT.has(method.toUpperCase()))) framed.push(['Content-Length', String(body.length)])
  return framed
}

/**
 * Builds the outgoing request. Throws `InspectorError('BAD_REQUEST')` for a target URL that is not
 * http(s); everything else is data.
 */
export function buildReplayRequest(source: ReplaySource, options: BuildReplayOptions): ReplayRequest {
  const captured = capturedRequestOf(source)
  const url = parseTargetUrl(options.targetUrl)
  const edits = options.edits ?? {}
  const method = edits.method ?? captured.method
  const body = edits.body ? bodyFromEdit(edits.body) : captured.body
  const { kept, dropped } = withoutHopByHop(edits.headers ?? captured.headers)
  // The URL exactly as the HTTP client will parse and request it, so the preview and the history
  // never show one path while another is requested.
  const requested = requestedUrl(url, captured.target, options.keepCapturedPath ?? false)
  const target = `${requested.pathname}${requested.search}`
  const request: ReplayRequest = {
    method,
    url: `${requested.origin}${target}`,
    target,
    headers: frameHeaders(kept, url.host, method, body),
    body,
    captured,
    droppedHeaders: dropped,
    differences: [],
    edited: { method: edits.method !== undefined && edits.method !== captured.method, headers: edits.headers !== undefined, body: edits.body !== undefined },
    resigned: { headers: [], body: false },
  }
  request.differences = compareWithCapture(request)
  return request
}

/** Lower-case name -> values in order, Host and hop-by-hop headers left out. */
function groupHeaders(headers: HeaderPairs): Map<string, { name: string; values: string[] }> {
  const grouped = new Map<string, { name: string; values: string[] }>()
  for (const [name, value] of withoutHopByHop(headers).kept) {
    const lower = name.toLowerCase()
    if (lower === 'host') continue
    const entry = grouped.get(lower)
    if (entry) entry.values.push(value)
    else grouped.set(lower, { name, values: [value] })
  }
  return grouped
}

/** Everything the request sends that the capture did not have, except Host and hop-by-hop headers. */
export function compareWithCapture(request: ReplayRequest): ReplayDifference[] {
  const { captured } = request
  const differences: ReplayDifference[] = []
  if (request.method !== captured.method) differences.push({ kind: 'method', captured: captured.method, sent: request.method })
  if (request.target !== captured.target) differences.push({ kind: 'path', captured: captured.target, sent: request.target })

  const reasonFor = (lower: string): HeaderChangeReason => {
    if (request.resigned.headers.includes(lower)) return 'resigned'
    if (request.forwardMarked === true && lower === FORWARDED_MARK_HEADER.toLowerCase()) return 'forward-mark'
    // Content-Length always follows the body (frameHeaders), whatever the editor said.
    return lower === 'content-length' ? 'recomputed' : 'edited'
  }
  const before = groupHeaders(captured.headers)
  const after = groupHeaders(request.headers)
  for (const [lower, entry] of before) {
    const sent = after.get(lower)
    const capturedValue = entry.values.join(', ')
    if (!sent) differences.push({ kind: 'header-removed', name: entry.name, value: capturedValue, reason: reasonFor(lower) })
    else if (sent.values.join('\n') !== entry.values.join('\n'))
      differences.push({ kind: 'header-changed', name: sent.name, captured: capturedValue, sent: sent.values.join(', '), reason: reasonFor(lower) })
  }
  for (const [lower, entry] of after) {
    if (!before.has(lower)) differences.push({ kind: 'header-added', name: entry.name, value: entry.values.join(', '), reason: reasonFor(lower) })
  }
  // Order and case of the headers both sides have: some verifiers (and some bugs) depend on them.
  const common = (headers: HeaderPairs, other: Map<string, unknown>): string[] =>
    withoutHopByHop(headers)
      .kept.map(([name]) => name)
      .filter((name) => name.toLowerCase() !== 'host' && other.has(name.toLowerCase()))
  const capturedOrder = common(captured.headers, after)
  const sentOrder = common(request.headers, before)
  if (capturedOrder.join('\n') !== sentOrder.join('\n')) differences.push({ kind: 'header-order', captured: capturedOrder, sent: sentOrder })

  if (!request.body.equals(captured.body)) {
    differences.push({
      kind: 'body',
      captured: bodyDigest(captured.body),
      sent: bodyDigest(request.body),
      reason: request.edited.body || !request.resigned.body ? 'edited' : 'resigned',
    })
  }
  // A replay frames the body itself, whole with Content-Length (frameHeaders): sending it chunked
  // with trailer fields is not supported, so a capture that had some is said to differ, never
  // passed off as the captured bytes with its digest or signature trailer silently gone.
  if (captured.trailers !== undefined && captured.trailers.length > 0) differences.push({ kind: 'trailers-not-sent', trailers: captured.trailers })
  return differences
}

/** The JSON view of what was sent, for the history and the UI. */
export function sentRequestView(request: ReplayRequest, maxBodyBytes = REPLAY_RECORD_BODY_BYTES): SentRequestView {
  return {
    method: request.method,
    url: request.url,
    target: request.target,
    headers: request.headers.map(([name, value]) => [name, value]),
    bodySha256: sha256Hex(request.body),
    bodySize: request.body.length,
    bodyBase64: request.body.subarray(0, maxBodyBytes).toString('base64'),
    bodyTruncated: request.body.length > maxBodyBytes,
    droppedHeaders: [...request.droppedHeaders],
    // A path change alone is how every replay to another server looks; only a content change counts.
    differsFromCapture: request.differences.some((difference) => difference.kind !== 'path'),
  }
}
