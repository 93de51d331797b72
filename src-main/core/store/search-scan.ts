/**
 * Deciding which captures of one segment match a text filter or a query. Synchronous work on one
 * segment, so it runs the same in the search worker thread (the app) and inline (unit tests,
 * where no built worker exists): see search-worker.ts.
 *
 * First the segment's search-text sidecar (core/search/search-text-sidecar.ts), when it has one,
 * settles with a byte search the captures whose text alone decides the query
 * (core/search/search-text-decision.ts): those that lack what it requires, and those a bare word
 * or its negation settles. The captures left are read from the log, in windows of bounded size,
 * and decided by the matcher: on their summary first, then headers and body text.
 *
 * A body is searched only if its bytes match the sha256 recorded when it arrived: a damaged body
 * is never matched by its corrupted bytes, and the scan reports it so the store marks it damaged
 * (checked where the body's text could change the answer: see `matchesRecord`).
 */
import { hash } from 'node:crypto'
import { closeSync, openSync } from 'node:fs'
import { filterFieldsOf } from '../../shared/capture-filter'
import type { CaptureQuery } from '../../shared/capture-query'
import { bodySearchOf, decideCaptureQuery, matchesCaptureQuery } from '../../shared/capture-query-match'
import { parseCaptureQuery } from '../../shared/capture-query-parser'
import { foldForSearch } from '../../shared/search-text-form'
import { searchableCaptureOf, searchedHeaderLines } from '../../shared/searchable-capture'
import { MultiTextSearch } from '../../shared/multi-text-search'
import type { CaptureRecognition } from '../../shared/views'
import { searchTextDecision, type SearchTextDecision, type SearchTextHits } from '../search/search-text-decision'
import { findTexts, READ_WINDOW_BYTES, readSidecarHeader, readWindow, type TextFound } from '../search/search-text-sidecar'
import { searchableBodyText } from '../search/searchable-body'
import { FRAME_HEADER_BYTES } from './capture-log'
import { formatUuid, ID_BYTES } from './id-index'
import type { LoggedCapture } from './persisted-schema'

/** What decides a match besides the in-memory fields. */
export interface ScanFilter {
  /** Lower-cased text searched in the summary fields (`CaptureFilter.text`). */
  text?: string
  /** The query's source (`CaptureFilter.query`), parsed where the scan runs. */
  query?: string
  /** For relative times in the query (`after:-2h`). */
  nowMs: number
}

/** What the index changed of a capture after arrival: note, pin, recomputed recognition. */
export interface ScanAnnotations {
  note: string | null
  pinned: boolean
  senderLeftAt: string | null
  appStoppedAt: string | null
  recognition?: CaptureRecognition | null
  /** The answer decided after arrival (see `CaptureAnnotations.response`). */
  response?: LoggedCapture['response']
}

/**
 * The candidates of one segment, newest first, by position: typed arrays (copied to the worker
 * as one block each, where arrays of objects and strings cost the event loop a clone and garbage
 * per capture).
 */
export interface ScanSegment {
  logPath: string
  /** Where the segment's search-text sidecar is (it may not exist yet). */
  sidecarPath: string
  /** Each candidate's id as 16 UUID bytes (`ID_BYTES` a position); ids that are not UUIDs are in `otherIds`. */
  idBytes: Uint8Array
  otherIds: Array<[position: number, id: string]>
  offsets: Float64Array
  metadataBytes: Uint32Array
  bodySizes: Uint32Array
  /** The candidates the index changed after arrival (most have nothing). */
  annotations: Array<[position: number, annotations: ScanAnnotations]>
}

/** A capture found damaged while scanning: its body does not match its recorded sha256. */
export interface DamageFound {
  id: string
  reason: string
}

export interface SegmentScan {
  /** Positions (into the segment's arrays) of the matches, ascending (newest first). */
  matched: number[]
  damaged: DamageFound[]
  /** How many of its captures were read from the log (the sidecar settled the others). */
  framesRead: number
}

export interface PreparedScan {
  text: string | undefined
  query: CaptureQuery | null
  /** What a capture's search text settles of the query (and text filter) without reading it. */
  decision: SearchTextDecision
  /** The texts of the terms that look in the body text (bare words and `body:`), under a NOT too, looked for together. */
  bodySearch: MultiTextSearch
}

