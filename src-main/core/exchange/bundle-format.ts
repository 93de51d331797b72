/**
 * The app's own lossless exchange format (documented in docs/bundle-format.md): one JSON
 * document, versioned, carrying every capture byte for byte (raw header pairs, body as base64
 * with its SHA-256), the answer, the verdict, notes, pins and the resend history.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { MAX_CAPTURE_NOTE_CHARS } from '../../shared/contract'
import { PINNABLE_PROVIDER_IDS, type VerdictStatus } from '../../shared/providers'
import type { CaptureRecognition } from '../../shared/views'
import { changedBeforeExportSchema, MAX_KEPT_CHANGES, type ChangedBeforeExport } from '../../shared/changed-before-export'
import { recognitionSchema, storedCaptureSchema } from '../store/persisted-schema'
import { decodeStrictBase64, exchangeCaptureOf, exporterProviderOf, type ExchangeCapture, type Redaction } from './exchange-capture'
import { mapItems, prettyJsonPieces } from './json-pieces'

export const BUNDLE_FORMAT = 'callback-inspector-bundle'
export const BUNDLE_VERSION = 1

export interface BundleHeader {
  appVersion: string
  exportedAt: string
  /** What was changed on the way out (written as `redaction`); `null` when nothing was. */
  redactions: Redaction[] | null
  /**
   * The export was not redacted for sharing: the list holds only what removing configured secrets
   * changed (and damaged captures left out), and only the captures it names were changed.
   */
  secretsOnly?: boolean
}

export const REDACTED_NOTE = 'Values were masked or removed; verdicts were computed before redaction.'
export const SECRETS_ONLY_NOTE =
  'Not redacted for sharing: only what items lists was changed (configured secrets removed, a compressed body that held one exported decompressed, damaged captures left out); everything else is as captured. Verdicts were computed before.'

/** Whether the capture at `index` was changed on the way out (its verdict then predates its bytes). */
export function changedOnExport(header: Pick<BundleHeader, 'redactions' | 'secretsOnly'>): (index: number) => boolean {
  if (header.redactions === null) return () => false
  if (!header.secretsOnly) return () => true
  const changed = new Set(header.redactions.map((redaction) => redaction.capture))
  return (index) => changed.has(index)
}

/**
 * The recognition a file writes for a capture: as judged, but for a capture imported as changed
 * before an earlier export, whose verdict was computed here on bytes that exporter changed: its
 * verdict is the one that exporter computed on the bytes received (when its file said), so the
 * file never presents the export's failure as the sender's. Raw HTTP and curl labels say the same.
 */
export function recognitionAsReceived(capture: Pick<ExchangeCapture, 'recognition' | 'changedBeforeExport'>): CaptureRecognition | null {
  const before = capture.changedBeforeExport?.exporterVerdict
  if (!capture.recognition || !before) return capture.recognition
  return { ...capture.recognition, verdict: { status: before.status, reason: null, message: before.message } }
}

/** The bundle document as JSON text. */
export function writeBundle(captures: ExchangeCapture[], header: BundleHeader): string {
  return [...bundlePieces(captures, header)].join('')
}

/**
 * The bundle's text in pieces, one capture at a time (json-pieces.ts): joined, exactly what
 * `writeBundle` writes.
 */
