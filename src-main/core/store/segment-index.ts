/**
 * A segment's index document (lowdb JSON, `captures/NNNNNN.json`, schema version 4): per capture,
 * exactly what memory keeps (capture-table.ts) plus its annotations, so start-up reads about 250
 * bytes per capture instead of its whole record, and never parses headers, answers or bodies.
 * The full record stays in the capture log's frame, the only copy of what was received.
 *
 * Version 1 documents (the whole record per capture) are read once and rewritten as entries.
 * Version 3 added `logGeneration`: which file holds the segment's frames (log-compaction.ts moves
 * the live ones into a new generation, and this document, renamed into place, is what switches to
 * it). A version 2 document is read as generation 0 (`NNNNNN.log`, the only file it knew) and is
 * written as version 3 by its segment's next index write; a build that reads version 2 only
 * refuses version 3 instead of reading offsets against the wrong file.
 * Version 4 keeps a delivery key read again from an old capture's body (carried-delivery-keys.ts)
 * in `carriedRecognition`; version 3 kept it in `recognition`, with the recognitions recomputed
 * after arrival, so a search read every such capture from its log. A version 3 document is read
 * as it is and written as version 3 until the store sorted its carried keys out (capture-store.ts).
 *
 * Entries are checked by hand rather than with zod: start-up reads every entry, and a schema
 * parse of 100,000 entries cost about a second; the checks below are the same rules, at the cost
 * of a loop. A document that fails them is moved aside and rebuilt from its log.
 */
import { CAPTURE_OUTCOMES, type CaptureOutcome } from '../../shared/capture-filter'
import type { CaptureRecognition } from '../../shared/views'
import type { CaptureForward } from '../../shared/replay'
import { PROVIDER_IDS, type ProviderId } from '../../shared/provider-catalog'
import { LISTED_VERDICTS, type ListedVerdict } from '../../shared/listed-verdict'
import { yieldToEventLoop } from '../event-loop'
import { recognitionSchema, storedCaptureSchema, type StoredCapture } from './persisted-schema'

export const SEGMENT_SCHEMA_VERSION = 4

/** The version before carried keys had their own field: its `recognition` entries may be carried keys. */
export const MIXED_RECOGNITIONS_VERSION = 3

/** One capture in a segment's index. */
export interface IndexEntry {
  id: string
  seq: number
  endpointId: string
  receivedAtMs: number
  frame: { offset: number; metadataBytes: number }
  bodySize: number
  method: string
  provider: ProviderId | null
  /** The verdict the list shows (listed-verdict.ts): `changed` for a capture changed before export. */
  verdict: ListedVerdict | null
  answerStatus: number | null
  outcome: CaptureOutcome
  /** FNV-1a of the capture's delivery key (deliveries/delivery-key.ts), for `deliveryAttempts`. */
  deliveryHash: number
  imported?: true
  pinned?: true
  note?: string
  senderLeftAt?: string
  appStoppedAt?: string
  /** How a background forward settled (set after arrival); the log frame keeps the state it was stored with. */
  forward?: CaptureForward
  /** The answer decided after arrival (a pass-through forward's, set before it was sent); the log frame keeps the one stored on arrival. */
  response?: StoredCapture['response']
  /** Set when the recognition changed after arrival (new keys); the log frame keeps the first. */
  recognition?: CaptureRecognition | null
  /**
   * The recognition its body gave when its delivery key was read again from it (an earlier form of
   * key: carried-delivery-keys.ts): its key and summary come from it. Not a new verdict, so a
   * search matches the record as logged, as its sidecar holds it. `recognition` wins when both are set.
   */
  carriedRecognition?: CaptureRecognition
}

export interface SegmentIndexDocument {
  /** As read: a version 2 document is read as version 3 (generation 0). */
  schemaVersion: typeof SEGMENT_SCHEMA_VERSION | typeof MIXED_RECOGNITIONS_VERSION
  segment: number
  /** Which file holds the frames (`logPathOf`): 0 is `NNNNNN.log`, a compacted log is `NNNNNN.gG.log`. */
  logGeneration: number
  /** Every frame of the log below this offset is listed in `captures` (or was deleted). */
  indexedLogBytes: number
  captures: IndexEntry[]
}

const PROVIDERS = new Set<string>(PROVIDER_IDS)
const VERDICTS = new Set<string>(LISTED_VERDICTS)
const OUTCOMES = new Set<string>(CAPTURE_OUTCOMES)

