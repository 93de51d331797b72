import { describe, expect, it, vi } from 'vitest'
import type { HeaderPairs } from './http-message'
import { CaptureQueryError, MAX_CAPTURE_QUERY_LENGTH, MAX_QUERY_NESTING, MAX_QUERY_TERMS, termCost, type CaptureQuery } from './capture-query'
import { decideCaptureQuery, matchesCaptureQuery } from './capture-query-match'
import { parseCaptureQuery } from './capture-query-parser'
import { searchableCaptureOf, type SearchableCapture, type SearchableSource } from './searchable-capture'
import { foldForSearch, withoutJsonSpacing } from './search-text-form'

const NOW = Date.UTC(2026, 11, 6, 8, 0, 0)

function query(text: string): CaptureQuery {
  const parsed = parseCaptureQuery(text, { now: NOW })
  if (!parsed.ok) throw new Error(`expected "${text}" to parse: ${parsed.error.message}`)
  if (parsed.query === null) throw new Error(`"${text}" parsed as blank`)
  return parsed.query
}

function errorOf(text: string): CaptureQueryError {
  const parsed = parseCaptureQuery(text, { now: NOW })
  if (parsed.ok) throw new Error(`expected "${text}" to be refused`)
  return parsed.error
}

interface Fixture extends Partial<Omit<SearchableCapture, 'headers' | 'bodyText'>> {
  headerPairs?: HeaderPairs
  body?: string | null
}

/** A capture with counters on its lazy parts, to see when the matcher reads them. */
function capture(fixture: Fixture = {}): SearchableCapture & { reads: { headers: number; body: number } } {
  const { headerPairs = [['Content-Type', 'application/json']], body = null, ...fields } = fixture
  const reads = { headers: 0, body: 0 }
  const base = {
    id: 'cap-1',
    method: 'POST',
    target: '/callbacks/ixopay?action=create&name=Alex+Smith&city=M%C3%BCnchen',
    receivedAtMs: Date.UTC(2026, 11, 6, 7, 0, 0),
    provider: 'ixopay' as const,
    verdict: 'valid' as const,
    answerStatus: 200,
    outcome: 'captured' as const,
    eventType: 'DEBIT',
    objectId: 'txn-778899',
    reference: 'order-4711',
    note: null,
    ...fields,
  }
  const searchText = fixture.searchText ?? [base.method, base.target, 'ixopay', base.eventType, base.objectId, base.reference].join('\n').toLowerCase()
  return {
    ...base,
    searchText,
    reads,
    headers() {
      reads.headers++
      return headerPairs
    },
    bodyText() {
      reads.body++
      return body
    },
  }
}

const matches = (text: string, fixture: Fixture = {}): boolean => matchesCaptureQuery(query(text), capture(fixture))