export function bundlePieces(captures: Iterable<ExchangeCapture>, header: BundleHeader): Generator<string> {
  const isChanged = changedOnExport(header)
  let index = 0
  return prettyJsonPieces((list) => ({
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exportedAt: header.exportedAt,
    app: { name: 'Callback Inspector', version: header.appVersion },
    redaction:
      header.redactions === null
        ? null
        : header.secretsOnly
          ? { applied: true, secretsOnly: true, note: SECRETS_ONLY_NOTE, items: list(header.redactions) }
          : { applied: true, note: REDACTED_NOTE, items: list(header.redactions) },
    captures: list(
      mapItems(captures, (capture) => ({
        id: capture.id,
        endpoint: capture.endpoint,
        receivedAt: capture.receivedAt,
        // Only when it is so: every other capture is written as before.
        ...(capture.receivedAtIsImportTime === true ? { receivedAtIsImportTime: true } : {}),
        durationMs: capture.durationMs,
        method: capture.method,
        target: capture.target,
        httpVersion: capture.httpVersion,
        headers: capture.headers,
        // Only when there are some: a capture without trailers is written as before.
        ...(capture.trailers.length > 0 ? { trailers: capture.trailers } : {}),
        body: { base64: capture.body.toString('base64'), size: capture.body.length, sha256: sha256(capture.body) },
        remoteAddress: capture.remoteAddress,
        remotePort: capture.remotePort,
        outcome: capture.outcome,
        refusal: capture.refusal,
        recognition: recognitionAsReceived(capture),
        // A capture changed before an earlier export (imported from that file) is still not the bytes received.
        recognitionComputedBeforeRedaction: isChanged(index++) || capture.changedBeforeExport !== undefined,
        ...(capture.changedBeforeExport ? { changedBeforeExport: capture.changedBeforeExport } : {}),
        ...(capture.importedAs ? { importedAs: capture.importedAs } : {}),
        response: capture.response,
        note: capture.note,
        pinned: capture.pinned,
        origin: capture.origin,
        importedFrom: capture.importedFrom,
        resends: capture.resends,
        forward: capture.forward ?? null,
        senderLeftAt: capture.senderLeftAt ?? null,
        appStoppedAt: capture.appStoppedAt ?? null,
      })),
    ),
  }))
}

const headerPairs = z.array(z.tuple([z.string().max(65_536), z.string().max(65_536)])).max(10_000)

const bundleCaptureSchema = z.object({
  id: z.string().nullable().optional(),
  endpoint: z.object({ name: z.string(), slug: z.string() }).nullable().optional(),
  receivedAt: z.string().nullable(),
  receivedAtIsImportTime: z.boolean().optional(),
  durationMs: z.number().nonnegative(),
  method: z.string().min(1).max(64),
  target: z.string().max(65_536),
  httpVersion: z.string().max(8),
  headers: headerPairs,
  trailers: headerPairs.optional(),
  body: z.object({ base64: z.string(), size: z.number().int().nonnegative(), sha256: z.string() }),
  remoteAddress: z.string().max(100),
  remotePort: z.number().int().nonnegative(),
  outcome: z.enum(['captured', 'refused']),
  refusal: z
    .object({ status: z.number().int(), reason: z.string(), declaredSize: z.number().int().nullable(), receivedBytes: z.number().int().nonnegative() })
    .nullable(),
  recognition: recognitionSchema.nullable(),
  recognitionComputedBeforeRedaction: z.boolean().optional(),
  // What an earlier exporter changed, carried by a capture imported from its file; one this reader cannot make out is dropped.
  changedBeforeExport: changedBeforeExportSchema.optional().catch(undefined),
  // The provider a user named when the capture was imported; one this reader does not know is dropped.
  importedAs: z.enum(PINNABLE_PROVIDER_IDS).optional().catch(undefined),
  response: z
    .object({
      kind: z.enum(['respond', 'close', 'reset', 'hang', 'none']),
      // As a HAR response's: a status the receiver could have sent.
      status: z.number().int().min(1).max(999).nullable(),
      headers: headerPairs,
      bodyBase64: z.string(),
      delayMs: z.number().nonnegative(),
      chosenBy: storedCaptureSchema.shape.response.shape.chosenBy,
    })
    .nullable(),
  note: z.string().max(MAX_CAPTURE_NOTE_CHARS).nullable().optional(),
  pinned: z.boolean().optional(),
  origin: z.enum(['received', 'imported']).optional(),
  importedFrom: z.string().max(500).nullable().optional(),
  forward: storedCaptureSchema.shape.forward,
  senderLeftAt: z.string().nullable().optional(),
  appStoppedAt: z.string().nullable().optional(),
  // Resend records are shown as history only; what identifies one is checked, the rest is kept as written.
  resends: z
    .array(z.looseObject({ id: z.string(), kind: z.string(), at: z.string(), sent: z.looseObject({ method: z.string(), url: z.string() }) }))
    .max(10_000)
    .optional(),
})

