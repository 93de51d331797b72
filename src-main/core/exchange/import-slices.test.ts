/**
 * An import's reading a slice at a time (base64, JSON, entries): the same result as reading the
 * file in one go, with turns of the event loop between the slices, so the receiver, which shares
 * it, answers meanwhile. Before, the file was decoded, parsed and read in one call: 0.3-0.9 s
 * for 10,000 captures, during which nothing else ran.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { decodeStrictBase64, decodeStrictBase64InSlices } from './exchange-capture'
import { readCurlCommands, scanCurlCommands } from './curl-import'
import { readHttpMessages } from './http-message-format'
import { readImportEntries, readImportFile } from './import-file'
import { parseJsonInSlices } from './json-in-slices'
import { runSteps, TEXT_STEP_CHARS, type Steps } from './work-slices'

const LISTS = [['log', 'entries'], ['captures']] as const
const EVERY_STEP = { maxMs: Number.POSITIVE_INFINITY, maxSteps: 1 }

/** Counts the turns the event loop takes while `work` runs. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0
  let isRunning = true
  const tick = () => {
    if (!isRunning) return
    turns++
    setImmediate(tick)
  }
  setImmediate(tick)
  const result = await work()
  isRunning = false
  return { result, turns }
}

/** What JSON.parse says of the text, as parseJsonInSlices answers. */
function parsedWhole(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false }
  }
}

async function parsedInSlices(text: string): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const read = await parseJsonInSlices(text, LISTS, 64, EVERY_STEP)
  return read.ok ? read : { ok: false }
}

const HAR = `{"log": {"version": "1.2", "entries": [
  {"request": {"method": "POST", "url": "http://h/a?x=[1]", "postData": {"text": "{\\"amount\\": 10.10, \\"q\\": \\"\\\\\\"]\\"}"}}},
  {"request": {"method": "GET", "url": "http://h/b"}, "n": 12345678901234567890, "e": 1e400, "z": -0.0},
  "a string item with ] and } and \\" in it",
  12.50,
  [1, [2, {"entries": [3]}]],
  null
 ], "pages": [], "comment": "entries"}}`

const BUNDLE = `{"format": "callback-inspector-bundle", "version": 1, "captures": [{"id": "a", "body": {"base64": "e30="}}, {"id": "b", "__proto__": {"x": 1}}], "x": {"captures": [1]}}`

