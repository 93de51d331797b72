/**
 * Raw HTTP/1.1 request messages: the request line, the header lines exactly as received
 * (latin1, one character per byte), an empty line and the body bytes. Several captures are
 * written one after another, as a client pipelining them would send them, so each message
 * needs framing: `Content-Length` as received, or, for a request that came chunked (the store
 * keeps the decoded body), the body re-sent as one chunk, followed by its trailer fields as received.
 *
 * Import accepts CRLF or bare LF line ends in the head (pasted text), an absolute-form target (kept as received),
 * and a body framed by Content-Length, chunked, or (for the last message, when another request
 * line does not follow) everything that follows. A message this app labelled as changed before
 * export is read back as changed, without its labels (and with the provider the exporting app
 * recognised, when a label names it), and a message whose last line says which header lines are
 * the sender's gets exactly those (changed-label.ts).
 */
import { headerValue, type HeaderPairs } from '../../shared/http-message'
import { HTTP_TOKEN_PATTERN } from '../../shared/answer-catalog'
import type { EntryResult } from './bundle-format'
import { importedRequest, type ExchangeCapture } from './exchange-capture'
import { originFormOf } from '../../shared/target-text'
import { isAppHeaderName, RECEIVED_LENGTH_HEADER, REFUSED_HEADER, refusalLabelText, senderHeadersAndLabels, SENDER_HEADERS_HEADER } from './changed-label'
import { formatByteLimit, formatExactBytes } from '../../shared/byte-size'
import { runSteps, type Steps } from './work-slices'

/** Header lines that say what was changed in a message before export (changed-label.ts). */
export type ExtraHeaders = HeaderPairs

/**
 * One request message; `extraHeaders` are appended (the labels of a changed message). The
 * capture's header lines come first, exactly as received; when the app adds any line after them
 * (a label, a `Content-Length` it lacked) or one of them bears a name the app labels with, a last
 * line `X-Callback-Inspector-Sender-Headers: N` says which are the sender's (changed-label.ts). A
 * `Content-Length` the stored body does not match (a refused request's) is written as the body's
 * length, its value as received in a line of the app's.
 */
export function writeHttpMessage(capture: ExchangeCapture, extraHeaders: ExtraHeaders = []): Buffer {
  const headers: HeaderPairs = [...capture.headers]
  const isChunked = /\bchunked\b/i.test(headerValue(headers, 'transfer-encoding') ?? '')
  let body = capture.body
  if (isChunked) {
    // The trailer fields go where they came, after the last chunk (an import reads them back).
    const lastChunk = Buffer.from(`0\r\n${capture.trailers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`, 'latin1')
    body =
      capture.body.length === 0
        ? lastChunk
        : Buffer.concat([Buffer.from(`${capture.body.length.toString(16)}\r\n`), capture.body, Buffer.from('\r\n'), lastChunk])
  }
  const receivedLengths: HeaderPairs = []
  if (!isChunked) {
    const length = String(capture.body.length)
    const declared = headers.flatMap(([name], index) => (name.toLowerCase() === 'content-length' ? [index] : []))
    // A refused request keeps its headers, not its body: framed by what is written (or the next
    // message would be read as its body), with every value as received after the sender's lines.
    if (declared.some((index) => headers[index]![1] !== length)) {
      for (const index of declared) {
        receivedLengths.push([RECEIVED_LENGTH_HEADER, headers[index]![1]])
        headers[index] = [headers[index]![0], length]
      }
    }
    // Without it the message could not be read back; an HTTP/1.1 request with a body always has one.
    if (declared.length === 0 && capture.body.length > 0) headers.push(['Content-Length', length])
  }
  headers.push(...receivedLengths, ...extraHeaders)
  // Its body was never stored: the import keeps it refused.
  if (capture.outcome === 'refused' && capture.refusal) headers.push([REFUSED_HEADER, refusalLabelText(capture.refusal)])
  if (headers.length > capture.headers.length || capture.headers.some(([name]) => isAppHeaderName(name)))
    headers.push([SENDER_HEADERS_HEADER, String(capture.headers.length)])
  const head = `${capture.method} ${capture.target} HTTP/${capture.httpVersion}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`
  return Buffer.concat([Buffer.from(head, 'latin1'), body])
}

const MAX_HEAD_BYTES = 256 * 1024

/** Chunks read between two pauses of a chunked body's reading. */
const CHUNKS_PER_STEP = 4096

