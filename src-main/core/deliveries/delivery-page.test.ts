/**
 * getDelivery and the grouped list over the real store: a delivery of hundreds of attempts is
 * answered page by page, reading the records of the page (and of the first 2xx and the first
 * recognised attempt), not of every attempt; what it answers is what the whole delivery read at
 * once gives. (The reads counted are the procedures'; the store itself reads each attempt once per
 * run to confirm its delivery key, see delivery-collisions.test.ts.)
 */
import { describe, expect } from 'vitest'
import type { CaptureFilter } from '../../shared/capture-filter'
import type { CaptureRecognition, CaptureSummary, DeliveryView } from '../../shared/views'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import type { CaptureStore, NewCapture } from '../store/capture-store'
import { createDeliveryProcedures, MAX_GROUPED_SCAN, type DeliveryProcedureDeps, type OldestFirstPageOf } from './delivery-procedures'
import { answeredWith2xx, buildDeliveryPage, buildDeliveryView, MAX_TIMELINE_ATTEMPTS, scheduleOf } from './delivery-timeline'

const T0 = Date.parse('2026-12-06T08:00:00.000Z')
const test = useCaptureStore({ now: () => new Date(T0) })

/**
 * The store as the procedures use it, counting every record read through its API, every search of
 * memory for deliveries, and the attempt facts those searches handed back.
 */
function countingReads(store: CaptureStore): { deps: DeliveryProcedureDeps; reads: () => number; memoryPasses: () => number; factsGiven: () => number } {
  let reads = 0
  let memoryPasses = 0
  let factsGiven = 0
  const counted =
    <A extends unknown[], R>(read: (...args: A) => R) =>
    (...args: A): R => {
      reads++
      return read(...args)
    }
  return {
    deps: {
      store: {
        has: (id) => store.has(id),
        get: counted((id: string) => store.get(id)),
        load: counted((id: string) => store.load(id)),
        readBody: counted((id: string) => store.readBody(id)),
        deliveryAttemptFacts: async (deliveries) => {
          memoryPasses++
          const facts = await store.deliveryAttemptFacts(deliveries)
          factsGiven += facts.reduce((sum, each) => sum + each.length, 0)
          return facts
        },
        matchingSeqs: (endpointId, filter, among) => store.matchingSeqs(endpointId, filter, among),
        revision: () => store.revision(),
        deliveryHashesChangedSince: (revision) => store.deliveryHashesChangedSince(revision),
      },
      resendsOf: async () => [],
      runStorage: (operation) => operation(),
    },
    reads: () => reads,
    memoryPasses: () => memoryPasses,
    factsGiven: () => factsGiven,
  }
}

/** A CHIP Collect purchase callback (a published schedule: expected times for every attempt). */
const chipPaid: CaptureRecognition = {
  provider: { id: 'chip', name: 'CHIP', variant: 'collect' },
  verdict: { status: 'valid', reason: null, message: '' },
  // `revision` kept (null: no updated_on), as this version stores it: a record without it is read again from its body.
  summary: {
    eventType: 'purchase.paid',
    status: 'paid',
    objectId: 'p-1',
    revision: null,
    reference: null,
    amount: null,
    paymentMethod: null,
    signalOnly: false,
  },
}

/** The connection closed without an answer. */
const CLOSED: NewCapture['response'] = { kind: 'close', status: null, headers: [], bodyBase64: '', delayMs: 0, chosenBy: { kind: 'default' } }

/** Attempt `index` of the delivery: answered `status`, `kind` as given, a minute and a second after the one before. */
function attempt(index: number, status: number, fields: Partial<NewCapture> = {}): [NewCapture, Buffer] {
  const body = Buffer.from(`{"id":"p-1","n":${index}}`)
  const base = testCapture(body)
  return [
    testCapture(body, {
      receivedAt: new Date(T0 + index * 61_000).toISOString(),
      recognition: chipPaid,
      response: { ...base.response, status },
      ...fields,
    }),
    body,
  ]
}

/** What the delivery's attempts on endpoint e1 give when every record is read (the way it was done before paging). */
async function everyAttemptOf(store: CaptureStore, deliveryKey: string): Promise<CaptureSummary[]> {
  return (await store.deliveryAttempts(deliveryKey)).filter((each) => each.endpointId === 'e1')
}

