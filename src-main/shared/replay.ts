/**
 * Replay, forward and simulate: the input schemas (user input, validated once by the API layer)
 * and the JSON-serialisable results the UI shows and the store keeps.
 *
 * Bodies cross this boundary as base64 (capped); the core works on Buffers. Secrets never appear
 * in a result: keys are named by their fingerprint, except a secret or key pair the simulator
 * generated itself, which the user needs in order to configure the receiving side.
 */
import {
  FORWARD_TIMEOUT_MS,
  BULK_MAX_CONCURRENCY,
  BULK_MAX_RATE_PER_SECOND,
  FORWARD_TIMEOUT_MAX_MS,
  FORWARD_TIMEOUT_MIN_MS,
  SEND_TIMEOUT_MAX_MS,
  SEND_TIMEOUT_MIN_MS,
} from './replay-limits'
import { isTargetUrl, MAX_TARGET_URL_CHARS, TARGET_URL_EXAMPLE } from './target-url'
import { HTTP_TOKEN_PATTERN, MAX_METHOD_CHARS } from './answer-catalog'
import { z } from 'zod'

export * from './replay-limits'
import type { HeaderPairs } from './http-message'
import { PROVIDER_IDS, providerKeySchema, type ProviderId, type ProviderKey } from './providers'

// ---------------------------------------------------------------------------------------------
// Limits

// ---------------------------------------------------------------------------------------------
// Keys that only a sender holds

/**
 * An RSA private key the user supplies (or the simulator generates) to sign as the provider does:
 * CHIP (X-Signature), PayPal (PAYPAL-TRANSMISSION-SIG, with a `paypal-webhook-id` key) and the
 * Plexo legacy envelope. `chipProduct` picks CHIP's digest when the request does not say
 * (an `Event-Type` header means CHIP Send, SHA-512).
 */
export interface RsaPrivateKey {
  kind: 'rsa-private-key'
  provider: 'chip' | 'paypal' | 'plexo'
  pem: string
  label?: string
  chipProduct?: 'collect' | 'send'
}

/**
 * A Standard Webhooks ed25519 private key, to sign `v1a` signatures (re-signed replays, the
 * simulator): `whsk_<base64 of the 32-byte seed>` as the spec serialises it, or a PEM PKCS#8 key.
 * Receivers verify with the matching public key (`ed25519-public-key`, `whpk_...`).
 */
export interface Ed25519PrivateKey {
  kind: 'ed25519-private-key'
  provider: 'standard-webhooks'
  value: string
  label?: string
}

/** A key only the sender holds. */
export type PrivateKey = RsaPrivateKey | Ed25519PrivateKey

/** Any key re-signing or the simulator can use: the endpoint's keys plus private keys. */
export type SigningKey = ProviderKey | PrivateKey

export const rsaPrivateKeySchema = z
  .object({
    kind: z.literal('rsa-private-key'),
    provider: z.enum(['chip', 'paypal', 'plexo']),
    pem: z
      .string()
      .min(1, 'cannot be empty')
      .max(65_536)
      .regex(/-----BEGIN (RSA )?PRIVATE KEY-----/, 'a PEM private key (-----BEGIN PRIVATE KEY-----)'),
    label: z.string().max(100).optional(),
    chipProduct: z.enum(['collect', 'send']).optional(),
  })
  .strict()

/** Shape only: the core decodes the key when it signs and says what is wrong with it. */
export const ed25519PrivateKeySchema = z
  .object({
    kind: z.literal('ed25519-private-key'),
    provider: z.literal('standard-webhooks'),
    value: z
      .string()
      .max(65_536)
      .regex(/^\s*(?:whsk_|-----BEGIN PRIVATE KEY-----)/, 'whsk_<base64> or a PEM PKCS#8 private key (-----BEGIN PRIVATE KEY-----)'),
    label: z.string().max(100).optional(),
  })
  .strict()

export const privateKeySchema = z.discriminatedUnion('kind', [rsaPrivateKeySchema, ed25519PrivateKeySchema])

