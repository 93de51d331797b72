/**
 * The store's search over more captures than one segment holds: a page answered without its
 * total matches the full answer, search-text sidecars change no answer, and a body whose bytes
 * no longer match its sha256 is never found by them and is marked damaged.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CaptureFilter } from '../../shared/capture-filter'
import { makeTempDir } from '../../test-support/temp-dir'
import { testCapture } from '../../test-support/test-capture'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import { openCaptureStore, type CaptureStore, type NewCapture } from './capture-store'
import { FRAME_HEADER_BYTES } from './capture-log'

const now = () => new Date('2026-11-21T10:00:00Z')
const COUNT = SEGMENT_MAX_CAPTURES * 2 + 300

/** A JSON POST; every 10th has the header value "Tenth", and its target names its index (`n=12`). */
const newCapture = (index: number, body: Buffer): NewCapture =>
  testCapture(body, {
    endpointId: 'shop',
    target: `/shop/callbacks?n=${index}`,
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Batch', index % 10 === 0 ? 'Tenth' : 'Plain'],
    ],
  })

/** Every 4th body names a customer, one names "Zanzibar"; all are about 200 bytes. */
function bodyOf(index: number): Buffer {
  const customer = index === 1234 ? 'Zanzibar Quux' : index % 4 === 0 ? 'Jane Customer' : 'nobody'
  return Buffer.from(JSON.stringify({ order: `order-${index}`, customer, padding: 'x'.repeat(150) }))
}

let dir: string
let remove: () => Promise<void>
let store: CaptureStore
const ids: string[] = []

async function open(): Promise<CaptureStore> {
  return openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'quarantine'), durability: 'flush' }, { now })
}

beforeEach(async () => {
  ;({ dir, remove } = await makeTempDir())
  store = await open()
  ids.length = 0
  for (let index = 0; index < COUNT; index++) {
    const body = bodyOf(index)
    const stored = await store.append(newCapture(index, body), body)
    ids.push(stored.id)
  }
})

afterEach(async () => {
  await store.close()
  await remove()
})

const sidecarFolder = () => join(dir, 'captures', 'search')
const sidecarCount = () => (existsSync(sidecarFolder()) ? readdirSync(sidecarFolder()).filter((name) => name.endsWith('.search')).length : 0)

/** Waits until every segment has a sidecar (the store asks for them after a search). */
async function sidecarsBuilt(segments: number): Promise<void> {
  await store.countMatching(undefined, { query: 'anything' })
  for (let tries = 0; tries < 500 && sidecarCount() < segments; tries++) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(sidecarCount()).toBe(segments)
}

async function answers(filter: CaptureFilter) {
  const full = await store.page({ limit: 50, filter })
  const quick = await store.pageOnly({ limit: 50, filter })
  const next = full.nextBeforeSeq === null ? null : await store.pageOnly({ limit: 50, filter, beforeSeq: full.nextBeforeSeq })
  const nextFull = full.nextBeforeSeq === null ? null : await store.page({ limit: 50, filter, beforeSeq: full.nextBeforeSeq })
  return {
    total: full.total,
    count: await store.countMatching(undefined, filter),
    page: full.items.map((item) => item.id),
    quickPage: quick.items.map((item) => item.id),
    cursor: full.nextBeforeSeq,
    quickCursor: quick.nextBeforeSeq,
    next: next?.items.map((item) => item.id) ?? null,
    nextFull: nextFull?.items.map((item) => item.id) ?? null,
    ids: await store.ids(undefined, filter),
  }
}

