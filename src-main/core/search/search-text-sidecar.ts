/**
 * A segment's search-text sidecar: for each capture in its log, the folded text (case folded, NFC) the query
 * matcher looks in (id, summary text, headers, decoded body text), so a search can skip the
 * captures that cannot match with a plain byte search instead of reading, parsing and decoding
 * every frame (query-prefilter.ts says what a query requires).
 *
 * Derived, never the truth: built from the log in the background by the search process, never at
 * start-up; rebuilt when missing, of another version, or older than its log's last write (new
 * frames, or a deleted capture's bytes erased). One that cannot be read or is damaged (its
 * recorded hash does not match its text, a header that does not parse) is reported and kept aside
 * by the store first (search-runner.ts), then rebuilt. A body is put in it only after its bytes matched the
 * sha256 recorded when it arrived: a damaged body is recorded as damaged (the store is told) and
 * is never searchable by its corrupted bytes.
 *
 * File (written to a temporary name, then renamed):
 *
 *   text of every entry, one after another | header JSON | header length (uint32 BE) | "CIS1"
 *
 * An entry's text is its summary text, its path texts (what a `path:` term looks in), id, header
 * (and trailer) names and values and body text joined by line feeds, the summary text first, the path texts
 * second and the body text last (an empty line when there is none), and a line feed. Appending the header last lets the text be written as it is built, in bounded memory.
 */
import { createHash, hash } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { filterFieldsOf } from '../../shared/capture-filter'
import { searchableHeaderPairs, searchablePathTexts, searchedHeaderLines } from '../../shared/searchable-capture'
import { MAX_TEXTS_SEARCHED_ONE_BY_ONE, MultiTextAutomaton, nativeSearchIsLinear, ROOT_STATE, RootJumps } from '../../shared/multi-text-search'
import { foldForSearch } from '../../shared/search-text-form'
import type { HeaderPairs } from '../../shared/http-message'
import { searchableBodyText } from './searchable-body'

/**
 * Bumped whenever what an entry's text holds changes: older sidecars are rebuilt. 3: text folded
 * to NFC, body text without JSON spacing (shared/search-text-form.ts). 4: where each entry's body
 * text starts (`bodyStarts`). 5: the summary text holds the target decoded too (`filterFieldsOf`).
 * 6: the summary text first in each entry, and where it ends (`summaryEnds`). 7: text case folded
 * (`ß` is `ss`, `ς` is `σ`, `İ` and `ı` are `i`) rather than lower-cased. 8: the path texts after
 * the summary text, and where they end (`pathEnds`). 9: trailer fields after the headers (`searchedHeaderLines`).
 * 10: an XML body without a charset in its Content-Type read in its declaration's encoding (`bodyCharset`).
 */
export const SIDECAR_VERSION = 10
const SIDECAR_MAGIC = Buffer.from('CIS1')
const TRAILER_BYTES = 8
/** The capture log's frame layout (core/store/capture-log.ts): magic, metadata length, body length. */
const FRAME_MAGIC = Buffer.from('CIF1')
const FRAME_HEADER_BYTES = 12
/**
 * Logs and sidecars are read in windows of at most this many bytes (one frame larger than it is
 * read alone): large enough that a segment takes a few reads, small enough that the one window a
 * thread keeps stays small (a search reads 100,000 captures' sidecars in about 250 reads).
 */
export const READ_WINDOW_BYTES = 1024 * 1024
/** A window of zeros, to recognise one in a log by comparison. */
const ZEROS = Buffer.alloc(READ_WINDOW_BYTES)

/**
 * The sidecar's table of contents: one position per capture, in log order, in parallel arrays
 * (parsed for every segment a search reads: arrays of numbers parse several times faster than
 * an object per capture).
 */