describe('parseCaptureQuery', () => {
  it('gives null for blank text (filters nothing)', () => {
    expect(parseCaptureQuery('')).toEqual({ ok: true, query: null })
    expect(parseCaptureQuery('  \t\n ')).toEqual({ ok: true, query: null })
  })

  it('keeps the source and lists every term in the order typed', () => {
    const parsed = query('b OR a -c')
    expect(parsed.source).toBe('b OR a -c')
    expect(parsed.terms.map((term) => ('text' in term ? term.text : null))).toEqual(['b', 'a', 'c'])
  })

  it('says which parts a query reads', () => {
    expect(query('method:post status:5xx').needsHeaders).toBe(false)
    expect(query('method:post status:5xx').needsBody).toBe(false)
    expect(query('header.x-a:1').needsHeaders).toBe(true)
    expect(query('header.x-a:1').needsBody).toBe(false)
    expect(query('body:x').needsBody).toBe(true)
    expect(query('word').needsBody).toBe(true)
    expect(query('word').terms.map(termCost)).toEqual(['body'])
  })

  it('orders the children of AND and OR cheapest first', () => {
    const root = query('body:x header.a:1 method:post').root
    expect(root.kind).toBe('and')
    if (root.kind !== 'and') return
    expect(root.nodes.map((node) => (node.kind === 'term' ? node.term.field : node.kind))).toEqual(['method', 'header', 'body'])
  })

  describe('refuses malformed queries and says where (1-based character)', () => {
    it.each([
      ['abc "def', 'unclosed quote at character 5'],
      ['body:"x', 'unclosed quote at character 6'],
      ['(a b', 'unclosed ( at character 1'],
      ['a b)', 'unmatched ) at character 4'],
      [')', 'unmatched ) at character 1'],
      ['a ()', 'empty group at character 4'],
      ['OR a', 'OR needs a term before it at character 1'],
      ['a OR', 'OR needs a term after it at character 3'],
      ['a OR OR b', 'OR needs a term after it at character 3'],
      ['AND a', 'AND needs a term before it at character 1'],
      ['a AND', 'AND needs a term after it at character 3'],
      ['a AND AND b', 'AND needs a term after it at character 3'],
      ['a OR AND b', 'OR needs a term after it at character 3'],
      ['a AND OR b', 'AND needs a term after it at character 3'],
      ['(OR a)', 'OR needs a term before it at character 2'],
      ['a -', '- needs a term after it at character 3'],
      ['a - b', '- needs a term after it at character 3'],
      ['NOT', 'NOT needs a term after it at character 1'],
      ['status:', 'status: needs a value at character 8'],
      ['header.:x', 'header. needs a header name before the colon, as in header.NAME:text at character 8'],
      ['a Header.:"x y"', 'Header. needs a header name before the colon, as in header.NAME:text at character 10'],
      ['query.:create', 'query. needs a parameter name before the colon, as in query.NAME:text at character 7'],
      ['status:abc', 'status: must be a status code such as 503, a class such as 5xx, or none at character 8'],
      [
        'verdict:good',
        'verdict: must be one of valid, invalid, no-key, unsigned, not-applicable, changed (or n/a, "no key" as the list shows them) at character 9',
      ],
      ['after:yesterday', 'after: must be a time such as -2h, -30m, -7d or 2026-12-01T08:00Z at character 7'],
      ['before:2026-02-31', 'before: must be a time such as -2h, -30m, -7d or 2026-12-01T08:00Z at character 8'],
    ])('%s → %s', (text, message) => {
      expect(errorOf(text).message).toBe(message)
    })

    it('names an unknown field and how to search for the text itself', () => {
      const error = errorOf('x stauts:500')
      expect(error.message).toMatch(/^unknown field "stauts" \(fields: body, header, .*put text in quotes to search for it as is\) at character 3$/)
      expect(error.position).toBe(2)
      expect(matches('"stauts:500"', { body: 'stauts:500' })).toBe(true)
    })

    it('names an unknown provider', () => {
      expect(errorOf('provider:nobody').message).toMatch(/^provider: no provider is called "nobody" \(ixopay, chip, .*\) at character 10$/)
    })

    it('refuses queries over the length limit', () => {
      expect(errorOf('a'.repeat(MAX_CAPTURE_QUERY_LENGTH + 1)).message).toBe(
        `the query is longer than ${MAX_CAPTURE_QUERY_LENGTH} characters at character ${MAX_CAPTURE_QUERY_LENGTH + 1}`,
      )
      expect(parseCaptureQuery('a'.repeat(MAX_CAPTURE_QUERY_LENGTH)).ok).toBe(true)
    })

    it('caps the terms, each of which is looked for over every capture', () => {
      const words = Array.from({ length: MAX_QUERY_TERMS + 1 }, (_, index) => `w${index}`)
      const at = words.slice(0, MAX_QUERY_TERMS).join(' ').length + 2
      expect(errorOf(words.join(' ')).message).toBe(`a query holds at most ${MAX_QUERY_TERMS} terms (a phrase in quotes is one) at character ${at}`)
      expect(errorOf(words.join(' OR ')).message).toMatch(/^a query holds at most/)
      const allowed = parseCaptureQuery(words.slice(0, MAX_QUERY_TERMS).join(' OR '))
      expect(allowed.ok).toBe(true)
      // A URL's path and a pasted phrase's body form are looked for too, and are not counted.
      expect(parseCaptureQuery(Array.from({ length: MAX_QUERY_TERMS }, () => '"\\"a\\": 1"').join(' ')).ok).toBe(true)
    })

    it('caps nesting instead of recursing without bound', () => {
      const deep = `${'('.repeat(MAX_QUERY_NESTING + 1)}a${')'.repeat(MAX_QUERY_NESTING + 1)}`
      expect(errorOf(deep).message).toBe(`groups nest deeper than ${MAX_QUERY_NESTING} at character ${MAX_QUERY_NESTING + 1}`)
      const allowed = `${'('.repeat(MAX_QUERY_NESTING)}a${')'.repeat(MAX_QUERY_NESTING)}`
      expect(matches(allowed, { body: 'a' })).toBe(true)
    })
  })

  it('parses hostile input of the maximum length without blowing up', () => {
    const hostile = [
      '('.repeat(MAX_CAPTURE_QUERY_LENGTH),
      '"'.repeat(MAX_CAPTURE_QUERY_LENGTH - 1),
      '-'.repeat(MAX_CAPTURE_QUERY_LENGTH - 1) + 'a',
      'a OR '.repeat(199) + 'a',
      '.*+?^${}()|[]\\'.repeat(70),
      '\\"'.repeat(MAX_CAPTURE_QUERY_LENGTH / 2),
      'body:'.repeat(200),
    ]
    for (const text of hostile) {
      const parsed = parseCaptureQuery(text)
      expect(parsed.ok === true || parsed.error instanceof CaptureQueryError).toBe(true)
    }
    // Far past the limit (a 100,000-character paste): refused at the limit, before any of it is read.
    for (const text of ['a'.repeat(100_000), '('.repeat(100_000), '"'.repeat(100_000), `${'-'.repeat(99_999)}a`, 'a OR '.repeat(20_000)]) {
      const parsed = parseCaptureQuery(text)
      expect(parsed.ok).toBe(false)
      if (!parsed.ok)
        expect(parsed.error.message).toBe(`the query is longer than ${MAX_CAPTURE_QUERY_LENGTH} characters at character ${MAX_CAPTURE_QUERY_LENGTH + 1}`)
    }
    // Regex metacharacters are plain text.
    expect(matches('"a.*b"', { body: 'xx a.*b yy' })).toBe(true)
    expect(matches('"a.*b"', { body: 'axxb' })).toBe(false)
    expect(matches('[x]+', { body: 'left [x]+ right' })).toBe(true)
    expect(matches('^$', { body: 'nothing' })).toBe(false)
  })
})