export type ReadIndex =
  /** The current version, or version 2 read as generation 0 (its entries are the same). */
  | { kind: 'entries'; document: SegmentIndexDocument }
  | { kind: 'v1'; document: { segment: number; indexedLogBytes: number; captures: unknown[] } }
  | { kind: 'invalid'; problem: string }

/** Checks a parsed index document. */
export function readSegmentIndex(data: unknown): ReadIndex {
  // By hand, like the entries: a schema would copy the array of every capture.
  const header = data as Record<string, unknown> | null
  const headerProblem =
    typeof header !== 'object' || header === null
      ? 'the document'
      : !Number.isInteger(header.schemaVersion)
        ? 'schemaVersion'
        : !(Number.isInteger(header.segment) && (header.segment as number) > 0)
          ? 'segment'
          : !isCount(header.indexedLogBytes)
            ? 'indexedLogBytes'
            : !Array.isArray(header.captures)
              ? 'captures'
              : null
  if (headerProblem !== null || header === null)
    return { kind: 'invalid', problem: `does not match the expected format: ${headerProblem ?? 'the document'}: missing or not valid` }
  const schemaVersion = header.schemaVersion as number
  const segment = header.segment as number
  const indexedLogBytes = header.indexedLogBytes as number
  const captures = header.captures as unknown[]
  if (schemaVersion === 1) return { kind: 'v1', document: { segment, indexedLogBytes, captures } }
  const logGeneration = schemaVersion === 2 ? 0 : header.logGeneration
  if (schemaVersion !== SEGMENT_SCHEMA_VERSION && schemaVersion !== MIXED_RECOGNITIONS_VERSION && schemaVersion !== 2) {
    return {
      kind: 'invalid',
      problem: `does not match the expected format: schemaVersion: ${schemaVersion} is not a version this build reads (it may be from a newer version)`,
    }
  }
  if (!isCount(logGeneration)) return { kind: 'invalid', problem: 'does not match the expected format: logGeneration: missing or not valid' }
  for (const [position, entry] of captures.entries()) {
    const problem = entryProblem(entry)
    if (problem !== null) return { kind: 'invalid', problem: `does not match the expected format: captures.${position}: ${problem}` }
  }
  return {
    kind: 'entries',
    document: {
      schemaVersion: schemaVersion === SEGMENT_SCHEMA_VERSION ? SEGMENT_SCHEMA_VERSION : MIXED_RECOGNITIONS_VERSION,
      segment,
      logGeneration,
      indexedLogBytes,
      captures: captures as IndexEntry[],
    },
  }
}

function entryProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object'
  const entry = value as Record<string, unknown>
  if (typeof entry.id !== 'string' || entry.id.length === 0) return 'id'
  if (!isCount(entry.seq)) return 'seq'
  if (typeof entry.endpointId !== 'string' || entry.endpointId.length === 0) return 'endpointId'
  if (typeof entry.receivedAtMs !== 'number' || !Number.isFinite(entry.receivedAtMs)) return 'receivedAtMs'
  const frame = entry.frame as Record<string, unknown> | null
  if (typeof frame !== 'object' || frame === null || !isCount(frame.offset) || !isCount(frame.metadataBytes)) return 'frame'
  if (!isCount(entry.bodySize)) return 'bodySize'
  if (typeof entry.method !== 'string') return 'method'
  if (entry.provider !== null && !PROVIDERS.has(entry.provider as string)) return 'provider'
  if (entry.verdict !== null && !VERDICTS.has(entry.verdict as string)) return 'verdict'
  // The record's rule (persisted-schema.ts: any integer), not HTTP's 100-999: an imported answer may
  // say 42 and Node's client reads a target's "099" as 99. The index refused them, so the whole
  // document was moved aside at every start and the notes and pins of its captures were lost.
  if (entry.answerStatus !== null && !Number.isInteger(entry.answerStatus)) return 'answerStatus'
  if (!OUTCOMES.has(entry.outcome as string)) return 'outcome'
  if (!Number.isInteger(entry.deliveryHash)) return 'deliveryHash'
  if (entry.imported !== undefined && entry.imported !== true) return 'imported'
  return annotationsProblem(entry)
}