const bundleHeadSchema = z.object({
  format: z.literal(BUNDLE_FORMAT, { error: `not a Callback Inspector bundle: "format" must be "${BUNDLE_FORMAT}"` }),
  version: z.number().int(),
  captures: z.array(z.unknown(), { error: '"captures" must be a list' }),
  redaction: z.unknown().optional(),
})

/** The document's `redaction` as this reader needs it (what a writer of version 1 writes). */
const bundleRedactionSchema = z
  .object({
    applied: z.boolean().optional(),
    secretsOnly: z.boolean().optional(),
    items: z.array(z.object({ capture: z.number().int().nullable(), location: z.string(), action: z.string() })).optional(),
  })
  .nullable()
  .optional()

/**
 * What the exporting app says it changed in each capture, from the document's `redaction` and each
 * capture's `recognitionComputedBeforeRedaction`: every capture of a redacted bundle, and those a
 * `secretsOnly` bundle names. `undefined` for a capture exported as received (and for bundles
 * written before either field existed), so those import as before.
 */
export function exportChangesReader(
  redactionField: unknown,
): (index: number, isMarked: boolean, verdict: { status: VerdictStatus; message: string } | null) => ChangedBeforeExport | undefined {
  const parsed = bundleRedactionSchema.safeParse(redactionField)
  // A redaction this reader cannot make out still says the file was changed: it is not passed off as received.
  const redaction = parsed.success ? parsed.data : { applied: true, items: [] }
  const isApplied = redaction !== null && redaction !== undefined && redaction.applied !== false
  const isRedacted = isApplied && redaction.secretsOnly !== true
  const itemsByCapture = new Map<number, Redaction[]>()
  for (const item of (isApplied && redaction.items) || []) {
    if (item.capture === null) continue
    const items = itemsByCapture.get(item.capture) ?? []
    items.push(item)
    itemsByCapture.set(item.capture, items)
  }
  return (index, isMarked, verdict) => {
    const items = itemsByCapture.get(index) ?? []
    if (!isRedacted && !isMarked && items.length === 0) return undefined
    return {
      reason: isRedacted ? 'redacted' : 'secrets-removed',
      changes: items.slice(0, MAX_KEPT_CHANGES).map(({ location, action }) => ({ location: location.slice(0, 500), action: action.slice(0, 500) })),
      changesOmitted: Math.max(0, items.length - MAX_KEPT_CHANGES),
      // Both writers say so in the body's item: "exported decompressed" (secrets) or "decompressed (gzip) so it could be redacted".
      decompressed: items.some((item) => item.location === 'body' && /\bdecompressed\b/.test(item.action)),
      exporterVerdict: verdict === null ? null : { status: verdict.status, message: verdict.message.slice(0, 2000) },
    }
  }
}

/**
 * What a file written with this header says each capture's record is (`undefined`: exported as
 * received): what this export changed, after what an earlier exporter had (a capture imported as
 * changed), read as `readBundle` reads a bundle written with this header. For the formats that
 * carry the record per capture (raw HTTP, curl: changed-label.ts), so they say what a bundle says.
 */
export function changesWrittenFor(
  header: Pick<BundleHeader, 'redactions' | 'secretsOnly'>,
): (index: number, capture: Pick<ExchangeCapture, 'changedBeforeExport' | 'recognition'>) => ChangedBeforeExport | undefined {
  const changesOf = exportChangesReader(
    header.redactions === null ? null : { applied: true, secretsOnly: header.secretsOnly === true, items: header.redactions },
  )
  return (index, capture) => withEarlierChanges(capture.changedBeforeExport, changesOf(index, false, capture.recognition?.verdict ?? null))
}

/** Whether a parsed JSON document is a bundle (rather than a HAR file). */
export function isBundleDocument(document: unknown): boolean {
  return typeof document === 'object' && document !== null && (document as { format?: unknown }).format === BUNDLE_FORMAT
}

export type EntryResult = { ok: true; capture: ExchangeCapture } | { ok: false; message: string }

/**
 * Reads a parsed bundle: the document must be a bundle of a version this app knows; each
 * capture is then checked on its own, so one bad entry fails alone and says where.
 */