describe('parseJsonInSlices', () => {
  const documents: Record<string, string> = {
    har: HAR,
    bundle: BUNDLE,
    'an empty list': '{"captures": [ ]}',
    'a list named twice (JSON.parse keeps the last)': '{"captures": [1, 2], "version": 1, "captures": [3]}',
    'a list named twice, the last not a list': '{"captures": [1, 2], "captures": "none"}',
    'a log named again without entries': '{"log": {"entries": [1]}, "log": {"version": "1.2"}}',
    'entries named again inside the same log': '{"log": {"entries": [1], "creator": {}, "entries": [{"a": 2}]}}',
    'a member name written with escapes': '{"capt\\u0075res": [{"a": 1}], "lo\\u0067": {"entr\\u0069es": [2]}}',
    'the list inside another list (not the named one)': '{"x": [{"captures": [1]}], "log": [{"entries": [2]}]}',
    'no named list': '[{"captures": [1]}, 2]',
    'a top-level string': '"captures"',
    'nested lists and whitespace everywhere': ' \r\n\t{ "captures" :\n[ [ ] , { } , [ [ "]" ] ] , "" ] } \n',
  }

  for (const [name, text] of Object.entries(documents)) {
    it(`gives what JSON.parse gives: ${name}`, async () => {
      const whole = parsedWhole(text)
      expect(whole.ok).toBe(true)
      expect(await parsedInSlices(text)).toStrictEqual(whole)
    })
  }

  it('keeps __proto__ as a plain member, as JSON.parse does', async () => {
    const read = await parsedInSlices(BUNDLE)
    const second = (read as { value: { captures: Array<Record<string, unknown>> } }).value.captures[1]!
    expect(Object.keys(second)).toEqual(['id', '__proto__'])
    expect(Object.getPrototypeOf(second)).toBe(Object.prototype)
  })

  it('refuses every text JSON.parse refuses, and reads every one it reads: a character dropped, added or changed anywhere', async () => {
    const base = `{"log": {"entries": [{"a": "x\\"]"}, [1, 2], "s", 3, {"b": {"c": null}}], "v": true}, "captures": [4,{"d":[]}]}`
    const variants = new Set<string>()
    for (let at = 0; at <= base.length; at++) {
      variants.add(base.slice(0, at) + base.slice(at + 1))
      for (const char of [',', ']', '[', '}', '{', '"', ':', 'x', '1', ' ', '\\']) {
        variants.add(base.slice(0, at) + char + base.slice(at))
        variants.add(base.slice(0, at) + char + base.slice(at + 1))
      }
    }
    let refused = 0
    for (const text of variants) {
      const whole = parsedWhole(text)
      if (!whole.ok) refused++
      expect({ text, read: await parsedInSlices(text) }).toStrictEqual({ text, read: whole })
    }
    // Most variants are broken: the check covers refusals, not only equal values.
    expect(refused).toBeGreaterThan(variants.size / 2)
  })

  it('refuses nesting deeper than the limit where the whole-text check did, before parsing', async () => {
    expect(await parseJsonInSlices(`{"log":${'['.repeat(100_000)}`, LISTS, 64)).toEqual({ ok: false, problem: 'too-deep', at: 70 })
    expect(await parseJsonInSlices(`{"captures":[${'{"a":'.repeat(62)}1${'}'.repeat(62)}]}`, LISTS, 64)).toMatchObject({ ok: true })
    expect(await parseJsonInSlices(`{"captures":[${'{"a":'.repeat(63)}1${'}'.repeat(63)}]}`, LISTS, 64)).toEqual({
      ok: false,
      problem: 'too-deep',
      at: 13 + 62 * 5,
    })
  })

  it('lets the event loop turn between the items it parses', async () => {
    const items = Array.from({ length: 500 }, (_unused, index) => ({ index, body: 'x'.repeat(100) }))
    const text = JSON.stringify({ format: 'callback-inspector-bundle', captures: items })
    const { result, turns } = await turnsDuring(() => parseJsonInSlices(text, LISTS, 64, EVERY_STEP))
    expect(result).toStrictEqual({ ok: true, value: JSON.parse(text) })
    expect(turns).toBeGreaterThanOrEqual(items.length)
  })
})

describe('reading an import file', () => {
  it('reads a 10,000-capture bundle with turns of the event loop between its parts (it was one call)', async () => {
    const body = Buffer.from('{"id":"evt_1","amount":10.10}')
    const capture = {
      receivedAt: '2026-12-06T08:00:00.000Z',
      durationMs: 1,
      method: 'POST',
      target: '/cb',
      httpVersion: '1.1',
      headers: [['Content-Type', 'application/json']],
      body: { base64: body.toString('base64'), size: body.length, sha256: createHash('sha256').update(body).digest('hex') },
      remoteAddress: '127.0.0.1',
      remotePort: 5000,
      outcome: 'captured',
      refusal: null,
      recognition: null,
      response: null,
      note: null,
      pinned: false,
    }
    const file = Buffer.from(JSON.stringify({ format: 'callback-inspector-bundle', version: 1, captures: Array.from({ length: 10_000 }, () => capture) }))
    const { result, turns } = await turnsDuring(() => readImportFile(file, 'auto', 10 * 1024 * 1024))
    expect(result.ok && result.entries.filter((entry) => entry.ok).length).toBe(10_000)
    // At least one turn every 200 entries read, whatever the machine's speed.
    expect(turns).toBeGreaterThanOrEqual(50)
  })
})

