/**
 * The shape every export format is written from and every import format is read into: one
 * capture with its raw bytes and what the app knows about it, independent of the store.
 */
import type { CaptureRecognition, Refusal } from '../../shared/views'
import type { ChangedBeforeExport } from '../../shared/changed-before-export'
import { PINNABLE_PROVIDER_IDS, type PinnableProviderId } from '../../shared/providers'
import type { HeaderPairs } from '../../shared/http-message'
import type { ReplayRecord } from '../../shared/replay'
import type { StoredCapture } from '../store/persisted-schema'
import { isArrivalUnknown } from '../store/capture-summary'
import { MAX_IMPORT_FILE_BYTES } from '../../shared/exchange'
import { decodeBase64Strict } from '../crypto/bytes'
import { IMPORT_SLICE, workSlices } from './work-slices'

/** The answer as stored with a capture (body as base64). */
export type StoredAnswer = StoredCapture['response']

/** A capture on its way out of (or into) the app. */
export interface ExchangeCapture {
  /** The id it had where it was exported; informative only (an import gets a new one). */
  id: string | null
  /** The endpoint it was captured on, when known. */
  endpoint: { name: string; slug: string } | null
  /** When it arrived (ISO 8601); `null` when the source does not say. */
  receivedAt: string | null
  /**
   * `receivedAt` is when it was imported (into the app that exported it), not when it arrived: an
   * import keeps it so (the record's `receivedAtIsImportTime`), rather than presenting it as received.
   */
  receivedAtIsImportTime?: boolean
  durationMs: number
  method: string
  /** The request target exactly as received: path and query. */
  target: string
  httpVersion: string
  headers: HeaderPairs
  /** A chunked body's trailer fields as received (raw pairs like `headers`); `[]` when it had none. */
  trailers: HeaderPairs
  body: Buffer
  remoteAddress: string
  remotePort: number
  outcome: 'captured' | 'refused'
  refusal: Refusal | null
  /** As judged when exported (before any redaction). */
  recognition: CaptureRecognition | null
  /** What the receiver answered; `null` when the source has no answer. */
  response: StoredAnswer | null
  note: string | null
  pinned: boolean
  origin: 'received' | 'imported'
  importedFrom: string | null
  /** Every resend of it, newest first (bundles only). */
  resends: ReplayRecord[]
  /** How its live forward went, when it was forwarded (bundles only). */
  forward?: StoredCapture['forward']
  /** When the sender left before the answer (bundles only; informative, not imported). */
  senderLeftAt?: string | null
  /** When the app stopped before the answer was sent (bundles only; informative, not imported). */
  appStoppedAt?: string | null
  /** What the exporting app changed in it before writing the file (bundles only); absent when nothing. */
  changedBeforeExport?: ChangedBeforeExport
  /**
   * The provider it is judged as whatever detection says (bundles only): the one the user named
   * when it was imported (`asProvider`), or the exporter's when the import took it (`exporterProvider`).
   */
  importedAs?: PinnableProviderId
  /**
   * The provider the exporting app recognised (HAR `_provider.id`, bundle `recognition.provider.id`;
   * imports only): what an import judges it as when its own detection finds no provider, as for a
   * redacted export, which removed the signature header recognition reads (exchange-service.ts).
   */
  exporterProvider?: PinnableProviderId
  /** What its file could not give, said to the importer with the result (a curl body from stdin; never stored). */
  importNotice?: string
}

export type { Redaction } from '../../shared/exchange'

/** A refusal as a file records it (this app's HAR `_refusal`, a raw message's or curl command's record), or `null` when it is not one. */
export function refusalOf(value: unknown): Refusal | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const { status, reason, declaredSize, receivedBytes } = value as Record<string, unknown>
  if (typeof status !== 'number' || !Number.isInteger(status) || typeof reason !== 'string') return null
  if (typeof receivedBytes !== 'number' || !Number.isSafeInteger(receivedBytes) || receivedBytes < 0) return null
  return {
    status,
    reason: reason.slice(0, 1000),
    declaredSize: typeof declaredSize === 'number' && Number.isSafeInteger(declaredSize) ? declaredSize : null,
    receivedBytes,
  }
}

/**
 * The provider an exporting app's recognition names (HAR `_provider`, bundle `recognition.provider`),
 * when it is one this app knows; `undefined` for "unknown", an id it does not know, or no object.
 */
export function exporterProviderOf(provider: unknown): PinnableProviderId | undefined {
  if (typeof provider !== 'object' || provider === null) return undefined
  const id = (provider as { id?: unknown }).id
  return (PINNABLE_PROVIDER_IDS as readonly unknown[]).includes(id) ? (id as PinnableProviderId) : undefined
}

/**
 * What a stored capture and a bundle's capture both carry under the same names, the fields an
 * older writer may leave out optional.
 */
export type CaptureRecordFields = Pick<
  ExchangeCapture,
  | 'receivedAt'
  | 'durationMs'
  | 'method'
  | 'target'
  | 'httpVersion'
  | 'headers'
  | 'remoteAddress'
  | 'remotePort'
  | 'outcome'
  | 'refusal'
  | 'recognition'
  | 'response'
> & {
  trailers?: HeaderPairs | undefined
  receivedAtIsImportTime?: boolean | undefined
  note?: string | null | undefined
  pinned?: boolean | undefined
  origin?: ExchangeCapture['origin'] | undefined
  importedFrom?: string | null | undefined
  forward?: ExchangeCapture['forward'] | undefined
  senderLeftAt?: string | null | undefined
  appStoppedAt?: string | null | undefined
  changedBeforeExport?: ChangedBeforeExport | undefined
  importedAs?: PinnableProviderId | undefined
}

