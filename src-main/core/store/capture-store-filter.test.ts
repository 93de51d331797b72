/**
 * Filtered paging, filter fields kept current, and deleting a selection, in the capture store,
 * over more captures than one segment holds.
 */
import { describe, expect } from 'vitest'
import type { CaptureFilter } from '../../shared/capture-filter'
import type { CaptureRecognition } from '../../shared/views'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import type { CaptureStore, NewCapture } from './capture-store'

const now = () => new Date('2026-11-21T10:00:00Z')
const COUNT = SEGMENT_MAX_CAPTURES * 2 + 500

function ixopay(reference: string): CaptureRecognition {
  return {
    provider: { id: 'ixopay', name: 'IXOPAY', variant: 'json-api' },
    verdict: { status: 'no-key', reason: null, message: 'no IXOPAY shared secret configured' },
    summary: { eventType: 'DEBIT', status: 'OK', objectId: `tx-${reference}`, reference, amount: '9.99 EUR', paymentMethod: null, signalOnly: false },
  }
}

const unknownSender: CaptureRecognition = {
  provider: { id: 'unknown', name: 'Unknown sender', variant: null },
  verdict: { status: 'not-applicable', reason: null, message: 'not a known sender' },
  summary: { eventType: null, status: null, objectId: null, reference: null, amount: null, paymentMethod: null, signalOnly: false },
}

/** Every 7th capture is IXOPAY (answered 200), the rest unknown senders; every 3rd was answered 503. */
function newCapture(index: number): NewCapture {
  const isIxopay = index % 7 === 0
  return testCapture(Buffer.from(String(index)), {
    endpointId: index % 2 === 0 ? 'even' : 'odd',
    method: isIxopay ? 'POST' : 'PUT',
    target: isIxopay ? `/shop/ixopay?n=${index}` : `/shop/other?n=${index}`,
    recognition: isIxopay ? ixopay(`order-${index}`) : unknownSender,
    response: { kind: 'respond', status: isIxopay ? 200 : index % 3 === 0 ? 503 : 204, headers: [], bodyBase64: '', delayMs: 0, chosenBy: { kind: 'default' } },
  })
}

/** Every page of a filtered query, following the cursors. */
async function pageThrough(store: CaptureStore, query: { endpointId?: string; filter?: CaptureFilter }, limit: number) {
  const seqs: number[] = []
  const totals = new Set<number>()
  let beforeSeq: number | undefined
  for (;;) {
    const page = await store.page({ ...query, limit, beforeSeq })
    totals.add(page.total)
    seqs.push(...page.items.map((item) => item.seq))
    if (page.nextBeforeSeq === null) break
    expect(page.items).toHaveLength(limit)
    beforeSeq = page.nextBeforeSeq
  }
  return { seqs, totals: [...totals] }
}

/** Sequence numbers (1-based, in arrival order) of the captures a predicate picks, newest first. */
function expectedSeqs(pick: (index: number) => boolean): number[] {
  return Array.from({ length: COUNT }, (_, index) => index)
    .filter(pick)
    .map((index) => index + 1)
    .reverse()
}