describe('decodeStrictBase64InSlices', () => {
  const bytes = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 2 }, (_unused, index) => (index * 7919) % 256))
  const text = bytes.toString('base64')
  const wrapped = text.replace(/.{76}/g, '$&\r\n')
  const at = 1024 * 1024

  /** The bytes as a short string to compare (a matcher's diff of megabytes takes minutes). */
  const digest = (decoded: Buffer | null) => (decoded === null ? null : `${decoded.length} ${createHash('sha256').update(decoded).digest('hex')}`)

  it('gives the bytes decodeStrictBase64 gives, a megabyte at a time', async () => {
    for (const input of [text, wrapped, text.slice(0, at), text.slice(0, at + 3), `${text.slice(0, -2)}\n\n`, '\n'.repeat(at + 5)]) {
      const { result, turns } = await turnsDuring(() => decodeStrictBase64InSlices(input))
      expect(digest(result)).toBe(digest(decodeStrictBase64(input)))
      if (input.length > 2 * at) expect(turns).toBeGreaterThan(0)
    }
    expect(digest(await decodeStrictBase64InSlices(text))).toBe(digest(bytes))
  })

  it('refuses what decodeStrictBase64 refuses: padding or a stray character anywhere, a last digit with unused bits set', async () => {
    const broken = [
      `${text.slice(0, at - 2)}==${text.slice(at)}`,
      `${text.slice(0, at)}=${text.slice(at + 1)}`,
      `${text.slice(0, at + 1)}*${text.slice(at + 2)}`,
      `${text.slice(0, 5)}-${text.slice(6)}`,
      // '8' before the padding has two unused bits; '9' sets one.
      `${text.slice(0, -2)}9=`,
      `${text}A`,
      `${text}====`,
    ]
    for (const input of broken) {
      expect(decodeStrictBase64(input)).toBeNull()
      expect(await decodeStrictBase64InSlices(input)).toBeNull()
    }
  })
})

