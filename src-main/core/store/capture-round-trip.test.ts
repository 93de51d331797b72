/**
 * Write/read symmetry, seeded: hostile requests sent byte for byte through the real receiver (odd
 * methods, thousands of header lines, header values with every byte Node lets through, huge and
 * non-UTF-8 targets, absolute-form targets, empty, binary and provider-shaped bodies, chunked
 * bodies), odd Unicode notes on some of the answered captures, then a restart. Every capture that
 * was answered as stored must read back exactly as received, with no storage issue: a capture
 * the store wrote but its own schema refuses on read is a capture answered and then lost.
 *
 * Three reads: the running app, a restart (index documents and snapshots), and a restart with the
 * index documents and snapshots gone (every record read back from the capture log).
 */
import { readdir, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { useInspector } from '../../test-support/inspector-fixture'
import type { Inspector } from '../inspector'
import { seededRandom as seeded } from '../../test-support/seeded-random'

// Bodies past 16 KiB are refused (413) and stored without their bytes: refusals are captures too.
const test = useInspector({ config: { maxBodyBytes: 16_384 } })

interface Sent {
  bytes: Buffer
  method: string
  /** The target as Node hands it over: its bytes read as Latin-1. */
  target: string
  headers: Array<[string, string]>
  body: Buffer
}

/** Methods Node's parser accepts (CONNECT is answered apart), and a few it refuses. */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND', 'MKCALENDAR', 'QUERY', 'PURGE', 'M-SEARCH', 'UNLINK', 'SOURCE', 'FOO']
const TOKEN = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T
}

function randomBytes(random: () => number, length: number, byte: () => number): Buffer {
  const bytes = Buffer.alloc(length)
  for (let index = 0; index < length; index++) bytes[index] = byte()
  return bytes
}

/** Bytes a header value may hold in Node (tab, visible ASCII, every byte past 0x7f), a space now and then. */
function headerValueByte(random: () => number): number {
  const roll = random()
  if (roll < 0.4) return 0x80 + Math.floor(random() * 128)
  if (roll < 0.45) return pick(random, [0x09, 0x20])
  return 0x21 + Math.floor(random() * 94)
}

/** A header value; now and then with a byte Node refuses (NUL, a control byte, DEL: answered 400, never stored). */
function headerValue(random: () => number): string {
  const bytes = randomBytes(random, Math.floor(random() * 120), () => headerValueByte(random))
  if (random() < 0.01) bytes[Math.floor(random() * bytes.length)] = pick(random, [0x00, 0x01, 0x1f, 0x7f])
  return bytes.toString('latin1')
}

/**
 * Bytes of a request target: Node's parser takes visible ASCII only (0x21-0x7e), so bytes past
 * 0x7f (not UTF-8: a lone 0xff) arrive percent-encoded, as senders send them.
 */
function targetBytes(random: () => number, length: number): Buffer {
  const parts: Buffer[] = []
  for (let index = 0; index < length; index++) {
    const roll = random()
    if (roll < 0.3)
      parts.push(
        Buffer.from(
          `%${Math.floor(random() * 256)
            .toString(16)
            .padStart(2, '0')}`,
        ),
      )
    else if (roll < 0.32) parts.push(Buffer.from(pick(random, ['%', '%g', '%0'])))
    else parts.push(Buffer.from([0x21 + Math.floor(random() * 94)]))
  }
  // Now and then a byte the parser refuses (a control byte, DEL, a raw 0xff): answered 400, never stored.
  if (random() < 0.05) parts.splice(Math.floor(random() * (parts.length + 1)), 0, Buffer.from([pick(random, [0x00, 0x01, 0x7f, 0xff])]))
  return Buffer.concat(parts)
}

/** JSON shaped like a provider's callback, with values of odd types and odd text where strings go. */
function providerShapedBody(random: () => number): Buffer {
  const odd = (): unknown =>
    pick(random, [
      null,
      true,
      0,
      -1,
      1e308,
      2 ** 64,
      '',
      '\u0000',
      '\ud800',
      '\udfff x \ud83d',
      '\u202e\u0301\ufeff',
      '𝒳'.repeat(50),
      'x'.repeat(5000),
      [],
      {},
      [1, [2, [3]]],
      { id: { id: 1 } },
    ])
  const shapes: Array<() => unknown> = [
    () => ({ id: odd(), object: 'event', type: odd(), data: { object: { id: odd(), object: odd(), status: odd(), amount: odd(), currency: odd() } } }),
    () => ({ event_type: odd(), id: odd(), resource: { id: odd(), status: odd(), amount: { value: odd(), currency_code: odd() } } }),
    () => ({
      notificationItems: [{ NotificationRequestItem: { eventCode: odd(), pspReference: odd(), amount: { value: odd(), currency: odd() }, success: odd() } }],
    }),
    () => ({ event: odd(), payload: { payment: { entity: { id: odd(), amount: odd(), status: odd() } } } }),
    () => ({ type: odd(), data: { id: odd(), status: odd(), reference: odd(), amount: odd() }, timestamp: odd() }),
    () => ({ action: odd(), data: { id: odd() }, type: odd() }),
  ]
  return Buffer.from(JSON.stringify(pick(random, shapes)()))
}