export function prepareScan(filter: ScanFilter): PreparedScan {
  let query: CaptureQuery | null = null
  if (filter.query !== undefined) {
    const parsed = parseCaptureQuery(filter.query, { now: filter.nowMs })
    // The caller validated it already; an unparsable query matches nothing.
    query = parsed.ok ? parsed.query : null
  }
  const bodySearch = query === null ? new MultiTextSearch([]) : bodySearchOf(query)
  // The summary text is part of every sidecar entry, so the text filter is looked for in it too.
  return { text: filter.text, query, decision: searchTextDecision(query, filter.text), bodySearch }
}

/** The matches of one segment, reading its log with `fd`. */
export function scanSegment(fd: number, segment: ScanSegment, prepared: PreparedScan): SegmentScan {
  const damaged: DamageFound[] = []
  const positions = positionsOf(segment)
  const { matched, candidates } = decidedBySidecar(segment, prepared, damaged, positions)
  // A query none of whose terms reads the body text (`path:`, `header.x:`…) reads frames without their bodies.
  const needsBody = prepared.query?.needsBody === true
  const endOf = (position: number): number =>
    (segment.offsets[position] as number) +
    FRAME_HEADER_BYTES +
    (segment.metadataBytes[position] as number) +
    (needsBody ? (segment.bodySizes[position] as number) : 0)
  // Oldest frame first, so neighbouring frames share one read of at most READ_WINDOW_BYTES.
  candidates.sort((left, right) => (segment.offsets[left] as number) - (segment.offsets[right] as number))
  let window: { start: number; bytes: Buffer } | null = null
  let framesRead = 0
  for (const [index, position] of candidates.entries()) {
    const offset = segment.offsets[position] as number
    const end = endOf(position)
    if (window === null || offset < window.start || end > window.start + window.bytes.length) {
      // Extend the read over the following candidates while they fit in one window.
      let windowEnd = end
      for (let next = index + 1; next < candidates.length; next++) {
        const nextEnd = endOf(candidates[next] as number)
        if (nextEnd - offset > READ_WINDOW_BYTES) break
        windowEnd = Math.max(windowEnd, nextEnd)
      }
      window = { start: offset, bytes: readWindow(fd, offset, windowEnd - offset) }
    }
    const frame = window.bytes.subarray(offset - window.start, end - window.start)
    if (frame.length !== end - offset) continue
    framesRead++
    if (matchesFrame(frame, segment, positions, position, prepared, needsBody, damaged)) matched.push(position)
    // A frame larger than a window was read alone: do not keep it for the next one.
    if (window.bytes.length > READ_WINDOW_BYTES) window = null
  }
  matched.sort((left, right) => left - right)
  return { matched, damaged, framesRead }
}

/** A segment's lookups by position: its ids (made on demand) and annotations. */
interface Positions {
  count: number
  idAt(position: number): string
  annotationsAt(position: number): ScanAnnotations | undefined
}

function positionsOf(segment: ScanSegment): Positions {
  const otherIds = new Map(segment.otherIds)
  const annotations = new Map(segment.annotations)
  return {
    count: segment.offsets.length,
    idAt: (position) => otherIds.get(position) ?? formatUuid(segment.idBytes, position * ID_BYTES),
    annotationsAt: (position) => annotations.get(position),
  }
}

/**
 * What the segment's sidecar settles: the positions it says match (`matched`), and those left to
 * read (`candidates`): all of them without a usable sidecar or with nothing to look for; else
 * those whose sidecar text leaves the answer open, plus those the sidecar cannot speak for (not in
 * it yet, annotated since: a note or a recomputed recognition changes what they match).
 */
