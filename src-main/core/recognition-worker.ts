/**
 * The recognition thread (see recognition-thread.ts): built as its own entry
 * (`out/main/recognition-worker.js`) and started as a worker thread by the app. It recognises each
 * batch of deliveries it is sent with recognition.ts `recognizeDelivery`, exactly as the event
 * loop would (with the installation's fingerprint key, so verdicts name keys alike), and answers
 * with their recognitions in the same order.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { errorMessage } from '../shared/errors'
import { recognizeDelivery } from './recognition'
import type { RecognitionBatch, RecognitionReply, RecognitionWorkerData } from './recognition-thread'
import { useFingerprintKey } from './keys/fingerprint-key'

useFingerprintKey((workerData as RecognitionWorkerData).fingerprintKey)

parentPort?.on('message', ({ batch, jobs }: RecognitionBatch) => {
  const results = jobs.map((job): RecognitionReply['results'][number] => {
    try {
      // A body arrives as a plain Uint8Array: the providers read it as the Buffer it was sent as.
      const { body } = job.delivery
      return { recognition: recognizeDelivery({ ...job, delivery: { ...job.delivery, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength) } }) }
    } catch (error: unknown) {
      return { error: errorMessage(error) }
    }
  })
  parentPort?.postMessage({ batch, results } satisfies RecognitionReply)
})