const FILTERS: CaptureFilter[] = [
  { query: 'body:"jane customer"' },
  { query: 'zanzibar' },
  { query: 'ZANZIBAR OR "order-17"' },
  { query: 'header.x-batch:tenth -jane' },
  { query: 'jane -header:tenth' },
  { query: 'nosuchword' },
  { query: 'method:post "order-2"' },
  { text: 'n=12' },
  // Settled by the sidecar alone (core/search/search-text-decision.ts), or partly.
  { query: 'jane -tenth' },
  { query: '-jane' },
  { query: 'zanzibar OR tenth -jane' },
  { query: '-"order-2" -nobody' },
  { query: '"x-batch: tenth" -jane' },
  { query: 'jane -body:customer' },
  { query: 'provider:stripe OR -jane' },
  { query: 'jane', text: 'n=12' },
  { query: 'path:/shop/CALLBACKS -jane' },
  { query: 'path:nowhere OR zanzibar' },
  { query: '-path:callbacks OR tenth' },
]

describe('store search', () => {
  it('answers a page without its total as the full answer does, with and without sidecars', async () => {
    const before = []
    for (const filter of FILTERS) before.push(await answers(filter))
    const jane = before[0] as Awaited<ReturnType<typeof answers>>
    expect(jane.total).toBe(Math.ceil(COUNT / 4))
    expect(jane.quickPage).toEqual(jane.page)
    expect(jane.quickCursor).toBe(jane.cursor)
    expect(jane.next).toEqual(jane.nextFull)
    expect((before[1] as Awaited<ReturnType<typeof answers>>).ids).toEqual([ids[1234]])
    for (const answer of before) {
      expect(answer.count).toBe(answer.total)
      expect(answer.quickPage).toEqual(answer.page)
      expect(answer.quickCursor).toBe(answer.cursor)
      expect(answer.next).toEqual(answer.nextFull)
    }

    await sidecarsBuilt(3)
    const after = []
    for (const filter of FILTERS) after.push(await answers(filter))
    expect(after).toEqual(before)
  })

  it('gives the answers the matcher gives for any mix of words, fields and negations, with sidecars', async () => {
    // Generated from words the captures hold in their body, headers, target and nowhere.
    const words = ['jane', 'customer', 'nobody', 'zanzibar', 'tenth', 'plain', '"order-12"', 'n=4', 'x-batch', 'nosuchword', 'shop']
    const fields = ['', '', '', '-', 'body:', '-body:', 'header:', 'target:']
    let seed = 7
    const random = (size: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % size
    }
    const pick = (list: string[]) => list[random(list.length)] as string
    const queries = Array.from({ length: 40 }, () => {
      const terms = Array.from({ length: 1 + random(3) }, () => `${pick(fields)}${pick(words)}`)
      return terms.join(random(3) === 0 ? ' OR ' : ' ')
    })
    const counts = async () => Promise.all(queries.map((query) => store.countMatching(undefined, { query }).catch(() => -1)))
    const before = await counts()
    expect(before.filter((count) => count > 0 && count < COUNT).length).toBeGreaterThan(10)
    await sidecarsBuilt(3)
    expect(await counts()).toEqual(before)
  })

  it('settles from the sidecar what it can without reading the log', async () => {
    await sidecarsBuilt(3)
    // Damaged after its sidecar was built: a search reading it would find its bytes no longer
    // match and leave it out; settled by the text verified when the sidecar was built, it is found.
    const id = ids[1234] as string
    flipBodyByte(id, 'Quux', 'Quax')
    expect(await store.ids(undefined, { query: 'zanzibar -tenth' })).toEqual([id])
    expect(store.health().damaged).toBe(0)
    // So is a body: term found in the body text.
    expect(await store.ids(undefined, { query: 'body:zanzibar' })).toEqual([id])
    expect(store.health().damaged).toBe(0)
    // What the sidecar cannot settle (the method) has the capture read, and found damaged.
    expect(await store.ids(undefined, { query: 'zanzibar method:post' })).toEqual([])
    expect(store.health().damaged).toBe(1)
  })

  it('looks up what the sidecar found of each text once per text, not once per capture and term', async () => {
    await sidecarsBuilt(3)
    // The most terms, each sharing a long start with the others: each lookup of a text's hits was
    // an indexOf over all of the query's texts, for every term of every capture.
    const terms = Array.from({ length: 32 }, (_unused, index) => `"${'order-'.repeat(3)}${index}"`)
    const lookups = vi.spyOn(Array.prototype, 'indexOf')
    try {
      expect(await store.countMatching(undefined, { query: terms.join(' OR ') })).toBe(0)
      expect(await store.countMatching(undefined, { query: terms.map((term) => `-${term}`).join(' ') })).toBe(COUNT)
      // Before: 32 lookups per capture and query (about 150,000 here).
      expect(lookups.mock.calls.length).toBeLessThan(COUNT)
    } finally {
      lookups.mockRestore()
    }
  })

  it('settles a text filter found in the summary text from the sidecar, without reading the log', async () => {
    await sidecarsBuilt(3)
    // The target as logged changed after its sidecar was built: read from the log, the capture no
    // longer holds the text; settled by the summary text the sidecar holds, it is found. (A text
    // filter matching a quarter of 1,000,000 captures read every one of them: 19 s.)
    const id = ids[1234] as string
    changeLoggedTarget(id, 'n=1234', 'n=1x34')
    expect(await store.ids(undefined, { text: 'n=1234' })).toEqual([id])
    expect(await store.ids(undefined, { text: 'n=1234', query: 'zanzibar -tenth' })).toEqual([id])
    // Found elsewhere than in the summary text (a header value), the capture is still read.
    expect(await store.ids(undefined, { text: 'plain' })).toEqual([])
  })

  it('settles a path: term from the sidecar both ways, without reading the log', async () => {
    await sidecarsBuilt(3)
    // The path as logged changed after its sidecar was built: read from the log, the capture has
    // the new path; settled by the path texts the sidecar holds, it has the old one. (A path
    // filter read every capture's frame from the logs.)
    const id = ids[1234] as string
    changeLoggedTarget(id, '/shop/callbacks', '/shop/callbackz')
    expect(await store.countMatching(undefined, { query: 'path:/shop/callbacks' })).toBe(COUNT)
    expect(await store.ids(undefined, { query: 'path:callbackz' })).toEqual([])
    expect(await store.ids(undefined, { query: 'zanzibar -path:/shop/callbacks' })).toEqual([])
    // With a term the sidecar cannot settle (the method), the capture is read, and its logged path decides.
    expect(await store.countMatching(undefined, { query: 'path:/shop/callbacks method:post' })).toBe(COUNT - 1)
  })

  it('finds a capture by its note even where the sidecar was written before the note', async () => {
    await sidecarsBuilt(3)
    await store.annotate(ids[5] as string, { note: 'Refund Requested' })
    expect(await store.ids(undefined, { query: 'refund' })).toEqual([ids[5]])
    expect(await store.ids(undefined, { query: 'refund zanzibar' })).toEqual([])
  })

  it("rebuilds a segment's sidecar once a capture in it is deleted: its text does not outlive its bytes", async () => {
    await sidecarsBuilt(3)
    const sidecarTexts = () => readdirSync(sidecarFolder()).map((name) => readFileSync(join(sidecarFolder(), name), 'utf8'))
    expect(sidecarTexts().some((text) => text.includes('zanzibar quux'))).toBe(true)
    await store.deleteMany([ids[1234] as string])
    // The next search (or the background upkeep) sees the log written since the sidecar was built.
    await store.countMatching(undefined, { query: 'zanzibar' })
    for (let tries = 0; tries < 500 && sidecarTexts().some((text) => text.includes('zanzibar quux')); tries++)
      await new Promise((resolve) => setTimeout(resolve, 10))
    expect(sidecarTexts().some((text) => text.includes('zanzibar quux'))).toBe(false)
    expect(await store.ids(undefined, { query: 'zanzibar' })).toEqual([])
  })

  it('never matches a body by its corrupted bytes, and marks it damaged (without a sidecar)', async () => {
    const id = ids[1234] as string
    flipBodyByte(id, 'Zanzibar', 'Zanzibur')
    expect(await store.ids(undefined, { query: 'zanzibur' })).toEqual([])
    expect(await store.ids(undefined, { query: 'zanzibar' })).toEqual([])
    expect((await store.get(id))?.damage).toBeTruthy()
    expect(store.health().damaged).toBe(1)
  })

  it('reads a damaged body as no body, whether or not its bytes hold the words searched (without a sidecar)', async () => {
    const id = ids[1234] as string
    flipBodyByte(id, 'Zanzibar', 'Zanzibur')
    // Its corrupted bytes hold the word: the body is checked, found damaged and read as none.
    expect(await store.countMatching(undefined, { query: '-zanzibur' })).toBe(COUNT)
    expect(await store.ids(undefined, { query: 'body:zanzibur OR header.x-batch:tenth' })).not.toContain(id)
    // They do not hold it: the answer is the one a missing body gives.
    expect(await store.countMatching(undefined, { query: '-nosuchword' })).toBe(COUNT)
    expect(await store.ids(undefined, { query: 'zanzibar' })).toEqual([])
    expect(store.health().damaged).toBe(1)
  })

  it('builds sidecars from verified bodies only, and marks the damaged again after a restart', async () => {
    const id = ids[1234] as string
    flipBodyByte(id, 'Zanzibar', 'Zanzibur')
    await sidecarsBuilt(3)
    expect(await store.ids(undefined, { query: 'zanzibur' })).toEqual([])
    expect(store.health().damaged).toBe(1)
    const sidecars = readdirSync(sidecarFolder()).map((name) => readFileSync(join(sidecarFolder(), name), 'latin1'))
    expect(sidecars.some((text) => text.includes('zanzibur'))).toBe(false)

    await store.close()
    store = await open()
    expect(store.health().damaged).toBe(0)
    // The first search (or the background upkeep) reads the sidecars' record of damage.
    await store.countMatching(undefined, { query: 'jane' })
    for (let tries = 0; tries < 500 && store.health().damaged === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(store.health().damaged).toBe(1)
    expect((await store.pageOnly({ limit: 1, filter: { query: `id:${id}` } })).items[0]?.damage).toBeTruthy()
  })
})

/** Replaces `from` with `to` (same length) inside the capture's body, on disk. */
/** Writes `to` over the first `from` in the capture's record as logged (its metadata, before the body). */
function changeLoggedTarget(id: string, from: string, to: string): void {
  for (const name of readdirSync(join(dir, 'captures')).filter((file) => file.endsWith('.log'))) {
    const path = join(dir, 'captures', name)
    const bytes = readFileSync(path)
    const idAt = bytes.indexOf(`"id":"${id}"`)
    if (idAt === -1) continue
    const frameStart = bytes.lastIndexOf('CIF1', idAt)
    const bodyStart = frameStart + FRAME_HEADER_BYTES + bytes.readUInt32BE(frameStart + 4)
    const at = bytes.indexOf(from, frameStart)
    if (at === -1 || at >= bodyStart) throw new Error(`${from} is not in the record of ${id}`)
    bytes.write(to, at, 'utf8')
    writeFileSync(path, bytes)
    return
  }
  throw new Error(`capture ${id} not found in any log`)
}

function flipBodyByte(id: string, from: string, to: string): void {
  const logs = readdirSync(join(dir, 'captures')).filter((name) => name.endsWith('.log'))
  for (const name of logs) {
    const path = join(dir, 'captures', name)
    const bytes = readFileSync(path)
    const idAt = bytes.indexOf(`"id":"${id}"`)
    if (idAt === -1) continue
    const frameStart = bytes.lastIndexOf('CIF1', idAt)
    const bodyStart = frameStart + FRAME_HEADER_BYTES + bytes.readUInt32BE(frameStart + 4)
    const at = bytes.indexOf(from, bodyStart)
    bytes.write(to, at, 'utf8')
    writeFileSync(path, bytes)
    return
  }
  throw new Error(`capture ${id} not found in any log`)
}