export const signingKeySchema = z.union([providerKeySchema, privateKeySchema])

// ---------------------------------------------------------------------------------------------
// Inputs

const httpUrl = z.string().max(MAX_TARGET_URL_CHARS).refine(isTargetUrl, `an http:// or https:// URL, e.g. ${TARGET_URL_EXAMPLE}`)

const headerName = z.string().regex(HTTP_TOKEN_PATTERN, 'a header name is a token like X-Signature')
// Header values are latin1 strings (one char per wire byte); CR, LF and NUL would split the header.
const headerValueText = z
  .string()
  .max(65_536)
  .regex(/^[^\r\n\0]*$/, 'a header value cannot contain line breaks')
const headerPairsSchema = z.array(z.tuple([headerName, headerValueText])).max(500)

/** A body as edited: text (sent as UTF-8) or base64 (any bytes). */
export const replayBodySchema = z.discriminatedUnion('encoding', [
  z.object({ encoding: z.literal('utf8'), text: z.string() }).strict(),
  z.object({ encoding: z.literal('base64'), base64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64') }).strict(),
])
export type ReplayBody = z.infer<typeof replayBodySchema>

/** What the user changed before sending; anything absent is sent as captured. */
export const replayEditsSchema = z
  .object({
    method: z.string().regex(HTTP_TOKEN_PATTERN, 'a method is a token like POST').max(MAX_METHOD_CHARS, 'a method is a token like POST').optional(),
    /** The whole header list as it should go out (order and case kept). Host is still rewritten for the target. */
    headers: headerPairsSchema.optional(),
    body: replayBodySchema.optional(),
  })
  .strict()
export type ReplayEdits = z.infer<typeof replayEditsSchema>

export const sendOptionsSchema = z
  .object({
    timeoutMs: z.number().int().min(SEND_TIMEOUT_MIN_MS).max(SEND_TIMEOUT_MAX_MS).optional(),
    connectTimeoutMs: z.number().int().min(SEND_TIMEOUT_MIN_MS).max(SEND_TIMEOUT_MAX_MS).optional(),
    followRedirects: z.boolean().optional(),
    maxResponseBytes: z
      .number()
      .int()
      .min(0)
      .max(64 * 1024 * 1024)
      .optional(),
    /** Accept a self-signed certificate on the target (a local dev server over https); the target's origin only, never a redirect's. */
    allowInsecureTls: z.boolean().optional(),
    /** Follow a redirect from https to http (refused by default: the rest would travel unencrypted). */
    allowHttpsToHttp: z.boolean().optional(),
  })
  .strict()
export type SendOptionsInput = z.infer<typeof sendOptionsSchema>

/** `replayCapture`: resend one capture, as captured or edited, optionally re-signed. */
export const replayCaptureInputSchema = z
  .object({
    captureId: z.string().min(1).max(100),
    targetUrl: httpUrl,
    keepCapturedPath: z.boolean().optional(),
    edits: replayEditsSchema.optional(),
    /** Re-sign every recognised scheme whose key is configured on the endpoint (or given here). */
    resign: z.boolean().optional(),
    privateKeys: z.array(privateKeySchema).max(10).optional(),
    send: sendOptionsSchema.optional(),
  })
  .strict()
export type ReplayCaptureInput = z.infer<typeof replayCaptureInputSchema>

/** `bulkReplay`: many captures, oldest first. Either a concurrency or a rate (or both). */
export const bulkReplayInputSchema = z
  .object({
    captureIds: z.array(z.string().min(1).max(100)).min(1).max(10_000),
    targetUrl: httpUrl,
    keepCapturedPath: z.boolean().optional(),
    resign: z.boolean().optional(),
    /** For schemes signed with a private key (never stored): used for every capture of its provider. */
    privateKeys: z.array(privateKeySchema).max(10).optional(),
    concurrency: z.number().int().min(1).max(BULK_MAX_CONCURRENCY).optional(),
    ratePerSecond: z.number().positive().max(BULK_MAX_RATE_PER_SECOND).optional(),
    send: sendOptionsSchema.optional(),
  })
  .strict()
export type BulkReplayInput = z.infer<typeof bulkReplayInputSchema>

export const FORWARD_MODES = ['pass-through', 'background'] as const
export type ForwardMode = (typeof FORWARD_MODES)[number]

/**
 * Live forwarding per endpoint. `pass-through`: the provider gets the target's real answer, or the
 * endpoint's configured answer once `timeoutMs` passes (the capture says so). `background`: the
 * provider gets the configured answer at once and the forward runs on its own.
 */
export const forwardConfigSchema = z
  .object({
    enabled: z.boolean(),
    targetUrl: httpUrl,
    mode: z.enum(FORWARD_MODES),
    timeoutMs: z.number().int().min(FORWARD_TIMEOUT_MIN_MS).max(FORWARD_TIMEOUT_MAX_MS).default(FORWARD_TIMEOUT_MS),
    keepCapturedPath: z.boolean().default(false),
  })
  .strict()
export type ForwardConfig = z.infer<typeof forwardConfigSchema>

/**
 * How a capture's live forward went, as its list row shows it: `relayed` (pass-through: the
 * provider got the target's answer), `failed` (pass-through fell back to the configured answer, or
 * the forward could not be built: `reason` says why), `refused-loop` (not forwarded: it would loop),
 * `background` (sent on its own after the answer, still in flight), `sent` (a background forward
 * got an HTTP answer: `status` says which). A background forward that got no answer (refused,
 * timed out) becomes `failed`.
 */
export const CAPTURE_FORWARD_STATES = ['relayed', 'failed', 'refused-loop', 'background', 'sent'] as const
export type CaptureForwardState = (typeof CAPTURE_FORWARD_STATES)[number]

export interface CaptureForward {
  mode: ForwardMode
  targetUrl: string
  state: CaptureForwardState
  /** For `failed` and `refused-loop`: what went wrong, in words. */
  reason: string | null
  /** For `sent`: the HTTP status the target answered (any status, 5xx too). */
  status?: number
}

/** Every forwarded request carries this header; a capture carrying it is never forwarded again (no loops). */
export const FORWARDED_MARK_HEADER = 'X-Callback-Inspector-Forwarded'

/** `simulateCallback`: build (and send) a test callback from a template. */
export const simulateCallbackInputSchema = z
  .object({
    templateId: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,80}$/, 'a template id from listSimulatorTemplates'),
    targetUrl: httpUrl,
    /** Keys to sign with; without one the app generates a secret or key pair and returns it. */
    keys: z.array(signingKeySchema).max(10).optional(),
    send: sendOptionsSchema.optional(),
  })
  .strict()
