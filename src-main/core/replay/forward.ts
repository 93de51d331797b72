/**
 * Forward mode: every incoming capture is sent on to a target as it arrives.
 *
 * `pass-through` waits for the target and hands its real answer back for the receiver to relay, so
 * the provider's retry behaviour can be exercised against the real integration (the gap the Stripe
 * CLI leaves, stripe/stripe-cli#313). When the target fails or does not answer within the timeout,
 * the caller answers with the endpoint's configured answer and records why.
 * `background` answers nothing itself: the caller answers at once and the forward runs on its own.
 */
import type { HeaderPairs } from '../../shared/http-message'
import { FORWARD_TIMEOUT_MS, type CaptureForward, type ForwardConfig, type ForwardMode, type ForwardSummary, type ReplayOutcome } from '../../shared/replay'
import { failure } from './failure'
import { sendReplay } from './http-client'
import { withoutHopByHop } from './hop-by-hop'
import { FORWARDED_MARK_HEADER, forwardLoopProblem, type OwnReceiver } from './forward-loop'
import { buildReplayRequest, compareWithCapture, type ReplayRequest, type ReplaySource } from './replay-request'
import { errorMessage } from '../../shared/errors'
import { formatByteLimit } from '../../shared/byte-size'
import { assertNever } from '../../shared/assert-never'

export interface ForwardOptions {
  mode: ForwardMode
  /** This app's receiver addresses: a target that is one of them is refused (see forward-loop.ts). */
  ownReceiver?: OwnReceiver
  /** Pass-through: how long the provider's request waits for the target. Background: the send's total timeout. */
  timeoutMs?: number
  maxResponseBytes?: number
  signal?: AbortSignal
  now?: () => Date
}

/** The target's answer, ready for the receiver to write back to the provider. */
export interface RelayAnswer {
  status: number
  /** The target's headers without hop-by-hop ones (Content-Length kept: the body is whole). */
  headers: HeaderPairs
  body: Buffer
}

export interface ForwardResult {
  /** `null` when the request could not be built (a bad target URL). */
  request: ReplayRequest | null
  /** Pass-through with a complete answer from the target: relay this. Otherwise `null`: use the configured answer. */
  relay: RelayAnswer | null
  summary: ForwardSummary
  /** Settles with the send's outcome (already settled in pass-through mode). Never rejects. */
  done: Promise<ReplayOutcome>
}

/**
 * What the capture records of its forward, for its list row: in pass-through mode once the forward
 * has finished (the capture was stored `pending` before it was sent), recorded with the answer
 * sent; a background forward that could be started is `background` (its outcome goes to the
 * history), one that could not is `failed` or `refused-loop`.
 */
export async function captureForwardOf(result: ForwardResult, targetUrl: string): Promise<CaptureForward> {
  const { mode, reason } = result.summary
  const base = { mode, targetUrl }
  if (reason === FORWARD_LOOP_REASON) return { ...base, state: 'refused-loop', reason: await failureMessage(result) }
  if (mode === 'background')
    return reason === null ? { ...base, state: 'background', reason: null } : { ...base, state: 'failed', reason: await failureMessage(result) }
  if (result.relay !== null) return { ...base, state: 'relayed', reason: null }
  return { ...base, state: 'failed', reason: (await failureMessage(result)) ?? reason }
}

/**
 * What a capture is stored with of its background forward, before it is sent: on its way, or
 * `failed` / `refused-loop` when it will not go out.
 */
export function startedForwardOf(prepared: PreparedForward, targetUrl: string): Promise<CaptureForward> {
  if (prepared.notSent !== null) return captureForwardOf(prepared.notSent, targetUrl)
  return Promise.resolve({ mode: 'background', targetUrl, state: 'background', reason: null })
}

/**
 * What a background forward's capture records once the send settled: `sent` with the target's
 * status for any HTTP answer (a 5xx too: the row shows it), `failed` when no answer came (refused
 * connection, timeout, reset).
 */
export function settledBackgroundForward(started: CaptureForward, outcome: ReplayOutcome): CaptureForward {
  // Only the app's stop aborts a live forward: say so, rather than "cancelled" as if someone had.
  if (outcome.kind === 'failure' && outcome.failure.kind === 'aborted')
    return { ...started, state: 'failed', reason: 'the app stopped before the target answered' }
  if (outcome.kind === 'failure') return { ...started, state: 'failed', reason: outcome.failure.message }
  return { ...started, state: 'sent', reason: null, status: outcome.response.status }
}

