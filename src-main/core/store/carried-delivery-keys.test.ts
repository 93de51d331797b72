/**
 * A delivery key read again from an old capture's body and carried forward (carried-delivery-keys.ts)
 * is not a recognition recomputed after arrival: a search decides such a capture from its sidecar,
 * as any other, without reading its record from the log or its segment's index document. Stores
 * an earlier version wrote, where the carried key sits with the recomputed recognitions, are sorted
 * out in the background after start-up.
 */
import { existsSync } from 'node:fs'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { CaptureRecognition } from '../../shared/views'
import { deliveryKeyFrom } from '../deliveries/delivery-key'
import { analyzeDelivery } from '../providers'
import { toRecognition } from '../recognition'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { waitFor } from '../../test-support/wait-for'
import type { CaptureStore } from './capture-store'
import type { SearchReadCounts } from './store-search'

const HEADERS: HeaderPairs = [
  ['Content-Type', 'application/json'],
  ['X-Signature', Buffer.alloc(256, 7).toString('base64')],
]
const T0 = Date.parse('2026-12-07T08:00:00.000Z')
const failure = (updatedOn: string): Buffer =>
  Buffer.from(`{"id":"p-1","type":"purchase","event_type":"purchase.payment_failure","status":"error","updated_on":${updatedOn}}`)

function recognitionToday(body: Buffer): CaptureRecognition {
  return toRecognition(analyzeDelivery({ method: 'POST', target: '/in', headers: HEADERS, body }, { now: new Date(T0), keys: [] }))
}

/** What a version before kept `updated_on` stored: the recognition without `revision`. */
function recognitionStored(body: Buffer): CaptureRecognition {
  const { revision: _notKept, ...summary } = recognitionToday(body).summary
  return { ...recognitionToday(body), summary }
}

const UPDATES = ['1700000000', '1700000000', '1700000090']

const test = useCaptureStore({ now: () => new Date(T0) })

/** Stores three CHIP captures as a version before `updated_on` was kept did, and lists them (their keys are carried then). */
async function storeOldChipCaptures(store: CaptureStore): Promise<string[]> {
  const ids: string[] = []
  for (const [position, updatedOn] of UPDATES.entries()) {
    const body = failure(updatedOn)
    const capture = testCapture(body, { headers: HEADERS, recognition: recognitionStored(body), receivedAt: new Date(T0 + position * 1000).toISOString() })
    ids.push((await store.append(capture, body, deliveryKeyFrom({ ...capture, bodySha256: capture.body.sha256 }))).id)
  }
  await store.page({ limit: 10 })
  return ids
}

/** A search once the segment's sidecar is built, with what it read counted from zero. */
async function searchWithSidecar(store: CaptureStore, capturesDir: string, reads: SearchReadCounts): Promise<number> {
  // The first search asks for the sidecars (built in the background, inline in tests).
  await store.countMatching(undefined, { query: 'payment_failure' })
  await waitFor(() => (existsSync(join(capturesDir, 'search', '000001.search')) ? true : undefined))
  reads.framesRead = 0
  reads.recognitionSegments = 0
  return store.countMatching(undefined, { query: 'payment_failure' })
}

test('a search reads no record of a capture whose key was carried, nor its index document', async ({ openStore, capturesDir }) => {
  const reads: SearchReadCounts = { framesRead: 0, recognitionSegments: 0, sidecarsHashed: 0, idle: 0 }
  const store = await openStore()
  await storeOldChipCaptures(store)
  // Closing waits for the carried keys to be written.
  await store.close()
  const reopened = await openStore({ searchReads: reads })
  expect(await searchWithSidecar(reopened, capturesDir, reads)).toBe(3)
  expect(reads).toMatchObject({ framesRead: 0, recognitionSegments: 0 })
  // The keys and the summaries their bodies gave are still what the list shows, without a body read.
  const page = await reopened.page({ limit: 10 })
  expect(page.items.map((item) => item.recognition)).toEqual([...UPDATES].reverse().map((updatedOn) => recognitionToday(failure(updatedOn))))
})

test('a store whose index kept carried keys as recomputed recognitions (version 3) is sorted out after start-up', async ({ openStore, capturesDir }) => {
  const reads: SearchReadCounts = { framesRead: 0, recognitionSegments: 0, sidecarsHashed: 0, idle: 0 }
  const store = await openStore()
  const ids = await storeOldChipCaptures(store)
  const recomputed = await store.load(ids[0] as string)
  // A recognition recomputed after arrival (new keys) stays one: a search reads it as before.
  const keyChanged: CaptureRecognition = { ...recomputed.recognition!, verdict: { status: 'valid', reason: null, message: 'signature valid' } }
  await store.updateRecognitions([{ id: ids[0] as string, recognition: keyChanged }])
  await store.close()
  // As the version before wrote it: the carried recognitions in `recognition`, no snapshot.
  const indexFile = join(capturesDir, '000001.json')
  const document = JSON.parse(await readFile(indexFile, 'utf8')) as { schemaVersion: number; tableSnapshot?: string; captures: Array<Record<string, unknown>> }
  document.schemaVersion = 3
  delete document.tableSnapshot
  for (const entry of document.captures) {
    if (entry.carriedRecognition === undefined) continue
    entry.recognition = entry.carriedRecognition
    delete entry.carriedRecognition
  }
  expect(document.captures.filter((entry) => entry.recognition !== undefined)).toHaveLength(3)
  await writeFile(indexFile, JSON.stringify(document))
  for (const name of await readdir(capturesDir)) if (name.endsWith('.table')) await rm(join(capturesDir, name))

  const reopened = await openStore({ searchReads: reads })
  // Start-up reads no record for it: the index is rewritten in the background, as version 4.
  await waitFor(async () => ((JSON.parse(await readFile(indexFile, 'utf8')) as { schemaVersion: number }).schemaVersion === 4 ? true : undefined))
  const rewritten = JSON.parse(await readFile(indexFile, 'utf8')) as { captures: Array<Record<string, unknown>> }
  expect(rewritten.captures.map((entry) => [entry.recognition !== undefined, entry.carriedRecognition !== undefined])).toEqual([
    [true, false],
    [false, true],
    [false, true],
  ])
  expect(await searchWithSidecar(reopened, capturesDir, reads)).toBe(3)
  // Only the capture recognised again is read, with its segment's recomputed recognitions.
  expect(reads).toMatchObject({ framesRead: 1, recognitionSegments: 1 })
  const page = await reopened.page({ limit: 10 })
  expect(page.items.map((item) => item.recognition)).toEqual([recognitionToday(failure('1700000090')), recognitionToday(failure('1700000000')), keyChanged])
})
