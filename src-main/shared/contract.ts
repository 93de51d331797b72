/**
 * The one contract between the core and its callers (the renderer over IPC, scripts over HTTP).
 *
 * Every procedure has an input schema here; `api/dispatch.ts` is the only place that parses
 * untrusted input with them. The renderer imports only the types (`import type`), so zod stays
 * out of its bundle.
 */
import { z } from 'zod'
import type { HeaderPairs } from './http-message'
import { SLUG_PATTERN } from './slug'
import { describeInvalidEndpointName } from './endpoint-name'
import type { AnswerKind, ChosenBy, EndpointAnswerConfig } from './responses'
import {
  PINNABLE_PROVIDER_IDS,
  PROVIDER_IDS,
  VERDICT_STATUSES,
  type DeliveryAnalysis,
  type KeyDescriptor,
  type PinnableProviderId,
  type ProviderId,
  type VerdictStatus,
} from './providers'
import {
  bulkReplayInputSchema,
  forwardConfigSchema,
  replayCaptureInputSchema,
  simulateCallbackInputSchema,
  type BulkItemResult,
  type CaptureForward,
  type ForwardConfig,
  type ReplayDifference,
  type ReplayRecord,
  type ResignSummary,
  type SentRequestView,
  type SimulatedKeyInfo,
  type SimulatorTemplateInfo,
  type TextDiff,
} from './replay'
import { PREFLIGHT_PROVIDERS, type PreflightCheck, type TunnelSettings, type TunnelState } from './tunnel'
import { ANSWER_FILTER_PATTERN, CAPTURE_OUTCOMES, MAX_FILTER_TEXT_LENGTH, METHOD_FILTER_PATTERN } from './capture-filter'
import { MAX_SELECTED_CAPTURES } from './capture-selection'
import { DURABILITY_MODES, retentionPolicySchema, type StorageSettingsView } from './storage-settings'
import { EXPORT_FORMATS, IMPORT_FORMATS, MAX_IMPORT_FILE_BYTES, type ExportResult, type ImportResult } from './exchange'
import { MAX_CAPTURE_QUERY_LENGTH, parseCaptureQuery } from './capture-query'
import type { BodyDiff, CaptureDiff } from './capture-diff'
import type { DeliveryGroupInfo, DeliveryView } from './deliveries'

const slug = z.string().regex(SLUG_PATTERN, 'a slug is 1-64 lower-case letters, digits or dashes, not starting or ending with a dash')
const name = z
  .string()
  .trim()
  .superRefine((trimmed, context) => {
    const problem = describeInvalidEndpointName(trimmed)
    if (problem !== null) context.addIssue({ code: 'custom', message: problem })
  })
const id = z.string().min(1).max(100)

export const MAX_PAGE_SIZE = 1000

/** The longest note a capture can carry (plain text): the API, the note editor and imports all hold to it. */
export const MAX_CAPTURE_NOTE_CHARS = 10_000

const ANSWER_FILTER_MESSAGE = 'answer must be "2xx", "3xx", "4xx", "5xx", "none" (closed, reset or never answered) or a status code such as "503"'
const oneOf = (field: string, values: readonly string[]) => `${field} must be one of ${values.join(', ')}`

