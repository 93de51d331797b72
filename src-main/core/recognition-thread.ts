/**
 * The receiver's recognitions, off the event loop. Recognising a delivery (parsing its body,
 * trying every provider's rules, checking its signature) is the largest share of a capture's time
 * on the event loop after HTTP itself, and it grows with the body: a 10 MiB JSON body takes tens
 * of milliseconds to parse, during which no other capture is answered and the API is silent. So
 * they run in a worker thread (the built `recognition-worker.js`): the deliveries received in one
 * turn of the event loop go to it in one message, and their recognitions come back in one message,
 * in the order sent. The event loop meanwhile parses and answers other requests.
 *
 * Nothing waits on the thread's health: without a built entry (unit tests run the TypeScript
 * sources) recognition runs inline; when the thread fails (it exits or cannot start), the
 * deliveries it held are recognised inline and the next ones go to a new thread, and after
 * `MAX_THREAD_FAILURES` failures in a row every recognition runs inline. Both run recognition.ts
 * `recognizeDelivery`, so the verdicts are the same wherever they ran.
 *
 * The app starts the thread as its receiver starts (`warmUp`), so the first callbacks do not wait
 * for it, and it stops after `IDLE_STOP_MS` without a delivery: its heap (a few MiB) is the app's
 * while it runs.
 */
import { Worker } from 'node:worker_threads'
import { errorMessage } from '../shared/errors'
import type { CaptureRecognition } from '../shared/views'
import { fingerprintKeyCopy } from './keys/fingerprint-key'
import type { Logger } from './logger'
import { recognizeDelivery, type RecognitionJob } from './recognition'

/** Failures in a row after which recognition stays inline (a thread that cannot start would otherwise be retried at every turn). */
export const MAX_THREAD_FAILURES = 3
/** The thread's young generation (V8's `maxYoungGenerationSizeMb`). */
export const THREAD_YOUNG_GENERATION_MB = 4
/** Messages the thread holds at once; the deliveries received meanwhile wait for the next one. */
export const MAX_BATCHES_IN_FLIGHT = 1
/**
 * Without a delivery for this long, the thread stops; the next one starts it again, and waits for
 * it (about 0.1 s on a busy machine: the thread loads the providers' code).
 */
export const IDLE_STOP_MS = 10 * 60_000

/** To the thread: the jobs of one turn; each `delivery.body` is a copy it owns (a Buffer arrives as a plain Uint8Array). */
export interface RecognitionBatch {
  batch: number
  jobs: Array<Omit<RecognitionJob, 'delivery'> & { delivery: Omit<RecognitionJob['delivery'], 'body'> & { body: Uint8Array } }>
}

/** What the thread is started with. */
export interface RecognitionWorkerData {
  fingerprintKey: Uint8Array
}

/** From the thread: one result per job, in the batch's order. */
export interface RecognitionReply {
  batch: number
  results: Array<{ recognition: CaptureRecognition } | { error: string }>
}

export interface RecognitionThread {
  /** The recognition of a delivery just received; rejects only where recognising it inline throws too. */
  recognize(job: RecognitionJob): Promise<CaptureRecognition>
  /** Starts the thread now rather than with the first delivery (nothing without a built entry). */
  warmUp(): void
  /** Once every recognition asked for has settled, stops the thread. */
  close(): Promise<void>
  /** Whether the thread is running (tests). */
  readonly running: boolean
}

export interface RecognitionThreadOptions {
  /** The built worker entry; `null` recognises inline. */
  entry: string | null
  logger: Logger
  idleStopMs?: number
}

interface Waiting {
  job: RecognitionJob
  resolve(recognition: CaptureRecognition): void
  reject(error: unknown): void
}

