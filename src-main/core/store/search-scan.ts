/**
 * Deciding which captures of one segment match a text filter or a query, from their log frames.
 * Pure work on bytes already read, so it runs the same in the search worker thread (the app)
 * and inline (unit tests, where no built worker exists): see search-worker.ts.
 *
 * Captures are decided on their summary first (method, target, provider, ids…), and their
 * headers and body text are looked at only when the summary did not decide.
 */
import { readSync } from 'node:fs'
import { filterFieldsOf } from '../../shared/capture-filter'
import { decideCaptureQuery, matchesCaptureQuery, parseCaptureQuery, searchableCaptureOf, type CaptureQuery } from '../../shared/capture-query'
import type { CaptureRecognition } from '../../shared/contract'
import { searchableBodyText } from '../search/searchable-body'
import { FRAME_HEADER_BYTES } from './capture-log'
import type { LoggedCapture } from './persisted-schema'

/** Log ranges larger than this are read capture by capture rather than in one buffer. */
const MAX_RANGE_READ_BYTES = 16 * 1024 * 1024

/** What decides a match besides the in-memory fields. */
export interface ScanFilter {
  /** Lower-cased text searched in the summary fields (`CaptureFilter.text`). */
  text?: string
  /** The query's source (`CaptureFilter.query`), parsed where the scan runs. */
  query?: string
  /** For relative times in the query (`after:-2h`). */
  nowMs: number
}

/** The candidates of one segment: parallel arrays, newest first. */
export interface ScanSegment {
  logPath: string
  ids: string[]
  offsets: number[]
  metadataBytes: number[]
  bodySizes: number[]
  /** What the index changed after arrival, by position: note, pin, recomputed recognition. */
  annotations: Array<{ note: string | null; pinned: boolean; senderLeftAt: string | null; recognition?: CaptureRecognition | null } | null>
}

export interface PreparedScan {
  text: string | undefined
  query: CaptureQuery | null
}

export function prepareScan(filter: ScanFilter): PreparedScan {
  let query: CaptureQuery | null = null
  if (filter.query !== undefined) {
    const parsed = parseCaptureQuery(filter.query, { now: filter.nowMs })
    // The caller validated it already; an unparsable query matches nothing.
    query = parsed.ok ? parsed.query : null
  }
  return { text: filter.text, query }
}

/** Positions (into `segment.ids`) of the candidates that match, reading the log with `fd`. */
export function scanSegment(fd: number, segment: ScanSegment, prepared: PreparedScan): number[] {
  const needsBody = prepared.query !== null
  const count = segment.ids.length
  const endOf = (position: number): number =>
    (segment.offsets[position] as number) +
    FRAME_HEADER_BYTES +
    (segment.metadataBytes[position] as number) +
    (needsBody ? (segment.bodySizes[position] as number) : 0)
  let start = Infinity
  let end = 0
  for (let position = 0; position < count; position++) {
    start = Math.min(start, segment.offsets[position] as number)
    end = Math.max(end, endOf(position))
  }
  const range = count > 0 && end - start <= MAX_RANGE_READ_BYTES ? readRange(fd, start, end) : null
  const matched: number[] = []
  for (let position = 0; position < count; position++) {
    const offset = segment.offsets[position] as number
    const frame = range ? range.subarray(offset - start, endOf(position) - start) : readRange(fd, offset, endOf(position))
    if (frame.length !== endOf(position) - offset) continue
    const metadataBytes = segment.metadataBytes[position] as number
    let logged: LoggedCapture
    try {
      logged = JSON.parse(frame.toString('utf8', FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + metadataBytes)) as LoggedCapture
    } catch {
      // Damaged: reported when opened; it matches nothing.
      continue
    }
    if (logged.id !== segment.ids[position]) continue
    const annotations = segment.annotations[position]
    if (annotations) {
      logged.note = annotations.note
      logged.pinned = annotations.pinned
      logged.senderLeftAt = annotations.senderLeftAt
      if (annotations.recognition !== undefined) logged.recognition = annotations.recognition
    }
    if (matchesRecord(logged, needsBody ? frame.subarray(FRAME_HEADER_BYTES + metadataBytes) : null, prepared)) matched.push(position)
  }
  return matched
}

function readRange(fd: number, start: number, end: number): Buffer {
  const buffer = Buffer.allocUnsafe(Math.max(0, end - start))
  let done = 0
  while (done < buffer.length) {
    const read = readSync(fd, buffer, done, buffer.length - done, start + done)
    if (read === 0) break
    done += read
  }
  return buffer.subarray(0, done)
}

function matchesRecord(logged: LoggedCapture, body: Buffer | null, prepared: PreparedScan): boolean {
  // Straight from the record: building its list view (delivery key, sizes) cost a third of the scan.
  const searchText = filterFieldsOf(logged).searchText
  if (prepared.text !== undefined && !searchText.includes(prepared.text)) return false
  if (prepared.query === null) return true
  const searchable = searchableCaptureOf(logged, { searchText })
  const decided = decideCaptureQuery(prepared.query, searchable)
  if (decided !== null) return decided
  searchable.headers = () => logged.headers
  searchable.bodyText = () => (body === null || logged.outcome === 'refused' ? null : searchableBodyText({ headers: logged.headers }, body))
  return matchesCaptureQuery(prepared.query, searchable)
}