export interface SidecarHeader {
  version: number
  /** The log's bytes this sidecar describes: frames starting past this are not in it. */
  coveredLogBytes: number
  /**
   * The log's modification time when the build started: a log written since (new frames, or a
   * deleted capture's bytes erased) gets its sidecar rebuilt, so a deleted capture's text does
   * not outlive its bytes for longer than the next upkeep.
   */
  logModifiedMs: number
  /** The text's sha256 (hex), checked when the worker verifies sidecars in the background. */
  textSha256: string
  textBytes: number
  /** Where each capture's frame starts in the log. */
  frameOffsets: number[]
  ids: string[]
  /** Where each capture's text ends in the sidecar's text (it starts where the previous one ends). */
  textEnds: number[]
  /**
   * Where each capture's body text starts in the sidecar's text: its last line, up to the line
   * feed ending the entry (at that line feed when it has no body text), so a match there is a
   * match in the body.
   */
  bodyStarts: number[]
  /**
   * Where each capture's summary text (`filterFieldsOf`: what `CaptureFilter.text` looks in), the
   * first part of its text, ends: at the line feed after it. A text filter found there is found in
   * the summary, and the capture need not be read to know (it was read: the summary lines cannot
   * be told from the header and body lines after them).
   */
  summaryEnds: number[]
  /**
   * Where each capture's path texts (`searchablePathTexts`: its path as received and decoded, a
   * line each), right after its summary text's line feed, end: at the line feed after them. A
   * `path:` term is true exactly when its text is there.
   */
  pathEnds: number[]
  /** Captures whose body is not in the text because its bytes do not match what was received, with why. */
  damaged: Array<[position: number, reason: string]>
}

/** What a capture's frame holds that the sidecar needs (its metadata as logged). */
interface FrameRecord {
  id: string
  method: string
  target: string
  outcome: 'captured' | 'refused'
  headers: HeaderPairs
  trailers?: HeaderPairs
  body: { sha256: string }
  recognition: Parameters<typeof filterFieldsOf>[0]['recognition']
  response: { status: number | null }
}

/** The sidecar's header, or `null` when the file is unreadable, damaged or of another version. */
export function readSidecarHeader(fd: number): SidecarHeader | null {
  const inspected = inspectSidecar(fd)
  return 'header' in inspected ? inspected.header : null
}

/**
 * What a sidecar's end says: its header; that it is of another version (rebuilt, as expected
 * after an update); or what is wrong with it (damaged: kept aside and reported, see
 * search-runner.ts), phrased to follow its file name ("… is cut short").
 */
export function inspectSidecar(fd: number): { header: SidecarHeader } | { otherVersion: true } | { problem: string } {
  try {
    const size = fstatSync(fd).size
    if (size < TRAILER_BYTES) return { problem: `is cut short (${size} bytes)` }
    const trailer = readExactly(fd, size - TRAILER_BYTES, TRAILER_BYTES)
    if (!trailer.subarray(4).equals(SIDECAR_MAGIC)) return { problem: 'does not end as a search-text file does' }
    const headerBytes = trailer.readUInt32BE(0)
    const headerStart = size - TRAILER_BYTES - headerBytes
    if (headerStart < 0) return { problem: 'is cut short (its header is larger than the file)' }
    // Through the thread's read window (parsed before the window is used again): a buffer per header per search was garbage outside the heap.
    const header = JSON.parse(readWindow(fd, headerStart, headerBytes).toString('utf8')) as SidecarHeader
    if (typeof header !== 'object' || header === null) return { problem: 'has a header that is not valid' }
    if (header.version !== SIDECAR_VERSION) return { otherVersion: true }
    if (header.textBytes !== headerStart || !Array.isArray(header.frameOffsets)) return { problem: 'has a header that does not match its text' }
    const count = header.frameOffsets.length
    if (!Array.isArray(header.ids) || header.ids.length !== count || !Array.isArray(header.textEnds) || header.textEnds.length !== count)
      return { problem: 'has a header that is not valid' }
    if (count > 0 && header.textEnds[count - 1] !== header.textBytes) return { problem: 'has a header that does not match its text' }
    if (!Array.isArray(header.bodyStarts) || header.bodyStarts.length !== count) return { problem: 'has a header that is not valid' }
    if (!Array.isArray(header.summaryEnds) || header.summaryEnds.length !== count) return { problem: 'has a header that is not valid' }
    if (!Array.isArray(header.pathEnds) || header.pathEnds.length !== count) return { problem: 'has a header that is not valid' }
    return { header }
  } catch (error: unknown) {
    return {
      problem:
        error instanceof SyntaxError ? 'has a header that is not valid JSON' : `cannot be read (${error instanceof Error ? error.message : String(error)})`,
    }
  }
}