/** `CaptureFilter` (shared/capture-filter.ts); each message names the values that are accepted. */
const captureFilter = z
  .object({
    text: z.string({ error: 'text must be a string' }).max(MAX_FILTER_TEXT_LENGTH, `text is at most ${MAX_FILTER_TEXT_LENGTH} characters`).optional(),
    /** The capture query language (shared/capture-query.ts); a malformed query is refused saying where. */
    query: z
      .string({ error: 'query must be a string' })
      .max(MAX_CAPTURE_QUERY_LENGTH, `query is at most ${MAX_CAPTURE_QUERY_LENGTH} characters`)
      .superRefine((query, context) => {
        // Too long is said once, by max().
        if (query.length > MAX_CAPTURE_QUERY_LENGTH) return
        const parsed = parseCaptureQuery(query)
        if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.error.message })
      })
      .optional(),
    provider: z.enum(PROVIDER_IDS, { error: oneOf('provider', PROVIDER_IDS) }).optional(),
    verdict: z.enum(VERDICT_STATUSES, { error: oneOf('verdict', VERDICT_STATUSES) }).optional(),
    method: z
      .string({ error: 'method must be an HTTP method such as POST' })
      .regex(METHOD_FILTER_PATTERN, 'method must be an HTTP method such as POST')
      .optional(),
    answer: z.string({ error: ANSWER_FILTER_MESSAGE }).regex(ANSWER_FILTER_PATTERN, ANSWER_FILTER_MESSAGE).optional(),
    outcome: z.enum(CAPTURE_OUTCOMES, { error: oneOf('outcome', CAPTURE_OUTCOMES) }).optional(),
  })
  .strict()

/** Captures named one by one (a selection), at most MAX_SELECTED_CAPTURES. */
const captureIdList = (field: string) =>
  z
    .array(id)
    .min(1, `${field} is empty: name at least one capture`)
    .max(MAX_SELECTED_CAPTURES, `${field} names at most ${MAX_SELECTED_CAPTURES.toLocaleString('en-US')} captures at once`)

