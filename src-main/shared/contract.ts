/**
 * The one contract between the core and its callers (the renderer over IPC, scripts over HTTP):
 * each procedure's input schema and output type, and the events. The views the outputs are made
 * of (endpoints, captures, settings...) are in `views.ts`.
 *
 * Every procedure has an input schema here; `api/dispatch.ts` is the only place that parses
 * untrusted input with them. The renderer imports only the types (`import type`), so zod stays
 * out of its bundle.
 */
import { z } from 'zod'
import { SLUG_PATTERN } from './slug'
import { describeInvalidEndpointName } from './endpoint-name'
import { PINNABLE_PROVIDER_IDS, PROVIDER_IDS } from './providers'
import { LISTED_VERDICTS } from './listed-verdict'
import {
  bulkReplayInputSchema,
  forwardConfigSchema,
  replayCaptureInputSchema,
  simulateCallbackInputSchema,
  type ReplayRecord,
  type SimulatedKeyInfo,
  type SimulatorTemplateInfo,
} from './replay'
import { PREFLIGHT_PROVIDERS, type PreflightCheck, type TunnelState } from './tunnel'
import { MAX_DELIVERY_PAGE_SIZE } from './deliveries'
import { ANSWER_FILTER_PATTERN, CAPTURE_OUTCOMES, MAX_FILTER_TEXT_LENGTH, METHOD_FILTER_PATTERN } from './capture-filter'
import { MAX_SELECTED_CAPTURES } from './capture-selection'
import { DURABILITY_MODES, retentionPolicySchema, type StorageSettingsView } from './storage-settings'
import {
  EXPORT_DELIVERIES,
  EXPORT_FORMATS,
  IMPORT_FORMATS,
  PASTED_KINDS,
  MAX_IMPORT_FILE_BYTES,
  type ExportPiecesResult,
  type ExportResult,
  type ImportResult,
} from './exchange'
import { MAX_CAPTURE_QUERY_LENGTH } from './capture-query'
import { parseCaptureQuery } from './capture-query-parser'
import type { CaptureDiff } from './capture-diff'
import type { AnswerWarningsView } from './answer-warnings'
import type {
  AnswerConfigView,
  BulkJobView,
  CaptureDetail,
  CapturePage,
  CaptureSummary,
  DeliveryView,
  Endpoint,
  ForwardConfigView,
  InspectorStatus,
  ProviderSettingsView,
  ReplayPreview,
  StorageIssue,
  TunnelView,
} from './views'

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

/**
 * A note's length in characters (code points), as MAX_CAPTURE_NOTE_CHARS and the API's schema count them.
 * Counted in UTF-16 units, a note of 5,001 emoji the API took came back from a HAR file cut by one,
 * and from a curl script not at all.
 */
export function noteCharacterCount(note: string): number {
  let count = 0
  for (let index = 0; index < note.length; index += (note.codePointAt(index) as number) > 0xffff ? 2 : 1) count++
  return count
}

