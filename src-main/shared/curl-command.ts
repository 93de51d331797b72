/**
 * One curl command that resends a request's exact bytes, for bash, zsh and dash. The single home
 * of this rule: the renderer's "Copy as curl" and the core's curl export both use it.
 *
 * Two hazards shape it:
 * - Linux limits one argument to 128 KiB (`MAX_ARG_STRLEN`), so a large body can never be one
 *   argument: it is fed on stdin, written by `printf '%b'` in chunks of a few KiB each.
 * - curl reads a file when a `--data*` value starts with `@`, so a body is never given to a
 *   `--data` option that does that: `--data-raw` for short text, stdin (`@-`) otherwise.
 *
 * Header values are latin1 strings (one character per wire byte), bodies raw bytes.
 */
import type { HeaderPairs } from './http-message'
import { originFormOf } from './target-text'

/** Hop-by-hop headers and those curl computes itself. */
const SKIPPED_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
])

/**
 * Whether the command sends this header as received. The others are curl's own (framing, `Host`
 * from the URL, its connection handling) or hop-by-hop: a command cannot send them faithfully.
 */
export function curlSendsHeader(name: string): boolean {
  return !SKIPPED_HEADERS.has(name.toLowerCase())
}

/** Headers curl adds on its own; an empty `-H 'Name:'` stops it when the request had none. */
const CURL_DEFAULT_HEADERS = ['User-Agent', 'Accept']

/** A body argument longer than this goes through stdin instead (well under 128 KiB). */
export const MAX_INLINE_BODY_ARGUMENT_CHARS = 64 * 1024
/** Bytes of body per `printf` argument on the stdin path. */
const PRINTF_CHUNK_BYTES = 4096

export interface CurlRequest {
  method: string
  /** Where to send it: an origin plus the request target as received. */
  url: string
  headers: HeaderPairs
  body: Uint8Array
  /**
   * The HTTP version it was received with (`1.1` when not given). curl sends HTTP/1.1 to an
   * http:// URL unless told otherwise, so a `1.0` request gets `--http1.0`; HTTP/1.1 needs no flag.
   */
  httpVersion?: string
  /**
   * The request line's target when it is not the URL's path and query: one received in absolute
   * form (`http://host/<slug>/x`) or `*`. Sent with `--request-target` (curl 7.55 and later), so the
   * command sends it exactly as received; a curl export sent the URL's path instead.
   */
  requestTarget?: string
}

/**
 * A shell command that sends exactly `request`: method, target, header pairs (order, case and
 * duplicates) and body bytes. No argument is ever longer than about 64 KiB.
 */
export function buildCurlCommand(request: CurlRequest): string {
  // One flag and its value per line.
  const lines: string[] = []
  const hasBody = request.body.length > 0
  const method = request.method.toUpperCase()
  if (method === 'HEAD') lines.push('--head')
  else if (!(method === 'GET' && !hasBody) && !(method === 'POST' && hasBody)) lines.push(`-X ${quoteLatin1(request.method)}`)
  if (request.httpVersion === '1.0') lines.push('--http1.0')
  if (needsLiteralUrl(request.url)) lines.push('--globoff --path-as-is')
  if (request.requestTarget !== undefined) lines.push(`--request-target ${quoteLatin1(request.requestTarget)}`)
  lines.push(quoteLatin1(request.url))
  const sentNames = new Set<string>()
  for (const [name, value] of request.headers) {
    if (!curlSendsHeader(name)) continue
    sentNames.add(name.toLowerCase())
    // `Name;` is curl's way of sending a header with an empty value.
    lines.push(`-H ${quoteLatin1(value === '' ? `${name};` : `${name}: ${value}`)}`)
  }
  for (const name of CURL_DEFAULT_HEADERS) if (!sentNames.has(name.toLowerCase())) lines.push(`-H '${name}:'`)
  // curl labels any body it sends as a form unless told otherwise.
  if (hasBody && !sentNames.has('content-type')) lines.push(`-H 'Content-Type:'`)
  // Without an explicit empty Expect, curl may wait for 100-continue on large bodies.
  if (hasBody && !sentNames.has('expect')) lines.push(`-H 'Expect:'`)
  if (!hasBody) return `curl -sS ${lines.join(' \\\n  ')}`

  const inline = inlineBodyArgument(request.body)
  if (inline !== null) {
    // --data-raw, unlike --data-binary, never reads a file for a value starting with `@`.
    lines.push(`--data-raw ${inline}`)
    return `curl -sS ${lines.join(' \\\n  ')}`
  }
  lines.push('--data-binary @-')
  return `${printfChunks(request.body)} | curl -sS ${lines.join(' \\\n  ')}`
}

