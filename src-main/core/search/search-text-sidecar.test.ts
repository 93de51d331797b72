/**
 * The sidecar's entry writer (entries gathered in one reused buffer, a large one written on its
 * own) and its header read through the read window: the bytes on disk are exactly the entries.
 */
import { createHash } from 'node:crypto'
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeTempDir } from '../../test-support/temp-dir'
import { openCaptureStore } from '../store/capture-store'
import { testCapture } from '../../test-support/test-capture'
import {
  buildSidecar,
  ENTRY_BUFFER_BYTES,
  entryWriter,
  findTexts,
  READ_WINDOW_BYTES,
  readSidecarHeader,
  searchesEachText,
  SIDECAR_VERSION,
  type SidecarHeader,
  type TextFound,
} from './search-text-sidecar'

let dir: string
let remove: () => Promise<void>
beforeEach(async () => {
  ;({ dir, remove } = await makeTempDir())
})
afterEach(async () => remove())

function writeEntries(path: string, texts: string[]): { ends: number[]; digest: string; bytes: number } {
  const fd = openSync(path, 'w')
  const hash = createHash('sha256')
  const output = entryWriter(fd, { update: (bytes) => void hash.update(bytes) })
  const ends: number[] = []
  for (const text of texts) {
    output.write(text)
    ends.push(output.bytes())
  }
  output.flush()
  closeSync(fd)
  return { ends, digest: hash.digest('hex'), bytes: output.bytes() }
}

describe('sidecar entry writer', () => {
  it('writes every entry in order, across the buffer and past its size, with their ends and hash', () => {
    const texts: string[] = []
    for (let index = 0; index < 400; index++) texts.push(`entry ${index} müller ✓ ${'x'.repeat(index * 7)}\n`)
    // Larger than the buffer, once with entries before it in the buffer and once right after a flush.
    texts.splice(100, 0, `big ${'ü'.repeat(ENTRY_BUFFER_BYTES)}\n`)
    texts.push(`bigger ${'y'.repeat(ENTRY_BUFFER_BYTES * 2)}\n`, `${'z'.repeat(ENTRY_BUFFER_BYTES - 1)}\n`, 'last\n')
    const path = join(dir, 'entries')
    const written = writeEntries(path, texts)

    const expected = Buffer.from(texts.join(''), 'utf8')
    const onDisk = readFileSync(path)
    expect(onDisk.equals(expected)).toBe(true)
    expect(written.bytes).toBe(expected.length)
    expect(written.digest).toBe(createHash('sha256').update(expected).digest('hex'))
    let end = 0
    expect(written.ends).toEqual(texts.map((text) => (end += Buffer.byteLength(text, 'utf8'))))
  })

  it('is used again by the next sidecar without carrying bytes over', () => {
    const first = join(dir, 'first')
    const second = join(dir, 'second')
    writeEntries(first, ['a'.repeat(1000), 'b'.repeat(ENTRY_BUFFER_BYTES - 2000)])
    writeEntries(second, ['c\n'])
    expect(readFileSync(second, 'utf8')).toBe('c\n')
  })
})

describe('sidecar header', () => {
  it('reads a header larger than the read window', () => {
    const count = Math.ceil(READ_WINDOW_BYTES / 40) + 10
    const ids = Array.from({ length: count }, (_unused, index) => `id-${index}-${'0'.repeat(30)}`)
    const header = {
      version: SIDECAR_VERSION,
      coveredLogBytes: 0,
      logModifiedMs: 1,
      textSha256: '',
      textBytes: count,
      frameOffsets: ids.map((_id, index) => index),
      ids,
      textEnds: ids.map((_id, index) => index + 1),
      bodyStarts: ids.map((_id, index) => index),
      summaryEnds: ids.map((_id, index) => index),
      pathEnds: ids.map((_id, index) => index),
      damaged: [],
    }
    const json = Buffer.from(JSON.stringify(header), 'utf8')
    expect(json.length).toBeGreaterThan(READ_WINDOW_BYTES)
    const trailer = Buffer.alloc(8)
    trailer.writeUInt32BE(json.length, 0)
    trailer.write('CIS1', 4)
    const path = join(dir, 'big.search')
    writeFileSync(path, Buffer.concat([Buffer.alloc(count, 'a'), json, trailer]))
    const fd = openSync(path, 'r')
    try {
      expect(readSidecarHeader(fd)?.ids).toEqual(ids)
    } finally {
      closeSync(fd)
    }
  })
})

