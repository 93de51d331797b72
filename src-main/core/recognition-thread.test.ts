/**
 * The recognition thread with the built worker (`npm run build` makes `out/main/recognition-worker.js`,
 * as `npm test` does before the unit tests): the same recognitions as on the event loop, in order,
 * and none lost when the thread fails.
 */
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { silentLogger, type Logger } from './logger'
import { DEFAULT_PROVIDER_SETTINGS, recognizeDelivery, type RecognitionJob } from './recognition'
import { createRecognitionThread, MAX_THREAD_FAILURES, type RecognitionThread } from './recognition-thread'
import { keysForVector, loadVectors, PROVIDER_BY_FILE, vectorFiles } from '../test-support/vectors'
import { makeTempDir } from '../test-support/temp-dir'
import { waitFor } from '../test-support/wait-for'

const WORKER_ENTRY = resolve(import.meta.dirname, '../../out/main/recognition-worker.js')

/** A delivery no provider signs, with `body`. */
function unsignedJob(body: Buffer): RecognitionJob {
  const headers: Array<[string, string]> = [['Content-Type', 'application/json']]
  return { delivery: { method: 'POST', target: '/default/cb', headers, body, receivedAt: new Date() }, settings: DEFAULT_PROVIDER_SETTINGS, keys: [] }
}

/**
 * Every shared provider vector, as the receiver would hand it over (with its provider's keys, as of
 * its signing time), then bodies of other shapes: empty, not UTF-8, and JSON of no known sender.
 */
function vectorJobs(): RecognitionJob[] {
  const others = [Buffer.alloc(0), Buffer.from([0x7b, 0xff, 0xfe, 0x00]), Buffer.from('{"result":"OK","uuid":"u-1","amount":100.50}')].map(unsignedJob)
  const vectors = vectorFiles().flatMap((file) =>
    loadVectors(file).map((vector): RecognitionJob => ({
      delivery: {
        method: vector.method,
        target: vector.path,
        headers: Object.entries(vector.headers),
        body: Buffer.from(vector.body),
        receivedAt: new Date((vector.params?.verifyAt ?? Date.now() / 1000) * 1000),
      },
      settings: DEFAULT_PROVIDER_SETTINGS,
      keys: keysForVector(vector, PROVIDER_BY_FILE[file] ?? 'stripe'),
    })),
  )
  return [...vectors, ...others]
}

/** A worker entry that dies at its first message, as a thread that crashed would. */
function crashingEntry(dir: string): string {
  const file = join(dir, 'crashing-worker.mjs')
  writeFileSync(file, `import { parentPort } from 'node:worker_threads'\nparentPort.on('message', () => process.exit(7))\n`)
  return file
}

describe('the recognition thread', () => {
  const threads: RecognitionThread[] = []
  const removals: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const thread of threads.splice(0)) await thread.close()
    for (const remove of removals.splice(0)) await remove()
  })
  function thread(entry: string | null, options: { idleStopMs?: number; logger?: Logger } = {}): RecognitionThread {
    const created = createRecognitionThread({ entry, logger: options.logger ?? silentLogger, ...options })
    threads.push(created)
    return created
  }

  it('recognises every provider vector as the event loop does, in one batch and in order', async () => {
    const jobs = vectorJobs()
    expect(jobs.length).toBeGreaterThan(30)
    const recognizing = thread(WORKER_ENTRY)
    const recognitions = await Promise.all(jobs.map((job) => recognizing.recognize(job)))
    expect(recognitions).toEqual(jobs.map((job) => recognizeDelivery(job)))
    // The verdicts are real ones: valid and invalid vectors both came back as such.
    const statuses = new Set(recognitions.map((recognition) => recognition.verdict.status))
    expect(statuses).toContain('valid')
    expect(statuses).toContain('invalid')
  })

  it('keeps the order across batches, and leaves the capture its body', async () => {
    const recognizing = thread(WORKER_ENTRY)
    const jobs = vectorJobs().slice(0, 30)
    const bodiesSent = jobs.map((job) => Buffer.from(job.delivery.body))
    const results: Promise<unknown>[] = []
    // Three turns of the event loop: three messages to the thread.
    for (let turn = 0; turn < 3; turn++) {
      results.push(...jobs.slice(turn * 10, turn * 10 + 10).map((job) => recognizing.recognize(job)))
      await new Promise((resolveTurn) => setImmediate(resolveTurn))
    }
    expect(await Promise.all(results)).toEqual(jobs.map((job) => recognizeDelivery(job)))
    expect(recognizing.running).toBe(true)
    // Copied, not moved: the bodies the captures store are still whole.
    expect(jobs.map((job) => job.delivery.body)).toEqual(bodiesSent)
  })

  it('recognises inline what a failed thread held, and stays inline after repeated failures', async () => {
    const errors: string[] = []
    const logger: Logger = { ...silentLogger, error: (message) => errors.push(message) }
    const { dir, remove } = await makeTempDir()
    removals.push(remove)
    const recognizing = thread(crashingEntry(dir), { logger })
    const jobs = vectorJobs().slice(0, 5)
    for (let failure = 0; failure < MAX_THREAD_FAILURES; failure++) {
      expect(await Promise.all(jobs.map((job) => recognizing.recognize(job)))).toEqual(jobs.map((job) => recognizeDelivery(job)))
    }
    expect(errors).toHaveLength(MAX_THREAD_FAILURES)
    expect(recognizing.running).toBe(false)
    // No thread is started again: the next recognitions run inline at once.
    expect(await recognizing.recognize(jobs[0] as RecognitionJob)).toEqual(recognizeDelivery(jobs[0] as RecognitionJob))
    expect(recognizing.running).toBe(false)
    expect(errors).toHaveLength(MAX_THREAD_FAILURES)
  })

  it('recognises inline without a built entry', async () => {
    const recognizing = thread(null)
    const [job] = vectorJobs()
    expect(await recognizing.recognize(job as RecognitionJob)).toEqual(recognizeDelivery(job as RecognitionJob))
    expect(recognizing.running).toBe(false)
  })

  it('starts when warmed up, stops when idle, starts again for the next delivery, and closes only once what it holds is recognised', async () => {
    const recognizing = thread(WORKER_ENTRY, { idleStopMs: 50 })
    recognizing.warmUp()
    expect(recognizing.running).toBe(true)
    await waitFor(() => !recognizing.running)
    const [job] = vectorJobs() as [RecognitionJob]
    await recognizing.recognize(job)
    expect(recognizing.running).toBe(true)
    await waitFor(() => !recognizing.running)
    const pending = recognizing.recognize(job)
    let done = false
    void pending.then(() => (done = true))
    await recognizing.close()
    expect(done).toBe(true)
    expect(recognizing.running).toBe(false)
  })
})
