/**
 * The replay history of deleted captures goes with them (`deleteFor`, given what the store's
 * delete returned): their resends are gone, after a reopen too, while other captures' resends
 * and simulated callbacks stay; a group left without records leaves no document behind, and a
 * group that never had one is not created.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { describe, expect } from 'vitest'
import type { ReplayRecord } from '../../shared/replay'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import type { StoredCapture } from './persisted-schema'
import { createReplayHistory } from './replay-history'

const now = () => new Date('2026-11-21T10:00:00Z')

function resendOf(captureId: string | null): ReplayRecord {
  return {
    id: randomUUID(),
    captureId,
    kind: captureId === null ? 'simulate' : 'resend',
    at: now().toISOString(),
    sent: { method: 'POST', url: 'http://127.0.0.1:9/x', headers: [], bodyBase64: '' },
    differences: [],
    resign: null,
    outcome: { kind: 'failure', message: 'connection refused' },
    forward: null,
    templateId: null,
  } as unknown as ReplayRecord
}

describe('replay history of deleted captures', () => {
  const test = useCaptureStore({ now })

  test('goes with them, across history groups and a reopen; other captures keep theirs', async ({ dataDir, openStore: open }) => {
    const replaysDir = join(dataDir, 'replays')
    const history = () => createReplayHistory(replaysDir, join(dataDir, 'unreadable'), now, () => undefined)
    const store = await open()
    // Three history groups' worth of captures (1,000 seqs each), every third on endpoint "b".
    const stored: StoredCapture[] = []
    for (let index = 0; index < SEGMENT_MAX_CAPTURES * 2 + 100; index++) {
      const body = Buffer.from(`body ${index}`)
      stored.push(await store.append(testCapture(body, { endpointId: index % 3 === 2 ? 'b' : 'a' }), body))
    }
    const resent = [stored[10]!, stored[13]!, stored[1500]!, stored[1502]!]
    const first = history()
    for (const capture of resent) await first.add(capture.seq, resendOf(capture.id))
    await first.add(stored[12]!.seq, resendOf(null))
    const groupFiles = () => readdirSync(replaysDir).filter((name) => name.endsWith('.json'))
    expect(groupFiles()).toEqual(['000001.json', '000002.json'])

    await first.deleteFor(await store.deleteByEndpoint('a'))

    const [ofA, ofA2, ofA3, ofB] = resent
    expect(ofB!.endpointId).toBe('b')
    for (const reader of [first, history()]) {
      for (const capture of [ofA!, ofA2!, ofA3!]) expect(await reader.list(capture.seq, capture.id)).toEqual([])
      expect(await reader.list(ofB!.seq, ofB!.id)).toHaveLength(1)
    }
    // Group 1 keeps the simulated callback; group 2 keeps b's resend; group 3 never had a document.
    expect(groupFiles()).toEqual(['000001.json', '000002.json'])
    expect(existsSync(join(replaysDir, '000003.json'))).toBe(false)

    await first.deleteFor(await store.deleteByEndpoint('b'))
    expect(await history().list(ofB!.seq, ofB!.id)).toEqual([])
    // Left without records, group 2's document is removed rather than kept empty.
    expect(groupFiles()).toEqual(['000001.json'])
  })
})
