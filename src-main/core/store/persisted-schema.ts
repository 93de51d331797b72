/**
 * What Callback Inspector writes to disk, validated on every read: lowdb trusts whatever parses,
 * and a hand-edited or half-migrated file must be reported, not half-loaded.
 *
 * Every file carries `schemaVersion`; a file from a newer version is treated as unreadable (moved
 * aside, never overwritten), so an older build can never destroy a newer build's data.
 */
import { z } from 'zod'
import { answerConfigSchemas } from '../../shared/responses'
import { CAPTURE_FORWARD_STATES, FORWARD_MODES, forwardConfigSchema } from '../../shared/replay'
import { PINNABLE_PROVIDER_IDS, PROVIDER_IDS, VERDICT_STATUSES } from '../../shared/providers'
import { DURABILITY_MODES, retentionPolicySchema } from '../../shared/storage-settings'
import { changedBeforeExportSchema } from '../../shared/changed-before-export'

export const SCHEMA_VERSION = 1

const headerPairs = z.array(z.tuple([z.string(), z.string()]))

export const storedEndpointSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  slug: z.string().min(1),
  createdAt: z.string(),
  /** How the receiver answers; absent means the default configuration. */
  answerConfig: answerConfigSchemas.config.optional(),
  /** Live forwarding of every capture; absent means off. */
  forward: forwardConfigSchema.optional(),
  /** The last target the user resent this endpoint's captures to. */
  replayTarget: z.object({ url: z.string(), keepCapturedPath: z.boolean() }).optional(),
  /** How captures are recognised and verified; absent means detect, and verify as received. */
  providerSettings: z
    .object({
      pinnedProvider: z.enum(PINNABLE_PROVIDER_IDS).nullable(),
      signedPath: z.discriminatedUnion('mode', [
        z.object({ mode: z.literal('as-received') }),
        z.object({ mode: z.literal('without-endpoint-prefix') }),
        z.object({ mode: z.literal('fixed'), path: z.string().min(1) }),
      ]),
      toleranceSeconds: z.number().int().positive().nullable(),
    })
    .optional(),
})
export type StoredEndpoint = z.infer<typeof storedEndpointSchema>

export const settingsDocumentSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  endpoints: z.array(storedEndpointSchema),
  tunnel: z.object({ serverUrl: z.string(), subdomain: z.string().nullable(), startWithApp: z.boolean() }).optional(),
  /**
   * With no subdomain configured, the one the tunnel's public URL was last handed out with, and on
   * which server: asked for again after a relaunch, so the URL given to providers keeps working.
   */
  tunnelMemory: z.object({ serverUrl: z.string(), subdomain: z.string() }).optional(),
  /** Durability and retention; absent means `sync` and no caps. */
  storage: z.object({ durability: z.enum(DURABILITY_MODES), retention: retentionPolicySchema }).optional(),
})
export type SettingsDocument = z.infer<typeof settingsDocumentSchema>

/** Answer-sequence step counters (see responses/sequence-state.ts), least recently used first. */
export const sequenceCountersDocumentSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  fingerprints: z.array(z.object({ endpointId: z.string(), fingerprint: z.string() })),
  counters: z.array(z.object({ endpointId: z.string(), deliveryKey: z.string(), lastStep: z.number().int().min(1) })),
})
export type SequenceCountersDocument = z.infer<typeof sequenceCountersDocumentSchema>

/** The recognition kept with each capture (the full analysis is recomputed when opened). */
export const recognitionSchema = z.object({
  provider: z.object({ id: z.enum(PROVIDER_IDS), name: z.string(), variant: z.string().nullable() }),
  verdict: z.object({ status: z.enum(VERDICT_STATUSES), reason: z.string().nullable(), message: z.string() }),
  summary: z.object({
    eventType: z.string().nullable(),
    status: z.string().nullable(),
    objectId: z.string().nullable(),
    /** Stripe's or PayPal's event id; absent in records written before it was kept (deliveries/delivery-key.ts). */
    eventId: z.string().nullable().optional(),
    /** CHIP's `updated_on`; absent in records written before it was kept (deliveries/delivery-key.ts). */
    revision: z.string().nullable().optional(),
    reference: z.string().nullable(),
    amount: z.string().nullable(),
    paymentMethod: z.string().nullable(),
    signalOnly: z.boolean(),
  }),
})
export type StoredRecognition = z.infer<typeof recognitionSchema>

/** Mirrors `AnswerChoice` in the contract. */
const chosenBySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rule'), ruleId: z.string(), ruleName: z.string() }),
  z.object({ kind: z.literal('sequence'), step: z.number().int(), of: z.number().int() }),
  z.object({ kind: z.literal('failure-rate'), percent: z.number() }),
  z.object({ kind: z.literal('default') }),
  z.object({ kind: z.literal('provider-default'), provider: z.string().nullable() }),
  z.object({ kind: z.literal('refusal') }),
  z.object({ kind: z.literal('forward'), targetUrl: z.string() }),
  z.object({ kind: z.literal('imported') }),
])

/** The longest note a capture can carry (plain text). */
export const MAX_CAPTURE_NOTE_LENGTH = 10_000