/** Whether the sidecar's text still has the hash recorded when it was written (reads it in windows). */
export function sidecarTextIntact(fd: number, header: SidecarHeader): boolean {
  const digest = createHashStream()
  for (let position = 0; position < header.textBytes; position += READ_WINDOW_BYTES) {
    const window = readWindow(fd, position, Math.min(READ_WINDOW_BYTES, header.textBytes - position))
    if (window.length === 0) return false
    digest.update(window)
  }
  return digest.digest() === header.textSha256
}

/**
 * How many bytes of its log a sidecar was built from (`coveredLogBytes`), read without blocking
 * the event loop (retention asks it of a sidecar kept from an earlier generation of its log);
 * `null` when it is missing or unreadable. Any version: only the sizes are wanted.
 */
export async function sidecarCoveredLogBytes(sidecarPath: string): Promise<number | null> {
  let handle: FileHandle | undefined
  try {
    handle = await open(sidecarPath, 'r')
    const { size } = await handle.stat()
    if (size < TRAILER_BYTES) return null
    const trailer = Buffer.alloc(TRAILER_BYTES)
    await handle.read(trailer, 0, TRAILER_BYTES, size - TRAILER_BYTES)
    if (!trailer.subarray(4).equals(SIDECAR_MAGIC)) return null
    const headerBytes = trailer.readUInt32BE(0)
    if (headerBytes > size - TRAILER_BYTES) return null
    const bytes = Buffer.alloc(headerBytes)
    const { bytesRead } = await handle.read(bytes, 0, headerBytes, size - TRAILER_BYTES - headerBytes)
    const { coveredLogBytes } = JSON.parse(bytes.toString('utf8', 0, bytesRead)) as Partial<SidecarHeader>
    return typeof coveredLogBytes === 'number' && coveredLogBytes > 0 ? coveredLogBytes : null
  } catch {
    return null
  } finally {
    await handle?.close().catch(() => undefined)
  }
}

export interface SidecarBuild {
  header: SidecarHeader
  /** Captures whose body did not match its recorded sha256 (or whose bytes are missing). */
  damaged: Array<{ id: string; frameOffset: number; reason: string }>
}

/**
 * Builds the sidecar of the log at `logPath` into `sidecarPath`: walks every frame, reading the
 * log in windows of READ_WINDOW_BYTES, checks each body against its sha256, and writes each
 * entry's text as it goes. Synchronous: it runs in the search process.
 */
export function buildSidecar(logPath: string, sidecarPath: string): SidecarBuild {
  const temporary = `${sidecarPath}.${process.pid}.tmp`
  const logFd = openSync(logPath, 'r')
  let outFd: number | null = null
  try {
    const { size: logBytes, mtimeMs: logModifiedMs } = fstatSync(logFd)
    outFd = openSync(temporary, 'w', 0o600)
    const frameOffsets: number[] = []
    const ids: string[] = []
    const textEnds: number[] = []
    const bodyStarts: number[] = []
    const summaryEnds: number[] = []
    const pathEnds: number[] = []
    const damagedPositions: SidecarHeader['damaged'] = []
    const damaged: SidecarBuild['damaged'] = []
    const digest = createHashStream()
    const output = entryWriter(outFd, digest)
    const coveredLogBytes = walkFrames(logFd, logBytes, (frameOffset, metadata, body) => {
      const record = parseRecord(metadata)
      if (record === null) return
      let damage: string | null = null
      if (body === null) damage = 'some of its body bytes are missing'
      else if (hash('sha256', body) !== record.body.sha256) damage = 'its body does not match the sha256 recorded when it arrived'
      if (damage !== null) {
        damaged.push({ id: record.id, frameOffset, reason: damage })
        damagedPositions.push([ids.length, damage])
      }
      const { summary, paths, beforeBody, bodyText } = entryText(record, damage === null ? body : null)
      output.write(summary)
      summaryEnds.push(output.bytes())
      output.write(`\n${paths}`)
      pathEnds.push(output.bytes())
      output.write(`\n${beforeBody}`)
      bodyStarts.push(output.bytes())
      output.write(`${bodyText}\n`)
      frameOffsets.push(frameOffset)
      ids.push(record.id)
      textEnds.push(output.bytes())
    })
    output.flush()
    const textBytes = output.bytes()
    const header: SidecarHeader = {
      version: SIDECAR_VERSION,
      coveredLogBytes,
      logModifiedMs,
      textSha256: digest.digest(),
      textBytes,
      frameOffsets,
      ids,
      textEnds,
      bodyStarts,
      summaryEnds,
      pathEnds,
      damaged: damagedPositions,
    }
    const headerBuffer = Buffer.from(JSON.stringify(header), 'utf8')
    const trailer = Buffer.alloc(TRAILER_BYTES)
    trailer.writeUInt32BE(headerBuffer.length, 0)
    SIDECAR_MAGIC.copy(trailer, 4)
    writeAll(outFd, headerBuffer)
    writeAll(outFd, trailer)
    closeSync(outFd)
    outFd = null
    renameSync(temporary, sidecarPath)
    return { header, damaged }
  } finally {
    closeSync(logFd)
    if (outFd !== null) {
      closeSync(outFd)
      try {
        unlinkSync(temporary)
      } catch {
        // Already gone.
      }
    }
  }
}

