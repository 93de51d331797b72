import { describe, expect, it } from 'vitest'
import { matchesCaptureQuery } from '@shared/capture-query-match'
import { parseCaptureQuery } from '@shared/capture-query-parser'
import type { SearchableCapture } from '@shared/searchable-capture'
import { bytesToBase64 } from '../../lib/bytes'
import { importedFromQuery, importFileProblem, importPasteProblem, rawRequestBytes } from './import-source'

const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes)

describe('import sources', () => {
  it('builds a raw request from a pasted body, adding Content-Length', () => {
    const bytes = rawRequestBytes({ method: 'post', path: '/default/x?a=1', headers: 'Content-Type: application/json\n\nX-Caf: caf\xe9', text: '{"a":"é"}' })
    expect(typeof bytes).not.toBe('string')
    expect(latin1(bytes as Uint8Array)).toBe(
      'POST /default/x?a=1 HTTP/1.1\r\nContent-Type: application/json\r\nX-Caf: caf\xe9\r\nContent-Length: 10\r\n\r\n' +
        latin1(new TextEncoder().encode('{"a":"é"}')),
    )
  })

  it('says what is wrong with a pasted request', () => {
    expect(rawRequestBytes({ method: 'GET X', path: '/', headers: '', text: '' })).toBe('The method is not an HTTP method')
    expect(rawRequestBytes({ method: 'GET', path: 'x', headers: '', text: '' })).toBe('The path starts with / and has no spaces')
    expect(rawRequestBytes({ method: 'GET', path: '/', headers: 'nocolon', text: '' })).toBe('Header line 1 is not "Name: value"')
    expect(rawRequestBytes({ method: 'GET', path: '/', headers: 'X: 😀', text: '' })).toBe('Header line 1 has characters a header cannot carry')
  })

  it('says why a chosen file cannot be imported before reading it', () => {
    expect(importFileProblem({ name: 'export.har', size: 0 })).toBe('“export.har” is empty: there is nothing in it to import.')
    expect(importFileProblem({ name: 'all.bundle.json', size: 21 * 1024 * 1024 })).toBe(
      '“all.bundle.json” is 21 MiB: an import reads at most 20 MiB. Export fewer captures, or gzip the file.',
    )
    expect(importFileProblem({ name: 'limit.har', size: 20 * 1024 * 1024 })).toBeNull()
    expect(importFileProblem({ name: 'one.http', size: 1 })).toBeNull()
  })

  it('refuses pasted text over the import limit in UTF-8 bytes before sending it, and empty text', () => {
    const limit = 20 * 1024 * 1024
    const over = 'The pasted text is larger than an import reads (20 MiB as UTF-8). Save it to a file and gzip it, or paste less.'
    expect(importPasteProblem(' \n\t')).toBe('Paste something to import')
    expect(importPasteProblem('curl http://h/')).toBeNull()
    // More characters than the limit: over it whatever they are.
    expect(importPasteProblem(`curl http://h/ -d '${'x'.repeat(limit)}'`)).toBe(over)
    // Fewer characters than the limit, as many bytes or one more: é is two, € three, 😀 (two characters) four.
    expect(importPasteProblem('é'.repeat(limit / 2))).toBeNull()
    expect(importPasteProblem(`${'é'.repeat(limit / 2)}!`)).toBe(over)
    expect(importPasteProblem('😀'.repeat(limit / 4))).toBeNull()
    expect(importPasteProblem(`${'😀'.repeat(limit / 4 - 1)}€!`)).toBeNull()
    expect(importPasteProblem(`${'😀'.repeat(limit / 4 - 1)}€!!`)).toBe(over)
    // A lone surrogate is three bytes (U+FFFD), as TextEncoder writes it.
    expect(importPasteProblem(`${'\ud83d'.repeat((limit - 2) / 3)}é`)).toBeNull()
    expect(importPasteProblem(`${'\ud83d'.repeat((limit - 2) / 3)}é!`)).toBe(over)
  })

  it('encodes large byte arrays as base64', () => {
    const bytes = new Uint8Array(300_000).map((_, index) => index % 256)
    const text = bytesToBase64(bytes)
    expect(Uint8Array.from(atob(text), (char) => char.charCodeAt(0))).toEqual(bytes)
  })

  it('finds the captures imported from a file with a from: query, its quotes and backslashes escaped', () => {
    expect(importedFromQuery('merchant.har')).toBe('from:"merchant.har"')
    expect(importedFromQuery('x'.repeat(300))).toBe(`from:"${'x'.repeat(200)}"`)
    const capture = (importedFrom: string | null): SearchableCapture => ({
      id: 'c',
      method: 'POST',
      target: '/cb',
      receivedAtMs: 0,
      provider: null,
      verdict: null,
      answerStatus: 200,
      outcome: 'captured',
      eventType: null,
      objectId: null,
      reference: null,
      note: null,
      importedFrom,
      searchText: '',
    })
    for (const name of ['merchant.har', 'Shop "Live" (1).bundle.json', 'C:\\exports\\day 2.har', 'x'.repeat(300)]) {
      const parsed = parseCaptureQuery(importedFromQuery(name))
      if (!parsed.ok || parsed.query === null) throw new Error(`${name}: ${parsed.ok ? 'empty' : parsed.error.message}`)
      // As the app words it (exchange-service importSourceOf: the file's first 200 characters).
      expect(matchesCaptureQuery(parsed.query, capture(`bundle ${name.slice(0, 200)}, entry 2`))).toBe(true)
      expect(matchesCaptureQuery(parsed.query, capture('HAR other.har, entry 1'))).toBe(false)
      expect(matchesCaptureQuery(parsed.query, capture(null))).toBe(false)
    }
  })
})
