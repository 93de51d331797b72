import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeTempDir } from '../../test-support/temp-dir'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import { openCaptureStore, type CaptureStore, type NewCapture } from './capture-store'

const now = () => new Date('2026-11-21T10:00:00Z')

function newCapture(endpointId: string, body: Buffer): NewCapture {
  return {
    id: randomUUID(),
    endpointId,
    receivedAt: now().toISOString(),
    durationMs: 1,
    method: 'POST',
    target: '/default/x?y=1',
    httpVersion: '1.1',
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Dup', 'a'],
      ['x-dup', 'b'],
    ],
    remoteAddress: '127.0.0.1',
    remotePort: 5000,
    body: { sha256: createHash('sha256').update(body).digest('hex') },
    outcome: 'captured',
    refusal: null,
    response: { kind: 'respond', status: 200, headers: [], bodyBase64: '', delayMs: 0, chosenBy: { kind: 'default' } },
  }
}

describe('capture store', () => {
  let dir: string
  let remove: () => Promise<void>
  let store: CaptureStore | undefined
  const open = async () => (store = await openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'unreadable') }, { now }))

  beforeEach(async () => ({ dir, remove } = await makeTempDir()))
  afterEach(async () => {
    await store?.close()
    store = undefined
    await remove()
  })

  it('keeps bodies byte for byte across a reopen, over several segments', async () => {
    const first = await open()
    const bodies = Array.from({ length: SEGMENT_MAX_CAPTURES * 2 + 7 }, (_, index) => randomBytes(index % 5 === 0 ? 0 : 1 + (index % 300)))
    const stored = await Promise.all(bodies.map((body) => first.append(newCapture('e1', body), body)))
    await first.close()

    const second = await open()
    expect(second.count()).toBe(bodies.length)
    for (const [index, capture] of stored.entries()) {
      const reloaded = second.get(capture.id)
      expect(reloaded?.headers).toEqual(capture.headers)
      expect((await second.readBody(reloaded!)).equals(bodies[index]!)).toBe(true)
    }
    const segments = (await readdir(join(dir, 'captures'))).filter((name) => name.endsWith('.json'))
    expect(segments.length).toBeGreaterThanOrEqual(3)
  })

  it('pages newest first with cursors, per endpoint and overall', async () => {
    const current = await open()
    for (let index = 0; index < 25; index++) {
      await current.append(newCapture(index % 2 === 0 ? 'even' : 'odd', Buffer.from(String(index))), Buffer.from(String(index)))
    }
    const firstPage = current.page({ limit: 10 })
    expect(firstPage.total).toBe(25)
    expect(firstPage.items.map((capture) => capture.seq)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16])
    const secondPage = current.page({ limit: 10, beforeSeq: firstPage.nextBeforeSeq! })
    expect(secondPage.items[0]?.seq).toBe(15)
    const lastPage = current.page({ limit: 10, beforeSeq: 6 })
    expect(lastPage.items.map((capture) => capture.seq)).toEqual([5, 4, 3, 2, 1])
    expect(lastPage.nextBeforeSeq).toBeNull()
    const odd = current.page({ endpointId: 'odd', limit: 100 })
    expect(odd.total).toBe(12)
    expect(odd.items.every((capture) => capture.endpointId === 'odd')).toBe(true)
  })

  it('deletes a capture, erases its bytes on disk, and survives a reopen', async () => {
    const current = await open()
    const secret = Buffer.from('card=4111111111111111')
    const doomed = await current.append(newCapture('e1', secret), secret)
    const kept = await current.append(newCapture('e1', Buffer.from('keep')), Buffer.from('keep'))
    await current.delete(doomed.id)
    expect(current.get(doomed.id)).toBeUndefined()
    const bodiesFile = (await readdir(join(dir, 'captures'))).find((name) => name.endsWith('.bodies'))!
    expect((await readFile(join(dir, 'captures', bodiesFile))).includes(secret)).toBe(false)
    await current.close()
    const reopened = await open()
    expect(reopened.get(doomed.id)).toBeUndefined()
    expect((await reopened.readBody(reopened.get(kept.id)!)).toString()).toBe('keep')
  })

  it('clears one endpoint only', async () => {
    const current = await open()
    for (let index = 0; index < SEGMENT_MAX_CAPTURES + 10; index++) {
      await current.append(newCapture(index % 3 === 0 ? 'a' : 'b', Buffer.from('x')), Buffer.from('x'))
    }
    const before = current.count('b')
    expect(await current.deleteByEndpoint('a')).toBe(Math.ceil((SEGMENT_MAX_CAPTURES + 10) / 3))
    expect(current.count('a')).toBe(0)
    expect(current.count('b')).toBe(before)
    await current.close()
    expect((await open()).count('a')).toBe(0)
  })

  it('moves an unreadable or invalid segment aside, reports it, and keeps the rest', async () => {
    const current = await open()
    for (let index = 0; index < SEGMENT_MAX_CAPTURES + 1; index++) await current.append(newCapture('e1', Buffer.from('x')), Buffer.from('x'))
    await current.close()
    store = undefined
    await writeFile(join(dir, 'captures', '000001.json'), '{"schemaVersion":1,"segment":1,"captures":[{"id":')
    await writeFile(join(dir, 'captures', '000002.json'), JSON.stringify({ schemaVersion: 99, segment: 2, captures: [] }))

    const reopened = await open()
    expect(reopened.issues).toHaveLength(2)
    expect(reopened.issues[0]?.problem).toMatch(/not valid JSON/)
    expect(reopened.issues[1]?.problem).toMatch(/schemaVersion/)
    const quarantined = await readdir(join(dir, 'unreadable'))
    expect(quarantined.some((name) => name.endsWith('000001.json'))).toBe(true)
    expect(quarantined.some((name) => name.endsWith('000001.bodies'))).toBe(true)
    expect(reopened.count()).toBe(0)
    // New captures go to new files; the quarantined ones are never overwritten.
    await reopened.append(newCapture('e1', Buffer.from('new')), Buffer.from('new'))
    expect(reopened.count()).toBe(1)
    expect((await readFile(join(dir, 'unreadable', quarantined.find((name) => name.endsWith('000001.json'))!), 'utf8')).startsWith('{"schemaVersion":1')).toBe(true)
  })

  it('drops a record whose body bytes never reached disk (crash between the two writes)', async () => {
    const current = await open()
    await current.append(newCapture('e1', Buffer.from('complete')), Buffer.from('complete'))
    await current.close()
    store = undefined
    const indexFile = join(dir, 'captures', '000001.json')
    const document = JSON.parse(await readFile(indexFile, 'utf8'))
    document.captures.push({ ...document.captures[0], id: 'torn', seq: 2, body: { offset: 8, size: 100, sha256: 'x' } })
    await writeFile(indexFile, JSON.stringify(document))
    const reopened = await open()
    expect(reopened.count()).toBe(1)
    expect(reopened.get('torn')).toBeUndefined()
  })

  it('rejects a capture it cannot write and keeps nothing of it', async () => {
    const current = await open()
    await current.append(newCapture('e1', Buffer.from('first')), Buffer.from('first'))
    // steno writes through a temp file; a folder in its place makes every index write fail.
    await mkdir(join(dir, 'captures', '.000001.json.tmp'))
    await expect(current.append(newCapture('e1', Buffer.from('second')), Buffer.from('second'))).rejects.toThrow()
    expect(current.count()).toBe(1)
  })
})
