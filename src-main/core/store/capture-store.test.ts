import { randomBytes } from 'node:crypto'
import { readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout } from 'node:timers/promises'
import { describe, expect } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import { logFileIo } from './log-file-io'
import type { CaptureRecognition } from '../../shared/views'
import type { NewCapture } from './capture-store'
import type { IndexEntry, SegmentIndexDocument } from './segment-index'

const now = () => new Date('2026-11-21T10:00:00Z')

/** Headers with a duplicate in two cases: their order and case must come back as received. */
const newCapture = (endpointId: string, body: Buffer): NewCapture =>
  testCapture(body, {
    endpointId,
    target: '/default/x?y=1',
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Dup', 'a'],
      ['x-dup', 'b'],
    ],
  })

describe('capture store', () => {
  const test = useCaptureStore({ now })

  test('keeps bodies byte for byte across a reopen, over several segments', async ({ dataDir: dir, openStore: open }) => {
    const first = await open()
    const bodies = Array.from({ length: SEGMENT_MAX_CAPTURES * 2 + 7 }, (_, index) => randomBytes(index % 5 === 0 ? 0 : 1 + (index % 300)))
    const stored = await Promise.all(bodies.map((body) => first.append(newCapture('e1', body), body)))
    await first.close()

    const second = await open()
    expect(second.count()).toBe(bodies.length)
    for (const [index, capture] of stored.entries()) {
      const reloaded = await second.load(capture.id)
      expect(reloaded.headers).toEqual(newCapture('e1', Buffer.alloc(0)).headers)
      expect(reloaded.seq).toBe(capture.seq)
      expect((await second.readBody(capture.id)).equals(bodies[index]!)).toBe(true)
    }
    const segments = (await readdir(join(dir, 'captures'))).filter((name) => name.endsWith('.json'))
    expect(segments.length).toBeGreaterThanOrEqual(3)
  })

  test('pages newest first with cursors, per endpoint and overall', async ({ openStore: open }) => {
    const current = await open()
    for (let index = 0; index < 25; index++) {
      await current.append(newCapture(index % 2 === 0 ? 'even' : 'odd', Buffer.from(String(index))), Buffer.from(String(index)))
    }
    const firstPage = await current.page({ limit: 10 })
    expect(firstPage.total).toBe(25)
    expect(firstPage.items.map((capture) => capture.seq)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16])
    const secondPage = await current.page({ limit: 10, beforeSeq: firstPage.nextBeforeSeq! })
    expect(secondPage.items[0]?.seq).toBe(15)
    const lastPage = await current.page({ limit: 10, beforeSeq: 6 })
    expect(lastPage.items.map((capture) => capture.seq)).toEqual([5, 4, 3, 2, 1])
    expect(lastPage.nextBeforeSeq).toBeNull()
    const odd = await current.page({ endpointId: 'odd', limit: 100 })
    expect(odd.total).toBe(12)
    expect(odd.items.every((capture) => capture.endpointId === 'odd')).toBe(true)
  })

  test('deletes a capture, erases its bytes on disk, and survives a reopen', async ({ dataDir: dir, openStore: open }) => {
    const current = await open()
    const secret = Buffer.from('card=4111111111111111')
    const doomed = await current.append(newCapture('e1', secret), secret)
    const kept = await current.append(newCapture('e1', Buffer.from('keep')), Buffer.from('keep'))
    await current.deleteMany([doomed.id])
    expect(await current.get(doomed.id)).toBeUndefined()
    const bodiesFile = (await readdir(join(dir, 'captures'))).find((name) => name.endsWith('.log'))!
    expect((await readFile(join(dir, 'captures', bodiesFile))).includes(secret)).toBe(false)
    await current.close()
    const reopened = await open()
    expect(await reopened.get(doomed.id)).toBeUndefined()
    expect((await reopened.readBody(kept.id)).toString()).toBe('keep')
  })

  test('clears one endpoint only', async ({ openStore: open }) => {
    const current = await open()
    for (let index = 0; index < SEGMENT_MAX_CAPTURES + 10; index++) {
      await current.append(newCapture(index % 3 === 0 ? 'a' : 'b', Buffer.from('x')), Buffer.from('x'))
    }
    const before = current.count('b')
    expect((await current.deleteByEndpoint('a')).length).toBe(Math.ceil((SEGMENT_MAX_CAPTURES + 10) / 3))
    expect(current.count('a')).toBe(0)
    expect(current.count('b')).toBe(before)
    await current.close()
    expect((await open()).count('a')).toBe(0)
  })

  test('moves an unreadable or invalid index aside, reports it, and rebuilds it from the capture log', async ({
    dataDir: dir,
    openStore: open,
    storeIssues,
  }) => {
    const current = await open()
    const bodies = Array.from({ length: SEGMENT_MAX_CAPTURES + 1 }, (_, index) => Buffer.from(`body-${index}`))
    for (const body of bodies) await current.append(newCapture('e1', body), body)
    await current.close()
    const torn = '{"schemaVersion":1,"segment":1,"captures":[{"id":'
    await writeFile(join(dir, 'captures', '000001.json'), torn)
    await writeFile(join(dir, 'captures', '000002.json'), JSON.stringify({ schemaVersion: 99, segment: 2, indexedLogBytes: 0, captures: [] }))

    const reopened = await open()
    expect(storeIssues()).toHaveLength(2)
    expect(storeIssues()[0]?.problem).toMatch(/not valid JSON/)
    expect(storeIssues()[1]?.problem).toMatch(/schemaVersion/)
    const quarantined = await readdir(join(dir, 'unreadable'))
    // The unreadable files are kept as they were, never overwritten...
    const kept = quarantined.find((name) => name.endsWith('000001.json'))!
    expect(await readFile(join(dir, 'unreadable', kept), 'utf8')).toBe(torn)
    // ...and every capture is read back from the logs, byte for byte.
    expect(reopened.count()).toBe(bodies.length)
    const oldest = (await reopened.page({ limit: 1, beforeSeq: 2 })).items[0]!
    expect((await reopened.readBody(oldest.id)).toString()).toBe('body-0')
  })

  test('reads back captures the index had not recorded yet, stepping over an unfinished frame', async ({ dataDir: dir, openStore: open }) => {
    const current = await open()
    const stored = []
    for (const text of ['one', 'two', 'three']) stored.push(await current.append(newCapture('e1', Buffer.from(text)), Buffer.from(text)))
    await current.close()
    // As after a kill -9: the index knows only the first capture, the second frame was never
    // finished (zeros), the third was written in full (and answered).
    const indexFile = join(dir, 'captures', '000001.json')
    const document = JSON.parse(await readFile(indexFile, 'utf8')) as SegmentIndexDocument
    const [first, second] = document.captures as [IndexEntry, IndexEntry]
    document.captures = [first]
    document.indexedLogBytes = second.frame.offset
    await writeFile(indexFile, JSON.stringify(document))
    const logFile = join(dir, 'captures', '000001.log')
    const log = await readFile(logFile)
    log.fill(0, second.frame.offset, second.frame.offset + 12 + second.frame.metadataBytes + second.bodySize)
    await writeFile(logFile, log)

    const reopened = await open()
    expect(await reopened.get(stored[0]!.id)).toBeDefined()
    expect(await reopened.get(stored[1]!.id)).toBeUndefined()
    expect((await reopened.readBody(stored[2]!.id)).toString()).toBe('three')
    // New captures go after the last complete frame and are read back too.
    await reopened.append(newCapture('e1', Buffer.from('four')), Buffer.from('four'))
    await reopened.close()
    expect((await open()).count()).toBe(3)
  })

  test('rejects a capture it cannot write and keeps nothing of it', async ({ openStore: open }) => {
    let failing = false
    const store = await open({
      durability: 'sync',
      io: {
        ...logFileIo,
        writev(fd, buffers, position) {
          if (failing) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
          return logFileIo.writev(fd, buffers, position)
        },
      },
    })
    await store.append(newCapture('e1', Buffer.from('first')), Buffer.from('first'))
    failing = true
    await expect(store.append(newCapture('e1', Buffer.from('second')), Buffer.from('second'))).rejects.toThrow(/ENOSPC/)
    expect(store.count()).toBe(1)
    failing = false
    await store.close()
    expect((await open()).count()).toBe(1)
  })

  test('gives a failed write’s space back only after a later batch’s write still running has landed', async ({ openStore: open }) => {
    // Writes run in the thread pool, so a batch can be written while the one before it is still
    // writing. When the earlier one fails, the later one fails with it; its bytes must not land
    // over the frames written into the space given back.
    const gates: Array<{ release: () => void; fail: boolean }> = []
    let holding = 0
    const store = await open({
      durability: 'sync',
      io: {
        ...logFileIo,
        async writev(fd, buffers, position) {
          if (holding > 0) {
            holding--
            const gate: { release: () => void; fail: boolean } = { release: () => undefined, fail: gates.length === 0 }
            const released = new Promise<void>((resolve) => (gate.release = resolve))
            gates.push(gate)
            await released
            if (gate.fail) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' })
          }
          return logFileIo.writev(fd, buffers, position)
        },
      },
    })
    const body = (text: string) => Buffer.from(text.repeat(50))
    await store.append(newCapture('e1', body('a')), body('a'))
    holding = 2
    const failing = store.append(newCapture('e1', body('b')), body('b'))
    await expect.poll(() => gates.length).toBe(1)
    // The next batch is written once the first has been running for a while.
    const later = store.append(newCapture('e1', body('c')), body('c'))
    await expect.poll(() => gates.length).toBe(2)
    const outcomes = Promise.allSettled([failing, later])
    gates[0]!.release()
    // Time for the failure to be handled, and for a capture arriving meanwhile to be written
    // (into the space given back), while the later batch's write is still running.
    await setTimeout(50)
    const next = store.append(newCapture('e1', body('d')), body('d'))
    await setTimeout(50)
    gates[1]!.release()
    expect((await outcomes).map((outcome) => outcome.status)).toEqual(['rejected', 'rejected'])
    const stored = await next
    expect((await store.readBody(stored.id)).equals(body('d'))).toBe(true)
    await store.close()
    const reopened = await open()
    expect(reopened.count()).toBe(2)
    expect((await reopened.readBody(stored.id)).equals(body('d'))).toBe(true)
  })

  test('with sync, commits each batch with one synchronous (O_DSYNC) write, or a write and an fdatasync where there is none', async ({ openStore: open }) => {
    for (const hasSyncedWrites of [true, false]) {
      const synced = new Set<number>()
      const counts = { syncedWrites: 0, plainWrites: 0, datasyncs: 0 }
      const store = await open({
        durability: 'sync',
        io: {
          ...logFileIo,
          async openSynced(path) {
            if (!hasSyncedWrites) return null
            const handle = await logFileIo.openSynced(path)
            if (handle) synced.add(handle.fd)
            return handle
          },
          writev(fd, buffers, position) {
            if (synced.has(fd)) counts.syncedWrites++
            else counts.plainWrites++
            return logFileIo.writev(fd, buffers, position)
          },
          datasync(handle) {
            counts.datasyncs++
            return logFileIo.datasync(handle)
          },
        },
      })
      // One at a time: one commit each.
      for (let index = 0; index < 20; index++) await store.append(newCapture('e1', Buffer.from(`body ${index}`)), Buffer.from(`body ${index}`))
      expect(counts).toEqual(hasSyncedWrites ? { syncedWrites: 20, plainWrites: 0, datasyncs: 0 } : { syncedWrites: 0, plainWrites: 20, datasyncs: 20 })
      await store.close()
    }
    expect((await open()).count()).toBe(40)
  })

  test('refuses captures once its log was deleted (the data folder removed while it ran), instead of answering for bytes no restart finds', async ({
    capturesDir,
    openStore: open,
  }) => {
    for (const durability of ['flush', 'sync'] as const) {
      const store = await open({ durability })
      await store.append(newCapture('e1', Buffer.from('kept')), Buffer.from('kept'))
      for (const name of await readdir(capturesDir)) if (name.endsWith('.log')) await unlink(join(capturesDir, name))

      // Before, the write to the open descriptor succeeded: the capture was "stored" in a file no longer in any folder.
      await expect(store.append(newCapture('e1', Buffer.from('lost')), Buffer.from('lost'))).rejects.toThrow(/was deleted while the app was running/)
      await store.close()
    }
  })

  test('recovers once the disk has room again, even when a new segment could not be created', async ({ openStore: open }) => {
    let diskFull = false
    const fail = () => Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })
    const store = await open({
      durability: 'sync',
      io: {
        open: (path) => (diskFull ? Promise.reject(fail()) : logFileIo.open(path)),
        openSynced: (path) => (diskFull ? Promise.reject(fail()) : logFileIo.openSynced(path)),
        writev: (fd, buffers, position) => {
          if (diskFull) throw fail()
          return logFileIo.writev(fd, buffers, position)
        },
        datasync: (handle) => logFileIo.datasync(handle),
      },
    })
    // Just below the point where the next segment is prepared...
    const before = (SEGMENT_MAX_CAPTURES * 4) / 5 - 1
    for (let index = 0; index < before; index++) await store.append(newCapture('e1', Buffer.from('x')), Buffer.from('x'))
    diskFull = true
    // ...the disk fills up: these fail, and so does preparing the next segment.
    await expect(store.append(newCapture('e1', Buffer.from('y')), Buffer.from('y'))).rejects.toThrow(/ENOSPC/)
    await expect(store.append(newCapture('e1', Buffer.from('y')), Buffer.from('y'))).rejects.toThrow(/ENOSPC/)
    diskFull = false
    // Room again: captures are stored, across the roll to a new segment.
    const after = SEGMENT_MAX_CAPTURES
    for (let index = 0; index < after; index++) await store.append(newCapture('e1', Buffer.from('z')), Buffer.from('z'))
    expect(store.count()).toBe(before + after)
  })

  test('updates recognitions in retired segments too, and keeps them across a reopen', async ({ openStore: open }) => {
    const current = await open()
    const stored = []
    for (let index = 0; index < SEGMENT_MAX_CAPTURES + 5; index++)
      stored.push(await current.append(newCapture('e1', Buffer.from(String(index))), Buffer.from(String(index))))
    const recognition = {
      provider: { id: 'ixopay' as const, name: 'IXOPAY', variant: 'json-api' },
      verdict: { status: 'valid' as const, reason: null, message: 'valid' },
      summary: { eventType: 'DEBIT', status: 'OK', objectId: 'x', reference: null, amount: '9.99 EUR', paymentMethod: null, signalOnly: false },
    }
    // The first capture lives in a retired segment, the last one in the current segment.
    await current.updateRecognitions([stored[0]!, stored.at(-1)!].map(({ id }) => ({ id, recognition })))
    expect((await current.get(stored[0]!.id))?.recognition).toEqual(recognition)
    expect((await current.load(stored[0]!.id)).recognition).toEqual(recognition)
    await current.close()
    const reopened = await open()
    expect((await reopened.get(stored[0]!.id))?.recognition).toEqual(recognition)
    expect((await reopened.get(stored.at(-1)!.id))?.recognition).toEqual(recognition)
    expect((await reopened.get(stored[1]!.id))?.recognition).toBeNull()
  })

  test('removes the files of a segment whose captures were all deleted', async ({ dataDir: dir, openStore: open }) => {
    const current = await open()
    for (let index = 0; index < SEGMENT_MAX_CAPTURES; index++) await current.append(newCapture('old', Buffer.from('x')), Buffer.from('x'))
    await current.append(newCapture('new', Buffer.from('y')), Buffer.from('y'))
    const files = () => readdir(join(dir, 'captures')).then((names) => names.filter((name) => !name.startsWith('.')).sort())
    expect(await files()).toEqual(['000001.json', '000001.log', '000001.table', '000002.json', '000002.log', '000002.table'])
    expect((await current.deleteByEndpoint('old')).length).toBe(SEGMENT_MAX_CAPTURES)
    expect(await files()).toEqual(['000002.json', '000002.log', '000002.table'])
    await current.close()
    const reopened = await open()
    expect(reopened.count()).toBe(1)
    expect(await reopened.ids('new')).toHaveLength(1)
  })
})

