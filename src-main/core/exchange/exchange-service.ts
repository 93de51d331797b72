/**
 * Export and import of captures. Export gathers captures with their bytes, answers,
 * notes and resend history, redacts them (always removing configured secrets) and writes one
 * file. Import reads a file into entries and stores each valid one as an imported capture,
 * judged (recognised, summarised, verified) with the target endpoint's settings and keys exactly
 * like a received one, in batches that yield to the event loop so the receiver keeps capturing.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { CaptureRecognition } from '../../shared/views'
import type { HeaderPairs } from '../../shared/http-message'
import { HTTP_TOKEN_PATTERN } from '../../shared/answer-catalog'
import { errorMessage, InspectorError } from '../../shared/errors'
import {
  type ExportDelivery,
  type ExportFormat,
  type ExportPiecesResult,
  type ExportResult,
  type ImportFailure,
  type ImportNotice,
  type ImportFormat,
  type ImportResult,
  type PastedKind,
} from '../../shared/exchange'
import type { PinnableProviderId } from '../../shared/providers'
import type { ReplayRecord } from '../../shared/replay'
import { yieldToEventLoop } from '../event-loop'
import { DamagedCaptureError } from '../store/capture-reader'
import type { DeliveryToJudge } from '../recognition'
import type { NewCapture } from '../store/capture-store'
import type { StoredCapture } from '../store/persisted-schema'
import { decodeStrictBase64InSlices, EXCHANGE_LIMITS, exchangeCaptureOf, type ExchangeCapture, type Redaction, type StoredAnswer } from './exchange-capture'
import { exportPieces } from './export-file'
import { encodeExport } from './export-output'
import { createPendingExports } from './pending-exports'
import type { PiecedText } from '../pieced-text'
import { readImportEntries } from './import-file'
import { redactCaptures, type RedactionRequest } from './redaction'
import { checkNoSecretInLabels, checkNoSecretLeft } from './secret-check'
import { secretForms, type SecretForms } from './secret-presence'
import { IMPORT_SLICE, workSlices } from './work-slices'
import { formatByteLimit, formatExactBytes } from '../../shared/byte-size'
import { originFormOf } from '../../shared/target-text'
import { headersRemovedOnExport } from '../../shared/changed-before-export'

/** Captures stored between two yields to the event loop (and between two progress events). */
const IMPORT_BATCH_SIZE = 100

export interface ExchangeServiceDeps {
  appVersion: string
  receiverUrl(): string
  maxBodyBytes: number
  now(): Date
  /** The endpoint (throws NOT_FOUND when there is none). */
  endpoint(id: string): { id: string; name: string; slug: string }
  loadCapture(id: string): Promise<StoredCapture>
  readBody(id: string): Promise<Buffer>
  resendsOf(capture: StoredCapture): Promise<ReplayRecord[]>
  /** Records a resend of an imported capture (from a bundle). */
  addResend(capture: StoredCapture, record: ReplayRecord): Promise<void>
  /** Every secret configured for the endpoint (HMAC secrets, API keys…), never exported. */
  secretsOf(endpointId: string): string[]
  /**
   * Recognises and verifies a delivery as the receiver does, with the endpoint's settings and
   * keys; `asProvider` recognises it as that provider (a pasted body the user labelled).
   */
  judge(endpointId: string, delivery: DeliveryToJudge, asProvider?: PinnableProviderId): CaptureRecognition
  append(capture: NewCapture, body: Buffer): Promise<StoredCapture>
  /** A capture was stored by an import (the views add it like a received one). */
  imported(stored: StoredCapture): void
  progress(progress: { endpointId: string; done: number; total: number; finished: boolean }): void
}

export interface ExportRequest {
  ids: string[]
  format: ExportFormat
  redact: boolean
  redactPersonalData: boolean
  delivery: ExportDelivery
}

/**
 * An export as the core answers it: with `delivery: "inline"` the file's base64 in pieces, which
 * the transports hand over as the one `dataBase64` string callers receive, without joining it.
 */