/**
 * What is wrong with the fields a change after arrival sets on an entry (a note, a pin, the times
 * an answer was cut short, a forward's outcome, an answer decided later, a new recognition), as
 * start-up checks them; `null` when nothing is. Checked before such a change is written too, so
 * no change writes an index its next start would refuse (and move aside, with every note and pin
 * of its segment).
 */
export function annotationsProblem(entry: Record<string, unknown>): string | null {
  if (entry.pinned !== undefined && entry.pinned !== true) return 'pinned'
  // The record's rule itself (zod counts a note's length in code points, not UTF-16 units): a note of
  // 10,000 emoji, taken by the API, made the whole document unreadable. Rare, so the schema is affordable.
  if (entry.note !== undefined && (typeof entry.note !== 'string' || !storedCaptureSchema.shape.note.safeParse(entry.note).success)) return 'note'
  if (entry.senderLeftAt !== undefined && typeof entry.senderLeftAt !== 'string') return 'senderLeftAt'
  if (entry.appStoppedAt !== undefined && typeof entry.appStoppedAt !== 'string') return 'appStoppedAt'
  // Rare (only background forwards), so the full schema is affordable here.
  if (entry.forward !== undefined && !storedCaptureSchema.shape.forward.unwrap().unwrap().safeParse(entry.forward).success) return 'forward'
  // Rare (only pass-through forwards), so the full schema is affordable here.
  if (entry.response !== undefined && !storedCaptureSchema.shape.response.safeParse(entry.response).success) return 'response'
  // Rare (only after keys changed), so the full schema is affordable here.
  if (entry.recognition !== undefined && entry.recognition !== null && !recognitionSchema.safeParse(entry.recognition).success) return 'recognition'
  // Rare (only old captures whose key was read again from their body).
  if (entry.carriedRecognition !== undefined && !recognitionSchema.safeParse(entry.carriedRecognition).success) return 'carriedRecognition'
  return null
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0
}

/**
 * Entries serialised between two turns of the event loop. A full segment's 1,000 took about 3.5 ms
 * in one go, every time a segment filled (every 80 ms under a flood), and every capture waiting
 * for its answer waited for it too.
 */
const ENTRIES_PER_SLICE = 250

/**
 * The document's text: a header and one JSON entry per capture, joined. `entries` is a snapshot
 * taken before the first slice, so what arrives meanwhile is left for the next write.
 * `snapshotToken` ties the document to the binary snapshot of the same entries written with it
 * (table-snapshot.ts). `schemaVersion`: see the file comment.
 */
export async function renderSegmentIndex(
  segment: number,
  logGeneration: number,
  indexedLogBytes: number,
  entries: readonly IndexEntry[],
  snapshotToken?: string,
  schemaVersion: SegmentIndexDocument['schemaVersion'] = SEGMENT_SCHEMA_VERSION,
): Promise<string> {
  const header = JSON.stringify({ schemaVersion, segment, logGeneration, indexedLogBytes, tableSnapshot: snapshotToken })
  const rendered: string[] = []
  for (let start = 0; start < entries.length; start += ENTRIES_PER_SLICE) {
    if (start > 0) await yieldToEventLoop()
    for (const entry of entries.slice(start, start + ENTRIES_PER_SLICE)) rendered.push(JSON.stringify(entry))
  }
  return `${header.slice(0, -1)},"captures":[${rendered.join(',')}]}`
}

/** The start of a document written with a snapshot: the header renderSegmentIndex writes (version 2's had no generation). */
const SNAPSHOT_HEADER =
  /^\{"schemaVersion":(?:([34]),"segment":(\d+),"logGeneration":(\d+)|2,"segment":(\d+)),"indexedLogBytes":(\d+),"tableSnapshot":"([0-9a-f]{32})",/

/** What the first bytes of a document say of its snapshot; `null` when it was written without one. */
export function snapshotHeaderOf(
  documentStart: string,
): { schemaVersion: SegmentIndexDocument['schemaVersion']; segment: number; logGeneration: number; indexedLogBytes: number; token: string } | null {
  const match = SNAPSHOT_HEADER.exec(documentStart)
  if (!match) return null
  return {
    // Version 2 is read as 3 (generation 0).
    schemaVersion: match[1] === '4' ? SEGMENT_SCHEMA_VERSION : MIXED_RECOGNITIONS_VERSION,
    segment: Number(match[2] ?? match[4]),
    logGeneration: Number(match[3] ?? 0),
    indexedLogBytes: Number(match[5]),
    token: match[6] as string,
  }
}