/** Entry texts are gathered in a buffer of this size before they are written (one per thread, reused). */
export const ENTRY_BUFFER_BYTES = 256 * 1024
let entryScratch: Buffer | null = null

/**
 * Writes entry texts to `fd` (and `digest`) through this thread's entry buffer: a Buffer per
 * entry, 100,000 per build, left the allocator's arena tens of MiB larger than the build needed.
 */
export function entryWriter(fd: number, digest: { update(bytes: Buffer): void }): { write(text: string): void; flush(): void; bytes(): number } {
  entryScratch ??= Buffer.allocUnsafe(ENTRY_BUFFER_BYTES)
  const buffer = entryScratch
  let used = 0
  let written = 0
  const flush = (): void => {
    const chunk = buffer.subarray(0, used)
    writeAll(fd, chunk)
    digest.update(chunk)
    written += used
    used = 0
  }
  return {
    write(text) {
      // Each UTF-16 unit takes at most 3 bytes: when that fits, no exact count is needed.
      const most = text.length * 3
      if (used + most > buffer.length && used + Buffer.byteLength(text, 'utf8') > buffer.length) flush()
      if (most <= buffer.length - used || Buffer.byteLength(text, 'utf8') <= buffer.length - used) {
        used += buffer.write(text, used, 'utf8')
        return
      }
      // An entry larger than the buffer (a large body's text) is written on its own.
      const bytes = Buffer.from(text, 'utf8')
      writeAll(fd, bytes)
      digest.update(bytes)
      written += bytes.length
    },
    flush,
    bytes: () => written + used,
  }
}

/**
 * The text an entry holds: exactly the strings the matcher looks in, already folded
 * (`foldForSearch`), one to a line, the body text last (empty when there is none to search).
 */
function entryText(record: FrameRecord, verifiedBody: Buffer | null): { summary: string; paths: string; beforeBody: string; bodyText: string } {
  const parts = [foldForSearch(record.id)]
  for (const [name, value] of searchableHeaderPairs(searchedHeaderLines(record))) parts.push(name, value)
  // A refused request's body is never searched (it was not accepted as a callback).
  const body = verifiedBody === null || record.outcome === 'refused' ? null : searchableBodyText({ headers: record.headers }, verifiedBody)
  return {
    summary: filterFieldsOf(record).searchText,
    paths: searchablePathTexts(record.target).join('\n'),
    beforeBody: `${parts.join('\n')}\n`,
    bodyText: body ?? '',
  }
}