describe('getDelivery on a delivery of hundreds of attempts', () => {
  test('reads only the page it lists, and answers what reading every attempt answers', async ({ openStore }) => {
    const store = await openStore()
    const ids: string[] = []
    const total = MAX_TIMELINE_ATTEMPTS + 220
    for (let index = 0; index < total; index++) {
      // 500s (one closed without an answer), a 200 at attempt 150, then duplicates answered 200 and 500.
      const status = index < 149 ? 500 : index === 149 ? 200 : index % 3 === 0 ? 200 : 500
      const [capture, body] = index === 120 ? attempt(index, 0, { response: CLOSED }) : attempt(index, status)
      ids.push((await store.append(capture, body)).id)
      // Other deliveries between the attempts, and the same delivery sent to another endpoint.
      const other = Buffer.from(`{"other":${index}}`)
      if (index % 50 === 0) await store.append(testCapture(other, { endpointId: 'e2', recognition: chipPaid }), other)
      await store.append(testCapture(other), other)
    }
    const { deps, reads } = countingReads(store)
    const procedures = createDeliveryProcedures(deps)

    const latest = await procedures.getDelivery({ captureId: ids[0]! })

    // The asked capture, the first 2xx and the first recognised attempt are read besides the page:
    // a few, not the other 220.
    expect(reads()).toBeLessThanOrEqual(MAX_TIMELINE_ATTEMPTS + 3)
    const reference = buildDeliveryView(latest.deliveryKey, await everyAttemptOf(store, latest.deliveryKey), ids[0])
    expect(latest).toEqual(reference)
    expect(latest.totalAttempts).toBe(total)
    // The capture asked about is attempt 1, on no page listed: still numbered (the detail's "Attempt 1 of 720").
    expect(latest.timeline.some((row) => row.captureId === ids[0])).toBe(false)
    expect(latest.askedAttempt).toMatchObject({ captureId: ids[0], attempt: 1, sincePreviousMs: null, afterSuccess: false })
    const askedLater = await procedures.getDelivery({ captureId: ids[200]! })
    expect(askedLater.askedAttempt).toMatchObject({ captureId: ids[200], attempt: 201, afterSuccess: true })
    expect(askedLater.timeline).toEqual(latest.timeline)
    expect(latest.timeline[0]).toMatchObject({ attempt: 221, afterSuccess: true })
    expect(latest.nextCursor).toBe(String(latest.attempts[0]!.seq))
    // Every attempt after attempt 150 (the first 2xx) came after a 2xx, on this page or not: 570, not the page's 500.
    expect([latest.succeeded, latest.duplicateCount]).toEqual([true, total - 150])

    // The older attempts page in before it, numbered and flagged within the whole delivery.
    const before = reads()
    const older = await procedures.getDelivery({ captureId: ids[0]!, cursor: latest.nextCursor!, limit: 200 })
    expect(reads() - before).toBeLessThanOrEqual(200 + 3)
    expect(older.totalAttempts).toBe(total)
    expect(older.timeline.map((row) => row.attempt)).toEqual(Array.from({ length: 200 }, (_, index) => 21 + index))
    const oldest = await procedures.getDelivery({ captureId: ids[0]!, cursor: older.nextCursor!, limit: 200 })
    expect(oldest.timeline.map((row) => row.attempt)).toEqual(Array.from({ length: 20 }, (_, index) => 1 + index))
    expect(oldest.nextCursor).toBeNull()
    // A page holding no duplicate still counts the delivery's.
    expect([oldest.succeeded, oldest.duplicateCount]).toEqual([true, total - 150])

    // Any attempt by its number: the page ends with it, and goes on to the attempts before it.
    const jumpReads = reads()
    const jumped = await procedures.getDelivery({ captureId: ids[0]!, upToAttempt: 37, limit: 1 })
    expect(reads() - jumpReads).toBeLessThanOrEqual(1 + 3)
    expect(jumped.timeline.map((row) => [row.captureId, row.attempt])).toEqual([[ids[36], 37]])
    expect(jumped.nextCursor).toBe(String(jumped.attempts[0]!.seq))
    const beforeJumped = await procedures.getDelivery({ captureId: ids[0]!, cursor: jumped.nextCursor!, limit: 2 })
    expect(beforeJumped.timeline.map((row) => row.attempt)).toEqual([35, 36])
    const window = await procedures.getDelivery({ captureId: ids[0]!, upToAttempt: 300, limit: 200 })
    expect(window.timeline.map((row) => row.attempt)).toEqual(Array.from({ length: 200 }, (_, index) => 101 + index))
    // Past the last attempt: the latest page.
    expect((await procedures.getDelivery({ captureId: ids[0]!, upToAttempt: total + 5 })).timeline).toEqual(latest.timeline)

    const all = await everyAttemptOf(store, latest.deliveryKey)
    const whole = [...oldest.timeline, ...older.timeline, ...latest.timeline]
    expect(whole.map((row) => row.captureId)).toEqual(all.map((each) => each.id))
    // Duplicates start after attempt 150, the first answered 2xx.
    expect(whole.findIndex((row) => row.afterSuccess)).toBe(150)
    expect(whole[120]).toMatchObject({ succeeded: false, answeredStatus: null })
    // Every row as the whole delivery, read at once, gives it (gaps, expected times, flags).
    const wholeAtOnce = buildDeliveryPage({
      deliveryKey: latest.deliveryKey,
      arrivals: all.map((each) => ({ id: each.id, receivedAtMs: Date.parse(each.receivedAt) })),
      listed: all,
      start: 0,
      asked: { record: all[0]!, index: 0 },
      firstSuccess: all.findIndex(answeredWith2xx),
      schedule: scheduleOf(all),
      nextCursor: null,
    })
    expect(whole).toEqual(wholeAtOnce.timeline)
    expect(whole.slice(1, 8).every((row) => row.expectedAt !== null)).toBe(true)
  })

  test('lists one row per delivery in the grouped list, reading a few records per row', async ({ openStore }) => {
    const store = await openStore()
    for (let index = 0; index < 300; index++) {
      const [capture, body] = attempt(index, index === 10 ? 200 : 500)
      await store.append(capture, body)
    }
    const lone = Buffer.from('{"lone":true}')
    await store.append(testCapture(lone, { receivedAt: new Date(T0 + 400 * 61_000).toISOString() }), lone)
    const { deps, reads, memoryPasses } = countingReads(store)
    const procedures = createDeliveryProcedures(deps)
    const pageOf = (query: Parameters<CaptureStore['page']>[0]) => store.page(query)

    const page = await procedures.pageByDelivery({ endpointId: 'e1', limit: 10 }, pageOf)

    expect(page.items.map((row) => [row.delivery?.attemptCount, row.delivery?.succeeded, row.delivery?.duplicateCount])).toEqual([
      [1, true, 0],
      [300, true, 289],
    ])
    const all = await everyAttemptOf(store, page.items[1]!.deliveryKey)
    expect(page.items[1]!.delivery).toMatchObject({ firstReceivedAt: all[0]!.receivedAt, latestReceivedAt: all.at(-1)!.receivedAt })
    // The list's own pages are read through `pageOf`; the deliveries add the first attempt, the
    // first 2xx and the latest arrival, not their 300 attempts.
    expect(reads()).toBeLessThanOrEqual(4)
    // Memory is searched once for the deliveries met on a page of the list, not once per delivery
    // (the later pages, 300 captures in all, hold older attempts of deliveries met already).
    expect(memoryPasses()).toBe(1)
  })
})