describe('matchesCaptureQuery', () => {
  it('finds a bare word in the summary, headers or body text, in any case', () => {
    expect(matches('ORDER-4711')).toBe(true)
    expect(matches('ixopay-gateway', { headerPairs: [['User-Agent', 'IXOPAY-Gateway/1.0']] })).toBe(true)
    expect(matches('user-agent', { headerPairs: [['User-Agent', 'x']] })).toBe(true)
    expect(matches('alex smith', { body: 'name=alex smith' })).toBe(true)
    expect(matches('cap-1')).toBe(true)
    expect(matches('follow up', { note: 'Follow up with the merchant' })).toBe(true)
    expect(matches('missing', { body: 'something else' })).toBe(false)
  })

  it('never matches a binary body (bodyText null)', () => {
    expect(matches('png', { body: null })).toBe(false)
    expect(matches('body:png', { body: null })).toBe(false)
    expect(matches('-body:png', { body: null })).toBe(true)
  })

  it('matches phrases as one piece, with escaped quotes', () => {
    expect(matches('"alex smith"', { body: 'name: alex smith' })).toBe(true)
    expect(matches('"smith alex"', { body: 'name: alex smith' })).toBe(false)
    expect(matches('"say \\"hi\\""', { body: 'they say "hi" here' })).toBe(true)
  })

  it('ANDs terms side by side and with AND', () => {
    expect(matches('order-4711 declined', { body: 'status declined' })).toBe(true)
    expect(matches('order-4711 AND declined', { body: 'status declined' })).toBe(true)
    expect(matches('order-4711 approved', { body: 'status declined' })).toBe(false)
  })

  it('ORs terms, OR binding tighter than AND', () => {
    expect(matches('approved OR declined', { body: 'declined' })).toBe(true)
    expect(matches('approved OR refunded', { body: 'declined' })).toBe(false)
    expect(matches('approved OR declined OR refunded', { body: 'refunded' })).toBe(true)
    // a OR b c  =  (a OR b) AND c
    expect(matches('approved OR declined missing', { body: 'declined' })).toBe(false)
    expect(matches('approved OR declined missing', { body: 'approved' })).toBe(false)
    expect(matches('approved OR declined order-4711', { body: 'declined' })).toBe(true)
    // c a OR b  =  c AND (a OR b); explicit AND likewise
    expect(matches('missing approved OR declined', { body: 'approved' })).toBe(false)
    expect(matches('order-4711 approved OR declined', { body: 'approved' })).toBe(true)
    expect(matches('approved OR declined AND missing', { body: 'approved' })).toBe(false)
    // - applies to the term it stands before
    expect(matches('-approved OR declined', { body: 'approved declined' })).toBe(true)
    expect(matches('-approved OR declined', { body: 'approved' })).toBe(false)
  })

  it('groups with parentheses', () => {
    expect(matches('(approved OR declined) (method:get OR method:post)', { body: 'declined' })).toBe(true)
    expect(matches('(approved OR declined) (method:get OR method:put)', { body: 'declined' })).toBe(false)
  })

  it('excludes with - and NOT, on terms and groups', () => {
    expect(matches('-declined', { body: 'declined' })).toBe(false)
    expect(matches('-declined', { body: 'approved' })).toBe(true)
    expect(matches('NOT declined', { body: 'approved' })).toBe(true)
    expect(matches('-(approved OR declined)', { body: 'approved' })).toBe(false)
    expect(matches('--declined', { body: 'declined' })).toBe(true)
    expect(matches('-method:get')).toBe(true)
    // A dash inside a word is text.
    expect(matches('order-4711')).toBe(true)
  })

  it('keeps lower-case "or", "and", "not" as words', () => {
    expect(matches('or', { body: 'for' })).toBe(true)
    expect(matches('not', { body: 'nothing' })).toBe(true)
  })

  it('body: looks only in the body', () => {
    expect(matches('body:4711', { body: 'x' })).toBe(false)
    expect(matches('body:4711', { body: '{"order":"4711"}' })).toBe(true)
    expect(matches('body:"alex smith"', { body: 'alex smith' })).toBe(true)
  })

  it('header.NAME: matches that header in any case; header: any name or value; "" means present', () => {
    const headerPairs: HeaderPairs = [
      ['X-Signature', 'ABC123'],
      ['User-Agent', 'IXOPAY-Gateway'],
    ]
    expect(matches('header.x-signature:abc', { headerPairs })).toBe(true)
    expect(matches('HEADER.X-SIGNATURE:ABC', { headerPairs })).toBe(true)
    expect(matches('header.user-agent:abc', { headerPairs })).toBe(false)
    expect(matches('header.x-signature:""', { headerPairs })).toBe(true)
    expect(matches('header.x-missing:""', { headerPairs })).toBe(false)
    expect(matches('header:gateway', { headerPairs })).toBe(true)
    expect(matches('header:x-sig', { headerPairs })).toBe(true)
    expect(matches('header:order-4711', { headerPairs })).toBe(false)
  })

  it('finds a header line as it is pasted from raw HTTP or a log: name, colon, value', () => {
    const headerPairs: HeaderPairs = [
      ['X-Signature', 'JkTOs48d03OYYiZCagw7NJU5v3sxEw7'],
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Date', 'Tue, 21 Jul 2020 13:15:03 UTC'],
    ]
    expect(matches('"X-Signature: JkTOs48d"', { headerPairs })).toBe(true)
    expect(matches('"signature: jktos"', { headerPairs })).toBe(true)
    expect(matches('"content-type: application/json"', { headerPairs })).toBe(true)
    expect(matches('"Date: Tue, 21 Jul 2020 13:15:03 UTC"', { headerPairs })).toBe(true)
    expect(matches('X-Signature:', { headerPairs })).toBe(true)
    expect(matches('header:"content-type: application/json"', { headerPairs })).toBe(true)
    // Not across two headers, and not a value under another name.
    expect(matches('"x-signature: application"', { headerPairs })).toBe(false)
    expect(matches('"utf-8: date"', { headerPairs })).toBe(false)
    expect(matches('header.date:"date: tue"', { headerPairs })).toBe(false)
  })

  it('finds UTF-8 sent in a header value as the sender meant it', () => {
    // Node gives header values one character per byte: "Müller" in UTF-8 arrives as "MÃ¼ller".
    const headerPairs: HeaderPairs = [['X-Customer', String.fromCharCode(...new TextEncoder().encode('Müller'))]]
    expect(headerPairs[0]?.[1]).toBe('MÃ¼ller')
    expect(matches('header.x-customer:müller', { headerPairs })).toBe(true)
    expect(matches('müller', { headerPairs })).toBe(true)
    // Also as the header line is pasted from raw HTTP or a log (it missed: the line held both forms).
    expect(matches('"X-Customer: Müller"', { headerPairs })).toBe(true)
    expect(matches('header:"x-customer: müller"', { headerPairs })).toBe(true)
    expect(matches('"x-customer: mã¼ller"', { headerPairs })).toBe(true)
    expect(matches('"x-other: müller"', { headerPairs })).toBe(false)
    // Bytes that are not UTF-8 are searched as they are.
    expect(matches('header.x-name:"m\u00fcller"', { headerPairs: [['X-Name', 'M\u00fcller']] })).toBe(true)
  })

  it('query.NAME: matches decoded parameters of the target', () => {
    expect(matches('query.action:create')).toBe(true)
    expect(matches('query.ACTION:CREATE')).toBe(true)
    expect(matches('query.name:"alex smith"')).toBe(true)
    expect(matches('query.city:münchen')).toBe(true)
    expect(matches('query.action:delete')).toBe(false)
    expect(matches('query.missing:""')).toBe(false)
    expect(matches('query:"name=alex smith"')).toBe(true)
    expect(matches('query:"city=münchen"')).toBe(true)
    expect(matches('query:name=alex')).toBe(true)
    expect(matches('query.a:x', { target: '/p?a=%zz' })).toBe(false)
    expect(matches('query.a:%zz', { target: '/p?a=%zz' })).toBe(true)
  })

  it('path: matches the path only, raw or decoded', () => {
    expect(matches('path:/callbacks/ixopay')).toBe(true)
    expect(matches('path:action')).toBe(false)
    expect(matches('path:"/a b"', { target: '/a%20b?x=1' })).toBe(true)
  })

  it('method: is the whole method', () => {
    expect(matches('method:post')).toBe(true)
    expect(matches('method:pos')).toBe(false)
  })

  it('provider: matches ids and names', () => {
    expect(matches('provider:ixopay')).toBe(true)
    expect(matches('provider:IXOPAY')).toBe(true)
    expect(matches('provider:stripe')).toBe(false)
    expect(matches('provider:swedbank', { provider: 'swedbankpay' })).toBe(true)
    expect(matches('provider:ixopay', { provider: null })).toBe(false)
  })

  it('verdict: is one verdict', () => {
    expect(matches('verdict:valid')).toBe(true)
    expect(matches('verdict:invalid')).toBe(false)
    expect(matches('verdict:no-key', { verdict: 'no-key' })).toBe(true)
    // As the list's Signature column writes them.
    expect(matches('verdict:n/a', { verdict: 'not-applicable' })).toBe(true)
    expect(matches('verdict:N/A', { verdict: 'valid' })).toBe(false)
    expect(matches('verdict:"no key"', { verdict: 'no-key' })).toBe(true)
    expect(matches('-verdict:"no key"', { verdict: 'no-key' })).toBe(false)
  })

  it('verdict: takes a capture changed before export as the list shows it, "changed", never as its recomputed verdict', () => {
    const summary = (changedBeforeExport?: SearchableSource['changedBeforeExport']) =>
      searchableCaptureOf({
        id: 'cap-imported',
        method: 'POST',
        target: '/hooks',
        outcome: 'captured',
        receivedAt: '2026-12-06T07:00:00Z',
        response: { status: 200 },
        recognition: {
          provider: { id: 'github', name: 'GitHub', variant: null },
          // Checked here on the scrubbed bytes: it cannot verify.
          verdict: { status: 'invalid', reason: 'mismatch', message: 'signature does not match' },
          summary: { eventType: 'push', status: null, objectId: null, eventId: null, reference: null, amount: null, paymentMethod: null, signalOnly: false },
        },
        ...(changedBeforeExport ? { changedBeforeExport } : {}),
      })
    const changed = summary({
      reason: 'secrets-removed',
      changes: [],
      changesOmitted: 0,
      decompressed: true,
      exporterVerdict: { status: 'valid', message: 'ok' },
    })
    expect(matchesCaptureQuery(query('verdict:invalid'), changed)).toBe(false)
    expect(matchesCaptureQuery(query('verdict:valid'), changed)).toBe(false)
    expect(matchesCaptureQuery(query('verdict:changed'), changed)).toBe(true)
    expect(matchesCaptureQuery(query('-verdict:invalid'), changed)).toBe(true)
    // Decided from the summary alone, as the renderer's live list decides it.
    expect(decideCaptureQuery(query('verdict:CHANGED'), changed)).toBe(true)
    // A capture exported as received keeps its own verdict.
    const received = summary()
    expect(matchesCaptureQuery(query('verdict:invalid'), received)).toBe(true)
    expect(matchesCaptureQuery(query('verdict:changed'), received)).toBe(false)
  })

  it('status: takes a code, a class or none', () => {
    expect(matches('status:200')).toBe(true)
    expect(matches('status:2xx')).toBe(true)
    expect(matches('status:5xx')).toBe(false)
    expect(matches('status:503', { answerStatus: 503 })).toBe(true)
    expect(matches('status:5XX', { answerStatus: 503 })).toBe(true)
    expect(matches('status:none', { answerStatus: null })).toBe(true)
    expect(matches('status:5xx', { answerStatus: null })).toBe(false)
  })

  it('event:, ref:, id:, note: match their fields', () => {
    expect(matches('event:debit')).toBe(true)
    expect(matches('event:refund')).toBe(false)
    expect(matches('ref:4711')).toBe(true)
    expect(matches('ref:778899')).toBe(false)
    expect(matches('id:778899')).toBe(true)
    expect(matches('id:cap-1')).toBe(true)
    expect(matches('id:4711')).toBe(false)
    expect(matches('id:evt_9', { eventId: 'evt_9XyZ' })).toBe(true)
    expect(matches('id:evt_9')).toBe(false)
    expect(matches('note:merchant', { note: 'ask the merchant' })).toBe(true)
    expect(matches('note:merchant')).toBe(false)
    expect(matches('event:debit', { eventType: null })).toBe(false)
  })

  it('finds a capture id whole or by its start, never by a piece of it', () => {
    const id = { id: '3535dffb-5b63-4361-a815-a7d1b51b2ab3' }
    for (const text of ['3535dffb-5b63-4361-a815-a7d1b51b2ab3', '3535DFFB', '3535dffb-5b63', 'id:3535dffb']) expect(matches(text, id)).toBe(true)
    // A word that is only somewhere inside the id (a fee, an amount in minor units) does not find it.
    for (const text of ['ab', '5b63', '2ab3', '3535', 'id:a815', 'id:b51b2ab3']) expect(matches(text, id)).toBe(false)
  })

  it('after:/before: take relative times and ISO dates (UTC unless an offset is given)', () => {
    // The capture arrived at 07:00Z; "now" is 08:00Z.
    expect(matches('after:-2h')).toBe(true)
    expect(matches('after:-30m')).toBe(false)
    expect(matches('after:-3600s')).toBe(true)
    expect(matches('before:-30m')).toBe(true)
    expect(matches('after:-1d before:-1m')).toBe(true)
    expect(matches('after:-1w')).toBe(true)
    expect(matches('after:2026-12-06')).toBe(true)
    expect(matches('before:2026-12-06')).toBe(false)
    expect(matches('after:2026-12-06T07:00Z')).toBe(true)
    expect(matches('before:2026-12-06T07:00:00Z')).toBe(false)
    expect(matches('after:2026-12-06T07:00:00.001Z')).toBe(false)
    expect(matches('after:2026-12-06T08:30+02:00')).toBe(true)
    expect(matches('after:2026-12-06T07:30')).toBe(false)
    expect(matches('after:"2026-12-06 06:59"')).toBe(true)
  })

  it('reads the headers and body only when the cheap terms did not decide', () => {
    const cheapNo = capture({ body: 'declined' })
    expect(matchesCaptureQuery(query('declined method:get'), cheapNo)).toBe(false)
    expect(cheapNo.reads).toEqual({ headers: 0, body: 0 })

    const summaryHit = capture({ body: 'x' })
    expect(matchesCaptureQuery(query('order-4711'), summaryHit)).toBe(true)
    expect(summaryHit.reads).toEqual({ headers: 0, body: 0 })

    const twice = capture({ body: 'alpha beta' })
    expect(matchesCaptureQuery(query('body:alpha body:beta alpha'), twice)).toBe(true)
    expect(twice.reads.body).toBe(1)
  })

  it('treats a capture without headers or body as having none', () => {
    const bare = { ...capture(), headers: undefined, bodyText: undefined }
    expect(matchesCaptureQuery(query('body:x'), bare)).toBe(false)
    expect(matchesCaptureQuery(query('-body:x'), bare)).toBe(true)
    expect(matchesCaptureQuery(query('header:x'), bare)).toBe(false)
  })

  it('looks for all the terms that read the body text in one pass over it, with the answers of a search per term', () => {
    // One letter: a word starting with it made a search per term restart at every letter, 32 times over.
    const body = `${'a'.repeat(100_000)} she ushers`
    const words = Array.from({ length: 30 }, (_unused, index) => `a${String.fromCharCode(98 + (index % 25))}${index}`)
    const searches = vi.spyOn(String.prototype, 'includes')
    const bodySearches = (): number => searches.mock.contexts.filter((context) => String(context).length === body.length).length
    try {
      expect(matches(words.join(' OR '), { body })).toBe(false)
      expect(matches(words.map((word) => `-${word}`).join(' '), { body })).toBe(true)
      expect(bodySearches()).toBe(0)
      expect(matches(`${words.slice(0, 20).join(' OR ')} OR body:hers`, { body })).toBe(true)
      expect(matches('she he hers "a she" -his body:"e u"', { body })).toBe(true)
      expect(matches('she he hers -usher', { body })).toBe(false)
    } finally {
      searches.mockRestore()
    }
  })
})