describe('capture store: filters', () => {
  const test = useCaptureStore({ now })

  async function fill(open: () => Promise<CaptureStore>): Promise<CaptureStore> {
    const current = await open()
    await Promise.all(Array.from({ length: COUNT }, (_, index) => current.append(newCapture(index), Buffer.from(String(index)))))
    return current
  }

  test('pages a filter with cursors across segments, counting every match in the total', async ({ openStore: open }) => {
    const current = await fill(open)
    const byProvider = await pageThrough(current, { filter: { provider: 'ixopay' } }, 50)
    expect(byProvider.seqs).toEqual(expectedSeqs((index) => index % 7 === 0))
    expect(byProvider.totals).toEqual([byProvider.seqs.length])

    const fiveHundreds = await pageThrough(current, { endpointId: 'odd', filter: { answer: '5xx' } }, 97)
    expect(fiveHundreds.seqs).toEqual(expectedSeqs((index) => index % 2 === 1 && index % 7 !== 0 && index % 3 === 0))
    expect(fiveHundreds.totals).toEqual([fiveHundreds.seqs.length])

    // Text and fields together: "order-1" matches order-1, order-14, order-105, order-1001...
    const combined = await pageThrough(current, { filter: { text: 'ORDER-1', method: 'post', verdict: 'no-key' } }, 10)
    expect(combined.seqs).toEqual(expectedSeqs((index) => index % 7 === 0 && String(index).startsWith('1')))

    // A page that ends exactly on the last match has no next page.
    const exact = await current.page({ filter: { text: 'ixopay?n=0' }, limit: 1 })
    expect(exact.items.map((item) => item.seq)).toEqual([1])
    expect(exact.nextBeforeSeq).toBeNull()
    expect(await current.page({ filter: { text: 'no such capture' }, limit: 10 })).toEqual({ items: [], nextBeforeSeq: null, total: 0 })
    // Without a filter, paging is as before.
    expect((await current.page({ limit: 5 })).total).toBe(COUNT)
  })

  test('lists the ids matching a filter oldest first', async ({ openStore: open }) => {
    const current = await fill(open)
    const ids = await current.ids('even', { provider: 'ixopay' })
    const seqs = await Promise.all(ids.map(async (id) => (await current.get(id))!.seq))
    expect(seqs).toEqual(expectedSeqs((index) => index % 14 === 0).reverse())
  })

  test('recomputes filter fields when recognitions change, and rebuilds them from disk', async ({ openStore: open }) => {
    const current = await fill(open)
    // The oldest capture (an IXOPAY one) lives in a retired segment, the second newest (an
    // unknown sender) in the current one.
    const [oldest] = (await current.page({ limit: 1, beforeSeq: 2 })).items
    const [newest] = (await current.page({ limit: 1, beforeSeq: COUNT })).items
    expect([oldest!.recognition?.provider.id, newest!.recognition?.provider.id]).toEqual(['ixopay', 'unknown'])
    const recognized: CaptureRecognition = { ...ixopay('refund-77'), verdict: { status: 'valid', reason: null, message: 'valid' } }
    await current.updateRecognitions([oldest!, newest!].map(({ id }) => ({ id, recognition: recognized })))

    const valid = async () => (await current.page({ filter: { verdict: 'valid' }, limit: 10 })).items.map((item) => item.id)
    expect(await valid()).toEqual([newest!.id, oldest!.id])
    expect((await current.page({ filter: { text: 'refund-77' }, limit: 10 })).total).toBe(2)
    expect((await current.page({ filter: { text: 'order-0' }, limit: 10 })).total).toBe(0)
    expect((await current.page({ filter: { provider: 'unknown' }, limit: 1 })).total).toBe(expectedSeqs((index) => index % 7 !== 0).length - 1)

    await current.close()
    const reopened = await open()
    expect((await reopened.page({ filter: { verdict: 'valid' }, limit: 10 })).items.map((item) => item.id)).toEqual([newest!.id, oldest!.id])
    expect((await reopened.page({ filter: { text: 'REFUND-77', provider: 'ixopay' }, limit: 10 })).total).toBe(2)
  })

  test('files a capture changed before export under "changed", not under the verdict recomputed on its changed bytes', async ({ openStore: open }) => {
    const current = await open()
    // Across a retired segment (read back from its snapshot) and the current one (from its document).
    const count = SEGMENT_MAX_CAPTURES + 200
    const invalid: CaptureRecognition = { ...ixopay('x'), verdict: { status: 'invalid', reason: 'mismatch', message: 'the signature does not match' } }
    const changedBeforeExport: NewCapture['changedBeforeExport'] = {
      reason: 'redacted',
      changes: [{ location: 'body', action: 'masked' }],
      changesOmitted: 0,
      decompressed: false,
      exporterVerdict: { status: 'valid', message: 'valid' },
    }
    const isChanged = (index: number) => index % 100 === 0
    const isInvalid = (index: number) => index % 100 === 1
    await Promise.all(
      Array.from({ length: count }, (_, index) => {
        const capture = testCapture(Buffer.from(String(index)), { recognition: isChanged(index) || isInvalid(index) ? invalid : unknownSender })
        if (isChanged(index)) capture.changedBeforeExport = changedBeforeExport
        return current.append(capture, Buffer.from(String(index)))
      }),
    )
    const pick = (predicate: (index: number) => boolean) =>
      Array.from({ length: count }, (_, index) => index)
        .filter(predicate)
        .map((index) => index + 1)
        .reverse()
    const filtered = async (store: CaptureStore) => ({
      invalid: (await pageThrough(store, { filter: { verdict: 'invalid' } }, 7)).seqs,
      changed: (await pageThrough(store, { filter: { verdict: 'changed' } }, 7)).seqs,
    })
    const expected = { invalid: pick(isInvalid), changed: pick(isChanged) }
    expect(await filtered(current)).toEqual(expected)
    await current.close()
    expect(await filtered(await open())).toEqual(expected)
  })

  test('deletes a selection across segments, skipping ids it does not have', async ({ openStore: open }) => {
    const current = await fill(open)
    const chosen = [(await current.page({ limit: 1, beforeSeq: 2 })).items[0]!, (await current.page({ limit: 1 })).items[0]!]
    const deleted = await current.deleteMany([chosen[1]!.id, 'no-such-capture', chosen[0]!.id, chosen[1]!.id])
    // Oldest first, each once, whatever order and repeats the ids came in.
    expect([...deleted]).toEqual(chosen.map(({ id, seq, endpointId }) => ({ id, seq, endpointId })))
    expect(current.count()).toBe(COUNT - 2)
    for (const { id } of chosen) expect(current.has(id)).toBe(false)
    await current.close()
    expect((await open()).count()).toBe(COUNT - 2)
  })
})

describe('capture store: matching among some captures', () => {
  const test = useCaptureStore({ now })

  test('looks only at the captures asked about (the grouped list asks of a few later attempts)', async ({ openStore }) => {
    const reads = { framesRead: 0, recognitionSegments: 0, sidecarsHashed: 0, idle: 0 }
    const store = await openStore({ searchReads: reads })
    const seqs: number[] = []
    for (let index = 0; index < 6; index++) seqs.push((await store.append(newCapture(7 * index), Buffer.from(String(7 * index)))).seq)
    // `method:` is decided from the record (no sidecar is built yet either): each capture looked at is read from its log.
    const among = new Set([seqs[1] as number, seqs[4] as number])
    expect(await store.matchingSeqs(undefined, { query: 'method:POST' }, among)).toEqual([seqs[1], seqs[4]])
    expect(reads.framesRead).toBe(2)
  })
})