describe('a Plexo payment whose attempts straddle the upgrade that named its state', () => {
  test('is one delivery: the attempts stored with the state as "0" (indexed under that key) and those with "Reserve"', async ({ openStore }) => {
    const store = await openStore()
    const legacy = (status: string): CaptureRecognition => ({
      provider: { id: 'plexo', name: 'Plexo', variant: 'legacy-envelope' },
      verdict: { status: 'no-key', reason: null, message: '' },
      summary: { eventType: 'TransactionCallback', status, objectId: 'tx-1', reference: 'INV-1001', amount: null, paymentMethod: null, signalOnly: false },
    })
    const body = Buffer.from('{"Object":{"Fingerprint":"07E8","Object":{"TransactionId":"tx-1","CurrentState":0}},"Signature":"c2ln"}')
    const failing = { ...testCapture(body).response, status: 500 }
    // An earlier version stored these two, keyed (and indexed) by the number it kept.
    const before = [
      await store.append(
        testCapture(body, { recognition: legacy('0'), response: failing, receivedAt: new Date(T0).toISOString() }),
        body,
        'plexo:tx-1:TransactionCallback:0',
      ),
      await store.append(
        testCapture(body, { recognition: legacy('0'), response: failing, receivedAt: new Date(T0 + 60_000).toISOString() }),
        body,
        'plexo:tx-1:TransactionCallback:0',
      ),
    ]
    const after = await store.append(testCapture(body, { recognition: legacy('Reserve'), receivedAt: new Date(T0 + 120_000).toISOString() }), body)
    const procedures = createDeliveryProcedures(countingReads(store).deps)

    const delivery = await procedures.getDelivery({ captureId: after.id })

    expect(delivery.deliveryKey).toBe('plexo:tx-1:TransactionCallback:Reserve')
    expect(delivery.timeline.map((row) => [row.captureId, row.attempt, row.answeredStatus])).toEqual([
      [before[0]!.id, 1, 500],
      [before[1]!.id, 2, 500],
      [after.id, 3, 200],
    ])
    // From an attempt stored before, the same delivery.
    expect((await procedures.getDelivery({ captureId: before[0]!.id })).timeline.map((row) => row.captureId)).toEqual(
      delivery.timeline.map((row) => row.captureId),
    )
    const grouped = await procedures.pageByDelivery({ endpointId: 'e1', limit: 10 }, (query) => store.page(query))
    expect(grouped.items.map((row) => [row.id, row.delivery?.attemptCount])).toEqual([[after.id, 3]])
  })
})