describe('hostile queries against hostile captures', () => {
  /** A phrase of `length` letters `a` with one `b` at `at`: the built-in search compares it back over its whole length at nearly every `a`. */
  const hostilePhrase = (length: number, at: number): string => `${'a'.repeat(at)}b${'a'.repeat(length - at - 1)}`
  const run = 'a'.repeat(200_000)

  it('looks for a long phrase in every field a sender fills in one linear pass each, and answers as includes would', () => {
    const phrase = hostilePhrase(900, 300)
    const hostile = capture({
      target: `/${run}?q=${run}&${run}=x`,
      searchText: run,
      note: run,
      reference: run,
      eventType: run,
      headerPairs: [
        [run, run],
        ['X-Long', `${run}\n${run}`],
      ],
      body: run,
    })
    const searches = vi.spyOn(String.prototype, 'includes')
    const longSearches = (): number => searches.mock.calls.filter(([text]) => String(text).length > 250).length
    try {
      for (const field of ['', 'header:', 'header.x-long:', 'query:', 'query.q:', 'path:', 'ref:', 'event:', 'note:', 'id:', 'body:']) {
        expect(matchesCaptureQuery(query(`${field}"${phrase}"`), hostile), field).toBe(false)
      }
      // Found where it is, in a header line too.
      const planted = capture({
        headerPairs: [
          ['X-Long', `${run}${phrase}`],
          ['X-Line', `${phrase}${run}`],
        ],
        note: `${run}${phrase}`,
        body: `${run}${phrase}`,
      })
      expect(matchesCaptureQuery(query(`header:"${phrase}"`), planted)).toBe(true)
      expect(matchesCaptureQuery(query(`note:"${phrase}"`), planted)).toBe(true)
      expect(matchesCaptureQuery(query(`"x-line: ${phrase.slice(0, 600)}"`), planted)).toBe(true)
      expect(matchesCaptureQuery(query(`body:"${phrase}" -"${'a'.repeat(20)}c${'a'.repeat(20)}"`), planted)).toBe(true)
      expect(longSearches()).toBe(0)
    } finally {
      searches.mockRestore()
    }
  })

  it('answers queries of the most terms, nested negations and escaped quotes over a long hostile body', () => {
    const terms = Array.from({ length: MAX_QUERY_TERMS }, (_unused, index) => `"${hostilePhrase(25, index % 24)}"`)
    expect(matches(terms.join(' OR '), { body: run })).toBe(false)
    expect(matches(terms.map((term) => `-${term}`).join(' '), { body: run })).toBe(true)
    expect(matches(`${terms.slice(1).join(' OR ')} OR ${'a'.repeat(30)}`, { body: run })).toBe(true)
    const nested = `${'(-'.repeat(MAX_QUERY_NESTING)}"${hostilePhrase(200, 10)}"${')'.repeat(MAX_QUERY_NESTING)}`
    // An even number of negations is the phrase itself (not in the body), an odd one its negation.
    expect(matches(nested, { body: run })).toBe(false)
    expect(matches(`-${nested}`, { body: run })).toBe(true)
    const quoted = `"${'\\"'.repeat(300)}"`
    expect(matches(quoted, { body: `x${'"'.repeat(300)}x` })).toBe(true)
    expect(matches(quoted, { body: '"'.repeat(299) })).toBe(false)
  })
})