/** The URL as given, when curl would otherwise expand `[]{}` globs or squash `/../` segments. */
function needsLiteralUrl(url: string): boolean {
  return /[[\]{}]/.test(url) || /\/\.\.?(\/|$|\?|#)/.test(url)
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * The body as one single-quoted argument, when it is short, valid UTF-8 and free of control
 * bytes other than tab and newline; otherwise `null` (stdin is used).
 */
function inlineBodyArgument(body: Uint8Array): string | null {
  if (body.length > MAX_INLINE_BODY_ARGUMENT_CHARS) return null
  for (const value of body) {
    if (value < 0x20 && value !== 0x0a && value !== 0x09) return null
    if (value === 0x7f) return null
  }
  let text: string
  try {
    text = utf8Strict.decode(body)
  } catch {
    return null
  }
  const quoted = singleQuote(text)
  return quoted.length <= MAX_INLINE_BODY_ARGUMENT_CHARS ? quoted : null
}

/**
 * `{ printf '%b' '…'; printf '%b' '…'; }`: the body's exact bytes on stdout, in arguments of a
 * few KiB each. POSIX `%b` with octal escapes works alike in bash, zsh and dash.
 */
function printfChunks(body: Uint8Array): string {
  const commands: string[] = []
  for (let start = 0; start < body.length; start += PRINTF_CHUNK_BYTES) {
    commands.push(`printf '%b' ${printfEscape(body.subarray(start, start + PRINTF_CHUNK_BYTES))}`)
  }
  if (commands.length === 1) return commands[0]!
  return `{\n${commands.join('\n')}\n}`
}

/** The capture URL's origin plus the target's path and query as they arrived (an absolute-form target's, see `originFormOf`; `/` for `*`). */
export function captureUrl(endpointUrl: string, target: string): string {
  try {
    return new URL(endpointUrl).origin + (target === '*' ? '/' : originFormOf(target))
  } catch {
    return target
  }
}

/** What of a captured request a curl command sends (the body is given apart: the caller may hold it decoded already). */
export interface CapturedCurlRequest {
  method: string
  /** The request target as received. */
  target: string
  httpVersion: string
  headers: HeaderPairs
}

/**
 * The curl request that resends a capture as received to `endpointUrl`'s origin: the single home
 * of this rule, for "Copy as curl" and the curl export alike. The URL says where to send it; a
 * target that is not its path and query (absolute form, `*`) goes in the request line as received
 * with `--request-target`, and an HTTP/1.0 request stays 1.0. "Copy as curl" sent the URL's path
 * and HTTP/1.1 for such captures while the export kept them.
 */
export function capturedCurlRequest(endpointUrl: string, request: CapturedCurlRequest, body: Uint8Array): CurlRequest {
  return {
    method: request.method,
    url: captureUrl(endpointUrl, request.target),
    ...(request.target.startsWith('/') ? {} : { requestTarget: request.target }),
    headers: request.headers,
    body,
    httpVersion: request.httpVersion,
  }
}

/** Single quotes when every byte is printable ASCII; otherwise `$'...'` with \xHH escapes. */
function quoteLatin1(text: string): string {
  let isPrintable = true
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code < 0x20 || code >= 0x7f) {
      isPrintable = false
      break
    }
  }
  if (isPrintable) return SHELL_SAFE.test(text) ? text : singleQuote(text)
  let out = "$'"
  for (let index = 0; index < text.length; index++) {
    const value = text.charCodeAt(index) & 0xff
    if (value === 0x5c) out += '\\\\'
    else if (value === 0x27) out += "\\'"
    else if (value >= 0x20 && value < 0x7f) out += String.fromCharCode(value)
    else out += `\\x${value.toString(16).padStart(2, '0')}`
  }
  return `${out}'`
}

/** Words that need no quoting at all (methods, simple URLs). */
const SHELL_SAFE = /^[A-Za-z0-9_\-.,:/=@%+]+$/

function singleQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

/** How `printf '%b'` is given each byte that is not printable ASCII (and `\`, `'`): as an escape. */
const PRINTF_ESCAPES = Array.from({ length: 256 }, (_, value) => {
  if (value === 0x5c) return '\\\\'
  if (value === 0x27) return '\\0047'
  if (value === 0x0a) return '\\n'
  return `\\0${value.toString(8).padStart(3, '0')}`
})

/**
 * POSIX `printf '%b'` argument: octal escapes for everything but printable ASCII. Runs of
 * printable bytes are appended whole: appending one character at a time took 7 of the 11 s a
 * 10 MB body's command took to build, and "Copy as curl" froze the window for as long.
 */
function printfEscape(bytes: Uint8Array): string {
  const parts = ["'"]
  let runStart = 0
  for (let index = 0; index < bytes.length; index++) {
    const value = bytes[index]!
    if (value >= 0x20 && value < 0x7f && value !== 0x5c && value !== 0x27) continue
    if (runStart < index) parts.push(latin1Run(bytes, runStart, index))
    parts.push(PRINTF_ESCAPES[value]!)
    runStart = index + 1
  }
  if (runStart < bytes.length) parts.push(latin1Run(bytes, runStart, bytes.length))
  parts.push("'")
  return parts.join('')
}

/** `bytes[start, end)` as one character each; spread at most {@link PRINTF_CHUNK_BYTES} arguments at a time. */
function latin1Run(bytes: Uint8Array, start: number, end: number): string {
  let text = ''
  for (let from = start; from < end; from += PRINTF_CHUNK_BYTES) text += String.fromCharCode(...bytes.subarray(from, Math.min(end, from + PRINTF_CHUNK_BYTES)))
  return text
}