function randomBody(random: () => number): Buffer {
  const roll = random()
  if (roll < 0.2) return Buffer.alloc(0)
  if (roll < 0.45) return randomBytes(random, Math.floor(random() * 20_000), () => Math.floor(random() * 256))
  if (roll < 0.75) return providerShapedBody(random)
  // Text with lone surrogates, written as UTF-8 would (WTF-8), and NULs.
  const text = Array.from({ length: Math.floor(random() * 200) }, () => pick(random, ['a', 'é', '\u0000', '\ud800', '\udc00', '😀', '\r\n', '"', '\\'])).join(
    '',
  )
  return Buffer.from(text, 'utf8')
}

/** A request, byte for byte, and what the receiver should record of it. */
function randomRequest(random: () => number, receiverHost: string): Sent {
  const method = pick(random, METHODS)
  const pathBytes = Buffer.concat([
    Buffer.from('/default'),
    random() < 0.95 ? Buffer.from('/') : Buffer.alloc(0),
    targetBytes(random, Math.floor(random() * 60)),
  ])
  const query = random() < 0.4 ? Buffer.concat([Buffer.from('?'), targetBytes(random, Math.floor(random() * (random() < 0.2 ? 4_000 : 300)))]) : Buffer.alloc(0)
  const absolute = random() < 0.15 ? Buffer.from(`http://${pick(random, [receiverHost, 'proxy.example.test:8080', 'xn--bcher-kva.example'])}`) : Buffer.alloc(0)
  const target = Buffer.concat([absolute, pathBytes, query])
  const body = method === 'HEAD' && random() < 0.7 ? Buffer.alloc(0) : randomBody(random)
  const chunked = body.length > 0 && random() < 0.25

  const headers: Array<[string, string]> = [['Host', receiverHost]]
  const many = random() < 0.1
  const headerCount = many ? 1000 + Math.floor(random() * 2500) : Math.floor(random() * 12)
  for (let index = 0; index < headerCount; index++) {
    const name = many
      ? pick(random, ['a', 'X', 'x-y'])
      : randomBytes(random, 1 + Math.floor(random() * 20), () => TOKEN.charCodeAt(Math.floor(random() * TOKEN.length))).toString('latin1')
    if (/^(content-length|transfer-encoding|host|connection|expect|upgrade)$/i.test(name)) continue
    const value = many ? '' : headerValue(random)
    headers.push([name, value])
  }
  if (random() < 0.3)
    headers.push([
      'Content-Type',
      pick(random, ['application/json', 'application/x-www-form-urlencoded', 'text/plain; charset=iso-8859-1', 'multipart/form-data; boundary=x']),
    ])
  // Now and then a size past 2^53 and no body: refused at once, the digits kept in the header.
  const declaredHuge = !chunked && random() < 0.03
  headers.push(chunked ? ['Transfer-Encoding', 'chunked'] : ['Content-Length', declaredHuge ? '99999999999999999999' : String(body.length)])
  headers.push(['Connection', 'close'])

  const head = Buffer.concat([
    Buffer.from(`${method} `),
    target,
    Buffer.from(' HTTP/1.1\r\n'),
    ...headers.map(([name, value]) => Buffer.from(`${name}: ${value}\r\n`, 'latin1')),
    Buffer.from('\r\n'),
  ])
  const encodedBody = declaredHuge
    ? Buffer.alloc(0)
    : chunked
      ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')])
      : body
  return {
    bytes: Buffer.concat([head, encodedBody]),
    method,
    target: target.toString('latin1'),
    // Node keeps names as sent and values without their leading and trailing spaces and tabs.
    headers: headers.map(([name, value]) => [name, value.replace(/^[ \t]+|[ \t]+$/g, '')]),
    body: declaredHuge ? Buffer.alloc(0) : body,
  }
}

