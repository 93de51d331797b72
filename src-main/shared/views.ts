/**
 * What the API answers with: the views of endpoints, captures, settings and jobs that procedures
 * return and events carry. Types only, no schemas: `contract.ts` pairs them with the procedures,
 * and shared rules that work on captures (`capture-filter.ts`, `capture-query.ts`) name them here
 * without depending on the contract's input schemas.
 */
import type { HeaderPairs } from './http-message'
import type { AnswerKind, ChosenBy, EndpointAnswerConfig } from './responses'
import type { DeliveryAnalysis, KeyDescriptor, PinnableProviderId, ProviderId, VerdictStatus } from './providers'
import type { BulkItemResult, CaptureForward, ForwardConfig, ReplayDifference, ResignSummary, SentRequestView, TextDiff } from './replay'
import type { TunnelSettings, TunnelState } from './tunnel'
import type { BodyDiff } from './capture-diff'
import type { DeliveryAttemptInfo, DeliveryGroupInfo, RetrySchedule } from './deliveries'
import type { AnswerWarningsView } from './answer-warnings'
import type { ChangedBeforeExport } from './changed-before-export'

export type { ChangedBeforeExport } from './changed-before-export'

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
  /** How many of its captures are pinned: a clear keeps them unless asked, retention never removes them. */
  pinnedCount: number
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
  /**
   * How the recognised provider takes this HTTP answer, by its documented acknowledgement (IXOPAY:
   * 200 with the body OK; a delay at or past its timeout is a failure): `failure` means it retries.
   * Absent when no answer was sent or the sender has no documented acknowledgement.
   */
  providerTakesItAs?: 'success' | 'failure' | 'uncertain'
  /**
   * With `providerTakesItAs` `failure` or `uncertain`: the sentence the Answers warnings give for
   * such an answer ("IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK").
   */
  providerExplains?: string
}

/** An endpoint's saved answer configuration, with its warnings (`AnswerWarningsView`: which providers would count which part as a failure). */
export interface AnswerConfigView extends AnswerWarningsView {
  endpointId: string
  config: EndpointAnswerConfig
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
    /** The provider's stamp of the object's version (CHIP `updated_on`); absent in captures stored before it was kept. */
    revision?: string | null
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
  /**
   * True for a capture imported from a source that did not say when it arrived (a curl command, a
   * raw HTTP message, a pasted body, a HAR or bundle entry without a time): its `receivedAt` is when
   * it was imported, kept so it sorts, filters (`after:`) and expires by that time. False otherwise.
   */
  receivedAtIsImportTime: boolean
  /**
   * Only on a capture imported from a bundle whose exporter changed it (redacted, or configured
   * secrets removed, a compressed body written decompressed): its body and headers are not what the
   * provider sent, so its signature cannot verify. Absent otherwise.
   */
  changedBeforeExport?: ChangedBeforeExport
  /** The user's plain-text note (at most 10,000 characters). */
  note: string | null
  /** Pinned captures are exempt from retention and kept when an endpoint is cleared (unless asked). */
  pinned: boolean
  /**
   * When the sender closed the connection while the answer was still pending (a delay, a hang, or
   * while the capture was being stored): it never got the recorded answer. `null` otherwise.
   */
  senderLeftAt: string | null
  /**
   * When the app stopped while the answer was still pending (a delay or a hang): the connection
   * was closed without it, so the sender never got the recorded answer. `null` otherwise.
   */
  appStoppedAt: string | null
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
    /** A chunked body's trailer fields (sent after it), raw name/value pairs like `headers`; empty when it had none. */
    trailers: HeaderPairs
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

/** `getDelivery`: the stored attempts of the delivery a capture belongs to, the latest page of them. */
export interface DeliveryView {
  deliveryKey: string
  /** What the attempts have in common, e.g. "the ixopay transaction id, type and result". */
  groupedBy: string
  /** The attempts of this page, oldest first (the documented shape). */
  attempts: CaptureSummary[]
  /** The same attempts with gaps, answers, duplicate flags and expected times (numbered within the whole delivery). */
  timeline: DeliveryAttemptInfo[]
  /** Attempts stored for this delivery; more than `attempts.length` when older ones are on other pages. */
  totalAttempts: number
  /** An attempt was answered with a 2xx (on this page or not). */
  succeeded: boolean
  /** Attempts that arrived after the first one answered with a 2xx, in the whole delivery (not only this page's). */
  duplicateCount: number
  /** The capture asked about (`getDelivery`'s `captureId`), numbered within the whole delivery, whichever page is listed. */
  askedAttempt: DeliveryAttemptInfo
  /** Pass as `cursor` to get the attempts before this page; `null` when this page starts at the first attempt. */
  nextCursor: string | null
  /** The provider's retry policy, `null` when no public policy is known. */
  schedule: RetrySchedule | null
  /** The next attempt the schedule expects after a last attempt that was not answered with a 2xx; `null` otherwise. */
  nextExpected: { attempt: number; at: string } | null
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
  /** Gone out (or being built) and awaiting their answer: a run of slow answers is not a run that stalled. */
  inFlight: number
  finished: boolean
  wasCancelled: boolean
  /** With `resign`: items sent (or failed) with a signature that could not be re-signed (see `results[].resignSkipped`). */
  notResigned: number
  /** Items whose record could not be kept in their capture's history (it could not be written): their result is only here. */
  unrecorded: number
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