describe('the grouped list read from the oldest end (End)', () => {
  test('gives the rows the newest-first pages give, in the opposite order, with the same facts', async ({ openStore }) => {
    const store = await openStore()
    const ids: string[] = []
    // Twelve deliveries of 1 to 4 attempts, their attempts interleaved; one delivery's latest attempt deleted.
    for (let round = 0; round < 4; round++) {
      for (let delivery = 0; delivery < 12; delivery++) {
        if (round >= 1 + (delivery % 4)) continue
        const body = Buffer.from(`{"delivery":${delivery}}`)
        const status = round === 2 && delivery === 7 ? 200 : 500
        const capture = testCapture(body, { receivedAt: new Date(T0 + (round * 12 + delivery) * 1_000).toISOString() })
        ids.push((await store.append({ ...capture, response: { ...capture.response, status } }, body)).id)
      }
    }
    await store.deleteMany([ids.at(-1)!])
    const procedures = createDeliveryProcedures(countingReads(store).deps)
    const newestFirst: CaptureSummary[] = []
    for (let beforeSeq: number | undefined, pages = 0; pages < 20; pages++) {
      const page = await procedures.pageByDelivery({ endpointId: 'e1', beforeSeq, limit: 5 }, (query) => store.page(query))
      newestFirst.push(...page.items)
      if (page.nextBeforeSeq === null) break
      beforeSeq = page.nextBeforeSeq
    }
    const oldestFirst: CaptureSummary[] = []
    for (let afterSeq: number | undefined, pages = 0; pages < 20; pages++) {
      const page = await procedures.pageByDeliveryOldestFirst({ endpointId: 'e1', afterSeq, limit: 5 }, (query) => store.pageOldestFirst(query))
      oldestFirst.push(...page.items)
      if (page.nextAfterSeq === null) break
      afterSeq = page.nextAfterSeq
    }

    expect(newestFirst).toHaveLength(12)
    expect(oldestFirst).toEqual([...newestFirst].reverse())
    // The oldest row is the delivery of one attempt sent first; the one of 4 whose last was deleted counts 3.
    expect(oldestFirst[0]).toMatchObject({ id: ids[0], delivery: { attemptCount: 1 } })
    expect(oldestFirst.find((row) => row.deliveryKey === newestFirst[0]!.deliveryKey)?.delivery?.attemptCount).toBe(newestFirst[0]!.delivery!.attemptCount)
    expect(newestFirst.map((row) => row.delivery!.attemptCount).sort()).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4])
  })
})