describe('pasted JSON, Unicode spellings and URLs', () => {
  /** Body text as the search reads it (core/search/searchable-body.ts): folded, without JSON spacing. */
  const searched = (raw: string): string => withoutJsonSpacing(foldForSearch(raw))

  it('finds a compact JSON body by a phrase pasted from pretty-printed or escaped JSON, and the other way round', () => {
    const compact = searched('{"result":"OK","amount":1000,"currency":"EUR"}')
    const pretty = searched('{\n  "result": "OK",\n  "amount": 1000,\n  "currency": "EUR"\n}')
    for (const body of [compact, pretty]) {
      expect(matches('"\\"result\\": \\"OK\\""', { body })).toBe(true)
      expect(matches('"\\"result\\":\\"OK\\""', { body })).toBe(true)
      expect(matches('"\\"result\\" : \\"OK\\""', { body })).toBe(true)
      expect(matches('"\\"amount\\": 1000,\n    \\"currency\\": \\"EUR\\""', { body })).toBe(true)
      expect(matches('body:"\\"result\\": \\"OK\\""', { body })).toBe(true)
      expect(matches('-"\\"result\\": \\"OK\\""', { body })).toBe(false)
      // Other JSON is not found by it: only the whitespace between tokens does not count.
      expect(matches('"\\"result\\": \\"FAILED\\""', { body })).toBe(false)
      expect(matches('"\\"result\\": \\"O K\\""', { body })).toBe(false)
    }
    // Headers and the summary are matched as they are: a header line keeps its space.
    expect(matches('"X-Signature: abc"', { headerPairs: [['X-Signature', 'abc']] })).toBe(true)
  })

  it('matches text whatever its Unicode normalisation, in the body, headers, note and summary', () => {
    const nfc = 'caf\u00e9'
    const nfd = 'Cafe\u0301'
    expect(matches(nfc, { body: searched(`{"shop":"${nfd}"}`) })).toBe(true)
    expect(matches(nfd, { body: searched(`{"shop":"${nfc}"}`) })).toBe(true)
    expect(matches(`body:"${nfd} ole\u0301"`, { body: searched('{"shop":"Caf\u00e9 Ol\u00e9"}') })).toBe(true)
    // A header carrying UTF-8, as header values hold it: one character per byte.
    const utf8Header = String.fromCharCode(...new TextEncoder().encode(`${nfd} M\u00fcller`))
    expect(matches(`header.x-customer:"${nfc} mu\u0308ller"`, { headerPairs: [['X-Customer', utf8Header]] })).toBe(true)
    expect(matches(`note:${nfc}`, { note: nfd })).toBe(true)
    expect(matches(`ref:${nfd}`, { reference: nfc })).toBe(true)
    const summary = searchableCaptureOf({
      id: 'cap-9',
      method: 'POST',
      target: '/shop',
      outcome: 'captured',
      receivedAt: '2026-12-06T07:00:00Z',
      response: { status: 200 },
      recognition: {
        provider: { id: 'ixopay', name: 'IXOPAY', variant: null },
        verdict: { status: 'valid', reason: null, message: '' },
        summary: {
          eventType: 'DEBIT',
          status: 'OK',
          objectId: null,
          eventId: null,
          reference: `${nfd}-7`,
          amount: null,
          paymentMethod: null,
          signalOnly: null,
        },
      },
    } as unknown as SearchableSource)
    expect(decideCaptureQuery(query(`${nfc}-7`), summary)).toBe(true)
  })

  it('finds the captures sent to the path and query of a pasted URL, whatever its scheme and host', () => {
    // The fixture's target is /callbacks/ixopay?action=create&name=Alex+Smith&city=M%C3%BCnchen.
    for (const url of [
      'http://127.0.0.1:4100/callbacks/ixopay',
      'https://abc.loca.lt/callbacks/ixopay?action=create',
      'localhost:4100/callbacks/ixopay?action=create&name=Alex+Smith',
      '"https://abc.loca.lt/callbacks/ixopay?action=create#fragment"',
    ])
      expect(matches(url), url).toBe(true)
    expect(matches('https://abc.loca.lt/callbacks/chip')).toBe(false)
    expect(matches('-http://127.0.0.1:4100/callbacks/ixopay')).toBe(false)
    // Decided from the summary alone: the live list needs no round trip for it.
    expect(decideCaptureQuery(query('http://127.0.0.1:4100/callbacks/ixopay'), { ...capture(), headers: undefined, bodyText: undefined })).toBe(true)
    // The URL itself is still text: a body holding it is found.
    expect(matches('https://merchant.example/return', { target: '/shop', body: '{"return_url":"https://merchant.example/return"}' })).toBe(true)
    // A URL naming no particular target (only a host) is text only.
    expect(matches('http://127.0.0.1:4100', { body: 'x' })).toBe(false)
  })
})