function parseRecord(metadata: Buffer): FrameRecord | null {
  // A deleted frame's metadata is zeros; anything unreadable is not indexed (the store reports it when opened).
  if (metadata.length === 0 || metadata[0] === 0) return null
  try {
    const record = JSON.parse(metadata.toString('utf8')) as Partial<FrameRecord>
    if (typeof record.id !== 'string' || typeof record.body?.sha256 !== 'string' || !Array.isArray(record.headers)) return null
    if (typeof record.method !== 'string' || typeof record.target !== 'string' || typeof record.response !== 'object') return null
    return record as FrameRecord
  } catch {
    return null
  }
}

/**
 * Calls `onFrame` for each complete frame from the start of the log, reading it in windows;
 * steps over zeros (space reserved for a frame a crash left unwritten) as the store's recovery
 * does, and stops at a torn frame. Returns where the last complete frame ends.
 */
function walkFrames(fd: number, logBytes: number, onFrame: (frameOffset: number, metadata: Buffer, body: Buffer | null) => void): number {
  let windowStart = 0
  let window: Buffer = Buffer.alloc(0)
  /** The bytes of [position, position + length), from the current window or a new one starting at `position`. */
  const bytesAt = (position: number, length: number): Buffer => {
    if (position >= windowStart && position + length <= windowStart + window.length)
      return window.subarray(position - windowStart, position - windowStart + length)
    if (length > READ_WINDOW_BYTES) {
      // A frame larger than a window has a buffer of its own; the window is read afresh after it.
      window = Buffer.alloc(0)
      return readExactly(fd, position, length)
    }
    windowStart = position
    window = readWindow(fd, position, Math.min(READ_WINDOW_BYTES, logBytes - position))
    return window.subarray(0, Math.min(length, window.length))
  }
  /** The first byte at or after `from` that is not zero (or `logBytes`). */
  const firstNonZero = (from: number): number => {
    for (let at = from; at < logBytes;) {
      const chunk = bytesAt(at, Math.min(READ_WINDOW_BYTES, logBytes - at))
      if (chunk.length === 0) break
      // A window of zeros is recognised by one comparison (a memcmp): the zero-filled tail of the
      // segment taking captures, megabytes long, is walked at every upkeep of its sidecar.
      if (!chunk.equals(ZEROS.subarray(0, chunk.length))) {
        let found = 0
        while (chunk[found] === 0) found++
        return at + found
      }
      at += chunk.length
    }
    return logBytes
  }
  let position = 0
  let goodEnd = 0
  while (position + FRAME_HEADER_BYTES <= logBytes) {
    const header = bytesAt(position, FRAME_HEADER_BYTES)
    if (header.length < FRAME_HEADER_BYTES) break
    if (!header.subarray(0, 4).equals(FRAME_MAGIC)) {
      if (header[0] !== 0) break
      // Zeros: a hole a crash left, or the space after the last frame (a log zero-filled ahead of
      // its captures holds megabytes of them).
      position = firstNonZero(position)
      continue
    }
    const metadataBytes = header.readUInt32BE(4)
    const bodyBytes = header.readUInt32BE(8)
    const end = position + FRAME_HEADER_BYTES + metadataBytes + bodyBytes
    if (end > logBytes) break
    // The whole frame in one piece: metadata and body must come from the same read.
    const frame = bytesAt(position, end - position)
    const body = frame.subarray(FRAME_HEADER_BYTES + metadataBytes)
    onFrame(position, frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + metadataBytes), body.length === bodyBytes ? body : null)
    position = end
    goodEnd = end
  }
  return goodEnd
}

/** Reads `length` bytes at `position` (fewer at the end of the file) into a new buffer. */
export function readExactly(fd: number, position: number, length: number): Buffer {
  return readFully(fd, Buffer.allocUnsafe(Math.max(0, length)), position)
}

/**
 * The one read window of this thread, reused: allocating a fresh 4 MiB buffer per window left
 * the freed ones in the allocator's arena, and the process's memory grew with every search.
 */
let scratch: Buffer | null = null

/**
 * Reads up to READ_WINDOW_BYTES at `position` into this thread's reused window (valid until the
 * next call); longer reads get a buffer of their own.
 */
export function readWindow(fd: number, position: number, length: number): Buffer {
  if (length > READ_WINDOW_BYTES) return readExactly(fd, position, length)
  scratch ??= Buffer.allocUnsafe(READ_WINDOW_BYTES)
  return readFully(fd, scratch.subarray(0, Math.max(0, length)), position)
}