/**
 * A capture record (read from the store, or from a bundle) as an export or import carries it,
 * with the parts that come from elsewhere (its body bytes, resends, endpoint): the one place its
 * fields and their defaults are mapped, so the two cannot drift apart.
 */
export function exchangeCaptureOf(record: CaptureRecordFields, parts: Pick<ExchangeCapture, 'id' | 'endpoint' | 'body' | 'resends'>): ExchangeCapture {
  return {
    id: parts.id,
    endpoint: parts.endpoint,
    receivedAt: record.receivedAt,
    ...(isArrivalUnknown(record) ? { receivedAtIsImportTime: true } : {}),
    durationMs: record.durationMs,
    method: record.method,
    target: record.target,
    httpVersion: record.httpVersion,
    headers: record.headers,
    trailers: record.trailers ?? [],
    body: parts.body,
    remoteAddress: record.remoteAddress,
    remotePort: record.remotePort,
    outcome: record.outcome,
    refusal: record.refusal,
    recognition: record.recognition,
    response: record.response,
    note: record.note ?? null,
    pinned: record.pinned ?? false,
    origin: record.origin ?? 'received',
    importedFrom: record.importedFrom ?? null,
    resends: parts.resends,
    forward: record.forward ?? null,
    senderLeftAt: record.senderLeftAt ?? null,
    appStoppedAt: record.appStoppedAt ?? null,
    ...(record.changedBeforeExport ? { changedBeforeExport: record.changedBeforeExport } : {}),
    ...(record.importedAs ? { importedAs: record.importedAs } : {}),
  }
}

/** Sizes that bound memory whatever a file declares. */
/**
 * A request read from a text format (curl, raw HTTP): what the format says, and nothing it cannot
 * say (no id, endpoint, time, peer, answer or resends), marked as imported.
 */
export function importedRequest(
  request: Pick<ExchangeCapture, 'method' | 'target' | 'httpVersion' | 'headers' | 'body'> & Partial<Pick<ExchangeCapture, 'trailers'>>,
): ExchangeCapture {
  return {
    id: null,
    endpoint: null,
    receivedAt: null,
    durationMs: 0,
    trailers: [],
    ...request,
    remoteAddress: '',
    remotePort: 0,
    outcome: 'captured',
    refusal: null,
    recognition: null,
    response: null,
    note: null,
    pinned: false,
    origin: 'imported',
    importedFrom: null,
    resends: [],
  }
}

export const EXCHANGE_LIMITS = {
  /** The largest file an import reads (after base64). */
  maxImportFileBytes: MAX_IMPORT_FILE_BYTES,
  /** The most a gzip-compressed import may expand to (parsing JSON takes a few times its size). */
  maxExpandedImportBytes: 32 * 1024 * 1024,
  /** Entries in one import. */
  maxImportEntries: 50_000,
  /** Nesting depth of JSON files accepted for import (HAR, bundle). */
  maxJsonDepth: 64,
  /** The largest export the app builds in memory. */
  maxExportBytes: 200 * 1024 * 1024,
} as const

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The body as text when it is valid UTF-8 (BOM kept), else `null`. */
export function utf8Text(bytes: Buffer): string | null {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return null
  }
}

/**
 * Strict base64 as the signature checks read it (`decodeBase64Strict`), or `null`: invalid input is
 * never half-decoded. Files may wrap base64 in lines, and an empty body is an empty text.
 */
export function decodeStrictBase64(text: string): Buffer | null {
  const compact = text.replace(/[\r\n]/g, '')
  return compact.length === 0 ? Buffer.alloc(0) : decodeBase64Strict(compact)
}

/** Characters of base64 decoded between two checks of the slice's time (about 1-3 ms each). */
const BASE64_SLICE_CHARS = 1024 * 1024

const BASE64_DIGITS = /^[A-Za-z0-9+/]*$/

/**
 * `decodeStrictBase64` a megabyte at a time with turns of the event loop between (an import's
 * 27 MB of base64 took 0.1 s in one go): the same bytes, and `null` for the same texts. Whole
 * groups of four digits are decoded as they come; the last part (padding, unused bits) is
 * checked as `decodeStrictBase64` checks it.
 */
export async function decodeStrictBase64InSlices(text: string): Promise<Buffer | null> {
  if (text.length <= BASE64_SLICE_CHARS) return decodeStrictBase64(text)
  const slices = workSlices(IMPORT_SLICE)
  const parts: Buffer[] = []
  let carried = ''
  for (let from = 0; from < text.length; from += BASE64_SLICE_CHARS) {
    const digits = carried + text.slice(from, from + BASE64_SLICE_CHARS).replace(/[\r\n]/g, '')
    const whole = digits.length - (digits.length % 4)
    const isLast = from + BASE64_SLICE_CHARS >= text.length
    if (isLast) {
      if (digits.length > 0) {
        const tail = decodeBase64Strict(digits)
        if (tail === null) return null
        parts.push(tail)
      }
    } else {
      const group = digits.slice(0, whole)
      // Padding may only end the text.
      if (!BASE64_DIGITS.test(group)) return null
      parts.push(Buffer.from(group, 'base64'))
      carried = digits.slice(whole)
    }
    await slices.afterStep()
  }
  return Buffer.concat(parts)
}