/** The failure's message, when the (already settled) forward failed. */
async function failureMessage(result: ForwardResult): Promise<string | null> {
  const outcome = await result.done
  if (outcome.kind === 'failure') return outcome.failure.message
  return outcome.response.bodyTruncated ? `the target's answer was larger than the relay limit (${formatByteLimit(outcome.response.bodySize)} kept)` : null
}

/** `ForwardSummary.reason` when a forward was refused because it would loop. */
export const FORWARD_LOOP_REASON = 'forward-loop'

/** The request with the mark that stops a forwarded request from being forwarded again. */
function withForwardMark(request: ReplayRequest): ReplayRequest {
  const marked: ReplayRequest = { ...request, headers: [...request.headers, [FORWARDED_MARK_HEADER, '1']], forwardMarked: true }
  marked.differences = compareWithCapture(marked)
  return marked
}

export type ForwardTarget = string | Pick<ForwardConfig, 'targetUrl' | 'keepCapturedPath'>

/**
 * A forward ready to go out (its request built, marked and checked for loops), or one that will
 * not go out (`notSent`: a bad target URL, a loop), already settled. Cheap and synchronous, so the
 * capture can be stored with what its row shows of the forward before anything is sent.
 */
export type PreparedForward = { request: ReplayRequest; notSent: null } | { request: ReplayRequest | null; notSent: ForwardResult }

export function prepareForward(source: ReplaySource, target: ForwardTarget, options: Pick<ForwardOptions, 'mode' | 'ownReceiver' | 'now'>): PreparedForward {
  const { targetUrl, keepCapturedPath } = typeof target === 'string' ? { targetUrl: target, keepCapturedPath: false } : target
  const notSent = (request: ReplayRequest | null, url: string, message: string, reason: string): PreparedForward => {
    const outcome: ReplayOutcome = {
      kind: 'failure',
      url,
      failure: failure('invalid-request', message),
      redirects: [],
      timing: { startedAt: (options.now?.() ?? new Date()).toISOString(), durationMs: 0, connectMs: null, firstByteMs: null },
    }
    return { request, notSent: { request, relay: null, summary: { mode: options.mode, usedConfiguredAnswer: true, reason }, done: Promise.resolve(outcome) } }
  }
  let built: ReplayRequest
  try {
    built = buildReplayRequest(source, { targetUrl, keepCapturedPath })
  } catch (error: unknown) {
    return notSent(null, targetUrl, `cannot forward to ${targetUrl}: ${errorMessage(error)}`, 'invalid-request')
  }
  const loop = forwardLoopProblem(new URL(built.url), built.captured.headers, options.ownReceiver)
  if (loop !== null) return notSent(built, built.url, loop, FORWARD_LOOP_REASON)
  return { request: withForwardMark(built), notSent: null }
}

/**
 * Sends a prepared forward. Never throws: failures come back as the outcome and a `reason`.
 * Pass-through resolves once the target answered (or failed); background resolves at once, its
 * `done` settling with the send.
 */
export async function sendForward(prepared: PreparedForward, options: ForwardOptions): Promise<ForwardResult> {
  if (prepared.notSent !== null) return prepared.notSent
  const { request } = prepared
  const sending = sendReplay(request, {
    timeoutMs: options.timeoutMs ?? FORWARD_TIMEOUT_MS,
    maxResponseBytes: options.maxResponseBytes,
    signal: options.signal,
    now: options.now,
  })
  switch (options.mode) {
    case 'background':
      return { request, relay: null, summary: { mode: 'background', usedConfiguredAnswer: true, reason: null }, done: sending }
    case 'pass-through': {
      const outcome = await sending
      const summary: ForwardSummary = { mode: 'pass-through', usedConfiguredAnswer: true, reason: null }
      let relay: RelayAnswer | null = null
      if (outcome.kind === 'failure') summary.reason = outcome.failure.kind
      else if (outcome.response.bodyTruncated) summary.reason = 'too-large'
      else {
        relay = {
          status: outcome.response.status,
          headers: withoutHopByHop(outcome.response.headers).kept,
          body: Buffer.from(outcome.response.bodyBase64, 'base64'),
        }
        summary.usedConfiguredAnswer = false
      }
      return { request, relay, summary, done: Promise.resolve(outcome) }
    }
    default: {
      return assertNever(options.mode)
    }
  }
}

/** Forwards a capture: `prepareForward`, then `sendForward`. Never throws. */
export function forwardCapture(source: ReplaySource, target: ForwardTarget, options: ForwardOptions): Promise<ForwardResult> {
  return sendForward(prepareForward(source, target, options), options)
}
