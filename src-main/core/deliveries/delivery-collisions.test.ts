/**
 * Memory keeps a 32-bit hash of each delivery key, so two deliveries can share it. Their attempts
 * must still be counted, numbered and grouped apart: a hash match is only a candidate until its
 * key is known. The two bodies below were found by brute force: their body-hash keys
 * (`sha256:<hex>`, an unknown sender's delivery key) have the same FNV-1a hash.
 */
import { describe, expect } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import type { CaptureStore, NewCapture } from '../store/capture-store'
import { hashDeliveryKey } from '../store/capture-table'
import { logFileIo, type LogFileIo } from '../store/log-file-io'
import { createDeliveryProcedures } from './delivery-procedures'

const T0 = Date.parse('2026-12-06T08:00:00.000Z')

/** The real file system, counting the reads of the capture logs (records are read one `read` each). */
function countingReads(): { io: LogFileIo; reads: () => number } {
  let reads = 0
  const io: LogFileIo = {
    ...logFileIo,
    async open(path) {
      const handle = await logFileIo.open(path)
      const read = handle.read.bind(handle) as (...args: unknown[]) => unknown
      handle.read = ((...args: unknown[]) => {
        reads++
        return read(...args)
      }) as typeof handle.read
      return handle
    },
  }
  return { io, reads: () => reads }
}

const counted = countingReads()
const test = useCaptureStore({ now: () => new Date(T0), io: counted.io })

const PING_A = Buffer.from('{"ping":18251}')
const PING_B = Buffer.from('{"ping":52052}')

function proceduresOver(store: CaptureStore) {
  return createDeliveryProcedures({ store, resendsOf: async () => [], runStorage: (operation) => operation() })
}

/** Attempt `minute` of a ping: received `minute` minutes after T0, answered `status`. */
async function send(store: CaptureStore, body: Buffer, minute: number, status: number): Promise<string> {
  const capture = testCapture(body, { receivedAt: new Date(T0 + minute * 60_000).toISOString() })
  const response: NewCapture['response'] = { ...capture.response, status }
  return (await store.append({ ...capture, response }, body)).id
}

describe('two deliveries whose keys share a 32-bit hash', () => {
  test('are counted, numbered and grouped apart', async ({ openStore }) => {
    const store = await openStore()
    // A: three attempts answered 500; B: two, the second answered 200, between them.
    const a1 = await send(store, PING_A, 0, 500)
    const b1 = await send(store, PING_B, 1, 500)
    const a2 = await send(store, PING_A, 2, 500)
    const b2 = await send(store, PING_B, 3, 200)
    const a3 = await send(store, PING_A, 4, 500)
    const keyA = (await store.get(a1))!.deliveryKey
    const keyB = (await store.get(b1))!.deliveryKey
    expect(keyA).not.toBe(keyB)
    expect(hashDeliveryKey(keyA)).toBe(hashDeliveryKey(keyB))
    const procedures = proceduresOver(store)

    // A page of one attempt (the others are not read to list it) counts A's three, not five.
    const latestA = await procedures.getDelivery({ captureId: a3, limit: 1 })
    expect(latestA.totalAttempts).toBe(3)
    expect(latestA.timeline.map((row) => [row.captureId, row.attempt, row.sincePreviousMs])).toEqual([[a3, 3, 2 * 60_000]])
    const olderA = await procedures.getDelivery({ captureId: a3, cursor: latestA.nextCursor!, limit: 1 })
    expect(olderA.timeline.map((row) => [row.captureId, row.attempt])).toEqual([[a2, 2]])
    expect((await procedures.getDelivery({ captureId: b2 })).timeline.map((row) => [row.captureId, row.attempt, row.afterSuccess])).toEqual([
      [b1, 1, false],
      [b2, 2, false],
    ])

    // The grouped list: one row each, with its own count; A never answered 2xx.
    const grouped = await procedures.pageByDelivery({ endpointId: 'e1', limit: 10 }, (query) => store.page(query))
    expect(grouped.items.map((row) => [row.id, row.delivery?.attemptCount, row.delivery?.succeeded, row.delivery?.duplicateCount])).toEqual([
      [a3, 3, false, 0],
      [b2, 2, true, 0],
    ])
    expect(grouped.items[1]!.delivery!.firstReceivedAt).toBe((await store.get(b1))!.receivedAt)
  })
})