export type ExportAnswer = (Omit<ExportResult, 'dataBase64'> & { dataBase64: PiecedText }) | ExportPiecesResult

export interface ImportRequest {
  endpointId: string
  format: ImportFormat
  dataBase64: string
  /** Shown with each imported capture, e.g. the file name. */
  sourceName?: string
  /** Pasted, not a file: named so in each capture's `importedFrom` (see `importSourceOf`). */
  pasted?: PastedKind
  /** Recognise the imported captures as this provider (otherwise as the endpoint does). */
  asProvider?: PinnableProviderId
}

export interface ExchangeService {
  exportCaptures(request: ExportRequest): Promise<ExportAnswer>
  /** One piece of an export made with `delivery: "pieces"` (pending-exports.ts). */
  readExportPiece(exportId: string, index: number): { dataBase64: string }
  importCaptures(request: ImportRequest): Promise<ImportResult>
}

export function createExchangeService(deps: ExchangeServiceDeps): ExchangeService {
  const pendingExports = createPendingExports(() => deps.now())
  async function gather(ids: string[]): Promise<{ captures: ExchangeCapture[]; endpointIds: Set<string>; leftOut: Redaction[] }> {
    const gathered: Array<{ seq: number; capture: ExchangeCapture }> = []
    const endpointIds = new Set<string>()
    const damaged: DamagedCaptureError[] = []
    let deletedMeanwhile: InspectorError | null = null
    let totalBytes = 0
    for (const id of ids) {
      let stored: StoredCapture
      let body: Buffer
      try {
        stored = await deps.loadCapture(id)
        body = await deps.readBody(id)
      } catch (error: unknown) {
        // Deleted since the export was asked for (a clear, a deletion, retention): the export is of
        // what is still stored, not refused whole for it.
        if (error instanceof InspectorError && error.code === 'NOT_FOUND') {
          deletedMeanwhile ??= error
          continue
        }
        // A damaged capture's bytes are never exported, but one bad frame must not make every
        // other capture of an endpoint impossible to export: it is left out and listed.
        if (!(error instanceof DamagedCaptureError)) throw error
        damaged.push(error)
        continue
      }
      totalBytes += body.length + stored.response.bodyBase64.length
      if (totalBytes > EXCHANGE_LIMITS.maxExportBytes) {
        throw new InspectorError('BAD_REQUEST', `these captures hold more than ${formatByteLimit(EXCHANGE_LIMITS.maxExportBytes)}: export fewer at once`)
      }
      endpointIds.add(stored.endpointId)
      gathered.push({ seq: stored.seq, capture: toExchangeCapture(stored, body, await deps.resendsOf(stored), endpointOrNull(stored.endpointId)) })
    }
    // Oldest first, in the order they were stored, however a selection was listed: the UI lists
    // (and so selects) newest first, and a file written in that order imported back reversed.
    gathered.sort((a, b) => a.seq - b.seq)
    // Nothing left to export: say why, as exporting that one capture alone does.
    if (gathered.length === 0 && damaged[0]) throw damaged[0]
    if (gathered.length === 0 && deletedMeanwhile) throw deletedMeanwhile
    const leftOut = damaged.map((error): Redaction => ({
      capture: null,
      location: `capture ${error.captureId}`,
      action: `left out: it is damaged on disk (${error.reason}), and a damaged capture's bytes are never exported`,
    }))
    return { captures: gathered.map((item) => item.capture), endpointIds, leftOut }
  }

  function endpointOrNull(id: string): { name: string; slug: string } | null {
    try {
      const endpoint = deps.endpoint(id)
      return { name: endpoint.name, slug: endpoint.slug }
    } catch {
      return null
    }
  }

  return {
    async exportCaptures(request) {
      if (request.ids.length === 0) throw new InspectorError('BAD_REQUEST', 'there are no captures to export')
      const { captures, endpointIds, leftOut } = await gather(request.ids)
      const secrets = [...endpointIds].flatMap((id) => deps.secretsOf(id))
      const forms = secretForms(secrets)
      const redacted = await redactInSlices(captures, { redact: request.redact, personalData: request.redactPersonalData, secrets }, forms)
      // Whatever changed on the way out is written into the file, redacted for sharing or not: a
      // file that said nothing would pass off a scrubbed (or decompressed) body as the one received.
      const changes = [...leftOut, ...redacted.redactions]
      const redactions = request.redact || changes.length > 0 ? changes : null
      // From the scrubbed captures: an endpoint's slug names the file, and the name is shown and saved.
      const slugs = new Set(redacted.captures.map((capture) => capture.endpoint?.slug ?? 'captures'))
      const baseName = slugs.size === 1 ? [...slugs][0]! : 'captures'
      const file = exportPieces(redacted.captures, request.format, {
        appVersion: deps.appVersion,
        origin: originOf(deps.receiverUrl()),
        redactions,
        secretsOnly: !request.redact,
        baseName: captures.length === 1 ? `${baseName}-capture` : baseName,
        now: deps.now(),
      })
      // Written a slice at a time, and checked as it goes that no configured secret is in it:
      // whatever path a secret took, it does not leave in this file.
      checkNoSecretInLabels(file.fileName, redactions ?? [], forms)
      const encoded = await encodeExport(file.pieces, secrets, { json: file.contentType === 'application/json' })
      const listed = redactions === null ? {} : { redactions }
      if (request.delivery === 'pieces') {
        const pieces = pendingExports.keep(encoded.base64)
        return { fileName: file.fileName, contentType: file.contentType, byteLength: encoded.byteLength, pieces, ...listed }
      }
      return { fileName: file.fileName, contentType: file.contentType, dataBase64: encoded.base64, ...listed }
    },

    readExportPiece: (exportId, index) => ({ dataBase64: pendingExports.read(exportId, index) }),

    async importCaptures(request) {
      const endpoint = deps.endpoint(request.endpointId)
      const maxBase64 = Math.ceil(EXCHANGE_LIMITS.maxImportFileBytes / 3) * 4
      if (request.dataBase64.length > maxBase64)
        throw new InspectorError('BAD_REQUEST', `the file is larger than ${formatByteLimit(EXCHANGE_LIMITS.maxImportFileBytes)}`)
      // Decoded and read a slice at a time: the receiver keeps answering meanwhile.
      const bytes = await decodeStrictBase64InSlices(request.dataBase64)
      if (bytes === null) throw new InspectorError('BAD_REQUEST', 'dataBase64 is not valid base64')
      const read = await readImportEntries(bytes, request.format, deps.maxBodyBytes)
      if (!read.ok) throw new InspectorError('BAD_REQUEST', read.message)

      const importedIds: string[] = []
      const failures: ImportFailure[] = []
      const notices: ImportNotice[] = []
      const total = read.count
      const source = importSourceOf(read.format, request)
      const slices = workSlices(IMPORT_SLICE)
      for (let start = 0; start < total; start += IMPORT_BATCH_SIZE) {
        // Read (checked, decoded, hashed) and judged a batch at a time: only this batch's bodies are
        // held. Judged one at a time with the receiver's turns between: a batch judged in one go
        // (80 requests of 40,000 header lines) held callbacks for 10 s.
        const prepared: Array<{ number: number; capture: ExchangeCapture; newCapture: NewCapture }> = []
        for (let index = start; index < Math.min(start + IMPORT_BATCH_SIZE, total); index++) {
          const entry = await read.readEntry(index)
          const number = index + 1
          const problem = entry.ok ? checkImportable(entry.capture, deps.maxBodyBytes) : entry.message
          if (!entry.ok || problem !== null) failures.push({ entry: number, message: problem ?? 'could not be read' })
          else {
            try {
              // A pasted body is one request: no entry number.
              const from = request.pasted === 'body' && total === 1 ? source : `${source}, entry ${number}`
              prepared.push({ number, capture: entry.capture, newCapture: prepareImported(entry.capture, endpoint.id, from, request.asProvider) })
            } catch (error: unknown) {
              failures.push({ entry: number, message: `could not be stored: ${errorMessage(error)}` })
            }
          }
          await slices.afterStep()
        }
        // Stored together, so their appends share the store's commits.
        const stored = await Promise.all(
          prepared.map(async ({ number, capture, newCapture }) => {
            try {
              const stored = await storeImported(newCapture, capture, (message) => failures.push({ entry: number, message }))
              if (capture.importNotice !== undefined) notices.push({ entry: number, message: capture.importNotice })
              return stored
            } catch (error: unknown) {
              failures.push({ entry: number, message: `could not be stored: ${errorMessage(error)}` })
              return null
            }
          }),
        )
        for (const capture of stored) if (capture) importedIds.push(capture.id)
        deps.progress({ endpointId: endpoint.id, done: Math.min(start + IMPORT_BATCH_SIZE, total), total, finished: start + IMPORT_BATCH_SIZE >= total })
        // Let the receiver's requests in between batches.
        await yieldToEventLoop()
      }
      failures.sort((a, b) => a.entry - b.entry)
      notices.sort((a, b) => a.entry - b.entry)
      return { importedIds, failures, notices }
    },
  }

  /** The capture an imported entry becomes, recognised and verified with the endpoint's settings and keys. */
  function prepareImported(capture: ExchangeCapture, endpointId: string, importedFrom: string, asProvider: PinnableProviderId | undefined): NewCapture {
    // Written as the app writes every time (a file may give another ISO form), so captures sort by it.
    const receivedAt = capture.receivedAt === null ? deps.now().toISOString() : new Date(Date.parse(capture.receivedAt)).toISOString()
    // A file's own import time (`receivedAtIsImportTime`) is no more a time of arrival than this one.
    const arrivalUnknown = capture.receivedAt === null || capture.receivedAtIsImportTime === true
    const isRefused = capture.outcome === 'refused'
    const delivery = {
      method: capture.method,
      target: capture.target,
      headers: capture.headers,
      body: capture.body,
      receivedAt: new Date(receivedAt),
      arrivalUnknown,
      removedOnExport: headersRemovedOnExport(capture.changedBeforeExport),
    }
    // Named now, or when it was imported into the app that exported it (a bundle carries it).
    let importedAs = asProvider ?? capture.importedAs
    let recognition = isRefused ? null : deps.judge(endpointId, delivery, importedAs)
    // Detection found no provider, but the exporting app recognised one: a redacted export removed
    // the signature header its rule reads (IXOPAY's X-Signature, Stripe-Signature…), and support
    // staff saw "Unknown sender". Judged as that provider, as a user's `asProvider` would be, and
    // kept as `importedAs` so judging it again agrees. Only then: a provider detection finds in
    // the bytes (or the endpoint pins) wins over the file's word. Never a valid verdict out of
    // nothing: the signature is verified on the bytes imported, where a removed one is missing.
    if (recognition?.provider.id === 'unknown' && importedAs === undefined && capture.exporterProvider !== undefined) {
      importedAs = capture.exporterProvider
      recognition = deps.judge(endpointId, delivery, importedAs)
    }
    const newCapture: NewCapture = {
      id: randomUUID(),
      endpointId,
      receivedAt,
      durationMs: capture.durationMs,
      method: capture.method,
      target: capture.target,
      httpVersion: capture.httpVersion,
      headers: capture.headers,
      ...(capture.trailers.length > 0 ? { trailers: capture.trailers } : {}),
      remoteAddress: capture.remoteAddress,
      remotePort: capture.remotePort,
      body: { sha256: createHash('sha256').update(capture.body).digest('hex') },
      outcome: capture.outcome,
      refusal: isRefused ? capture.refusal : null,
      recognition,
      response: capture.response ?? NO_ANSWER,
      origin: 'imported',
      importedFrom: importedFrom.slice(0, 500),
      // The import time stands in for the arrival the source does not record (so it sorts by it); said so.
      ...(arrivalUnknown ? { receivedAtIsImportTime: true as const } : {}),
      note: capture.note,
      pinned: capture.pinned,
      ...(capture.forward ? { forward: capture.forward } : {}),
      // Kept so the capture is never shown as the bytes received, nor its verdict blamed on the sender.
      ...(capture.changedBeforeExport ? { changedBeforeExport: capture.changedBeforeExport } : {}),
      // Kept so judging it again (the detail, a key change) recognises it as the import did.
      ...(importedAs ? { importedAs } : {}),
    }
    return newCapture
  }

  async function storeImported(newCapture: NewCapture, capture: ExchangeCapture, reportPartial: (message: string) => void): Promise<StoredCapture> {
    const stored = await deps.append(newCapture, capture.body)
    deps.imported(stored)
    try {
      for (const record of [...capture.resends].reverse()) await deps.addResend(stored, { ...record, captureId: stored.id })
    } catch (error: unknown) {
      // The capture itself is stored (and listed as imported); only its history is incomplete.
      reportPartial(`imported, but its resend history could not be kept: ${errorMessage(error)}`)
    }
    return stored
  }
}