/** Reads one or more request messages, one after another, all at once. */
export function readHttpMessages(bytes: Buffer, maxBodyBytes: number): { ok: true; entries: EntryResult[] } | { ok: false; message: string } {
  const scanned = runSteps(scanHttpMessages(bytes, maxBodyBytes, Number.MAX_SAFE_INTEGER))
  if (!scanned.ok) return scanned
  return { ok: true, entries: Array.from({ length: scanned.count }, (_unused, index) => runSteps(scanned.entrySteps(index))) }
}

/** Messages found in a text, each read (its body copied) only when asked for. */
export interface HttpMessageSource {
  ok: true
  count: number
  entrySteps(index: number): Steps<EntryResult>
}

/**
 * Finds where each message starts, pausing after each (and within a long chunked body), without
 * copying any body: an import then reads one message at a time, so a file of 40,000 requests
 * never holds more than the batch being stored, and a file of more than `maxEntries` messages is
 * refused as soon as the one over the limit is found.
 */
export function* scanHttpMessages(bytes: Buffer, maxBodyBytes: number, maxEntries: number): Steps<HttpMessageSource | { ok: false; message: string }> {
  const starts: number[] = []
  let tailFailure: string | null = null
  let offset = 0
  while (offset < bytes.length) {
    // Blank lines between messages (pasted text) are skipped, as RFC 9112 §2.2 allows.
    while (offset < bytes.length && (bytes[offset] === 0x0d || bytes[offset] === 0x0a)) offset++
    if (offset >= bytes.length) break
    const read = yield* readOneMessage(bytes, offset, maxBodyBytes, false)
    if (!read.ok) {
      const where = `message ${starts.length + 1} (byte ${read.at ?? offset})`
      // A broken head leaves no way to find where the next message starts: the rest fails with it.
      if (starts.length === 0) return { ok: false, message: `${where}: ${read.message}` }
      tailFailure = `${where}: ${read.message}; what follows could not be read`
      break
    }
    starts.push(offset)
    if (starts.length > maxEntries) return { ok: false, message: `the file has more than ${maxEntries} requests; at most ${maxEntries} are imported at once` }
    offset = read.end
    yield
  }
  if (starts.length === 0) return { ok: false, message: 'the text holds no HTTP request' }
  return {
    ok: true,
    count: starts.length + (tailFailure === null ? 0 : 1),
    *entrySteps(index: number): Steps<EntryResult> {
      const start = starts[index]
      if (start === undefined) return { ok: false, message: tailFailure ?? `no message ${index + 1}` }
      const read = yield* readOneMessage(bytes, start, maxBodyBytes, true)
      // Read the same way when it was found: cannot fail now.
      return read.ok ? { ok: true, capture: read.capture } : { ok: false, message: `message ${index + 1} (byte ${read.at ?? start}): ${read.message}` }
    },
  }
}

type OneMessage = { ok: true; capture: ExchangeCapture; end: number } | { ok: false; message: string; at?: number }

