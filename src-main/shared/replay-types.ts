/**
 * Replay, forward and simulate: the plain types and constants (no zod) of what the UI shows and
 * the store keeps, and of the keys only a sender holds. The input schemas are in
 * replay-schemas.ts; shared/replay.ts exports both.
 *
 * Bodies cross this boundary as base64 (capped); the core works on Buffers. Secrets never appear
 * in a result: keys are named by their fingerprint, except a secret or key pair the simulator
 * generated itself, which the user needs in order to configure the receiving side.
 */
import type { HeaderPairs } from './http-message'
import type { ProviderId, ProviderKey } from './providers'

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

// ---------------------------------------------------------------------------------------------
// Forwarding

export const FORWARD_MODES = ['pass-through', 'background'] as const
export type ForwardMode = (typeof FORWARD_MODES)[number]

/**
 * How a capture's live forward went, as its list row shows it: `pending` (pass-through: stored
 * while the target is awaited, so the sender has no answer yet; a `pending` capture from an earlier
 * run of the app was cut off by the app stopping, and its sender never got an answer), `relayed`
 * (pass-through: the provider got the target's answer), `failed` (pass-through fell back to the
 * configured answer, or the forward could not be built, or the app stopped while the target was
 * awaited: `reason` says why), `refused-loop` (not forwarded: it would loop), `background` (sent on
 * its own after the answer, still in flight), `sent` (a background forward got an HTTP answer:
 * `status` says which). A background forward that got no answer (refused, timed out) becomes `failed`.
 */
export const CAPTURE_FORWARD_STATES = ['pending', 'relayed', 'failed', 'refused-loop', 'background', 'sent'] as const
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
  /**
   * The capture's trailer fields (sent after its chunked body) are not sent: a replay sends the
   * body whole with `Content-Length`, which has no place for them.
   */
  | { kind: 'trailers-not-sent'; trailers: HeaderPairs }

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
  /**
   * The body bytes kept: what was read (at most `maxResponseBytes`) in a resend's result; the first
   * 64 KB of it in a stored record (`listReplays`, `replay-recorded`) and 4 KB in a bulk job's result.
   */
  bodyBase64: string
  /** The body bytes read. */
  bodySize: number
  /** True when fewer bytes are kept than the answer had: reading stopped at `maxResponseBytes`, or the record keeps only the beginning. */
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

/**
 * A send whose answer was never recorded: the app stopped (a crash, a kill -9, a power loss, or a
 * quit that cut the send off) after the request went out and before the answer came back, so the
 * target may have received it. The history keeps every resend and bulk replay as this before it is
 * sent and replaces it with what came back.
 */
export interface ReplayAppStopped {
  kind: 'app-stopped'
  url: string
  /** When the send started. */
  startedAt: string
  /** A plain sentence: "the app stopped before the answer arrived; the target may have received it". */
  message: string
}

/**
 * A resend or bulk replay that went out and awaits its answer: the history lists it so
 * (`listReplays`, and a `replay-recorded` event the moment it goes out), and the finished record,
 * with the same id, replaces it. Never stored: a send the app stops in the middle of reads `app-stopped`.
 */
export interface ReplaySending {
  kind: 'sending'
  url: string
  /** When the send started. */
  startedAt: string
}

/** What a history record says came back: the answer, the failure, that the app stopped while it was awaited, or (in flight) nothing yet. */
export type RecordedOutcome = ReplayOutcome | ReplayAppStopped | ReplaySending

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
  /**
   * Why, when `usedConfiguredAnswer` and the mode is pass-through: `timeout`, `connection-refused`...
   * Pass-through, no answer reached the provider (`usedConfiguredAnswer` false): `sender-left` (it
   * gave up while the target was awaited) or `app-stopped` (the app stopped meanwhile); or it got
   * 503 instead: `store-failed` (the answer could not be recorded on the capture).
   */
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
  outcome: RecordedOutcome
  forward: ForwardSummary | null
  /** Simulated callbacks: the template used. */
  templateId: string | null
  /**
   * Only on the record a resend returns, when it could not be kept in the capture's history (a full
   * disk, say): why. It was sent all the same, and this is what came back.
   */
  unrecorded?: string
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
  /**
   * With `resign`, once the item was built: the signatures it carries that could not be re-signed
   * (no key, a key that does not load), sent as captured; empty when every one was re-signed.
   */
  resignSkipped?: ResignSkip[]
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