/** Redaction of many captures, a slice at a time (work-slices.ts) so the receiver keeps answering. */
async function redactInSlices(
  captures: ExchangeCapture[],
  request: RedactionRequest,
  forms: SecretForms,
): Promise<{ captures: ExchangeCapture[]; redactions: Redaction[] }> {
  const out: { captures: ExchangeCapture[]; redactions: Redaction[] } = { captures: [], redactions: [] }
  const slicer = workSlices()
  for (const [index, capture] of captures.entries()) {
    // One at a time: a capture is numbered in the list by its place in the file.
    const one = redactCaptures([capture], request)
    // Checked as the files will be written from it, where a reader could still decode a secret
    // the file's own check cannot see (inside a compressed body, a format's base64).
    for (const redacted of one.captures) checkNoSecretLeft(redacted, index, forms)
    out.captures.push(...one.captures)
    for (const redaction of one.redactions) out.redactions.push({ ...redaction, capture: redaction.capture === null ? null : redaction.capture + index })
    await slicer.afterStep()
  }
  return out
}

const FORMAT_LABELS: Record<Exclude<ImportFormat, 'auto'>, string> = { har: 'HAR', bundle: 'bundle', http: 'raw HTTP', curl: 'curl' }

/**
 * Where an import's captures came from, as `importedFrom` says it (before the entry number): the
 * format and the file's name ("HAR evidence.har"), "pasted curl" for pasted text, "pasted body"
 * for a body the app built a request from (the raw HTTP it was sent as is no format the user chose).
 */
