/**
 * A segment's index entries in binary (`captures/NNNNNN.table`), so start-up need not parse the
 * index document. The lowdb document (segment-index.ts) stays the record; this is a cache of it,
 * written beside it and trusted only when it names the very document it was written with.
 *
 * Why: start-up read every document as JSON and checked every entry, about 10 µs a capture (1.1 s
 * for 100,000 captures on an idle machine, so about 11 s for 1,000,000). Here an entry is a
 * fixed 72-byte row, read without parsing: well under a microsecond.
 *
 * Layout: `CITS`, format version (u32 LE), sha256 of what follows, then a JSON header (u32 LE
 * length, then the text: the document's token, segment, `indexedLogBytes`, the document's byte
 * size, the entry count, a string table, and whole entries for the rare rows that do not fit a
 * fixed row), then one row per entry in the document's order.
 *
 * Matching the document: each document written with a snapshot carries a random token in its
 * header (`tableSnapshot`), and the snapshot records it and the document's size. A document
 * written later without one (the segment being filled is rewritten every second, without a
 * snapshot) does not match, nor does a snapshot left from an earlier write: start-up then reads
 * the JSON, as it always did. A snapshot is never synced: a torn one fails its hash.
 */
import { hash, randomBytes } from 'node:crypto'
import { open, readFile } from 'node:fs/promises'
import { CAPTURE_OUTCOMES, type CaptureOutcome } from '../../shared/capture-filter'
import { PROVIDER_IDS, type ProviderId } from '../../shared/provider-catalog'
import { LISTED_VERDICTS, type ListedVerdict } from '../../shared/listed-verdict'
import { frameEnd } from './capture-log'
import { isColumnStatus, type IdBytes, type SlotFields } from './capture-table'
import { formatUuid, parseUuid } from './id-index'
import { renderSegmentIndex, snapshotHeaderOf, type IndexEntry, type SegmentIndexDocument } from './segment-index'

const MAGIC = Buffer.from('CITS', 'latin1')
const FORMAT_VERSION = 1
const HASH_BYTES = 32
/** Magic, version, hash. */
const PREAMBLE_BYTES = MAGIC.length + 4 + HASH_BYTES
const ROW_BYTES = 72
/** A string-table index meaning `null`. */
const NONE = 0xffff

const ROW_PLAIN = 0
/** The entry is in the header's `whole` list (a note, a forward, a recomputed recognition, an id that is not a UUID…). */
const ROW_WHOLE = 1

const ROW_IMPORTED = 1
const ROW_PINNED = 2

interface SnapshotHeader {
  token: string
  segment: number
  indexedLogBytes: number
  documentBytes: number
  count: number
  strings: string[]
  whole: IndexEntry[]
}

/** What a snapshot says, once its hash and its strings are checked. */
export interface TableSnapshot {
  token: string
  segment: number
  indexedLogBytes: number
  /** Byte size of the document written with it. */
  documentBytes: number
  rows: SnapshotRows
}

/** True when an entry fits a fixed row: a UUID id and none of the optional fields. */
function fitsRow(entry: IndexEntry): boolean {
  return (
    entry.note === undefined &&
    entry.senderLeftAt === undefined &&
    entry.appStoppedAt === undefined &&
    entry.forward === undefined &&
    entry.response === undefined &&
    entry.recognition === undefined &&
    entry.carriedRecognition === undefined &&
    // A row's 16 bits hold what the table's column holds; 0 written there read back as no answer.
    isColumnStatus(entry.answerStatus)
  )
}

