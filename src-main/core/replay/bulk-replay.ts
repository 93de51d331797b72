/**
 * Bulk replay: many requests, oldest capture first, with a concurrency limit and an optional rate,
 * progress after every state change, and cancel. Cancelling aborts the requests in flight (they end
 * as `cancelled`) and marks every request not yet started as `cancelled` without sending it.
 *
 * Each request is built just before it is sent and handed to `onSettled` as soon as it is done,
 * so a run over the tens of thousands of captures a filter can match holds only the requests in
 * flight (bodies included), not all of them.
 */
import { setMaxListeners } from 'node:events'
import { performance } from 'node:perf_hooks'
import type { BulkItemResult, BulkProgress, BulkReplayResult, ReplayOutcome } from '../../shared/replay'
import { failure } from './failure'
import { sendReplay, type OutgoingRequest, type SendOptions } from './http-client'
import { errorMessage } from '../../shared/errors'
import { withAnswerBodyKept } from './replay-record'

export interface BulkReplayItem<P extends { request: OutgoingRequest } = { request: OutgoingRequest }> {
  captureId: string
  /** The capture's arrival number: replays go out in ascending `seq`. */
  seq: number
  /** Builds the request (reading the body) when its turn comes; a rejection fails this item only. */
  prepare(): Promise<P>
}

export interface BulkReplayOptions<P extends { request: OutgoingRequest } = { request: OutgoingRequest }> {
  /**
   * Called once per item that was started, when it is done (sent, failed, or cancelled in flight),
   * with what `prepare` built (`null` when it failed); awaited before the worker takes the next item.
   */
  onSettled?: (item: BulkItemResult, prepared: P | null) => Promise<void> | void
  /** Requests in flight at once; 1 keeps strict capture order. */
  concurrency?: number
  /** Requests started per second at most (spaced evenly). */
  ratePerSecond?: number
  signal?: AbortSignal
  onProgress?: (progress: BulkProgress) => void
  /** Per-request options; the signal is the bulk run's own. */
  send?: Omit<SendOptions, 'signal'>
  /** The sender (tests can count calls); `sendReplay` by default. */
  sender?: (request: OutgoingRequest, options: SendOptions) => Promise<ReplayOutcome>
  now?: () => Date
}

export const BULK_DEFAULT_CONCURRENCY = 1

/**
 * Answer body bytes an item's result keeps: a job holds every item's result for an hour and
 * `getBulkReplay` returns them all (10,000 answers of 1 MiB would be 10 GB). The whole record, with
 * the first 64 KB of the answer, is in the capture's history (`onSettled` gets the outcome as read).
 */
export const BULK_RESULT_ANSWER_BYTES = 4 * 1024

/** Waits `ms`, or less when the signal aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}

/** Replays the items in capture order and resolves when every one is sent, failed or cancelled. Never rejects. */
export async function runBulkReplay<P extends { request: OutgoingRequest }>(
  items: ReadonlyArray<BulkReplayItem<P>>,
  options: BulkReplayOptions<P> = {},
): Promise<BulkReplayResult> {
  const startedAt = (options.now?.() ?? new Date()).toISOString()
  const startedMs = performance.now()
  const ordered = [...items].sort((a, b) => a.seq - b.seq)
  const results: BulkItemResult[] = ordered.map((item) => ({ captureId: item.captureId, seq: item.seq, status: 'pending', outcome: null }))
  const controller = new AbortController()
  const cancel = (): void => controller.abort()
  if (options.signal?.aborted) cancel()
  else options.signal?.addEventListener('abort', cancel, { once: true })
  const sender = options.sender ?? sendReplay
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? BULK_DEFAULT_CONCURRENCY))
  // Every send in flight listens for the cancel, and a pause between sends too: past Node's
  // default of 10 (a concurrency of 32) it printed a MaxListenersExceededWarning, a leak it is not.
  setMaxListeners(concurrency + 2, controller.signal)
  const spacingMs = options.ratePerSecond && options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0
  let nextStartMs = performance.now()
  let nextIndex = 0
  let inFlight = 0
  // Kept as items change state: counting the results on every change is quadratic over a long run.
  const counts = { sent: 0, failed: 0, cancelled: 0 }

  const emit = (item: BulkItemResult): void => {
    if (item.status === 'sent' || item.status === 'failed' || item.status === 'cancelled') counts[item.status]++
    if (!options.onProgress) return
    const { sent, failed, cancelled } = counts
    try {
      options.onProgress({ total: results.length, done: sent + failed + cancelled, sent, failed, cancelled, inFlight, item: { ...item } })
    } catch (error: unknown) {
      // A broken progress listener must not stop the run; the results still come back.
      void error
    }
  }

  const worker = async (): Promise<void> => {
    while (nextIndex < ordered.length && !controller.signal.aborted) {
      const index = nextIndex++
      if (spacingMs > 0) {
        const now = performance.now()
        const startAt = Math.max(now, nextStartMs)
        nextStartMs = startAt + spacingMs
        await pause(startAt - now, controller.signal)
        if (controller.signal.aborted) break
      }
      const item = ordered[index] as BulkReplayItem<P>
      const result = results[index] as BulkItemResult
      result.status = 'sending'
      inFlight++
      emit(result)
      let prepared: P | null = null
      let outcome: ReplayOutcome
      try {
        prepared = await item.prepare()
        outcome = await sender(prepared.request, { ...options.send, signal: controller.signal })
      } catch (error: unknown) {
        outcome = unpreparedOutcome(error, options.now?.() ?? new Date())
      }
      inFlight--
      result.outcome = withAnswerBodyKept(outcome, BULK_RESULT_ANSWER_BYTES)
      result.status = outcome.kind === 'response' ? 'sent' : outcome.failure.kind === 'aborted' ? 'cancelled' : 'failed'
      emit(result)
      try {
        await options.onSettled?.({ ...result, outcome }, prepared)
      } catch {
        // Recording is the caller's business; it must not stop the run.
      }
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, ordered.length) }, () => worker()))
  options.signal?.removeEventListener('abort', cancel)
  for (const result of results) {
    if (result.status !== 'pending') continue
    result.status = 'cancelled'
    emit(result)
  }
  return { results, cancelled: controller.signal.aborted, startedAt, durationMs: Math.round(performance.now() - startedMs) }
}

/** The outcome of an item whose request could not be built (the capture was deleted meanwhile, say). */
function unpreparedOutcome(error: unknown, now: Date): ReplayOutcome {
  return {
    kind: 'failure',
    url: '',
    failure: failure('invalid-request', `the request could not be built: ${errorMessage(error)}`),
    redirects: [],
    timing: { startedAt: now.toISOString(), durationMs: 0, connectMs: null, firstByteMs: null },
  }
}