export function readBundle(document: unknown): { ok: true; entries: EntryResult[] } | { ok: false; message: string } {
  const read = readBundleEntries(document)
  return read.ok ? { ok: true, entries: Array.from({ length: read.count }, (_unused, index) => read.entryAt(index)) } : read
}

/**
 * A file's entries, each read (checked, decoded, hashed) only when asked for: an import reads them
 * a batch at a time. Each is read at most once (what it was read from is let go).
 */
export interface EntrySource {
  count: number
  entryAt: (index: number) => EntryResult
}

/** As `readBundle`, each capture read when asked for. */
export function readBundleEntries(document: unknown): ({ ok: true } & EntrySource) | { ok: false; message: string } {
  const head = bundleHeadSchema.safeParse(document)
  if (!head.success) return { ok: false, message: describeIssue(head.error.issues[0]) }
  if (head.data.version > BUNDLE_VERSION || head.data.version < 1) {
    return { ok: false, message: `bundle version ${head.data.version} is not supported (this app reads version ${BUNDLE_VERSION})` }
  }
  const changesOf = exportChangesReader(head.data.redaction)
  const captures = head.data.captures
  return {
    ok: true,
    count: captures.length,
    entryAt: (index) => {
      const raw = captures[index]
      // Read once: the parsed capture is let go as soon as it is read.
      captures[index] = undefined
      return readBundleCapture(raw, index, changesOf)
    },
  }
}

/**
 * A capture changed by an earlier exporter (`earlier`, carried in the file) and perhaps again by
 * this file's (`now`): the earlier record comes first, and its verdict is the one computed on the
 * bytes received (the later exporter's was computed on bytes already changed).
 */
export function withEarlierChanges(earlier: ChangedBeforeExport | undefined, now: ChangedBeforeExport | undefined): ChangedBeforeExport | undefined {
  if (!earlier || !now) return earlier ?? now
  const changes = [...earlier.changes, ...now.changes]
  return {
    reason: earlier.reason === 'redacted' || now.reason === 'redacted' ? 'redacted' : 'secrets-removed',
    changes: changes.slice(0, MAX_KEPT_CHANGES),
    changesOmitted: earlier.changesOmitted + now.changesOmitted + Math.max(0, changes.length - MAX_KEPT_CHANGES),
    decompressed: earlier.decompressed || now.decompressed,
    exporterVerdict: earlier.exporterVerdict,
  }
}

function readBundleCapture(raw: unknown, index: number, changesOf: ReturnType<typeof exportChangesReader>): EntryResult {
  const parsed = bundleCaptureSchema.safeParse(raw)
  if (!parsed.success) return { ok: false, message: describeIssue(parsed.error.issues[0]) }
  const capture = parsed.data
  const changedBeforeExport = withEarlierChanges(
    capture.changedBeforeExport,
    changesOf(index, capture.recognitionComputedBeforeRedaction === true && !capture.changedBeforeExport, capture.recognition?.verdict ?? null),
  )
  const body = decodeStrictBase64(capture.body.base64)
  if (body === null) return { ok: false, message: 'body.base64 is not valid base64' }
  if (body.length !== capture.body.size) return { ok: false, message: `body.size says ${capture.body.size} bytes, body.base64 holds ${body.length}` }
  if (sha256(body) !== capture.body.sha256) return { ok: false, message: 'body.sha256 does not match the body bytes' }
  if (capture.response && decodeStrictBase64(capture.response.bodyBase64) === null) return { ok: false, message: 'response.bodyBase64 is not valid base64' }
  const parts = {
    id: capture.id ?? null,
    endpoint: capture.endpoint ?? null,
    body,
    resends: (capture.resends ?? []) as unknown as ExchangeCapture['resends'],
  }
  const exporterProvider = exporterProviderOf(capture.recognition?.provider)
  return { ok: true, capture: { ...exchangeCaptureOf({ ...capture, changedBeforeExport }, parts), ...(exporterProvider ? { exporterProvider } : {}) } }
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid'
  const where =
    issue.path.length === 0
      ? ''
      : `${issue.path
          .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
          .join('')
          .replace(/^\./, '')}: `
  return `${where}${issue.message}`
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}