describe('capture store: annotations, origin and deliveries', () => {
  const test = useCaptureStore({ now })

  test("a refusal an earlier version stored with a raw byte count is listed in today's words; the record keeps what it says", async ({ openStore }) => {
    const store = await openStore()
    const stored = 'The body is larger than this inspector accepts (10485760 bytes).'
    const refusal = { status: 413, reason: stored, declaredSize: 20_000_000, receivedBytes: 0 }
    const { id } = await store.append(testCapture(Buffer.alloc(0), { outcome: 'refused', refusal }), Buffer.alloc(0))
    const shown = { ...refusal, reason: 'The body is larger than this inspector accepts (10 MiB).' }
    expect((await store.page({ limit: 10 })).items.map((item) => item.refusal)).toEqual([shown])
    expect((await store.get(id))?.refusal).toEqual(shown)
    expect((await store.load(id)).refusal).toEqual(refusal)
  })

  test('keeps notes, pins and sender-left times across a reopen, in retired segments too', async ({ openStore: open }) => {
    const current = await open()
    const stored = []
    for (let index = 0; index < SEGMENT_MAX_CAPTURES + 2; index++)
      stored.push(await current.append(newCapture('e1', Buffer.from(String(index))), Buffer.from(String(index))))
    const [old, recent] = [stored[0]!, stored.at(-1)!]
    expect(await current.get(old.id)).toMatchObject({ note: null, pinned: false, senderLeftAt: null, origin: 'received', importedFrom: null })
    const annotated = await current.annotate(old.id, { note: 'refund checked', pinned: true })
    expect(annotated).toMatchObject({ note: 'refund checked', pinned: true })
    await current.annotate(recent.id, { senderLeftAt: '2026-11-21T10:00:02.000Z' })
    await current.close()
    const reopened = await open()
    expect(await reopened.get(old.id)).toMatchObject({ note: 'refund checked', pinned: true, senderLeftAt: null })
    expect(await reopened.get(recent.id)).toMatchObject({ note: null, pinned: false, senderLeftAt: '2026-11-21T10:00:02.000Z' })
    expect((await reopened.load(old.id)).note).toBe('refund checked')
  })

  test('keeps an answer recorded after arrival (a pass-through forward) across a reopen, from the snapshot and from the index document', async ({
    dataDir: dir,
    openStore: open,
  }) => {
    const targetUrl = 'http://127.0.0.1:9/hooks'
    let current = await open()
    const plain = await current.append(newCapture('e1', Buffer.from('a')), Buffer.from('a'))
    const held = await current.append(
      testCapture(Buffer.from('b'), {
        endpointId: 'e1',
        response: { kind: 'hang', status: null, headers: [], bodyBase64: '', delayMs: 0, chosenBy: { kind: 'forward', targetUrl } },
        forward: { mode: 'pass-through', targetUrl, state: 'pending', reason: null },
      }),
      Buffer.from('b'),
    )
    expect((await current.page({ limit: 10, filter: { answer: 'none' } })).items.map(({ id }) => id)).toEqual([held.id])
    const relayed = {
      kind: 'respond' as const,
      status: 201,
      headers: [['Content-Length', '4']] as Array<[string, string]>,
      bodyBase64: Buffer.from('made').toString('base64'),
      delayMs: 0,
      chosenBy: { kind: 'forward' as const, targetUrl },
    }
    // The answer alone (the pipeline sends the forward's state with it): nothing else keeps the row out of the snapshot's fixed rows.
    const annotated = await current.annotate(held.id, { response: relayed })
    expect(annotated.response).toMatchObject({ kind: 'respond', status: 201, bodySize: 4 })
    const expectRecorded = async (): Promise<void> => {
      expect((await current.get(held.id))?.response).toMatchObject({ kind: 'respond', status: 201, bodySize: 4 })
      expect((await current.get(held.id))?.forward?.state).toBe('pending')
      expect((await current.load(held.id)).response).toEqual(relayed)
      expect((await current.get(plain.id))?.response).toMatchObject({ kind: 'respond', status: 200 })
      // The answer filter reads the column: it follows the answer recorded.
      expect((await current.page({ limit: 10, filter: { answer: '201' } })).items.map(({ id }) => id)).toEqual([held.id])
      expect((await current.page({ limit: 10, filter: { answer: 'none' } })).items).toEqual([])
    }
    await expectRecorded()
    await current.close()
    const capturesDir = join(dir, 'captures')
    expect((await readdir(capturesDir)).filter((name) => name.endsWith('.table'))).toEqual(['000001.table'])
    current = await open()
    await expectRecorded()
    await current.close()
    // Without the snapshot, from the index document.
    await rm(join(capturesDir, '000001.table'))
    current = await open()
    await expectRecorded()
  })

  test('keeps pinned captures when an endpoint is cleared, unless asked', async ({ openStore: open }) => {
    const current = await open()
    const stored = []
    for (let index = 0; index < 5; index++) stored.push(await current.append(newCapture('e1', Buffer.from('x')), Buffer.from('x')))
    await current.annotate(stored[2]!.id, { pinned: true })
    expect([...(await current.deleteByEndpoint('e1'))].map((capture) => capture.id)).toEqual(stored.filter((_, index) => index !== 2).map(({ id }) => id))
    expect(await current.ids('e1')).toEqual([stored[2]!.id])
    expect([...(await current.deleteByEndpoint('e1', { includePinned: true }))].map((capture) => capture.id)).toEqual([stored[2]!.id])
    expect(current.count('e1')).toBe(0)
  })

  test('counts pinned captures per endpoint through pins, unpins, deletions, imports and a reopen', async ({ openStore: open }) => {
    const current = await open()
    const stored = []
    for (let index = 0; index < 4; index++) stored.push(await current.append(newCapture('e1', Buffer.from('x')), Buffer.from('x')))
    await current.append(newCapture('e2', Buffer.from('y')), Buffer.from('y'))
    expect([current.pinnedCount('e1'), current.pinnedCount('e2'), current.pinnedCount('none')]).toEqual([0, 0, 0])
    await current.annotate(stored[0]!.id, { pinned: true })
    await current.annotate(stored[1]!.id, { pinned: true })
    // Pinning twice counts once; unpinning an unpinned one changes nothing.
    await current.annotate(stored[1]!.id, { pinned: true })
    await current.annotate(stored[2]!.id, { pinned: false })
    expect([current.pinnedCount('e1'), current.pinnedCount('e2'), current.pinnedCount()]).toEqual([2, 0, 2])
    await current.annotate(stored[0]!.id, { pinned: false })
    await current.deleteMany([stored[1]!.id])
    expect(current.pinnedCount('e1')).toBe(0)
    // An import can bring a pin along.
    await current.append({ ...newCapture('e2', Buffer.from('z')), origin: 'imported', pinned: true }, Buffer.from('z'))
    await current.annotate(stored[3]!.id, { pinned: true })
    await current.close()
    const reopened = await open()
    expect([reopened.pinnedCount('e1'), reopened.pinnedCount('e2'), reopened.pinnedCount()]).toEqual([1, 1, 2])
    await reopened.deleteByEndpoint('e1', { includePinned: true })
    expect([reopened.pinnedCount('e1'), reopened.pinnedCount()]).toEqual([0, 1])
  })

  test('stores imported captures with their origin and original time', async ({ openStore: open }) => {
    const current = await open()
    const body = Buffer.from('{"a":1}')
    const imported = await current.append(
      {
        ...newCapture('e1', body),
        receivedAt: '2020-01-02T03:04:05.000Z',
        origin: 'imported',
        importedFrom: 'HAR file x.har',
        note: 'from support',
        pinned: true,
      },
      body,
    )
    await current.close()
    const summary = await (await open()).get(imported.id)
    expect(summary).toMatchObject({
      receivedAt: '2020-01-02T03:04:05.000Z',
      origin: 'imported',
      importedFrom: 'HAR file x.har',
      note: 'from support',
      pinned: true,
    })
  })

  test('lists the attempts of one delivery oldest first', async ({ openStore: open }) => {
    const current = await open()
    const same = Buffer.from('{"id":"evt_1"}')
    const other = Buffer.from('{"id":"evt_2"}')
    const first = await current.append(newCapture('e1', same), same)
    await current.append(newCapture('e1', other), other)
    const second = await current.append(newCapture('e2', same), same)
    const key = (await current.get(first.id))!.deliveryKey
    expect(key).toBe(`sha256:${first.body.sha256}`)
    expect((await current.deliveryAttempts(key)).map((capture) => capture.id)).toEqual([first.id, second.id])
    expect(await current.deliveryAttempts('sha256:none')).toEqual([])
  })

  test('changes its revision with every change of what memory knows of a capture, and only then', async ({ openStore: open }) => {
    const current = await open()
    const seen = [current.revision()]
    const changed = () => {
      seen.push(current.revision())
      return seen.at(-1) !== seen.at(-2)
    }
    const [first, second] = [
      await current.append(newCapture('e1', Buffer.from('one')), Buffer.from('one')),
      await current.append(newCapture('e1', Buffer.from('two')), Buffer.from('two')),
    ]
    expect(changed()).toBe(true)
    await current.page({ limit: 10 })
    await current.get(first.id)
    await current.deliveryAttemptFacts([{ deliveryKey: `sha256:${first.body.sha256}`, endpointId: 'e1' }])
    expect(changed()).toBe(false)
    await current.annotate(first.id, { pinned: true })
    expect(changed()).toBe(true)
    const recognition: CaptureRecognition = {
      provider: { id: 'stripe', name: 'Stripe', variant: null },
      verdict: { status: 'valid', reason: null, message: 'signature valid' },
      summary: { eventType: null, status: null, objectId: null, eventId: 'evt_1', reference: null, amount: null, paymentMethod: null, signalOnly: false },
    }
    await current.updateRecognitions([{ id: second.id, recognition }])
    expect(changed()).toBe(true)
    await current.deleteMany([second.id])
    expect(changed()).toBe(true)
    await current.deleteMany([second.id])
    expect(changed()).toBe(false)
  })
})