export function encodeTableSnapshot(snapshot: Omit<TableSnapshot, 'rows'> & { entries: readonly IndexEntry[] }): Buffer {
  const strings: string[] = []
  const stringCodes = new Map<string, number>()
  const code = (value: string | null): number => {
    if (value === null) return NONE
    let found = stringCodes.get(value)
    if (found === undefined) {
      found = strings.push(value) - 1
      stringCodes.set(value, found)
    }
    return found
  }
  const whole: IndexEntry[] = []
  const rows = Buffer.alloc(snapshot.entries.length * ROW_BYTES)
  snapshot.entries.forEach((entry, index) => {
    const at = index * ROW_BYTES
    if (!fitsRow(entry) || !parseUuid(entry.id, rows, at + 16) || strings.length >= NONE - 8) {
      rows.writeUInt8(ROW_WHOLE, at)
      rows.writeUInt32LE(whole.push(entry) - 1, at + 4)
      return
    }
    rows.writeUInt8(ROW_PLAIN, at)
    rows.writeUInt8((entry.imported ? ROW_IMPORTED : 0) | (entry.pinned ? ROW_PINNED : 0), at + 1)
    rows.writeUInt16LE(code(entry.outcome), at + 2)
    rows.writeUInt16LE(code(entry.endpointId), at + 4)
    rows.writeUInt16LE(code(entry.method), at + 6)
    rows.writeUInt16LE(code(entry.provider), at + 8)
    rows.writeUInt16LE(code(entry.verdict), at + 10)
    rows.writeUInt16LE(entry.answerStatus ?? 0, at + 12)
    rows.writeDoubleLE(entry.seq, at + 32)
    rows.writeDoubleLE(entry.receivedAtMs, at + 40)
    rows.writeDoubleLE(entry.frame.offset, at + 48)
    rows.writeUInt32LE(entry.frame.metadataBytes, at + 56)
    rows.writeInt32LE(entry.deliveryHash, at + 60)
    rows.writeDoubleLE(entry.bodySize, at + 64)
  })
  const header: SnapshotHeader = {
    token: snapshot.token,
    segment: snapshot.segment,
    indexedLogBytes: snapshot.indexedLogBytes,
    documentBytes: snapshot.documentBytes,
    count: snapshot.entries.length,
    strings,
    whole,
  }
  const headerText = Buffer.from(JSON.stringify(header))
  const headerLength = Buffer.alloc(4)
  headerLength.writeUInt32LE(headerText.length)
  const body = Buffer.concat([headerLength, headerText, rows])
  const version = Buffer.alloc(4)
  version.writeUInt32LE(FORMAT_VERSION)
  return Buffer.concat([MAGIC, version, hash('sha256', body, 'buffer'), body])
}

const PROVIDERS = new Set<string>(PROVIDER_IDS)
const VERDICTS = new Set<string>(LISTED_VERDICTS)
const OUTCOMES = new Set<string>(CAPTURE_OUTCOMES)

/**
 * A snapshot's entries, checked, still as rows. Start-up takes a plain row into the table through
 * `fieldsAt`, which fills one reused object and hands the id over as its 16 bytes: no object and
 * no id string per capture (spelling 1,000,000 ids out and parsing them back, with an object
 * each, was most of opening such a store).
 */
export class SnapshotRows {
  readonly count: number

  constructor(
    private readonly rows: Buffer,
    private readonly strings: readonly string[],
    private readonly whole: readonly IndexEntry[],
  ) {
    this.count = rows.length / ROW_BYTES
  }

  /** False for a row kept whole (an entry with a note, a forward, an id that is not a UUID…): read it with `entry`. */
  isPlain(index: number): boolean {
    return this.rows.readUInt8(index * ROW_BYTES) === ROW_PLAIN
  }

  /** Where the row's frame starts in the log. */
  frameOffset(index: number): number {
    return this.isPlain(index) ? this.rows.readDoubleLE(index * ROW_BYTES + 48) : this.wholeEntry(index).frame.offset
  }

  /** Where the row's frame ends in the log (its header, metadata and body). */
  frameEnd(index: number): number {
    if (!this.isPlain(index)) {
      const { frame, bodySize } = this.wholeEntry(index)
      return frameEnd(frame.offset, frame.metadataBytes, bodySize)
    }
    const at = index * ROW_BYTES
    return frameEnd(this.rows.readDoubleLE(at + 48), this.rows.readUInt32LE(at + 56), this.rows.readDoubleLE(at + 64))
  }