describe('the grouped list with a filter', () => {
  /** Every grouped page, `limit` rows at a time, newest first and oldest first. */
  async function walkBothWays(procedures: ReturnType<typeof createDeliveryProcedures>, store: CaptureStore, filter: CaptureFilter, limit: number) {
    const newestFirst: CaptureSummary[] = []
    for (let beforeSeq: number | undefined, pages = 0; pages < 200; pages++) {
      const page = await procedures.pageByDelivery({ endpointId: 'e1', beforeSeq, limit, filter }, (query) => store.page(query))
      newestFirst.push(...page.items)
      if (page.nextBeforeSeq === null) break
      beforeSeq = page.nextBeforeSeq
    }
    const oldestFirst: CaptureSummary[] = []
    for (let afterSeq: number | undefined, pages = 0; pages < 200; pages++) {
      const page = await procedures.pageByDeliveryOldestFirst({ endpointId: 'e1', afterSeq, limit, filter }, (query) => store.pageOldestFirst(query))
      oldestFirst.push(...page.items)
      if (page.nextAfterSeq === null) break
      afterSeq = page.nextAfterSeq
    }
    return { newestFirst, oldestFirst }
  }

  test('lists each delivery with a matching attempt once, at its latest matching attempt, on every page and read either way', async ({ openStore }) => {
    const store = await openStore()
    // Twenty deliveries of one to five attempts, interleaved; the answers vary within a delivery
    // (a 503, then a 200 that ended it, then duplicates), and a note is put on some first attempts.
    const stored: Array<{ id: string; seq: number }> = []
    for (let round = 0; round < 5; round++) {
      for (let delivery = 0; delivery < 20; delivery++) {
        if (round > delivery % 5) continue
        const body = Buffer.from(`{"delivery":${delivery}}`)
        const status = (round + delivery) % 3 === 0 ? 200 : 503
        const capture = testCapture(body, { receivedAt: new Date(T0 + (round * 20 + delivery) * 1_000).toISOString() })
        stored.push(await store.append({ ...capture, response: { ...capture.response, status } }, body))
      }
    }
    for (const capture of stored.slice(0, 20)) if (capture.seq % 4 === 1) await store.annotate(capture.id, { note: 'look at this one' })
    const all = (await store.page({ endpointId: 'e1', limit: 1_000 })).items.reverse()
    const procedures = createDeliveryProcedures(countingReads(store).deps)

    for (const filter of [
      { answer: '5xx' },
      { query: 'status:5xx' },
      { query: 'note:"look at"' },
      { query: '-status:200 body:delivery' },
    ] satisfies CaptureFilter[]) {
      // What every matching capture says, read at once: a row is a match with no later match in its delivery.
      const matching = (await store.page({ endpointId: 'e1', limit: 1_000, filter })).items
      const expectedRows = matching
        .filter((capture) => !matching.some((other) => other.deliveryKey === capture.deliveryKey && other.seq > capture.seq))
        .map((capture) => capture.id)
      const deliveriesMatching = new Set(matching.map((capture) => capture.deliveryKey))
      // Some deliveries' latest attempt does not match: they were left out of the grouped list.
      expect(expectedRows.length).toBe(deliveriesMatching.size)
      const latestMatches = [...deliveriesMatching].filter((key) => {
        const latest = all.filter((capture) => capture.deliveryKey === key).at(-1)!
        return matching.some((capture) => capture.id === latest.id)
      })
      expect(latestMatches.length).toBeLessThan(deliveriesMatching.size)

      for (const limit of [1, 3, 100]) {
        const { newestFirst, oldestFirst } = await walkBothWays(procedures, store, filter, limit)
        expect(newestFirst.map((row) => row.id)).toEqual(expectedRows)
        expect(oldestFirst.map((row) => row.id)).toEqual([...expectedRows].reverse())
      }
      // Each row carries the whole delivery's facts, whichever attempt it is.
      const { newestFirst } = await walkBothWays(procedures, store, filter, 100)
      for (const row of newestFirst) {
        const attempts = all.filter((capture) => capture.deliveryKey === row.deliveryKey)
        expect(row.delivery).toMatchObject({ attemptCount: attempts.length, latestReceivedAt: attempts.at(-1)!.receivedAt })
      }
    }
  })
})