export type SimulateCallbackInput = z.infer<typeof simulateCallbackInputSchema>

// ---------------------------------------------------------------------------------------------
// What differs from the capture

/** A fingerprint of a body: enough to say "changed" without carrying it. */
export interface BodyDigest {
  sha256: string
  size: number
}

/**
 * Why a header differs: the user edited it, the app recomputed it (Content-Length), re-signing set
 * it, or a live forward added `X-Callback-Inspector-Forwarded` (`forward-mark`, which stops loops).
 */
export type HeaderChangeReason = 'edited' | 'recomputed' | 'resigned' | 'forward-mark'

/**
 * One way the request sent differs from the request captured. `Host` is always rewritten for the
 * target and hop-by-hop headers are always dropped; those are listed in `SentRequestView`, not here.
 */
export type ReplayDifference =
  | { kind: 'method'; captured: string; sent: string }
  | { kind: 'path'; captured: string; sent: string }
  | { kind: 'header-added'; name: string; value: string; reason: HeaderChangeReason }
  | { kind: 'header-removed'; name: string; value: string; reason: HeaderChangeReason }
  | { kind: 'header-changed'; name: string; captured: string; sent: string; reason: HeaderChangeReason }
  | { kind: 'header-order'; captured: string[]; sent: string[] }
  | { kind: 'body'; captured: BodyDigest; sent: BodyDigest; reason: 'edited' | 'resigned' }

export type ReplayDifferenceKind = ReplayDifference['kind']