export const storedCaptureSchema = z.object({
  id: z.string().min(1),
  seq: z.number().int().nonnegative(),
  endpointId: z.string().min(1),
  receivedAt: z.string(),
  durationMs: z.number().nonnegative(),
  method: z.string(),
  target: z.string(),
  httpVersion: z.string(),
  headers: headerPairs,
  /** A chunked body's trailer fields, raw name/value pairs like `headers`; absent when it had none (and in records written before they were kept). */
  trailers: headerPairs.optional(),
  remoteAddress: z.string(),
  remotePort: z.number().int().nonnegative(),
  /** Where the capture's frame sits in the segment's log (see capture-log.ts); its body follows the metadata. */
  frame: z.object({
    offset: z.number().int().nonnegative(),
    metadataBytes: z.number().int().nonnegative(),
  }),
  /** The raw body bytes, inside that frame. */
  body: z.object({
    size: z.number().int().nonnegative(),
    sha256: z.string(),
  }),
  outcome: z.enum(['captured', 'refused']),
  refusal: z
    .object({
      status: z.number().int(),
      reason: z.string(),
      declaredSize: z.number().int().nullable(),
      receivedBytes: z.number().int().nonnegative(),
    })
    .nullable(),
  /** Who sent it and whether it is genuine; `null` for refused requests (no body to judge). */
  recognition: recognitionSchema.nullable(),
  /** The answer decided for this request, stored before it was sent. */
  response: z.object({
    /** `none`: an imported capture whose source recorded no answer. */
    kind: z.enum(['respond', 'close', 'reset', 'hang', 'none']),
    /** `null` when no HTTP answer is sent (close, reset, hang). */
    status: z.number().int().nullable(),
    headers: headerPairs,
    bodyBase64: z.string(),
    delayMs: z.number().nonnegative(),
    chosenBy: chosenBySchema,
  }),
  /** How its live forward went (see `CaptureForward`), known when it was stored; absent or `null` when not forwarded. */
  forward: z
    .object({
      mode: z.enum(FORWARD_MODES),
      targetUrl: z.string(),
      state: z.enum(CAPTURE_FORWARD_STATES),
      reason: z.string().nullable(),
      status: z.number().int().optional(),
    })
    .nullable()
    .optional(),
  /** `imported` when it came from a file (HAR, bundle, curl…) rather than the receiver; absent means received. */
  origin: z.enum(['received', 'imported']).optional(),
  /** Where an imported capture came from, e.g. "HAR file x.har"; absent or `null` for received ones. */
  importedFrom: z.string().max(500).nullable().optional(),
  /**
   * An imported capture whose source did not say when it arrived (a curl command, a raw HTTP
   * message, a pasted body, a HAR or bundle entry without a time): `receivedAt` is when it was
   * imported. Absent otherwise (and on captures imported before it was kept: see `toCaptureSummary`).
   */
  receivedAtIsImportTime: z.literal(true).optional(),
  /** An imported capture its exporting app changed before writing the bundle (see shared/changed-before-export.ts); absent otherwise. */
  changedBeforeExport: changedBeforeExportSchema.optional(),
  /**
   * The provider the user named for an imported body (`importCaptures` `asProvider`), or the one its
   * file named where detection found none (a redacted export's: exchange-service.ts): judging it
   * again (the detail, a key change) recognises it as that provider, as the import did. Absent otherwise.
   */
  importedAs: z.enum(PINNABLE_PROVIDER_IDS).optional(),
  // Annotations: they change after arrival, so they live in the index document, never in the log frame.
  /** The user's plain-text note. */
  note: z.string().max(MAX_CAPTURE_NOTE_LENGTH).nullable().optional(),
  /** Pinned captures are kept by retention and by clearing an endpoint (unless asked). */
  pinned: z.boolean().optional(),
  /** When the sender closed the connection while the answer was still pending (a delay or a hang). */
  senderLeftAt: z.string().nullable().optional(),
  /** When the app stopped while the answer was still pending (a delay, a hang): the connection was closed without it. */
  appStoppedAt: z.string().nullable().optional(),
})
export type StoredCapture = z.infer<typeof storedCaptureSchema>

/** A capture as written into its log frame: where it sits is implied by the frame. */
export const loggedCaptureSchema = storedCaptureSchema.omit({ frame: true })
export type LoggedCapture = z.infer<typeof loggedCaptureSchema>

/**
 * A capture handed to the store, before the writer gives it its `seq` and body size (both
 * counts, always valid): the frame's record less those. The writer checks it with this, so the
 * store never answers as stored a record its own reader would refuse after a restart (an
 * answered capture lost); JSON keeps every value this accepts as it is.
 */
const newCaptureSchema = loggedCaptureSchema.omit({ seq: true, body: true }).extend({ body: z.object({ sha256: z.string() }) })

/** Why a capture handed to the store would not read back from its log frame, or `null` when it would. */
export function unreadableCaptureProblem(capture: unknown): string | null {
  const checked = newCaptureSchema.safeParse(capture)
  if (checked.success) return null
  const issue = checked.error.issues[0]
  return issue ? `${issue.path.length > 0 ? issue.path.join('.') : 'the record'}: ${issue.message}` : 'invalid'
}

export const segmentDocumentSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  segment: z.number().int().positive(),
  /** Every frame of the log below this offset is in `captures` (or was deleted). */
  indexedLogBytes: z.number().int().nonnegative(),
  captures: z.array(storedCaptureSchema),
})
export type SegmentDocument = z.infer<typeof segmentDocumentSchema>
