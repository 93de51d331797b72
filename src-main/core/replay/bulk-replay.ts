/**
 * Bulk replay: many requests, oldest capture first, with a concurrency limit and an optional rate,
 * progress after every state change, and cancel. Cancelling aborts the requests in flight (they end
 * as `cancelled`) and marks every request not yet started as `cancelled` without sending it.
 */
import { performance } from 'node:perf_hooks'
import type { BulkItemResult, BulkProgress, BulkReplayResult, ReplayOutcome } from '../../shared/replay'
import { sendReplay, type OutgoingRequest, type SendOptions } from './http-client'

export interface BulkReplayItem {
  captureId: string
  /** The capture's arrival number: replays go out in ascending `seq`. */
  seq: number
  request: OutgoingRequest
}

export interface BulkReplayOptions {
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
export async function runBulkReplay(items: readonly BulkReplayItem[], options: BulkReplayOptions = {}): Promise<BulkReplayResult> {
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
  const spacingMs = options.ratePerSecond && options.ratePerSecond > 0 ? 1000 / options.ratePerSecond : 0
  let nextStartMs = performance.now()
  let nextIndex = 0
  let inFlight = 0

  const emit = (item: BulkItemResult): void => {
    if (!options.onProgress) return
    let sent = 0
    let failed = 0
    let cancelled = 0
    for (const result of results) {
      if (result.status === 'sent') sent++
      else if (result.status === 'failed') failed++
      else if (result.status === 'cancelled') cancelled++
    }
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
      const item = ordered[index] as BulkReplayItem
      const result = results[index] as BulkItemResult
      result.status = 'sending'
      inFlight++
      emit(result)
      const outcome = await sender(item.request, { ...options.send, signal: controller.signal })
      inFlight--
      result.outcome = outcome
      result.status = outcome.kind === 'response' ? 'sent' : outcome.failure.kind === 'aborted' ? 'cancelled' : 'failed'
      emit(result)
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