/** A line diff of two text bodies, unified style. */
export interface TextDiff {
  /** `--- captured` / `+++ sent` then hunks; empty when the texts are equal. */
  unified: string
  addedLines: number
  removedLines: number
  /** True when the inputs were too large to diff line by line, or the output was cut. */
  truncated: boolean
}

// ---------------------------------------------------------------------------------------------
// Re-signing

/** One header or body field that re-signing set. */
export interface ResignChange {
  /** e.g. `stripe-v1`, `ixopay-hmac-sha512`, `chip-rsa`, `adyen-classic-item`. */
  scheme: string
  provider: ProviderId
  location: 'header' | 'body'
  /** Header name as sent, or a body path such as `notificationItems[0].NotificationRequestItem.additionalData.hmacSignature`. */
  name: string
  before: string | null
  after: string
  /** Fingerprint of the key that signed (first 16 hex of SHA-256 over the key material). */
  keyFingerprint: string
}

/** A scheme found on the request that was not re-signed, and why. */
export interface ResignSkip {
  scheme: string
  provider: ProviderId
  reason: string
}

export interface ResignSummary {
  changes: ResignChange[]
  skipped: ResignSkip[]
  /** e.g. "the Plexo envelope was re-serialised: its formatting differs from the capture". */
  notes: string[]
}

// ---------------------------------------------------------------------------------------------
// Outcomes

export const REPLAY_FAILURE_KINDS = [
  'invalid-request',
  'connection-refused',
  'connection-reset',
  'dns',
  'unreachable',
  'tls',
  'connect-timeout',
  'timeout',
  'too-large',
  'redirect',
  'protocol',
  'aborted',
  'network',
] as const
/**
 * - `invalid-request`: the request could not be built (bad URL, unsupported scheme, a header Node refuses);
 * - `connection-refused`, `connection-reset`, `dns`, `unreachable`, `tls`: as named;
 * - `connect-timeout`: no connection within the connect timeout; `timeout`: no complete answer within the total timeout;
 * - `too-large`: the request body exceeds `REPLAY_MAX_REQUEST_BYTES` (a large *response* is truncated, not a failure);
 * - `redirect`: following was on and the redirect could not be followed (too many hops, bad Location);
 * - `protocol`: the target's answer was not valid HTTP; `aborted`: cancelled by the user; `network`: anything else.
 */
export type ReplayFailureKind = (typeof REPLAY_FAILURE_KINDS)[number]

export interface ReplayTiming {
  startedAt: string
  /** From the start to the end of the answer (or the failure). */
  durationMs: number
  /** Connection (and TLS) established, ms after the start; `null` when reused or never connected. */
  connectMs: number | null
  /** Status line received, ms after the start. */
  firstByteMs: number | null
}

export interface RedirectHop {
  status: number
  location: string
  /** The Location resolved against the URL that answered. */
  url: string
  /** Followed to another origin: the credential and signature headers not sent there. */
  droppedHeaders?: string[]
}

export interface ReplayResponse {
  status: number
  statusMessage: string
  httpVersion: string
  headers: HeaderPairs
  /** The body bytes kept (at most `maxResponseBytes`). */
  bodyBase64: string
  bodySize: number
  /** True when the answer was longer than `maxResponseBytes` and reading stopped there. */
  bodyTruncated: boolean
  /** Content-Length as declared, when there was one. */
  declaredSize: number | null
  /** Set when the answer is a redirect that was not followed: where it points. */
  redirect: RedirectHop | null
}

export interface ReplayFailure {
  kind: ReplayFailureKind
  /** A plain sentence, e.g. "connection refused by 127.0.0.1:3000: is the dev server running?". */
  message: string
  /** The Node error code, e.g. `ECONNREFUSED`. */
  code: string | null
}

/** What came back from one send. Never thrown: a failure is data. */
export type ReplayOutcome =
  | { kind: 'response'; url: string; response: ReplayResponse; redirects: RedirectHop[]; timing: ReplayTiming }
  | { kind: 'failure'; url: string; failure: ReplayFailure; redirects: RedirectHop[]; timing: ReplayTiming }