export function importSourceOf(format: Exclude<ImportFormat, 'auto'>, request: Pick<ImportRequest, 'sourceName' | 'pasted'>): string {
  const what = request.pasted === 'body' ? 'pasted body' : request.pasted === 'text' ? `pasted ${FORMAT_LABELS[format]}` : FORMAT_LABELS[format]
  return `${what}${request.sourceName ? ` ${request.sourceName.slice(0, 200)}` : ''}`
}

/** What an imported capture records as its answer when its source recorded none. */
const NO_ANSWER: StoredAnswer = { kind: 'none', status: null, headers: [], bodyBase64: '', delayMs: 0, chosenBy: { kind: 'imported' } }

/** Why an entry cannot become a capture, or `null`. */
/** The most header bytes (names, values, `: ` and line ends) an imported request may have, as a raw HTTP head may be. */
const MAX_IMPORTED_HEAD_BYTES = 256 * 1024
/** The most header lines an imported request may have. */
const MAX_IMPORTED_HEADER_LINES = 4096

function checkImportable(capture: ExchangeCapture, maxBodyBytes: number): string | null {
  if (capture.method.length > 64 || !HTTP_TOKEN_PATTERN.test(capture.method))
    return `the method ${JSON.stringify(capture.method.slice(0, 40))} is not an HTTP method`
  // A target received in absolute form (`http://host/<slug>/x`) is kept as it was received.
  if (!originFormOf(capture.target).startsWith('/') && capture.target !== '*')
    return `the target ${JSON.stringify(capture.target.slice(0, 80))} is not a path or an absolute http(s) URL`
  // What a receiver could have read off a request line: no spaces or control bytes, single bytes only.
  if (/[\s\x00-\x1f\x7f]|[^\x00-\xff]/.test(capture.target))
    return `the target ${JSON.stringify(capture.target.slice(0, 80))} holds spaces, control or multi-byte characters`
  if (!/^\d\.\d$/.test(capture.httpVersion)) return `the HTTP version ${JSON.stringify(capture.httpVersion.slice(0, 10))} is not like 1.1`
  if (capture.body.length > maxBodyBytes) return `the body (${formatExactBytes(capture.body.length)}) is larger than the ${formatByteLimit(maxBodyBytes)} limit`
  // An arrival time that is not one would sort, filter and expire the capture nowhere.
  if (capture.receivedAt !== null && Number.isNaN(Date.parse(capture.receivedAt)))
    return `receivedAt: ${JSON.stringify(capture.receivedAt.slice(0, 40))} is not a date and time`
  // Kept as an ISO time, which sorts as a time only with a four-digit year: +275760-09-13T… sorted before every other capture.
  const year = capture.receivedAt === null ? 0 : new Date(Date.parse(capture.receivedAt)).getUTCFullYear()
  if (year < 0 || year > 9999) return `receivedAt: ${JSON.stringify(capture.receivedAt!.slice(0, 40))} is outside the years 0000-9999`
  // Trailer lines are header lines sent after a chunked body, and held to the same rules and room.
  return headLinesProblem('header', capture.headers) ?? headLinesProblem('trailer', capture.trailers)
}