function readFully(fd: number, buffer: Buffer, position: number): Buffer {
  let done = 0
  while (done < buffer.length) {
    const read = readSync(fd, buffer, done, buffer.length - done, position + done)
    if (read === 0) break
    done += read
  }
  return done === buffer.length ? buffer : buffer.subarray(0, done)
}

function writeAll(fd: number, bytes: Buffer): void {
  let done = 0
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done)
}

function createHashStream(): { update(bytes: Buffer): void; digest(): string } {
  const digest = createHash('sha256')
  return { update: (bytes) => void digest.update(bytes), digest: () => digest.digest('hex') }
}

/** Which captures' texts (by position in the header) contain a text, and in which of them it is in the body text, the summary text or the path texts. */
export interface TextFound {
  entries: Set<number>
  inBody: Set<number>
  inSummary: Set<number>
  inPath: Set<number>
}

/**
 * Which captures' texts (by position in the header) contain each of `texts`, anywhere and in the
 * summary text, the path texts and the body text: a few short texts with a native search each
 * (`findEachText`), more in one pass over the sidecar's text for all of them
 * (shared/multi-text-search.ts), read in windows of READ_WINDOW_BYTES, the search going on from one
 * window into the next (a match across two windows is found). A match that runs from one capture's
 * text into the next is none. The empty text is in every part of every capture's text.
 */
export function findTexts(fd: number, header: SidecarHeader, texts: readonly string[]): TextFound[] {
  const found = texts.map((): TextFound => ({ entries: new Set(), inBody: new Set(), inSummary: new Set(), inPath: new Set() }))
  const ends = header.textEnds
  if (texts.length === 0 || ends.length === 0) return found
  texts.forEach((text, index) => {
    if (text !== '') return
    const { entries, inBody, inSummary, inPath } = found[index] as TextFound
    for (let entry = 0; entry < ends.length; entry++) for (const part of [entries, inBody, inSummary, inPath]) part.add(entry)
  })
  if (searchesEachText(texts)) return findEachText(fd, header, texts, found)
  const automaton = automatonOf(texts)
  const { classOf, classCount, transitions, outputStarts, outputs, lengths } = automaton
  /**
   * Per text, where a match would have to start to tell anything new (`recordMatch`): a text
   * found in a capture's body text tells nothing more until the next capture's text, so 10 MB of
   * one letter holding a word everywhere is recorded once, not at every letter.
   */
  const usefulFrom = new Float64Array(texts.length)
  /** Per state, an end position before which none of the texts ending there tells anything new (`usefulFrom` only grows). */
  const quietUntil = new Float64Array(outputStarts.length - 1)
  let state = ROOT_STATE
  for (let windowStart = 0; windowStart < header.textBytes; windowStart += READ_WINDOW_BYTES) {
    const window = readWindow(fd, windowStart, Math.min(READ_WINDOW_BYTES, header.textBytes - windowStart))
    const jumps = RootJumps.over(automaton, window.length, (byte, from) => window.indexOf(byte, from))
    for (let at = 0; at < window.length; at++) {
      if (state === ROOT_STATE && jumps !== null && (at = jumps.from(at)) >= window.length) break
      state = transitions[state * classCount + (classOf[window[at] as number] as number)] as number
      const firstOutput = outputStarts[state] as number
      const lastOutput = outputStarts[state + 1] as number
      if (firstOutput === lastOutput) continue
      const matchEnd = windowStart + at + 1
      if (matchEnd < (quietUntil[state] as number)) continue
      let quiet = Infinity
      for (let output = firstOutput; output < lastOutput; output++) {
        const text = outputs[output] as number
        const length = lengths[text] as number
        const position = matchEnd - length
        if (position >= (usefulFrom[text] as number)) usefulFrom[text] = recordMatch(header, found[text] as TextFound, position, length)
        quiet = Math.min(quiet, (usefulFrom[text] as number) + length)
      }
      quietUntil[state] = quiet
    }
  }
  return found
}