// ---------------------------------------------------------------------------------------------
// Records

/** What was sent, as kept in the history. */
export interface SentRequestView {
  method: string
  url: string
  /** Request target on the wire (path and query). */
  target: string
  /** Exactly as sent: order and case kept, Host and Content-Length included. */
  headers: HeaderPairs
  bodySha256: string
  bodySize: number
  /** The first `REPLAY_RECORD_BODY_BYTES` of the body. */
  bodyBase64: string
  bodyTruncated: boolean
  /** Hop-by-hop headers of the capture that were not sent (Connection, Transfer-Encoding...). */
  droppedHeaders: string[]
  /** True when anything but Host and hop-by-hop headers differs from the capture. */
  differsFromCapture: boolean
}

export const REPLAY_KINDS = ['resend', 'bulk', 'forward', 'simulate'] as const
export type ReplayKind = (typeof REPLAY_KINDS)[number]

/** How a live forward ended for the provider waiting on it. */
export interface ForwardSummary {
  mode: ForwardMode
  /** True when the provider got the endpoint's configured answer instead of the target's. */
  usedConfiguredAnswer: boolean
  /** Why, when `usedConfiguredAnswer` and the mode is pass-through: `timeout`, `connection-refused`... */
  reason: string | null
}

/** One replay of a capture (or one simulated callback), as kept in its history. */
export interface ReplayRecord {
  id: string
  /** `null` for simulated callbacks. */
  captureId: string | null
  kind: ReplayKind
  at: string
  sent: SentRequestView
  differences: ReplayDifference[]
  resign: ResignSummary | null
  outcome: ReplayOutcome
  forward: ForwardSummary | null
  /** Simulated callbacks: the template used. */
  templateId: string | null
}

// ---------------------------------------------------------------------------------------------
// Bulk replay

export type BulkItemStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled'

export interface BulkItemResult {
  captureId: string
  seq: number
  status: BulkItemStatus
  /** `null` while pending or when cancelled before it was sent. */
  outcome: ReplayOutcome | null
}

export interface BulkProgress {
  total: number
  /** Items finished (sent, failed or cancelled). */
  done: number
  sent: number
  failed: number
  cancelled: number
  inFlight: number
  /** The item whose state just changed. */
  item: BulkItemResult
}

export interface BulkReplayResult {
  /** In capture order (oldest first). */
  results: BulkItemResult[]
  cancelled: boolean
  startedAt: string
  durationMs: number
}

// ---------------------------------------------------------------------------------------------
// Simulator

/** A simulator template as the UI lists it. */
export interface SimulatorTemplateInfo {
  id: string
  provider: Exclude<ProviderId, 'unknown' | 'generic'>
  event: string
  title: string
  description: string
  /**
   * How it is signed: an HMAC secret, an RSA key pair (CHIP), an ed25519 key pair (Standard
   * Webhooks `v1a`), or nothing (providers that do not sign).
   */
  keyKind: SimulatedKeyKind
}

export type SimulatedKeyKind = 'hmac-secret' | 'rsa-key-pair' | 'ed25519-key-pair' | 'none'

/**
 * The key a simulated callback was signed with, and what the receiving side must be configured
 * with. A private key the app generates is never returned: only its public half.
 */
export interface SimulatedKeyInfo {
  kind: SimulatedKeyKind
  /** True when the app made the key for this callback (the user supplied none). */
  generated: boolean
  fingerprint: string | null
  /** The generated secret (only when `generated`): configure it on the receiving side. */
  generatedSecret: string | null
  /** RSA: the public key PEM to configure on the receiving side (always safe to show). */
  publicKeyPem: string | null
  /** ed25519 (Standard Webhooks `v1a`): the public key as `whpk_<base64>`, the form receivers configure. */
  publicKeyWhpk: string | null
  /** An identifier the receiving side configures beside the secret: Braintree's public key of the pair. */
  publicKeyId?: string
}

export const providerIdSchema = z.enum(PROVIDER_IDS)