/** Why a request's header (or trailer) lines would not be imported: too many, too large, or one malformed; `null` when they would. */
function headLinesProblem(kind: 'header' | 'trailer', lines: HeaderPairs): string | null {
  // A 16 KiB head, as the receiver takes, holds at most 4,096 lines ("a:" and a line end each); every
  // line costs each provider's look-ups: 80 requests of 40,000 lines held callbacks for 10 s.
  if (lines.length > MAX_IMPORTED_HEADER_LINES)
    return `the request has ${lines.length} ${kind} lines; at most ${MAX_IMPORTED_HEADER_LINES} are imported${kind === 'header' ? ' (more would not fit in the 16 KiB head the receiver takes)' : ''}`
  // The receiver takes 16 KiB of headers; a 15 MB header from a file would be kept, shown and searched whole.
  const bytes = lines.reduce((sum, [name, value]) => sum + name.length + value.length + 4, 0)
  if (bytes > MAX_IMPORTED_HEAD_BYTES)
    return `the ${kind}s (${formatExactBytes(bytes)}) are larger than the ${formatByteLimit(MAX_IMPORTED_HEAD_BYTES)} a request's head may be`
  for (const [name, value] of lines) {
    const problem = headerLineProblem(kind, name, value)
    if (problem !== null) return problem
  }
  return null
}

function headerLineProblem(kind: 'header' | 'trailer', name: string, value: string): string | null {
  if (!HTTP_TOKEN_PATTERN.test(name)) return `the ${kind} name ${JSON.stringify(name.slice(0, 40))} is not valid`
  if (/[\r\n\0]/.test(value)) return `the ${kind} ${name} holds a line break or NUL`
  // Header values are kept as latin1 wire bytes; a character beyond one byte cannot have arrived.
  if (/[^\x00-\xff]/.test(value)) return `the ${kind} ${name} holds characters that are not single bytes (as HTTP/1.1 sends them)`
  return null
}

function toExchangeCapture(stored: StoredCapture, body: Buffer, resends: ReplayRecord[], endpoint: { name: string; slug: string } | null): ExchangeCapture {
  return exchangeCaptureOf(stored, { id: stored.id, endpoint, body, resends })
}

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'http://127.0.0.1'
  }
}