export function createRecognitionThread(options: RecognitionThreadOptions): RecognitionThread {
  const idleStopMs = options.idleStopMs ?? IDLE_STOP_MS
  let worker: Worker | null = null
  let failures = 0
  let inlineOnly = options.entry === null
  let queued: Waiting[] = []
  let flushScheduled = false
  /** Batches the thread holds, by number; a Map keeps them in the order sent. */
  const sent = new Map<number, Waiting[]>()
  let nextBatch = 1
  let idleTimer: NodeJS.Timeout | undefined
  let settled: (() => void) | null = null

  function recognizeInline(waiting: Waiting): void {
    try {
      waiting.resolve(recognizeDelivery(waiting.job))
    } catch (error: unknown) {
      waiting.reject(error)
    }
  }

  function start(entry: string): Worker {
    // Verdicts name keys by fingerprint: the thread fingerprints with the installation's key, as this one does.
    const started = new Worker(entry, {
      workerData: { fingerprintKey: fingerprintKeyCopy() } satisfies RecognitionWorkerData,
      // What it allocates lives for one delivery: a small young generation is collected often and
      // cheaply. V8's default grows it to tens of MiB under load (the app's RSS after 10,000
      // captures was 161 instead of 136 MiB with it).
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    })
    // A thread never keeps the app running: stopping closes it, and a crash takes it along.
    started.unref()
    started.on('message', (reply: RecognitionReply) => received(reply))
    started.on('error', (error: Error) => failed(started, error))
    started.on('exit', (code) => {
      if (worker === started) failed(started, new Error(`the recognition thread exited with code ${code}`))
    })
    return started
  }

  function received(reply: RecognitionReply): void {
    const batch = sent.get(reply.batch)
    if (!batch) return
    sent.delete(reply.batch)
    failures = 0
    batch.forEach((waiting, index) => {
      const result = reply.results[index]
      if (result && 'recognition' in result) waiting.resolve(result.recognition)
      // The thread could not recognise it: inline, the same code says why (or rejects the same way).
      else recognizeInline(waiting)
    })
    flush()
    whenIdle()
  }

  /** The thread failed: what it held is recognised here, and the next turn starts another (or, after too many failures, none). */
  function failed(thread: Worker, error: Error): void {
    if (worker !== thread) return
    worker = null
    failures++
    if (failures >= MAX_THREAD_FAILURES) inlineOnly = true
    options.logger.error('the recognition thread failed; recognising on the main thread', {
      error: errorMessage(error),
      ...(inlineOnly ? { from: 'now on' } : {}),
    })
    void thread.terminate()
    const held = [...sent.values()].flat()
    sent.clear()
    for (const waiting of held) recognizeInline(waiting)
    flush()
    whenIdle()
  }

  function flush(): void {
    flushScheduled = false
    if (queued.length === 0) return
    if (inlineOnly || options.entry === null) {
      const batch = queued
      queued = []
      for (const waiting of batch) recognizeInline(waiting)
      whenIdle()
      return
    }
    // One message at a time: while the thread works, the deliveries of the next turns gather into
    // the next one. A message costs the event loop more than a delivery in it does, so under load
    // the messages grow instead of multiplying.
    if (sent.size >= MAX_BATCHES_IN_FLIGHT) return
    const batch = queued
    queued = []
    worker ??= start(options.entry)
    const number = nextBatch++
    sent.set(number, batch)
    // Each body is copied into a buffer of its own and moved: a received body may share its
    // memory with others (Node's buffer pool), and the capture keeps the original.
    const bodies: ArrayBuffer[] = []
    const jobs: RecognitionBatch['jobs'] = batch.map(({ job }) => {
      const body = new Uint8Array(job.delivery.body)
      bodies.push(body.buffer)
      return { ...job, delivery: { ...job.delivery, body } }
    })
    try {
      worker.postMessage({ batch: number, jobs } satisfies RecognitionBatch, bodies)
    } catch (error: unknown) {
      failed(worker, error instanceof Error ? error : new Error(String(error)))
    }
  }

  /** Stops an idle thread later, and lets a waiting `close` go on once nothing is held. */
  function whenIdle(): void {
    if (sent.size > 0 || queued.length > 0) return
    settled?.()
    settled = null
    clearTimeout(idleTimer)
    if (worker === null) return
    idleTimer = setTimeout(stop, idleStopMs)
    idleTimer.unref()
  }

  function stop(): void {
    const stopping = worker
    worker = null
    void stopping?.terminate()
  }

  return {
    recognize(job) {
      clearTimeout(idleTimer)
      return new Promise<CaptureRecognition>((resolve, reject) => {
        queued.push({ job, resolve, reject })
        // Deliveries parsed in the same turn of the event loop share one message.
        if (!flushScheduled) {
          flushScheduled = true
          setImmediate(flush)
        }
      })
    },
    warmUp() {
      if (inlineOnly || options.entry === null || worker !== null) return
      worker = start(options.entry)
      whenIdle()
    },
    async close() {
      if (sent.size > 0 || queued.length > 0) await new Promise<void>((resolve) => (settled = resolve))
      clearTimeout(idleTimer)
      stop()
    },
    get running() {
      return worker !== null
    },
  }
}
