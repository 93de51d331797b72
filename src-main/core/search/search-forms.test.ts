/**
 * The store's search, with and without search-text sidecars, for what people paste: a phrase
 * from pretty-printed JSON (compact bodies), text in another Unicode normalisation form or case
 * (`strasse` for `Straße`, `istanbul` for `İSTANBUL`), and a
 * URL of the receiver or the tunnel (the captures sent to its path and query). The sidecar's byte
 * search must let through every capture the matcher finds.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeTempDir } from '../../test-support/temp-dir'
import { testCapture } from '../../test-support/test-capture'
import { openCaptureStore, type CaptureStore } from '../store/capture-store'

const now = () => new Date('2026-11-21T10:00:00Z')

let dir: string
let remove: () => Promise<void>
let store: CaptureStore
const ids: Record<string, string> = {}

const CAPTURES: Array<{ name: string; target: string; contentType: string; body: string }> = [
  { name: 'compact', target: '/shop/stripe', contentType: 'application/json', body: '{"result":"OK","amount":1000}' },
  { name: 'pretty', target: '/shop/stripe', contentType: 'application/json', body: '{\n  "result": "FAILED",\n  "amount": 1000\n}' },
  { name: 'nfd', target: '/shop/mollie', contentType: 'application/json', body: '{"shop":"Cafe\u0301 Ole\u0301"}' },
  { name: 'nfc', target: '/shop/mollie', contentType: 'text/plain; charset=utf-8', body: 'Mu\u0308ller at caf\u00e9 Ol\u00e9' },
  { name: 'get', target: '/shop/hooks/return?order=7&status=paid', contentType: 'text/plain', body: 'nothing else' },
  { name: 'other', target: '/other/hooks/return?order=8', contentType: 'text/plain', body: 'the shop is closed' },
  { name: 'encoded', target: '/shop/caf%C3%A9/return?name=Alex+Smith&city=M%C3%BCnchen', contentType: 'text/plain', body: 'paid' },
  { name: 'german', target: '/de/stra%C3%9Fe', contentType: 'application/json', body: '{"street":"Hauptstraße 5","city":"GIESSEN"}' },
  { name: 'turkish', target: '/tr/hooks?%C5%9Fehir=%C4%B0ZM%C4%B0R', contentType: 'text/plain; charset=utf-8', body: 'İSTANBUL ışık' },
  { name: 'greek', target: '/gr/hooks', contentType: 'text/plain; charset=utf-8', body: 'ΟΔΟΣ ΕΡΜΟΥ' },
]

beforeEach(async () => {
  ;({ dir, remove } = await makeTempDir())
  store = await openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'quarantine'), durability: 'flush' }, { now })
  for (const capture of CAPTURES) {
    const body = Buffer.from(capture.body, 'utf8')
    const stored = await store.append(testCapture(body, { endpointId: 'shop', target: capture.target, headers: [['Content-Type', capture.contentType]] }), body)
    ids[capture.name] = stored.id
  }
})

afterEach(async () => {
  await store.close()
  await remove()
})

const sidecarFolder = () => join(dir, 'captures', 'search')
const sidecars = () => (existsSync(sidecarFolder()) ? readdirSync(sidecarFolder()).filter((name) => name.endsWith('.search')) : [])

async function found(query: string): Promise<string[]> {
  const matched = await store.ids(undefined, { query })
  expect(await store.countMatching(undefined, { query })).toBe(matched.length)
  const names = Object.entries(ids).flatMap(([name, id]) => (matched.includes(id) ? [name] : []))
  return names.sort()
}

const SEARCHES: Array<[query: string, names: string[]]> = [
  ['"\\"result\\": \\"OK\\""', ['compact']],
  ['"\\"result\\":\\"FAILED\\",\\"amount\\":1000"', ['pretty']],
  ['body:"\\"amount\\" : 1000"', ['compact', 'pretty']],
  ['caf\u00e9', ['encoded', 'nfc', 'nfd']],
  ['"Cafe\u0301 Ole\u0301"', ['nfc', 'nfd']],
  ['m\u00fcller', ['nfc']],
  ['http://127.0.0.1:4100/shop/stripe', ['compact', 'pretty']],
  ['https://abc.loca.lt/shop/hooks/return?order=7', ['get']],
  ['localhost:4100/shop', ['compact', 'encoded', 'get', 'nfc', 'nfd', 'pretty']],
  ['https://abc.loca.lt/shop/hooks/return -status=paid', []],
  // A target's encoded path and query, found as a person reads them (as a form body is).
  ['m\u00fcnchen', ['encoded']],
  ['"alex smith"', ['encoded']],
  ['"city=m\u00fcnchen"', ['encoded']],
  ['"/shop/caf\u00e9/"', ['encoded']],
  ['M%C3%BCnchen', ['encoded']],
  // Case folded, not lower-cased: ß is ss, the Turkish İ and ı are i, a final ς is σ.
  ['strasse', ['german']],
  ['"HAUPTSTRASSE 5"', ['german']],
  ['gießen', ['german']],
  ['path:STRASSE', ['german']],
  ['istanbul', ['turkish']],
  ['IŞIK', ['turkish']],
  ['query.ŞEHİR:izmir', ['turkish']],
  ['οδοσ', ['greek']],
]

describe('store search of pasted text', () => {
  it('finds pasted JSON, either Unicode spelling and pasted URLs, with and without sidecars', async () => {
    for (const [query, names] of SEARCHES) expect(await found(query), query).toEqual(names)
    for (let tries = 0; tries < 500 && sidecars().length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(sidecars()).toHaveLength(1)
    // The sidecar holds the folded text without JSON spacing: the byte search finds what the matcher does.
    const text = readFileSync(join(sidecarFolder(), sidecars()[0] as string), 'utf8')
    expect(text).toContain('"result":"failed","amount":1000')
    expect(text).toContain('caf\u00e9 ol\u00e9')
    expect(text).toContain('/shop/caf\u00e9/return?name=alex smith&city=m\u00fcnchen')
    for (const [query, names] of SEARCHES) expect(await found(query), `${query} with a sidecar`).toEqual(names)
  })
})