  /** A plain row's values, written into `fields` (its id as bytes of this snapshot). */
  fieldsAt(index: number, fields: RowFields): void {
    const rows = this.rows
    const at = index * ROW_BYTES
    const flags = rows.readUInt8(at + 1)
    const answerStatus = rows.readUInt16LE(at + 12)
    fields.id.bytes = rows
    fields.id.at = at + 16
    fields.seq = rows.readDoubleLE(at + 32)
    fields.endpointId = this.strings[rows.readUInt16LE(at + 4)] as string
    fields.receivedAtMs = rows.readDoubleLE(at + 40)
    fields.offset = rows.readDoubleLE(at + 48)
    fields.metadataBytes = rows.readUInt32LE(at + 56)
    fields.bodySize = rows.readDoubleLE(at + 64)
    fields.method = this.strings[rows.readUInt16LE(at + 6)] as string
    fields.provider = this.string(rows.readUInt16LE(at + 8)) as ProviderId | null
    fields.verdict = this.string(rows.readUInt16LE(at + 10)) as ListedVerdict | null
    fields.answerStatus = answerStatus === 0 ? null : answerStatus
    fields.outcome = this.strings[rows.readUInt16LE(at + 2)] as CaptureOutcome
    fields.deliveryHash = rows.readInt32LE(at + 60)
    fields.pinned = (flags & ROW_PINNED) !== 0
    fields.imported = (flags & ROW_IMPORTED) !== 0
  }

  /** The row as an index entry. */
  entry(index: number): IndexEntry {
    if (!this.isPlain(index)) return this.wholeEntry(index)
    const fields = emptyRowFields()
    this.fieldsAt(index, fields)
    const entry: IndexEntry = {
      id: formatUuid(fields.id.bytes, fields.id.at),
      seq: fields.seq,
      endpointId: fields.endpointId,
      receivedAtMs: fields.receivedAtMs,
      frame: { offset: fields.offset, metadataBytes: fields.metadataBytes },
      bodySize: fields.bodySize,
      method: fields.method,
      provider: fields.provider,
      verdict: fields.verdict,
      answerStatus: fields.answerStatus,
      outcome: fields.outcome,
      deliveryHash: fields.deliveryHash,
    }
    if (fields.imported) entry.imported = true
    if (fields.pinned) entry.pinned = true
    return entry
  }

  /** Every row as an index entry, in order. */
  entries(): IndexEntry[] {
    return Array.from({ length: this.count }, (_, index) => this.entry(index))
  }

  private wholeEntry(index: number): IndexEntry {
    return this.whole[this.rows.readUInt32LE(index * ROW_BYTES + 4)] as IndexEntry
  }

  private string(code: number): string | null {
    return code === NONE ? null : (this.strings[code] as string)
  }

  /** Whether every row names strings and whole entries that exist, with values this build knows. */
  isValid(): boolean {
    const { strings } = this
    const known = (code: number, values: ReadonlySet<string>, nullable: boolean): boolean =>
      code === NONE ? nullable : code < strings.length && values.has(strings[code] as string)
    for (let index = 0; index < this.count; index++) {
      const at = index * ROW_BYTES
      if (!this.isPlain(index)) {
        if (this.whole[this.rows.readUInt32LE(at + 4)] === undefined) return false
        continue
      }
      if (!known(this.rows.readUInt16LE(at + 2), OUTCOMES, false)) return false
      if (this.rows.readUInt16LE(at + 4) >= strings.length || this.rows.readUInt16LE(at + 6) >= strings.length) return false
      if (!known(this.rows.readUInt16LE(at + 8), PROVIDERS, true) || !known(this.rows.readUInt16LE(at + 10), VERDICTS, true)) return false
    }
    return true
  }
}

/** What `SnapshotRows.fieldsAt` fills: the table's fields of a capture, its id as 16 bytes. */
export type RowFields = Omit<SlotFields, 'id'> & { id: IdBytes }

/** One reusable `RowFields`, to be filled row after row. */
export function emptyRowFields(): RowFields {
  return {
    id: { bytes: new Uint8Array(0), at: 0 },
    seq: 0,
    endpointId: '',
    receivedAtMs: 0,
    offset: 0,
    metadataBytes: 0,
    bodySize: 0,
    method: '',
    provider: null,
    verdict: null,
    answerStatus: null,
    outcome: 'captured',
    deliveryHash: 0,
    pinned: false,
    imported: false,
  }
}

/**
 * The snapshot in `bytes`, or `null` when it is not one this build wrote whole: another format
 * version, a failed hash (torn or damaged), or values this build does not know (a newer build's
 * provider). The caller then reads the index document, which is always there.
 */