export const procedureInputs = {
  getStatus: z.object({}).strict(),
  listEndpoints: z.object({}).strict(),
  createEndpoint: z.object({ name, slug: slug.optional() }).strict(),
  updateEndpoint: z.object({ id, name: name.optional(), slug: slug.optional() }).strict(),
  deleteEndpoint: z.object({ id }).strict(),
  listCaptures: z
    .object({
      endpointId: id.optional(),
      cursor: z.string().regex(/^\d+$/, 'a cursor is the nextCursor of a previous page').optional(),
      limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
      filter: captureFilter.optional(),
      /** `delivery`: one row per delivery (its latest attempt, with `delivery` facts); see docs/api.md. */
      groupBy: z.enum(['delivery'], { error: 'groupBy must be "delivery"' }).optional(),
    })
    .strict(),
  /** A page of `listCaptures` without its total: a search answers as soon as its newest matches fill the page. */
  listCapturePage: z
    .object({
      endpointId: id.optional(),
      cursor: z.string().regex(/^\d+$/, 'a cursor is the nextCursor of a previous page').optional(),
      limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
      filter: captureFilter.optional(),
    })
    .strict(),
  /** The `total` of `listCaptures`, alone. */
  countCaptures: z.object({ endpointId: id.optional(), filter: captureFilter.optional() }).strict(),
  getCapture: z.object({ id }).strict(),
  /** The delivery a capture is an attempt of: every attempt, oldest first. */
  getDelivery: z.object({ captureId: id }).strict(),
  /** Two captures (`leftId`, `rightId`), or a capture and one of its resends (`leftId`, `rightReplayId`). */
  diffCaptures: z
    .object({ leftId: id, rightId: id.optional(), rightReplayId: id.optional() })
    .strict()
    .refine(
      (input) => (input.rightId === undefined) !== (input.rightReplayId === undefined),
      'give either rightId (a capture) or rightReplayId (a resend of leftId)',
    ),
  deleteCapture: z.object({ id }).strict(),
  deleteCaptures: z.object({ ids: captureIdList('ids') }).strict(),
  /** `includePinned` (default false): pinned captures are kept unless it is true. */
  clearEndpoint: z.object({ id, includePinned: z.boolean().optional() }).strict(),
  setCaptureNote: z.object({ id, note: z.string().max(MAX_CAPTURE_NOTE_CHARS, 'a note is at most 10,000 characters').nullable() }).strict(),
  setCapturePinned: z.object({ id, pinned: z.boolean() }).strict(),
  getStorageSettings: z.object({}).strict(),
  /** Either or both; retention replaces the whole policy. */
  setStorageSettings: z
    .object({
      durability: z.enum(DURABILITY_MODES, { error: `durability must be one of ${DURABILITY_MODES.join(', ')}` }).optional(),
      retention: retentionPolicySchema.optional(),
    })
    .strict(),
  getAnswerConfig: z.object({ endpointId: id }).strict(),
  /** `config` is validated by the core's answer-config schema, which names every problem. */
  setAnswerConfig: z.object({ endpointId: id, config: z.unknown() }).strict(),
  resetAnswerSequence: z.object({ endpointId: id }).strict(),
  getProviderSettings: z.object({ endpointId: id }).strict(),
  setProviderSettings: z
    .object({
      endpointId: id,
      pinnedProvider: z.enum(PINNABLE_PROVIDER_IDS).nullable().optional(),
      signedPath: z
        .discriminatedUnion('mode', [
          z.object({ mode: z.literal('as-received') }).strict(),
          z.object({ mode: z.literal('without-endpoint-prefix') }).strict(),
          z.object({ mode: z.literal('fixed'), path: z.string().regex(/^\//, 'a signed path starts with /').max(4096) }).strict(),
        ])
        .optional(),
      toleranceSeconds: z.number().int().min(1).max(31_536_000).nullable().optional(),
    })
    .strict(),
  /** `key` is validated by the core (PEMs must parse, hex keys must be hex...), which says what is wrong. */
  addKey: z.object({ endpointId: id, key: z.unknown() }).strict(),
  removeKey: z.object({ endpointId: id, keyId: id }).strict(),
  previewReplay: replayCaptureInputSchema.omit({ send: true }),
  replayCapture: replayCaptureInputSchema,
  listReplays: z.object({ captureId: id }).strict(),
  /** Replays the given captures (a selection), or the captures of `endpointId` matching `filter` (all without one); oldest first. */
  startBulkReplay: bulkReplayInputSchema
    .extend({ captureIds: captureIdList('captureIds').optional(), endpointId: id.optional(), filter: captureFilter.optional() })
    .refine((input) => (input.captureIds === undefined) !== (input.endpointId === undefined), 'give either captureIds, or endpointId with an optional filter')
    .refine((input) => input.filter === undefined || input.endpointId !== undefined, {
      message: "a filter picks among an endpoint's captures: give endpointId with it, not captureIds",
      path: ['filter'],
    }),
  getBulkReplay: z.object({ jobId: id }).strict(),
  cancelBulkReplay: z.object({ jobId: id }).strict(),
  getForwardConfig: z.object({ endpointId: id }).strict(),
  setForwardConfig: z.object({ endpointId: id, config: forwardConfigSchema.nullable() }).strict(),
  listSimulatorTemplates: z.object({}).strict(),
  /** `useKeysOf`: sign with that endpoint's configured secrets (else the app makes a key). */
  simulateCallback: simulateCallbackInputSchema.extend({ useKeysOf: id.optional() }),
  getTunnel: z.object({}).strict(),
  /** Validated by the core (server URL shape, subdomain rules), which names the problem. */
  setTunnelSettings: z
    .object({ serverUrl: z.string().max(2000).optional(), subdomain: z.string().max(63).nullable().optional(), startWithApp: z.boolean().optional() })
    .strict(),
  startTunnel: z.object({}).strict(),
  stopTunnel: z.object({}).strict(),
  checkPublicUrl: z.object({ endpointId: id, provider: z.enum(PREFLIGHT_PROVIDERS), url: z.string().max(2000).optional() }).strict(),
  /** Exports the given captures, or the captures of `endpointId` matching `filter` (all without one); oldest first. */
  exportCaptures: z
    .object({
      captureIds: captureIdList('captureIds').optional(),
      endpointId: id.optional(),
      filter: captureFilter.optional(),
      format: z.enum(EXPORT_FORMATS, { error: oneOf('format', EXPORT_FORMATS) }),
      /** Mask card data, remove credentials and signatures (configured secrets are removed from every export). */
      redact: z.boolean().optional(),
      /** With `redact`: also mask e-mail addresses and cardholder names. */
      redactPersonalData: z.boolean().optional(),
    })
    .strict()
    .refine((input) => (input.captureIds === undefined) !== (input.endpointId === undefined), 'give either captureIds, or endpointId with an optional filter')
    .refine((input) => input.filter === undefined || input.endpointId !== undefined, {
      message: "a filter picks among an endpoint's captures: give endpointId with it, not captureIds",
      path: ['filter'],
    }),
  importCaptures: z
    .object({
      endpointId: id,
      format: z.enum(IMPORT_FORMATS, { error: oneOf('format', IMPORT_FORMATS) }).optional(),
      dataBase64: z
        .string()
        .min(1, 'dataBase64 is empty: give the file as base64')
        .max(Math.ceil(MAX_IMPORT_FILE_BYTES / 3) * 4, `the file is larger than ${MAX_IMPORT_FILE_BYTES / (1024 * 1024)} MiB`),
      /** Where it came from (a file name), kept with each imported capture. */
      sourceName: z.string().max(200).optional(),
      /** Recognise the imported captures as this provider (a pasted body), not as the endpoint would. */
      asProvider: z.enum(PINNABLE_PROVIDER_IDS, { error: oneOf('asProvider', PINNABLE_PROVIDER_IDS) }).optional(),
    })
    .strict(),
} as const

export type ProcedureName = keyof typeof procedureInputs
export type ProcedureInput<P extends ProcedureName> = z.input<(typeof procedureInputs)[P]>

export interface Endpoint {
  id: string
  name: string
  slug: string
  /** Local capture URL on the receiver, e.g. `http://127.0.0.1:4100/default`. */
  url: string
  /** Public capture URL through the tunnel while it is online, else `null`. */
  publicUrl: string | null
  createdAt: string
  captureCount: number
  /** The endpoint's forward settings (`getForwardConfig`'s `config`), so a list needs no call per endpoint. */
  forward: ForwardConfig | null
}

/**
 * Which part of the endpoint's configuration chose an answer; `refusal` for a 413; `forward` when
 * the forward target's own answer was relayed (pass-through mode).
 */
export type AnswerChoice = ChosenBy | { kind: 'refusal' } | { kind: 'forward'; targetUrl: string } | { kind: 'imported' }

/** What the receiver answered (decided and stored before it was sent). */
export interface AnswerRecord {
  /** `none`: an imported capture whose source recorded no answer. */
  kind: AnswerKind | 'none'
  /** `null` when no HTTP answer was sent (close, reset, hang). */
  status: number | null
  headers: HeaderPairs
  bodySize: number
  delayMs: number
  chosenBy: AnswerChoice
}

export interface AnswerConfigView {
  endpointId: string
  config: EndpointAnswerConfig
  /** Plain sentences, e.g. "IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK". */
  warnings: string[]
}

/** Why a request was not stored whole. */
export interface Refusal {
  status: number
  reason: string
  /** `Content-Length` as declared, when there was one. */
  declaredSize: number | null
  /** Body bytes read (and thrown away, so the sender can read the 413) before answering. */
  receivedBytes: number
}

/** Who sent a capture and whether it is genuine, as kept with it (the full analysis comes with `getCapture`). */
export interface CaptureRecognition {
  provider: { id: ProviderId; name: string; variant: string | null }
  verdict: { status: VerdictStatus; reason: string | null; message: string }
  summary: {
    eventType: string | null
    status: string | null
    /** The provider's id of the transaction or event. */
    objectId: string | null
    /** The provider's id of this notification (Stripe `evt_…`, PayPal `WH-…`); absent in captures stored before it was kept. */
    eventId?: string | null
    /** The merchant's reference. */
    reference: string | null
    /** Formatted for the provider, e.g. "9.99 EUR". */
    amount: string | null
    paymentMethod: string | null
    /** The provider says the callback is only a signal: confirm by fetching the resource. */
    signalOnly: boolean
  }
}

/** The list view of one capture: everything but the body bytes. */
export interface CaptureSummary {
  id: string
  /** Monotonic arrival number; newest first is descending `seq`. */
  seq: number
  endpointId: string
  receivedAt: string
  /** From the first byte of the request to the end of its body. */
  durationMs: number
  method: string
  /** The request target exactly as received: path and query. */
  target: string
  remoteAddress: string
  contentType: string | null
  bodySize: number
  /** `refused` when the request was answered without storing its body (too large). */
  outcome: 'captured' | 'refused'
  refusal: Refusal | null
  /** `null` for refused requests. */
  recognition: CaptureRecognition | null
  response: AnswerRecord
  /** `imported` when it came from a file rather than the receiver. */
  origin: 'received' | 'imported'
  /** Where an imported capture came from, e.g. "HAR file x.har"; `null` for received ones. */
  importedFrom: string | null
  /** The user's plain-text note (at most 10,000 characters). */
  note: string | null
  /** Pinned captures are exempt from retention and kept when an endpoint is cleared (unless asked). */
  pinned: boolean
  /**
   * When the sender closed the connection while the answer was still pending (a delay or a hang):
   * it never got the recorded answer. `null` otherwise (also when the app's own shutdown ended it).
   */
  senderLeftAt: string | null
  /** How the live forward of this capture went (a failed pass-through shows in the list); `null` when not forwarded. */
  forward: CaptureForward | null
  /** Which delivery this is an attempt of (see core/deliveries/delivery-key.ts): equal for retries. */
  deliveryKey: string
  /** Only in `listCaptures { groupBy: "delivery" }`: this row stands for its whole delivery. */
  delivery?: DeliveryGroupInfo
  /**
   * Why the stored bytes cannot be trusted (missing, or not matching the sha256 recorded on
   * arrival): such a capture's body is never shown or sent. `null` when intact as far as known.
   */
  damage: string | null
}

export interface CaptureDetail extends CaptureSummary {
  request: {
    method: string
    target: string
    httpVersion: string
    headers: HeaderPairs
    bodyBase64: string
    bodySha256: string
  }
  responseBodyBase64: string
  /** The full analysis (summary, verdict, signature explanation), computed as of arrival with the current keys. */
  analysis: DeliveryAnalysis | null
}

export interface CapturePage {
  items: CaptureSummary[]
  /** Pass as `cursor` to get the next (older) page; `null` on the last page. */
  nextCursor: string | null
  /** Captures matching the filter, across all pages. */
  total: number
}

export interface StorageIssue {
  file: string
  problem: string
  /** Where the unreadable file was moved; it is never overwritten. Equal to `file` when it was left in place (a damaged capture log). */
  movedTo: string
  at: string
}

export interface InspectorStatus {
  version: string
  /** When this run of the app started: a hang recorded before it ended with that run. */
  startedAt: string
  receiverUrl: string
  dataDir: string
  maxBodyBytes: number
  storage: {
    /** The last failed write, cleared by the next successful one. */
    lastError: { message: string; at: string } | null
    /** Files found unreadable at start-up and moved aside. */
    issues: StorageIssue[]
  }
}

/** An endpoint's live forward settings, and the target its last resend went to (the forms start from it). */
export interface ForwardConfigView {
  endpointId: string
  config: ForwardConfig | null
  lastTarget: { url: string; keepCapturedPath: boolean } | null
}

export interface ProcedureOutputs {
  getStatus: InspectorStatus
  listEndpoints: Endpoint[]
  createEndpoint: Endpoint
  updateEndpoint: Endpoint
  deleteEndpoint: { deleted: true }
  listCaptures: CapturePage
  listCapturePage: Omit<CapturePage, 'total'>
  countCaptures: { total: number }
  getCapture: CaptureDetail
  getDelivery: DeliveryView
  diffCaptures: CaptureDiff
  deleteCapture: { deleted: true }
  deleteCaptures: { deletedCount: number }
  clearEndpoint: { deletedCount: number }
  setCaptureNote: CaptureSummary
  setCapturePinned: CaptureSummary
  getStorageSettings: StorageSettingsView
  setStorageSettings: StorageSettingsView
  getAnswerConfig: AnswerConfigView
  setAnswerConfig: AnswerConfigView
  resetAnswerSequence: { reset: true }
  getProviderSettings: ProviderSettingsView
  setProviderSettings: ProviderSettingsView
  addKey: ProviderSettingsView & { warnings: string[] }
  removeKey: ProviderSettingsView
  previewReplay: ReplayPreview
  replayCapture: ReplayRecord
  listReplays: ReplayRecord[]
  startBulkReplay: BulkJobView
  getBulkReplay: BulkJobView
  cancelBulkReplay: BulkJobView
  getForwardConfig: ForwardConfigView
  setForwardConfig: ForwardConfigView
  listSimulatorTemplates: SimulatorTemplateInfo[]
  simulateCallback: { record: ReplayRecord; key: SimulatedKeyInfo }
  getTunnel: TunnelView
  setTunnelSettings: TunnelView
  startTunnel: TunnelView
  stopTunnel: TunnelView
  checkPublicUrl: { url: string; checks: PreflightCheck[] }
  exportCaptures: ExportResult
  importCaptures: ImportResult
}

/** What a resend would send, before it is sent: shown beside the capture in the editor. */
export interface ReplayPreview {
  sent: SentRequestView
  differences: ReplayDifference[]
  resign: ResignSummary | null
  /** Line diff of the bodies when both are text. */
  bodyDiff: TextDiff | null
  /** The same comparison as `diffCaptures` (JSON paths, lines, or hashes). */
  bodyComparison: BodyDiff
  /** What will go wrong at the target, e.g. a path change that breaks a signature covering the path. */
  warnings: string[]
}

export interface BulkJobView {
  jobId: string
  targetUrl: string
  total: number
  done: number
  sent: number
  failed: number
  cancelled: number
  finished: boolean
  wasCancelled: boolean
  /** In capture order; empty in progress events. */
  results: BulkItemResult[]
}

/** An endpoint's recognition settings and its keys, described but never revealed. */
export interface ProviderSettingsView {
  endpointId: string
  pinnedProvider: PinnableProviderId | null
  signedPath: { mode: 'as-received' } | { mode: 'without-endpoint-prefix' } | { mode: 'fixed'; path: string }
  toleranceSeconds: number | null
  keys: Array<{ id: string; createdAt: string; descriptor: KeyDescriptor }>
  /** How keys are protected at rest: the OS keychain, or a file only the user can read. */
  keyProtection: 'safe-storage' | 'file-permissions'
}

export interface TunnelView {
  settings: TunnelSettings
  state: TunnelState
  /**
   * Grows with every state change. A view and a `tunnel-changed` event can arrive in either
   * order; the one with the higher revision is the newer state. Starts at the clock's
   * milliseconds, so it also grows across restarts.
   */
  stateRevision: number
}

export type ProcedureOutput<P extends ProcedureName> = ProcedureOutputs[P]

/** Events pushed to the renderer (IPC) and to `GET {api}/events` (server-sent events). */
export type InspectorEvent =
  | { type: 'capture-received'; capture: CaptureSummary }
  | { type: 'capture-deleted'; id: string; endpointId: string }
  /** A stored capture changed after arrival: its note, pin, or that its sender left. */
  | { type: 'capture-updated'; capture: CaptureSummary }
  | { type: 'endpoint-cleared'; endpointId: string }
  | { type: 'endpoints-changed' }
  | { type: 'storage-failed'; message: string; at: string }
  | { type: 'storage-recovered'; at: string }
  | { type: 'tunnel-changed'; state: TunnelState; stateRevision: number }
  | { type: 'replay-recorded'; captureId: string | null; record: ReplayRecord }
  | { type: 'bulk-replay-progress'; job: BulkJobView }
  /** Verdicts of an endpoint's captures were recomputed (its keys or settings changed). */
  | { type: 'captures-reanalyzed'; endpointId: string; count: number }
  /** An import into the endpoint stored `done` of `total` entries (`finished` on the last batch). */
  | { type: 'import-progress'; endpointId: string; done: number; total: number; finished: boolean }

export type InspectorEventType = InspectorEvent['type']