/** One message; with `copyBody` false its body is only framed (the capture's body is empty). */
function* readOneMessage(bytes: Buffer, start: number, maxBodyBytes: number, copyBody: boolean): Steps<OneMessage> {
  const headEnd = findHeadEnd(bytes, start)
  if (headEnd === null)
    return {
      ok: false,
      message: bytes.length - start > MAX_HEAD_BYTES ? 'the request head is longer than 256 KiB' : 'the request head does not end with an empty line',
    }
  const lines = bytes.subarray(start, headEnd.at).toString('latin1').split(/\r?\n/)
  const requestLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/(\d\.\d)$/.exec(lines[0] ?? '')
  if (!requestLine)
    return {
      ok: false,
      message: `the first line is not a request line ("METHOD target HTTP/1.1"): ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`,
      at: start,
    }
  // The target as received, as the receiver stores it: an absolute-form one (`http://host/<slug>/x`)
  // was turned into its path, so a capture of one came back with another target. `OPTIONS *`
  // (asterisk-form) is a request target too: a capture of one, exported, was refused.
  const target = requestLine[2]!
  if (target !== '*' && !originFormOf(target).startsWith('/'))
    return { ok: false, message: `the request target is not a path or an absolute http(s) URL: ${target.slice(0, 80)}`, at: start }
  const headers: HeaderPairs = []
  for (const [index, line] of lines.slice(1).entries()) {
    const colon = line.indexOf(':')
    if (colon <= 0 || !HTTP_TOKEN_PATTERN.test(line.slice(0, colon)))
      return { ok: false, message: `header line ${index + 1} is not "Name: value": ${JSON.stringify(line.slice(0, 80))}`, at: start }
    headers.push([line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')])
  }
  const bodyStart = headEnd.bodyStart
  const framed = yield* readBody(bytes, bodyStart, headers, maxBodyBytes, copyBody)
  if (!framed.ok) return { ok: false, message: framed.message, at: bodyStart }
  // This app's lines are not part of the request: what its labels say is kept as its record.
  const labelled = senderHeadersAndLabels(headers)
  const capture = importedRequest({
    method: requestLine[1]!,
    target,
    httpVersion: requestLine[3]!,
    headers: labelled.headers,
    trailers: framed.trailers ?? [],
    body: framed.body,
  })
  if (labelled.refusal) Object.assign(capture, { outcome: 'refused', refusal: labelled.refusal } satisfies Partial<ExchangeCapture>)
  // The exporting app's provider comes only with a changed record (changed-label.ts).
  const changed = labelled.changed
    ? { changedBeforeExport: labelled.changed, ...(labelled.exporterProvider ? { exporterProvider: labelled.exporterProvider } : {}) }
    : {}
  return { ok: true, end: framed.end, capture: { ...capture, ...changed } }
}

/** The empty line that ends the head: CRLF CRLF, or LF LF in pasted text. */
function findHeadEnd(bytes: Buffer, start: number): { at: number; bodyStart: number } | null {
  const limit = Math.min(bytes.length, start + MAX_HEAD_BYTES)
  for (let index = start; index < limit; index++) {
    if (bytes[index] !== 0x0a) continue
    if (bytes[index + 1] === 0x0a) return { at: index, bodyStart: index + 2 }
    if (bytes[index + 1] === 0x0d && bytes[index + 2] === 0x0a) return { at: index - (bytes[index - 1] === 0x0d ? 1 : 0), bodyStart: index + 3 }
  }
  return null
}

/** A chunked body's `trailers` as `headers` are read (they are header lines after the last chunk). */
type FramedBody = { ok: true; body: Buffer; end: number; trailers?: HeaderPairs } | { ok: false; message: string }

const NO_BODY = Buffer.alloc(0)

function* readBody(bytes: Buffer, start: number, headers: HeaderPairs, maxBodyBytes: number, copyBody: boolean): Steps<FramedBody> {
  const transferEncoding = headerValue(headers, 'transfer-encoding')
  if (transferEncoding !== undefined && /\bchunked\b/i.test(transferEncoding)) return yield* readChunked(bytes, start, maxBodyBytes, copyBody)
  const contentLength = headerValue(headers, 'content-length')
  // Two lengths that differ leave no way to tell where the body ends (RFC 9112 §6.3): the first one
  // was taken, and the rest of the body read as the next message.
  const lengths = new Set(headers.filter(([name]) => name.toLowerCase() === 'content-length').map(([, value]) => value.trim()))
  if (lengths.size > 1)
    return {
      ok: false,
      message: `Content-Length is given more than once, with different values: ${[...lengths].map((value) => value.slice(0, 20)).join(', ')}`,
    }
  if (contentLength !== undefined) {
    if (!/^\d{1,15}$/.test(contentLength.trim())) return { ok: false, message: `Content-Length is not a number: ${contentLength.slice(0, 40)}` }
    const declared = Number(contentLength.trim())
    // A huge declared size is refused before anything is allocated for it.
    if (declared > maxBodyBytes)
      return { ok: false, message: `Content-Length declares ${formatExactBytes(declared)}, more than the ${formatByteLimit(maxBodyBytes)} limit` }
    if (start + declared > bytes.length) return { ok: false, message: `Content-Length declares ${declared} bytes but only ${bytes.length - start} follow` }
    return { ok: true, body: copyBody ? Buffer.from(bytes.subarray(start, start + declared)) : NO_BODY, end: start + declared }
  }
  // No framing: a request followed by another has no body (as HTTP/1.1 says); the last one of a
  // pasted text takes everything that follows, since pasted requests often lack Content-Length.
  if (startsWithRequestLine(bytes, start)) return { ok: true, body: Buffer.alloc(0), end: start }
  if (bytes.length - start > maxBodyBytes)
    return { ok: false, message: `the body (${formatExactBytes(bytes.length - start)}) is larger than the ${formatByteLimit(maxBodyBytes)} limit` }
  return { ok: true, body: copyBody ? Buffer.from(bytes.subarray(start)) : NO_BODY, end: bytes.length }
}

function startsWithRequestLine(bytes: Buffer, start: number): boolean {
  let offset = start
  while (offset < bytes.length && (bytes[offset] === 0x0d || bytes[offset] === 0x0a)) offset++
  const lineEnd = bytes.indexOf(0x0a, offset)
  const line = bytes.subarray(offset, lineEnd < 0 ? Math.min(bytes.length, offset + 8192) : Math.min(lineEnd, offset + 8192)).toString('latin1')
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S+ HTTP\/\d\.\d\r?$/.test(line)
}

function* readChunked(bytes: Buffer, start: number, maxBodyBytes: number, copyBody: boolean): Steps<FramedBody> {
  // The body is copied into one buffer as the chunks are read: never more than the limit or the
  // bytes that follow (2 million one-byte chunks kept as 2 million views held the receiver 4 s).
  const body = copyBody ? Buffer.allocUnsafe(Math.min(maxBodyBytes, bytes.length - start)) : NO_BODY
  let total = 0
  let offset = start
  for (let chunks = 1; ; chunks++) {
    // Two million one-byte chunks are read in pieces, with pauses between.
    if (chunks % CHUNKS_PER_STEP === 0) yield
    const lineEnd = bytes.indexOf(0x0a, offset)
    if (lineEnd < 0 || lineEnd - offset > 1024) return { ok: false, message: 'a chunk size line is missing or too long' }
    const size = chunkSize(bytes, offset, lineEnd)
    if (size === null) {
      const sizeText = bytes.subarray(offset, lineEnd).toString('latin1').replace(/\r$/, '').split(';')[0]!.trim()
      return { ok: false, message: `a chunk size is not hexadecimal: ${sizeText.slice(0, 20)}` }
    }
    offset = lineEnd + 1
    if (size === 0) {
      // Trailer fields up to the empty line, read as header lines are.
      const trailers: HeaderPairs = []
      for (;;) {
        const end = bytes.indexOf(0x0a, offset)
        if (end < 0) return { ok: true, body: Buffer.from(body.subarray(0, total)), end: bytes.length, trailers }
        const isEmpty = end === offset || (end === offset + 1 && bytes[offset] === 0x0d)
        const line = bytes.subarray(offset, end).toString('latin1').replace(/\r$/, '')
        offset = end + 1
        if (isEmpty) return { ok: true, body: Buffer.from(body.subarray(0, total)), end: offset, trailers }
        const colon = line.indexOf(':')
        if (colon <= 0 || !HTTP_TOKEN_PATTERN.test(line.slice(0, colon)))
          return { ok: false, message: `a trailer line after the chunked body is not "Name: value": ${JSON.stringify(line.slice(0, 80))}` }
        trailers.push([line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')])
      }
    }
    if (total + size > maxBodyBytes) return { ok: false, message: `the chunked body is larger than the ${formatByteLimit(maxBodyBytes)} limit` }
    if (offset + size > bytes.length) return { ok: false, message: `a chunk declares ${size} bytes but only ${bytes.length - offset} follow` }
    if (copyBody) bytes.copy(body, total, offset, offset + size)
    total += size
    offset += size
    if (bytes[offset] === 0x0d) offset++
    if (bytes[offset] === 0x0a) offset++
  }
}

/** A chunk size line's size (1-8 hex digits, then optional spaces, `;extensions` and a CR), or `null`. */
function chunkSize(bytes: Buffer, from: number, lineEnd: number): number | null {
  let at = from
  while (at < lineEnd && (bytes[at] === 0x20 || bytes[at] === 0x09)) at++
  let size = 0
  let digits = 0
  for (; at < lineEnd; at++, digits++) {
    const code = bytes[at] as number
    const value = code >= 0x30 && code <= 0x39 ? code - 0x30 : code >= 0x41 && code <= 0x46 ? code - 0x37 : code >= 0x61 && code <= 0x66 ? code - 0x57 : -1
    if (value < 0) break
    size = size * 16 + value
  }
  if (digits === 0 || digits > 8) return null
  while (at < lineEnd && (bytes[at] === 0x20 || bytes[at] === 0x09)) at++
  return at === lineEnd || bytes[at] === 0x3b || (bytes[at] === 0x0d && at + 1 === lineEnd) ? size : null
}