export function decodeTableSnapshot(bytes: Buffer): TableSnapshot | null {
  if (bytes.length < PREAMBLE_BYTES + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return null
  if (bytes.readUInt32LE(MAGIC.length) !== FORMAT_VERSION) return null
  const body = bytes.subarray(PREAMBLE_BYTES)
  if (!hash('sha256', body, 'buffer').equals(bytes.subarray(MAGIC.length + 4, PREAMBLE_BYTES))) return null
  const headerLength = body.readUInt32LE(0)
  if (4 + headerLength > body.length) return null
  let header: SnapshotHeader
  try {
    header = JSON.parse(body.subarray(4, 4 + headerLength).toString('utf8')) as SnapshotHeader
  } catch {
    return null
  }
  const rowBytes = body.subarray(4 + headerLength)
  if (!Array.isArray(header.strings) || !Array.isArray(header.whole) || rowBytes.length !== header.count * ROW_BYTES) return null
  const rows = new SnapshotRows(rowBytes, header.strings, header.whole)
  if (!rows.isValid()) return null
  return {
    token: header.token,
    segment: header.segment,
    indexedLogBytes: header.indexedLogBytes,
    documentBytes: header.documentBytes,
    rows,
  }
}

/** A segment's index document, and the binary snapshot of its entries when one was asked for. */
export interface RenderedIndex {
  document: string
  snapshot: Buffer | null
}

/**
 * Renders a segment's index document and, with `withSnapshot`, the snapshot of the same entries
 * (a random token in the document's header names it). `schemaVersion`: see segment-index.ts.
 */
export async function renderIndexAndSnapshot(
  segment: number,
  log: { generation: number; indexedBytes: number },
  entries: readonly IndexEntry[],
  withSnapshot: boolean,
  schemaVersion?: SegmentIndexDocument['schemaVersion'],
): Promise<RenderedIndex> {
  const indexedLogBytes = log.indexedBytes
  if (!withSnapshot) return { document: await renderSegmentIndex(segment, log.generation, indexedLogBytes, entries, undefined, schemaVersion), snapshot: null }
  const token = randomBytes(16).toString('hex')
  const document = await renderSegmentIndex(segment, log.generation, indexedLogBytes, entries, token, schemaVersion)
  return { document, snapshot: encodeTableSnapshot({ token, segment, indexedLogBytes, documentBytes: Buffer.byteLength(document), entries }) }
}

/** Enough of a document's start for its header (a segment number, a generation and a log size at most 16 digits each). */
const DOCUMENT_HEADER_BYTES = 200

/**
 * The snapshot at `tablePath` when it was written with the document at `indexPath` as it is now
 * (same token, segment, mark and size), with the log generation and schema version the document names; `null` otherwise, and when either cannot be read. Reads
 * the snapshot and the document's first bytes only.
 */
export async function readMatchingSnapshot(
  paths: { index: string; table: string },
  segment: number,
): Promise<(TableSnapshot & { logGeneration: number; schemaVersion: SegmentIndexDocument['schemaVersion'] }) | null> {
  try {
    const snapshot = decodeTableSnapshot(await readFile(paths.table))
    if (snapshot === null || snapshot.segment !== segment) return null
    const handle = await open(paths.index, 'r')
    try {
      const { size } = await handle.stat()
      const start = Buffer.alloc(DOCUMENT_HEADER_BYTES)
      const { bytesRead } = await handle.read(start, 0, start.length, 0)
      const header = snapshotHeaderOf(start.subarray(0, bytesRead).toString('utf8'))
      const matches =
        header !== null &&
        header.token === snapshot.token &&
        header.segment === segment &&
        header.indexedLogBytes === snapshot.indexedLogBytes &&
        size === snapshot.documentBytes
      // The generation is the document's (the snapshot is only a cache of its entries).
      return matches ? { ...snapshot, logGeneration: header.logGeneration, schemaVersion: header.schemaVersion } : null
    } finally {
      await handle.close()
    }
  } catch {
    // Missing or unreadable: the document is read instead (and reported there if it is the one at fault).
    return null
  }
}