describe('the grouped list read either way past the captures a page looks at', () => {
  test('ends the page early with a cursor, and the pages after it give the rest, newest first and oldest first', async ({ openStore }) => {
    const store = await openStore()
    // A lone capture, a monitoring ping sent more times than a page looks at, another lone capture.
    const lone = async (name: string) => {
      const body = Buffer.from(`{"lone":"${name}"}`)
      return (await store.append(testCapture(body), body)).id
    }
    const first = await lone('first')
    const ping = Buffer.from('{"ping":true}')
    let latestPing = ''
    for (let index = 0; index < MAX_GROUPED_SCAN + 50; index++) latestPing = (await store.append(testCapture(ping), ping)).id
    const last = await lone('last')
    const { deps, memoryPasses } = countingReads(store)
    const procedures = createDeliveryProcedures(deps)

    const newest = await procedures.pageByDelivery({ endpointId: 'e1', limit: 3 }, (query) => store.page(query))
    // The ping's older attempts are part of its row, met already: not looked up again.
    expect(memoryPasses()).toBe(1)
    expect(newest.items.map((row) => row.id)).toEqual([last, latestPing])
    expect(newest.nextBeforeSeq).not.toBeNull()
    expect(newest.total).toBe(MAX_GROUPED_SCAN + 52)
    const newestRest = await procedures.pageByDelivery({ endpointId: 'e1', beforeSeq: newest.nextBeforeSeq!, limit: 3 }, (query) => store.page(query))
    expect(newestRest.items.map((row) => row.id)).toEqual([first])
    expect(newestRest.nextBeforeSeq).toBeNull()

    const oldest = await procedures.pageByDeliveryOldestFirst({ endpointId: 'e1', limit: 3 }, (query) => store.pageOldestFirst(query))
    expect(oldest.items.map((row) => row.id)).toEqual([first])
    expect(oldest.nextAfterSeq).not.toBeNull()
    const oldestRest = await procedures.pageByDeliveryOldestFirst({ endpointId: 'e1', afterSeq: oldest.nextAfterSeq!, limit: 3 }, (query) =>
      store.pageOldestFirst(query),
    )
    expect(oldestRest.items.map((row) => [row.id, row.delivery?.attemptCount])).toEqual([
      [latestPing, MAX_GROUPED_SCAN + 50],
      [last, 1],
    ])
    expect(oldestRest.nextAfterSeq).toBeNull()
  }, 60_000)
})