describe('decideCaptureQuery', () => {
  const summaryOnly = (fixture: Fixture = {}): SearchableCapture => ({ ...capture(fixture), headers: undefined, bodyText: undefined })

  it('decides from summary fields when it can', () => {
    expect(decideCaptureQuery(query('method:post status:2xx'), summaryOnly())).toBe(true)
    expect(decideCaptureQuery(query('method:get body:x'), summaryOnly())).toBe(false)
    expect(decideCaptureQuery(query('order-4711'), summaryOnly())).toBe(true)
    expect(decideCaptureQuery(query('method:post OR body:x'), summaryOnly())).toBe(true)
  })

  it('leaves open what needs headers or the body', () => {
    expect(decideCaptureQuery(query('declined'), summaryOnly())).toBeNull()
    expect(decideCaptureQuery(query('body:x'), summaryOnly())).toBeNull()
    expect(decideCaptureQuery(query('-body:x'), summaryOnly())).toBeNull()
    expect(decideCaptureQuery(query('header.a:1 method:post'), summaryOnly())).toBeNull()
    expect(decideCaptureQuery(query('method:get OR body:x'), summaryOnly())).toBeNull()
  })

  it('decides fully when the parts are there', () => {
    expect(decideCaptureQuery(query('declined'), capture({ body: 'declined' }))).toBe(true)
    expect(decideCaptureQuery(query('declined'), capture({ body: 'ok' }))).toBe(false)
  })
})