function decidedBySidecar(
  segment: ScanSegment,
  prepared: PreparedScan,
  damaged: DamageFound[],
  positions: Positions,
): { matched: number[]; candidates: number[] } {
  const all = { matched: [], candidates: Array.from({ length: positions.count }, (_unused, position) => position) }
  const { decision } = prepared
  if (decision.texts.length === 0 || positions.count === 0) return all
  let fd: number
  try {
    fd = openSync(segment.sidecarPath, 'r')
  } catch {
    return all
  }
  try {
    const header = readSidecarHeader(fd)
    if (header === null) return all
    const entryOf = new Map<number, number>()
    header.frameOffsets.forEach((frameOffset, index) => entryOf.set(frameOffset, index))
    const damage = new Map(header.damaged)
    const found = findTexts(fd, header, decision.texts)
    // By text: looked up for each term of each capture. An array's indexOf was a pass over every
    // text of the query each time (comparing texts that share a long start unit by unit): terms
    // times texts per capture, squared in the query's size.
    const foundByText = new Map(decision.texts.map((text, index) => [text, found[index] as TextFound]))
    const foundOf = (text: string) => foundByText.get(text) as TextFound
    const hitsOf = (entry: number): SearchTextHits => ({
      has: (text) => foundOf(text).entries.has(entry),
      inBody: (text) => foundOf(text).inBody.has(entry),
      inSummary: (text) => foundOf(text).inSummary.has(entry),
      inPath: (text) => foundOf(text).inPath.has(entry),
      inId: (text) => foldForSearch(header.ids[entry] as string).includes(text),
    })
    const matched: number[] = []
    const candidates: number[] = []
    for (let position = 0; position < positions.count; position++) {
      const entry = entryOf.get(segment.offsets[position] as number)
      if (entry === undefined || positions.annotationsAt(position) !== undefined || header.ids[entry] !== positions.idAt(position)) {
        candidates.push(position)
        continue
      }
      const reason = damage.get(entry)
      if (reason !== undefined) damaged.push({ id: positions.idAt(position), reason })
      const decided = decision.decide(hitsOf(entry))
      if (decided === true) matched.push(position)
      else if (decided === null) candidates.push(position)
    }
    return { matched, candidates }
  } finally {
    closeSync(fd)
  }
}

function matchesFrame(
  frame: Buffer,
  segment: ScanSegment,
  positions: Positions,
  position: number,
  prepared: PreparedScan,
  needsBody: boolean,
  damaged: DamageFound[],
): boolean {
  const metadataBytes = segment.metadataBytes[position] as number
  let logged: LoggedCapture
  try {
    logged = JSON.parse(frame.toString('utf8', FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + metadataBytes)) as LoggedCapture
  } catch {
    // Damaged: reported when opened; it matches nothing.
    return false
  }
  if (logged.id !== positions.idAt(position)) return false
  const annotations = positions.annotationsAt(position)
  if (annotations) {
    logged.note = annotations.note
    logged.pinned = annotations.pinned
    logged.senderLeftAt = annotations.senderLeftAt
    logged.appStoppedAt = annotations.appStoppedAt
    if (annotations.recognition !== undefined) logged.recognition = annotations.recognition
    if (annotations.response !== undefined) logged.response = annotations.response
  }
  const body = needsBody ? frame.subarray(FRAME_HEADER_BYTES + metadataBytes) : null
  return matchesRecord(logged, body, prepared, damaged)
}

function matchesRecord(logged: LoggedCapture, body: Buffer | null, prepared: PreparedScan, damaged: DamageFound[]): boolean {
  // Straight from the record: building its list view (delivery key, sizes) cost a third of the scan.
  const searchText = filterFieldsOf(logged).searchText
  if (prepared.text !== undefined && !searchText.includes(prepared.text)) return false
  if (prepared.query === null) return true
  const searchable = searchableCaptureOf(logged, { searchText })
  const decided = decideCaptureQuery(prepared.query, searchable)
  if (decided !== null) return decided
  searchable.headers = () => searchedHeaderLines(logged)
  searchable.bodyText = () => {
    if (body === null || logged.outcome === 'refused') return null
    const text = searchableBodyText({ headers: logged.headers }, body)
    // Terms read the body text only for whether it includes their texts: a text holding none of them answers
    // every term as no text (a damaged body) does, so its bytes need no check (a sha256 of every
    // body was a fifth of a search without sidecars). The sidecar build checks every body.
    if (text === null || !prepared.bodySearch.anyIn(text)) return text
    if (hash('sha256', body) !== logged.body.sha256) {
      damaged.push({ id: logged.id, reason: 'its body does not match the sha256 recorded when it arrived' })
      return null
    }
    return text
  }
  return matchesCaptureQuery(prepared.query, searchable)
}