describe("confirming the keys of a delivery's attempts", () => {
  test('reads each attempt once: a later look-up reads only the attempts stored since', async ({ openStore }) => {
    const store = await openStore()
    const ids: string[] = []
    for (let minute = 0; minute < 40; minute++) ids.push(await send(store, PING_A, minute, 500))
    const ask = [{ deliveryKey: (await store.get(ids[0]!))!.deliveryKey, endpointId: 'e1' }]

    const before = counted.reads()
    const [first] = await store.deliveryAttemptFacts(ask)
    expect(first!.map((fact) => fact.id)).toEqual(ids)
    expect(counted.reads() - before).toBeGreaterThanOrEqual(40)

    const again = counted.reads()
    expect((await store.deliveryAttemptFacts(ask))[0]!.map((fact) => fact.id)).toEqual(ids)
    expect(counted.reads() - again).toBe(0)

    // A new attempt of A, and one of B under the same hash: each read once, B left out.
    const a41 = await send(store, PING_A, 41, 500)
    await send(store, PING_B, 42, 200)
    const third = counted.reads()
    expect((await store.deliveryAttemptFacts(ask))[0]!.map((fact) => fact.id)).toEqual([...ids, a41])
    expect(counted.reads() - third).toBe(2)
    const fourth = counted.reads()
    expect((await store.deliveryAttemptFacts(ask))[0]!.map((fact) => fact.id)).toEqual([...ids, a41])
    expect(counted.reads() - fourth).toBe(0)
  })
})

describe('attempts stored out of the order they arrived in (an import of earlier attempts)', () => {
  test('are numbered by arrival; the delivery is listed at the capture stored last, with its first and latest arrival', async ({ openStore }) => {
    const store = await openStore()
    // Received at 10:02 (answered 200), then an import of the attempts of 10:00 and 10:01 (answered 500).
    const live = await send(store, PING_A, 2, 200)
    const first = await send(store, PING_A, 0, 500)
    const second = await send(store, PING_A, 1, 500)
    const procedures = proceduresOver(store)

    const delivery = await procedures.getDelivery({ captureId: live })
    expect(delivery.timeline.map((row) => [row.captureId, row.attempt, row.sincePreviousMs, row.afterSuccess])).toEqual([
      [first, 1, null, false],
      [second, 2, 60_000, false],
      [live, 3, 60_000, false],
    ])
    expect(delivery.askedAttempt).toMatchObject({ captureId: live, attempt: 3 })
    // Paged one at a time, the same order.
    const pages = [await procedures.getDelivery({ captureId: first, limit: 1 })]
    while (pages.at(-1)!.nextCursor !== null) pages.push(await procedures.getDelivery({ captureId: first, limit: 1, cursor: pages.at(-1)!.nextCursor! }))
    expect(pages.map((page) => page.timeline[0]!.captureId)).toEqual([live, second, first])

    const grouped = await procedures.pageByDelivery({ endpointId: 'e1', limit: 10 }, (query) => store.page(query))
    expect(grouped.items.map((row) => [row.id, row.delivery?.attemptCount, row.delivery?.succeeded, row.delivery?.duplicateCount])).toEqual([
      [second, 3, true, 0],
    ])
    expect(grouped.items[0]!.delivery).toMatchObject({
      firstReceivedAt: new Date(T0).toISOString(),
      latestReceivedAt: new Date(T0 + 2 * 60_000).toISOString(),
    })
  })
})