describe('the grouped list read from the oldest end across a delivery of thousands of attempts', () => {
  /** Every grouped page from the oldest end, `limit` rows at a time, with the cursor each page ended on. */
  async function walkOldestFirst(procedures: ReturnType<typeof createDeliveryProcedures>, pageOf: OldestFirstPageOf, limit: number) {
    const pages: Array<{ rows: CaptureSummary[]; next: number | null }> = []
    for (let afterSeq: number | undefined; pages.length < 1_000;) {
      const page = await procedures.pageByDeliveryOldestFirst({ endpointId: 'e1', afterSeq, limit }, pageOf)
      pages.push({ rows: page.items, next: page.nextAfterSeq })
      if (page.nextAfterSeq === null) break
      afterSeq = page.nextAfterSeq
    }
    return pages
  }

  test('gives the rows and cursors that looking at every capture gives', async ({ openStore }) => {
    const store = await openStore()
    const ids: string[] = []
    const add = async (body: string, status: number, at: number, endpointId = 'e1') => {
      const bytes = Buffer.from(body)
      const capture = testCapture(bytes, { endpointId, receivedAt: new Date(T0 + at * 1_000).toISOString() })
      const stored = await store.append({ ...capture, response: { ...capture.response, status } }, bytes)
      ids.push(stored.id)
      return stored
    }
    // A ping retried 1,200 times (answered 500 until its 400th attempt, then 200), with deliveries
    // of one to three attempts between its attempts, one on another endpoint, and one whose latest
    // attempt is deleted (it is then listed at the attempt before).
    let deletedLatest = ''
    for (let index = 0; index < 1_200; index++) {
      await add('{"ping":true}', index < 399 ? 500 : 200, index)
      if (index % 97 === 0) {
        for (let retry = 0; retry <= (index / 97) % 3; retry++) await add(`{"order":${index}}`, retry === 1 ? 200 : 503, index + retry * 150)
      }
      if (index % 300 === 5) await add(`{"elsewhere":${index}}`, 200, index, 'e2')
      if (index === 600) deletedLatest = (await add('{"order":"deleted-latest"}', 500, index + 1)).id
      if (index === 20) await add('{"order":"deleted-latest"}', 500, index)
    }
    await store.deleteMany([deletedLatest])
    const procedures = createDeliveryProcedures(countingReads(store).deps)

    const pages = await walkOldestFirst(procedures, (query) => store.pageOldestFirst(query), 4)

    // What every capture of the endpoint says, read at once: a row is the latest stored attempt of its delivery.
    const everything: CaptureSummary[] = []
    for (let afterSeq: number | undefined; ;) {
      const page = await store.pageOldestFirst({ endpointId: 'e1', afterSeq, limit: 500 })
      everything.push(...page.items)
      if (page.nextAfterSeq === null) break
      afterSeq = page.nextAfterSeq
    }
    const byDelivery = new Map<string, CaptureSummary[]>()
    for (const capture of everything) byDelivery.set(capture.deliveryKey, [...(byDelivery.get(capture.deliveryKey) ?? []), capture])
    const expectedRows = everything
      .filter((capture) => byDelivery.get(capture.deliveryKey)!.every((other) => other.seq <= capture.seq))
      .map((capture) => {
        const attempts = byDelivery.get(capture.deliveryKey)!.toSorted((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || a.seq - b.seq)
        const firstSuccess = attempts.findIndex(answeredWith2xx)
        return {
          ...capture,
          delivery: {
            deliveryKey: capture.deliveryKey,
            attemptCount: attempts.length,
            firstReceivedAt: attempts[0]!.receivedAt,
            latestReceivedAt: attempts.at(-1)!.receivedAt,
            succeeded: firstSuccess !== -1,
            duplicateCount: firstSuccess === -1 ? 0 : attempts.length - 1 - firstSuccess,
          },
        }
      })
    expect(pages.flatMap((page) => page.rows)).toEqual(expectedRows)
    expect(expectedRows.find((row) => row.delivery.attemptCount === 1_200)).toMatchObject({ id: ids.at(-1), delivery: { duplicateCount: 800 } })
    // Each page ends at its fourth row, with that row's seq as the cursor while captures follow it.
    const lastSeq = everything.at(-1)!.seq
    for (const [index, page] of pages.entries()) {
      const isLast = index === pages.length - 1
      expect(page.rows).toHaveLength(isLast ? expectedRows.length % 4 || 4 : 4)
      expect(page.next).toBe(isLast ? null : page.rows.at(-1)!.seq === lastSeq ? null : page.rows.at(-1)!.seq)
    }
  }, 60_000)

  test('looks such a delivery up once, not again on each page of the list it spans', async ({ openStore }) => {
    const store = await openStore()
    const lone = async (name: string) => {
      const body = Buffer.from(`{"lone":"${name}"}`)
      return (await store.append(testCapture(body), body)).id
    }
    const first = await lone('first')
    const ping = Buffer.from('{"ping":true}')
    const pings = 3_000
    let latestPing = ''
    for (let index = 0; index < pings; index++) latestPing = (await store.append(testCapture(ping), ping)).id
    const last = await lone('last')
    const { deps, memoryPasses, factsGiven } = countingReads(store)
    const procedures = createDeliveryProcedures(deps)
    let pagesRead = 0
    const pageOf: OldestFirstPageOf = (query) => {
      pagesRead++
      return store.pageOldestFirst(query)
    }

    const page = await procedures.pageByDeliveryOldestFirst({ endpointId: 'e1', limit: 3 }, pageOf)

    expect(page.items.map((row) => [row.id, row.delivery?.attemptCount])).toEqual([
      [first, 1],
      [latestPing, pings],
      [last, 1],
    ])
    // The list is read 100 captures a page: 31 pages, the ping's attempts on every one of them.
    expect(pagesRead).toBe(Math.ceil((pings + 2) / 100))
    // Memory is searched on the first page (the first capture and the ping's first attempt) and on
    // the last (the last capture; the ping's facts, asked for its row there, are kept from the
    // first): not on the 29 between, which hold only attempts below the ping's latest, known from
    // the first look-up. Before, each page searched memory again and took the ping's 3,000 facts:
    // 31 passes, 93,000 facts.
    expect(memoryPasses()).toBe(2)
    expect(factsGiven()).toBe(pings + 2)
  }, 60_000)
})

describe('a delivery paged while the store changes', () => {
  /** CHIP's purchase `id`: another one makes another delivery. */
  const otherPurchase: CaptureRecognition = { ...chipPaid, summary: { ...chipPaid.summary, objectId: 'p-2' } }

  test('searches memory once while nothing changes, again after any change, and each page shows the change', async ({ openStore }) => {
    const store = await openStore()
    const ids: string[] = []
    for (let index = 0; index < 30; index++) {
      const [capture, body] = attempt(index, index === 5 ? 200 : 500)
      ids.push((await store.append(capture, body)).id)
    }
    const { deps, memoryPasses } = countingReads(store)
    const procedures = createDeliveryProcedures(deps)
    const latestOf = async () => procedures.getDelivery({ captureId: ids[0]!, limit: 10 })
    const attemptIds = (view: DeliveryView) => view.attempts.map((each) => each.id)

    // Three pages and a grouped list of the same delivery: one search of memory.
    const latest = await latestOf()
    const before = await procedures.getDelivery({ captureId: ids[0]!, limit: 10, cursor: latest.nextCursor! })
    await procedures.getDelivery({ captureId: ids[29]!, upToAttempt: 3 })
    await procedures.pageByDelivery({ endpointId: 'e1', limit: 10 }, (query) => store.page(query))
    expect(attemptIds(latest)).toEqual(ids.slice(20))
    expect(attemptIds(before)).toEqual(ids.slice(10, 20))
    expect(memoryPasses()).toBe(1)

    // A new attempt.
    const [capture, body] = attempt(30, 500)
    const added = (await store.append(capture, body)).id
    expect(attemptIds(await latestOf())).toEqual([...ids.slice(21), added])
    expect(memoryPasses()).toBe(2)

    // An attempt deleted.
    await store.deleteMany([added, ids[29]!])
    expect(attemptIds(await latestOf())).toEqual(ids.slice(19, 29))
    expect((await latestOf()).totalAttempts).toBe(29)
    expect(memoryPasses()).toBe(3)

    // An attempt recognised again as another delivery: it leaves this one.
    await store.updateRecognitions([{ id: ids[28]!, recognition: otherPurchase }])
    const regrouped = await latestOf()
    expect(attemptIds(regrouped)).toEqual(ids.slice(18, 28))
    expect(regrouped.totalAttempts).toBe(28)
    expect(memoryPasses()).toBe(4)
  })

  test('keeps no facts gathered while the store changed: a look-up started after the change has the newer ones', async ({ openStore }) => {
    const store = await openStore()
    const [capture, body] = attempt(0, 500)
    const first = (await store.append(capture, body)).id
    const { deps, memoryPasses } = countingReads(store)
    const gather = deps.store.deliveryAttemptFacts
    let later: Promise<DeliveryView> | null = null
    deps.store.deliveryAttemptFacts = async (deliveries) => {
      const facts = await gather(deliveries)
      if (later === null) {
        // While the first look-up is under way: a new attempt is stored, and a second look-up
        // starts (and ends) before the first ends, with the facts that include it.
        const [next, nextBody] = attempt(1, 500)
        await store.append(next, nextBody)
        later = procedures.getDelivery({ captureId: first })
        await later
      }
      return facts
    }
    const procedures = createDeliveryProcedures(deps)

    expect((await procedures.getDelivery({ captureId: first })).totalAttempts).toBe(1)
    expect((await later!).totalAttempts).toBe(2)
    // Nothing changed since the second look-up: its facts, not the first's older ones, are kept.
    expect((await procedures.getDelivery({ captureId: first })).totalAttempts).toBe(2)
    expect(memoryPasses()).toBe(2)
  })
})