describe('reading raw HTTP and curl a slice at a time', () => {
  const MAX_BODY = 10 * 1024 * 1024
  const message = (index: number) => {
    const body = `{"id":"evt_${index}","type":"payment.succeeded"}`
    return `POST /cb/${index} HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
  }

  it('frames 10,000 raw HTTP messages with turns of the event loop between them, then reads each when asked (it was one call)', async () => {
    const file = Buffer.from(Array.from({ length: 10_000 }, (_unused, index) => message(index)).join(''))
    const { result: read, turns } = await turnsDuring(() => readImportEntries(file, 'auto', MAX_BODY))
    if (!read.ok) throw new Error(read.message)
    expect(read.format).toBe('http')
    expect(read.count).toBe(10_000)
    // At least one turn every 200 messages framed, whatever the machine's speed.
    expect(turns).toBeGreaterThanOrEqual(50)
    const whole = readHttpMessages(file, MAX_BODY)
    if (!whole.ok) throw new Error(whole.message)
    for (const index of [0, 1, 4_999, 9_999]) expect(await read.readEntry(index)).toStrictEqual(whole.entries[index])
  })

  it('reads one message of two million one-byte chunks with turns between its chunks', async () => {
    const file = Buffer.from(`POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n${'1\r\nx\r\n'.repeat(2_000_000)}0\r\n\r\n`)
    const { result, turns } = await turnsDuring(async () => {
      const read = await readImportEntries(file, 'http', MAX_BODY)
      if (!read.ok) throw new Error(read.message)
      return read.readEntry(0)
    })
    expect(result.ok && result.capture.body.equals(Buffer.alloc(2_000_000, 'x'))).toBe(true)
    // Framed, then read: each 4,096 chunks a step, a turn at least every 200 steps.
    expect(turns).toBeGreaterThanOrEqual(4)
  })

  it('splits and counts 10,000 curl commands with turns between them, and reads them in order or not', async () => {
    const script = Array.from({ length: 10_000 }, (_unused, index) =>
      index % 1000 === 7
        ? `printf '%b' 'a\\x00b${index}' | curl http://h/p/${index} --data-binary @-`
        : `curl -X POST 'http://h/cb/${index}' -H 'Content-Type: application/json' --data-raw '{"id":"evt_${index}"}'`,
    ).join('\n')
    const { result: read, turns } = await turnsDuring(() => readImportEntries(Buffer.from(script), 'auto', MAX_BODY))
    if (!read.ok) throw new Error(read.message)
    expect(read.format).toBe('curl')
    expect(read.count).toBe(10_000)
    expect(turns).toBeGreaterThanOrEqual(50)
    const whole = readCurlCommands(script, MAX_BODY)
    if (!whole.ok) throw new Error(whole.message)
    // In order, as an import asks, then back to an earlier one.
    for (const index of [0, 1, 7, 8, 9_007, 9_999, 1_007, 3]) expect(await read.readEntry(index)).toStrictEqual(whole.entries[index])
  })

  /** How many pauses the work makes before it is done, and its result. */
  function pausesOf<T>(steps: Steps<T>): { pauses: number; result: T } {
    for (let pauses = 0; ; pauses++) {
      const step = steps.next()
      if (step.done) return { pauses, result: step.value }
    }
  }

  it('splits a curl script written for cmd.exe a slice of text at a time, as a POSIX one (it was split in one go)', () => {
    const body = 'x'.repeat(4 * 1024 * 1024)
    const scripts = {
      // As DevTools' "Copy as cURL (cmd)" writes it: ^ continuations, caret-escaped quotes.
      cmd: `curl ^"http://h/cb/big^" ^\r\n  -H ^"Content-Type: text/plain^" ^\r\n  --data-raw ^"${body}^"\r\n`,
      posix: `curl 'http://h/cb/big' \\\n  -H 'Content-Type: text/plain' \\\n  --data-raw "${body}"\n`,
    }
    for (const [syntax, script] of Object.entries(scripts)) {
      const { pauses, result: scanned } = pausesOf(scanCurlCommands(script, 10 * 1024 * 1024, 10))
      if (!scanned.ok) throw new Error(scanned.message)
      expect(scanned.count, syntax).toBe(1)
      // At least one pause every TEXT_STEP_CHARS characters of the text (the cmd.exe script made 2).
      expect(pauses, syntax).toBeGreaterThanOrEqual(Math.floor(script.length / TEXT_STEP_CHARS))
      const entry = runSteps(scanned.entrySteps(0))
      if (!entry.ok) throw new Error(entry.message)
      expect(entry.capture.target, syntax).toBe('/cb/big')
      expect(entry.capture.body.equals(Buffer.from(body)), syntax).toBe(true)
      expect(entry.capture.headers.slice(0, 2), syntax).toEqual([
        ['Host', 'h'],
        ['Content-Type', 'text/plain'],
      ])
    }
  })

  it('refuses more requests than one import takes as soon as it finds one too many, whatever follows', async () => {
    const limit = 50_000
    const tooMany = Array.from({ length: limit + 1 }, () => 'GET / HTTP/1.1\r\nHost: h\r\n\r\n').join('')
    // What follows the one too many is never read: neither a broken message nor more of them.
    for (const tail of ['BROKEN\r\n\r\n', 'GET / HTTP/1.1\r\n\r\n'.repeat(10_000)])
      expect(await readImportEntries(Buffer.from(tooMany + tail), 'http', MAX_BODY)).toStrictEqual({
        ok: false,
        message: `the file has more than ${limit} requests; at most ${limit} are imported at once`,
      })
    const commands = Array.from({ length: limit + 1 }, (_unused, index) => `curl http://h/${index}`).join('\n')
    expect(await readImportEntries(Buffer.from(`${commands}\nwget http://h/`), 'curl', MAX_BODY)).toStrictEqual({
      ok: false,
      message: `the text has more than ${limit} requests; at most ${limit} are imported at once`,
    })
  })
})
