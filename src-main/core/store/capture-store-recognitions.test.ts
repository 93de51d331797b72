/**
 * Recognitions recomputed after arrival (new keys) are kept in the index, not in memory: they
 * are shown, survive every rewrite of their segment's index (a note, a deletion) made while
 * nothing of it is cached, and come back after a reopen.
 */
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import type { CaptureRecognition } from '../../shared/views'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import type { CaptureStore, NewCapture } from './capture-store'

const now = () => new Date('2026-11-21T10:00:00Z')

function stripe(status: 'no-key' | 'valid', eventId: string): CaptureRecognition {
  return {
    provider: { id: 'stripe', name: 'Stripe', variant: null },
    verdict: { status, reason: null, message: status === 'valid' ? `signature valid for ${eventId}` : 'no Stripe signing secret configured' },
    summary: {
      eventType: 'payment_intent.succeeded',
      status: null,
      objectId: null,
      reference: null,
      amount: null,
      paymentMethod: null,
      signalOnly: false,
      eventId,
    },
  }
}

/** A Stripe event as it arrived before its endpoint had a key. */
const newCapture = (index: number): NewCapture => testCapture(Buffer.from(`{"id":"evt_${index}"}`), { recognition: stripe('no-key', `evt_${index}`) })

describe('capture store: recomputed recognitions', () => {
  const test = useCaptureStore({ now })

  test('a recognition its index would refuse is not written: the capture keeps the one it had, and the index stays readable', async ({
    capturesDir,
    openStore: open,
    storeIssues,
  }) => {
    const store = await open()
    const [kept, changed] = [await store.append(newCapture(0), Buffer.from('{"id":"evt_0"}')), await store.append(newCapture(1), Buffer.from('{"id":"evt_1"}'))]
    const refused = { ...stripe('valid', 'evt_0'), verdict: { status: 'bogus', reason: null, message: 'x' } } as unknown as CaptureRecognition
    await store.updateRecognitions([
      { id: kept.id, recognition: refused },
      { id: changed.id, recognition: stripe('valid', 'evt_1') },
    ])
    expect((await store.get(kept.id))?.recognition?.verdict.status).toBe('no-key')
    await store.close()
    // Start-up reads the index documents themselves (as after a crash): no snapshot to stand in for them.
    for (const name of await readdir(capturesDir)) if (name.endsWith('.table')) await rm(join(capturesDir, name))
    const reopened = await open()
    expect(storeIssues()).toEqual([])
    expect((await reopened.get(kept.id))?.recognition?.verdict.status).toBe('no-key')
    expect((await reopened.get(changed.id))?.recognition?.verdict.status).toBe('valid')
  })

  test('are shown, kept through index rewrites made with nothing cached, and after reopening', async ({ openStore: open }) => {
    const reopen = async (previous: CaptureStore) => {
      await previous.close()
      return open()
    }
    const first = await open()
    const stored = []
    for (let index = 0; index < 6; index++) stored.push(await first.append(newCapture(index), Buffer.from(`{"id":"evt_${index}"}`)))
    await first.updateRecognitions(stored.slice(0, 4).map(({ id }, index) => ({ id, recognition: stripe('valid', `evt_${index}`) })))
    expect((await first.get(stored[2]!.id))?.recognition?.verdict.status).toBe('valid')
    expect((await first.load(stored[5]!.id)).recognition?.verdict.status).toBe('no-key')

    // A note rewrites the segment's index: the recognitions it does not hold in memory go with it.
    const second = await reopen(first)
    await second.annotate(stored[5]!.id, { note: 'checked' })
    const third = await reopen(second)
    await third.deleteMany([stored[0]!.id])
    const fourth = await reopen(third)
    const page = await fourth.page({ limit: 10 })
    expect(page.items.map((item) => [item.id, item.recognition?.verdict.status, item.recognition?.verdict.message])).toEqual([
      [stored[5]!.id, 'no-key', 'no Stripe signing secret configured'],
      [stored[4]!.id, 'no-key', 'no Stripe signing secret configured'],
      [stored[3]!.id, 'valid', 'signature valid for evt_3'],
      [stored[2]!.id, 'valid', 'signature valid for evt_2'],
      [stored[1]!.id, 'valid', 'signature valid for evt_1'],
    ])
    expect((await fourth.page({ limit: 10, filter: { verdict: 'valid' } })).total).toBe(3)
    expect((await fourth.load(stored[1]!.id)).recognition?.verdict.message).toBe('signature valid for evt_1')
    expect((await fourth.get(stored[5]!.id))?.note).toBe('checked')
  })

  test('a search from the oldest end matches the recomputed recognition, as one from the newest does', async ({ openStore: open }) => {
    const store = await open()
    const stored = [await store.append(newCapture(0), Buffer.from('{"id":"evt_0"}')), await store.append(newCapture(1), Buffer.from('{"id":"evt_1"}'))]
    await store.updateRecognitions([{ id: stored[1]!.id, recognition: stripe('valid', 'evt_1') }])
    const filter = { query: 'verdict:valid' }
    expect((await store.page({ limit: 10, filter })).items.map((item) => item.id)).toEqual([stored[1]!.id])
    expect((await store.pageOldestFirst({ limit: 10, filter })).items.map((item) => item.id)).toEqual([stored[1]!.id])
  })
})