describe('sidecar build', () => {
  it('steps over zeros between frames and megabytes of them after the last frame (a log zero-filled ahead)', async () => {
    const store = await openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'unreadable'), durability: 'flush' }, { now: () => new Date() })
    const bodies = ['first body', 'second body', 'third body'].map((text) => Buffer.from(text))
    const stored = []
    for (const body of bodies) stored.push(await store.append(testCapture(body), body))
    await store.close()
    const log = readFileSync(join(dir, 'captures', '000001.log'))
    const third = stored[2]!.frame.offset
    // A hole before the last frame (a write a crash left unfinished), and a zero-filled tail.
    const holey = join(dir, 'holey.log')
    writeFileSync(holey, Buffer.concat([log.subarray(0, third), Buffer.alloc(100_000), log.subarray(third), Buffer.alloc(READ_WINDOW_BYTES * 2 + 5)]))
    const built = buildSidecar(holey, join(dir, 'holey.search'))
    expect(built.header.ids).toEqual(stored.map((capture) => capture.id))
    expect(built.damaged).toEqual([])
    expect(built.header.coveredLogBytes).toBe(log.length + 100_000)
  })
})

describe('finding texts in a sidecar', () => {
  it('says which captures hold a text, and which hold it in their body text, wherever else it is too', async () => {
    const store = await openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'unreadable'), durability: 'flush' }, { now: () => new Date() })
    const cases: Array<[header: string, body: string]> = [
      ['Mango', '{"fruit":"mango"}'], // in a header value, then in the body
      ['Mango', '{"fruit":"apple"}'], // in a header value only
      ['plain', '{"fruit":"mango"}'], // in the body only
      ['plain', ''], // nowhere, without a body
    ]
    for (const [header, body] of cases) {
      const bytes = Buffer.from(body)
      await store.append(testCapture(bytes, { headers: [['X-Fruit', header]] }), bytes)
    }
    await store.close()
    const sidecar = join(dir, 'fruit.search')
    const { header } = buildSidecar(join(dir, 'captures', '000001.log'), sidecar)
    const fd = openSync(sidecar, 'r')
    try {
      const [mango, fruit, post] = findTexts(fd, header, ['mango', 'x-fruit', 'post'])
      expect([...mango!.entries].sort()).toEqual([0, 1, 2])
      expect([...mango!.inBody].sort()).toEqual([0, 2])
      expect([...mango!.inSummary]).toEqual([])
      // A header name, in every capture's text and none's body text.
      expect([...fruit!.entries].sort()).toEqual([0, 1, 2, 3])
      expect([...fruit!.inBody]).toEqual([])
      // The method, in every capture's summary text.
      expect([...post!.inSummary].sort()).toEqual([0, 1, 2, 3])
    } finally {
      closeSync(fd)
    }
  })

  it("holds a capture's trailer fields beside its headers, outside its body text", async () => {
    const store = await openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'unreadable'), durability: 'flush' }, { now: () => new Date() })
    const body = Buffer.from('{}')
    await store.append(testCapture(body, { trailers: [['X-Body-Digest', 'sha-256=:Q2F0:']] }), body)
    await store.append(testCapture(body), body)
    await store.close()
    const sidecar = join(dir, 'trailers.search')
    const { header } = buildSidecar(join(dir, 'captures', '000001.log'), sidecar)
    const fd = openSync(sidecar, 'r')
    try {
      const [name, value] = findTexts(fd, header, ['x-body-digest', 'sha-256=:q2f0:'])
      expect([...name!.entries]).toEqual([0])
      expect([...value!.entries]).toEqual([0])
      expect([...value!.inBody]).toEqual([])
    } finally {
      closeSync(fd)
    }
  })

  it('says which captures hold a text in their path, as received or decoded, wherever else it is too', async () => {
    const store = await openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'unreadable'), durability: 'flush' }, { now: () => new Date() })
    const cases: Array<[target: string, body: string]> = [
      ['/shop/mango', '{"fruit":"mango"}'], // in the path (and the summary, and the body)
      ['/shop?fruit=mango', ''], // in the query only (the summary)
      ['/shop/caf%C3%A9', '{"fruit":"caf\u00e9"}'], // in the path decoded
      ['/shop', '{"fruit":"mango"}'], // in the body only
    ]
    for (const [target, body] of cases) {
      const bytes = Buffer.from(body)
      await store.append(testCapture(bytes, { target }), bytes)
    }
    await store.close()
    const sidecar = join(dir, 'paths.search')
    const { header } = buildSidecar(join(dir, 'captures', '000001.log'), sidecar)
    const fd = openSync(sidecar, 'r')
    try {
      const [mango, cafe, shop] = findTexts(fd, header, ['mango', 'caf\u00e9', '/shop'])
      expect([...mango!.entries].sort()).toEqual([0, 1, 3])
      expect([...mango!.inPath]).toEqual([0])
      expect([...mango!.inSummary].sort()).toEqual([0, 1])
      expect([...mango!.inBody].sort()).toEqual([0, 3])
      expect([...cafe!.inPath]).toEqual([2])
      expect([...shop!.inPath].sort()).toEqual([0, 1, 2, 3])
    } finally {
      closeSync(fd)
    }
  })

  /** Where each part of each capture's text lies in the sidecar's text, as its header says. */
  function partsOf(header: SidecarHeader, entry: number): Record<keyof TextFound, [number, number]> {
    const start = entry === 0 ? 0 : (header.textEnds[entry - 1] as number)
    const end = header.textEnds[entry] as number
    const summaryEnd = header.summaryEnds[entry] as number
    return {
      entries: [start, end],
      inSummary: [start, summaryEnd],
      inPath: [summaryEnd + 1, header.pathEnds[entry] as number],
      inBody: [header.bodyStarts[entry] as number, end - 1],
    }
  }

  it('finds each text exactly where a search of each part alone finds it, across read windows and whatever the others', async () => {
    const store = await openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'unreadable'), durability: 'flush' }, { now: () => new Date() })
    // A body larger than two read windows, with a word across each window's end; others small,
    // with the same words in their path, headers and bodies, and words that overlap each other.
    const big = Buffer.alloc(READ_WINDOW_BYTES * 2 + 1000, 'a')
    big.write('needle', READ_WINDOW_BYTES - 3)
    big.write('xyz', READ_WINDOW_BYTES * 2 - 1)
    const cases: Array<[target: string, header: string, body: Buffer]> = [
      ['/shop/aab', 'needle', Buffer.from('{"fruit":"aab"}')],
      ['/big', 'plain', big],
      ['/shop/needle?q=xyz', 'aaaa', Buffer.from('')],
      ['/n', 'ee', Buffer.from('needle needle aab')],
    ]
    for (const [target, value, body] of cases) await store.append(testCapture(body, { target, headers: [['X-Word', value]] }), body)
    await store.close()
    const sidecar = join(dir, 'mixed.search')
    const { header } = buildSidecar(join(dir, 'captures', '000001.log'), sidecar)
    const text = readFileSync(sidecar).subarray(0, header.textBytes)
    // Many texts starting with many distinct bytes (the automaton reads byte by byte), with few (it
    // jumps to where one can start); a few texts (one native search each), one alone.
    const textSets = [
      ['needle', 'aab', 'aa', 'a', 'xyz', 'ee', 'dle\nneed', 'le\nx-word', '"fruit"', 'zzz', 'a'.repeat(600)],
      ['needle', 'ee', 'xyz', 'aab', 'xy', 'nee'],
      ['needle', 'ee', 'xyz', 'aab'],
      ['needle'],
    ]
    const fd = openSync(sidecar, 'r')
    try {
      for (const texts of textSets) {
        const found = findTexts(fd, header, texts)
        texts.forEach((needle, index) => {
          const bytes = Buffer.from(needle)
          for (let entry = 0; entry < header.ids.length; entry++) {
            for (const [part, [start, end]] of Object.entries(partsOf(header, entry)) as Array<[keyof TextFound, [number, number]]>) {
              const expected = end > start && text.subarray(start, end).includes(bytes)
              expect((found[index] as TextFound)[part].has(entry), `${JSON.stringify(needle)} ${part} of capture ${entry}`).toBe(expected)
            }
          }
        })
      }
    } finally {
      closeSync(fd)
    }
  })

  it('reads the sidecar text once for all the texts, not with a search of its own for each', async () => {
    const store = await openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'unreadable'), durability: 'flush' }, { now: () => new Date() })
    // One letter: a two-letter word starting with it made a byte search restart at every byte.
    const body = Buffer.alloc(READ_WINDOW_BYTES * 3, 'a')
    // A fixed id: the sidecar holds the capture's id, and a random one held "ab0" or "ae3" in about one run of ten.
    await store.append(testCapture(body, { id: '00000000-0000-4000-8000-000000000000' }), body)
    await store.close()
    const sidecar = join(dir, 'letters.search')
    const { header } = buildSidecar(join(dir, 'captures', '000001.log'), sidecar)
    // Second letters past f: none of them is found anywhere in the capture's text.
    const words = Array.from({ length: 32 }, (_unused, index) => `a${String.fromCharCode(103 + (index % 20))}${index}`)
    const fd = openSync(sidecar, 'r')
    const searches = vi.spyOn(Buffer.prototype, 'indexOf')
    try {
      const found = findTexts(fd, header, [...words, 'aaa'])
      expect(found.slice(0, -1).every((each) => each.entries.size === 0)).toBe(true)
      expect([...(found.at(-1) as TextFound).inBody]).toEqual([0])
      // A search per word and window was 132 searches of 1 MiB each; the one pass looks for a
      // single byte now and then, to jump to where a word can start.
      expect(searches.mock.calls.length).toBeLessThan(words.length)
    } finally {
      searches.mockRestore()
      closeSync(fd)
    }
  })

  it('looks for a text longer than the native search is linear for in one pass, and finds it where it is', async () => {
    const store = await openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'unreadable'), durability: 'flush' }, { now: () => new Date() })
    // The native byte search compares a long text whose last 250 bytes say nothing back over its
    // whole length at nearly every byte of one letter: seconds per megabyte for this one.
    const long = `${'a'.repeat(300)}b${'a'.repeat(600)}`
    const hostile = Buffer.alloc(READ_WINDOW_BYTES * 2, 'a')
    const planted = Buffer.concat([hostile, Buffer.from(long), hostile])
    await store.append(testCapture(hostile), hostile)
    await store.append(testCapture(planted), planted)
    await store.close()
    const sidecar = join(dir, 'long.search')
    const { header } = buildSidecar(join(dir, 'captures', '000001.log'), sidecar)
    // 301 bytes, 101 characters: it is the bytes that count.
    expect(searchesEachText([`${'é'.repeat(150)}x`])).toBe(false)
    expect(searchesEachText(['a'.repeat(250), 'b'])).toBe(true)
    expect(searchesEachText([long])).toBe(false)
    const fd = openSync(sidecar, 'r')
    const searches = vi.spyOn(Buffer.prototype, 'indexOf')
    try {
      const [found] = findTexts(fd, header, [long])
      expect([...found!.entries]).toEqual([1])
      expect([...found!.inBody]).toEqual([1])
      // Only single bytes are searched natively (to jump to where the text can start).
      expect(searches.mock.calls.filter(([needle]) => typeof needle !== 'number' && Buffer.byteLength(needle as string | Buffer) > 1)).toEqual([])
    } finally {
      searches.mockRestore()
      closeSync(fd)
    }
  })
})