/** The note cut to MAX_CAPTURE_NOTE_CHARS characters, counted as {@link noteCharacterCount} counts them. */
export function noteWithinLimit(note: string): string {
  if (note.length <= MAX_CAPTURE_NOTE_CHARS) return note
  let end = 0
  for (let count = 0; count < MAX_CAPTURE_NOTE_CHARS && end < note.length; count++) end += (note.codePointAt(end) as number) > 0xffff ? 2 : 1
  return note.slice(0, end)
}

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
    verdict: z.enum(LISTED_VERDICTS, { error: oneOf('verdict', LISTED_VERDICTS) }).optional(),
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
  /**
   * A page of `listCaptures` without its total: a search answers as soon as its newest matches fill
   * the page. `order: "oldest"` reads from the other end: oldest first, `cursor` then meaning "newer than".
   * `groupBy: "delivery"` lists one row per delivery, as `listCaptures` does.
   */
  listCapturePage: z
    .object({
      endpointId: id.optional(),
      cursor: z.string().regex(/^\d+$/, 'a cursor is the nextCursor of a previous page').optional(),
      limit: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
      filter: captureFilter.optional(),
      order: z.enum(['newest', 'oldest'], { error: 'order must be "newest" or "oldest"' }).optional(),
      /** `delivery`: one row per delivery, as in `listCaptures` (from either end). */
      groupBy: z.enum(['delivery'], { error: 'groupBy must be "delivery"' }).optional(),
    })
    .strict(),
  /** The `total` of `listCaptures`, alone. */
  countCaptures: z.object({ endpointId: id.optional(), filter: captureFilter.optional() }).strict(),
  getCapture: z.object({ id }).strict(),
  /**
   * The delivery a capture is an attempt of, oldest first: its latest `limit` attempts (default and
   * at most MAX_DELIVERY_PAGE_SIZE), those before `cursor` (the `nextCursor` of the page before),
   * or those up to attempt number `upToAttempt` (1 = the first to arrive).
   */
  getDelivery: z
    .object({
      captureId: id,
      cursor: z.string().regex(/^\d+$/, 'a cursor is the nextCursor of a previous page').optional(),
      upToAttempt: z.number().int().min(1).optional(),
      limit: z.number().int().min(1).max(MAX_DELIVERY_PAGE_SIZE).optional(),
    })
    .strict()
    .refine((input) => input.cursor === undefined || input.upToAttempt === undefined, 'give cursor or upToAttempt, not both'),
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
  /** The warnings `config` (an unsaved draft: whole, or a change to the saved one) would get; validated like setAnswerConfig's, nothing stored. */
  previewAnswerWarnings: z.object({ endpointId: id, config: z.unknown() }).strict(),
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
      /** `pieces`: the answer names the file's pieces, read with readExportPiece, instead of holding it. */
      delivery: z.enum(EXPORT_DELIVERIES, { error: oneOf('delivery', EXPORT_DELIVERIES) }).optional(),
    })
    .strict()
    .refine((input) => (input.captureIds === undefined) !== (input.endpointId === undefined), 'give either captureIds, or endpointId with an optional filter')
    .refine((input) => input.filter === undefined || input.endpointId !== undefined, {
      message: "a filter picks among an endpoint's captures: give endpointId with it, not captureIds",
      path: ['filter'],
    }),
  readExportPiece: z.object({ exportId: id, index: z.number().int().min(0).max(1_000_000) }).strict(),
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
      /** Pasted rather than read from a file: `text` in one of the formats, or a `body` the app built a request from. */
      pasted: z.enum(PASTED_KINDS, { error: oneOf('pasted', PASTED_KINDS) }).optional(),
      /** Recognise the imported captures as this provider (a pasted body), not as the endpoint would. */
      asProvider: z.enum(PINNABLE_PROVIDER_IDS, { error: oneOf('asProvider', PINNABLE_PROVIDER_IDS) }).optional(),
    })
    .strict(),
} as const

export type ProcedureName = keyof typeof procedureInputs
export type ProcedureInput<P extends ProcedureName> = z.input<(typeof procedureInputs)[P]>

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
  previewAnswerWarnings: AnswerWarningsView & { endpointId: string }
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
  exportCaptures: ExportResult | ExportPiecesResult
  readExportPiece: { dataBase64: string }
  importCaptures: ImportResult
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
  /** A data file was found unreadable and moved aside (or reported in place) after the status was read: add it to `storage.issues`. */
  | { type: 'storage-issue-found'; issue: StorageIssue }
  | { type: 'tunnel-changed'; state: TunnelState; stateRevision: number }
  | { type: 'replay-recorded'; captureId: string | null; record: ReplayRecord }
  | { type: 'bulk-replay-progress'; job: BulkJobView }
  /** Verdicts of an endpoint's captures were recomputed (its keys or settings changed). */
  | { type: 'captures-reanalyzed'; endpointId: string; count: number }
  /** An import into the endpoint stored `done` of `total` entries (`finished` on the last batch). */
  | { type: 'import-progress'; endpointId: string; done: number; total: number; finished: boolean }

export type InspectorEventType = InspectorEvent['type']