/**
 * Whether `findTexts` looks for these texts one by one with the native byte search: a few, none
 * longer than the native search is linear for (`MAX_NATIVE_SEARCH_UNITS` bytes; a longer one took
 * seconds over a sidecar of hostile text, see multi-text-search.ts).
 */
export function searchesEachText(texts: readonly string[]): boolean {
  return texts.length <= MAX_TEXTS_SEARCHED_ONE_BY_ONE && nativeSearchIsLinear(texts.map((text) => ({ length: Buffer.byteLength(text, 'utf8') })))
}

/**
 * `findTexts` for a few texts: a native byte search per text and window (the windows overlap by
 * the longest text, so a match across two is found), which skips through ordinary text far faster
 * than the automaton steps (`MAX_TEXTS_SEARCHED_ONE_BY_ONE`).
 */
function findEachText(fd: number, header: SidecarHeader, texts: readonly string[], found: TextFound[]): TextFound[] {
  const needles = texts.map((text) => Buffer.from(text, 'utf8'))
  const overlap = Math.max(...needles.map((needle) => needle.length)) - 1
  const step = Math.max(READ_WINDOW_BYTES, overlap + 1)
  for (let windowStart = 0; windowStart < header.textBytes; windowStart += step) {
    const window = readWindow(fd, windowStart, Math.min(step + overlap, header.textBytes - windowStart))
    needles.forEach((needle, index) => {
      if (needle.length === 0) return
      let at = window.indexOf(needle)
      while (at !== -1) {
        const next = recordMatch(header, found[index] as TextFound, windowStart + at, needle.length)
        if (next - windowStart >= window.length) break
        at = window.indexOf(needle, next - windowStart)
      }
    })
  }
  return found
}

/** The automaton of the texts looked for last: a scan looks for the same texts in every segment's sidecar. */
let lastAutomaton: { key: string; automaton: MultiTextAutomaton } | null = null

function automatonOf(texts: readonly string[]): MultiTextAutomaton {
  const key = JSON.stringify(texts)
  if (lastAutomaton?.key !== key) lastAutomaton = { key, automaton: new MultiTextAutomaton(texts.map((text) => Buffer.from(text, 'utf8'))) }
  return lastAutomaton.automaton
}

/**
 * Records a match of a text (`length` bytes) at `position` of the sidecar's text: in which
 * capture's text, and whether within its summary text, path texts or body text. Returns where the
 * next match of the same text has to start to tell anything more: the next capture's text once
 * found in the body text, the path texts once found in the summary text, the body text once found
 * before it (a later match starting in the same part lies in it no more than this one does).
 */
function recordMatch(header: SidecarHeader, { entries, inBody, inSummary, inPath }: TextFound, position: number, length: number): number {
  const ends = header.textEnds
  const entry = entryAt(ends, position)
  const entryEnd = ends[entry] as number
  if (position + length > entryEnd) return position + 1
  entries.add(entry)
  const summaryEnd = header.summaryEnds[entry] as number
  // The summary text comes first: the first match of an entry is in it if any is.
  if (!inSummary.has(entry) && position >= (entry === 0 ? 0 : (ends[entry - 1] as number)) && position + length <= summaryEnd) inSummary.add(entry)
  // The path texts follow the summary text's line feed.
  const pathStart = summaryEnd + 1
  if (position >= pathStart && position + length <= (header.pathEnds[entry] as number)) inPath.add(entry)
  // The body text is the entry's last line: it ends before the entry's closing line feed.
  const bodyStart = header.bodyStarts[entry] as number
  if (position >= bodyStart && position + length < entryEnd) inBody.add(entry)
  return inBody.has(entry) ? entryEnd : position < pathStart ? pathStart : bodyStart >= entryEnd - 1 ? entryEnd : Math.max(bodyStart, position + 1)
}

/** The position of the capture whose text holds byte `position`: the first whose end is past it. */
function entryAt(ends: readonly number[], position: number): number {
  let low = 0
  let high = ends.length - 1
  while (low < high) {
    const middle = (low + high) >> 1
    if ((ends[middle] as number) > position) high = middle
    else low = middle + 1
  }
  return low
}