/** Sends raw bytes on their own connection; the answer's status, or 0 when the connection closed without one. */
function sendBytes(url: string, bytes: Buffer): Promise<number> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => undefined)
    const done = (): void => {
      const match = /^HTTP\/1\.1 (\d{3}) /.exec(Buffer.concat(chunks).subarray(0, 32).toString('latin1'))
      resolve(match ? Number(match[1]) : 0)
      socket.destroy()
    }
    // The receiver ends its side after the answer (Connection: close), also when it did not read the body.
    socket.on('end', done)
    socket.on('close', done)
    // Not half-closed: a sender that closes its side is taken as gone, and gets no answer (Connection: close ends it).
    socket.on('connect', () => socket.write(bytes))
  })
}

/** Notes with odd Unicode: lone surrogates, NUL, bidi controls, astral letters, the longest allowed. */
const NOTES = [
  '\ud800',
  'a\udc00b',
  '\u0000\u0001\u001f\u007f',
  '\u202e\u2066 rtl \u2069',
  '😀'.repeat(5_000),
  'x'.repeat(10_000),
  '\ufffe\uffff',
  'e\u0301 vs é',
  '"\\/\b\f\n\r\t',
  'line\u2028paragraph\u2029',
]

async function expectReadBack(inspector: Inspector, answered: Map<string, Sent>, notes: Map<string, string | null>, withNotes: boolean): Promise<void> {
  const { procedures } = inspector
  const status = await procedures.getStatus({})
  expect(status.storage.issues).toEqual([])
  expect((await procedures.countCaptures({})).total).toBe(answered.size)
  for (const [id, sent] of answered) {
    const capture = await procedures.getCapture({ id })
    expect(capture.damage ?? null, id).toBeNull()
    expect(capture.request.method).toBe(sent.method)
    expect(capture.request.target).toBe(sent.target)
    expect(capture.request.headers).toEqual(sent.headers)
    expect(Buffer.from(capture.request.bodyBase64, 'base64').equals(sent.body), `body of ${id}`).toBe(true)
    if (withNotes) expect(capture.note).toBe(notes.get(id) ?? null)
  }
}

describe('every answered capture reads back exactly, before and after a restart', () => {
  for (const seed of [1, 2, 3, 4]) {
    test(`seed ${seed}`, { timeout: 120_000 }, async ({ app, dataDir }) => {
      const random = seeded(seed)
      let inspector = await app.start()
      const receiverHost = new URL(inspector.receiverUrl).host
      const answered = new Map<string, Sent>()
      for (let round = 0; round < 120; round++) {
        const sent = randomRequest(random, receiverHost)
        const before = new Set((await inspector.procedures.listCaptures({ limit: 1 })).items.map((item) => item.id))
        const status = await sendBytes(inspector.receiverUrl, sent.bytes)
        // The store never failed: nothing was answered "could not store".
        expect(status, `request ${round}`).not.toBe(503)
        expect(status, `request ${round}`).not.toBe(500)
        const [newest] = (await inspector.procedures.listCaptures({ limit: 1 })).items
        if (newest && !before.has(newest.id)) {
          // Stored means answered with the endpoint's answer (200), or refused for its size (413: stored without its bytes).
          expect(status, `request ${round}`).toBe(newest.outcome === 'refused' ? 413 : 200)
          answered.set(newest.id, newest.outcome === 'refused' ? { ...sent, body: Buffer.alloc(0) } : sent)
        } else expect([200, 413], `request ${round}`).not.toContain(status)
      }
      // Enough of them got through for the run to mean something.
      expect(answered.size).toBeGreaterThan(60)

      const notes = new Map<string, string | null>()
      for (const [index, id] of [...answered.keys()].entries()) {
        if (index % 3 !== 0) continue
        const note = NOTES[(index / 3) % NOTES.length] as string
        await inspector.procedures.setCaptureNote({ id, note })
        notes.set(id, note)
        if (index % 2 === 0) await inspector.procedures.setCapturePinned({ id, pinned: true })
      }

      await expectReadBack(inspector, answered, notes, true)
      await app.stop()
      inspector = await app.start()
      await expectReadBack(inspector, answered, notes, true)
      await app.stop()

      // Without index documents and snapshots, every record is read back from the log.
      const capturesDir = join(dataDir, 'captures')
      for (const name of await readdir(capturesDir)) if (/\.(json|table)$/.test(name)) await rm(join(capturesDir, name))
      inspector = await app.start()
      await expectReadBack(inspector, answered, notes, false)
    })
  }
})
