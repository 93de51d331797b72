import { describe, expect, it } from 'vitest'
import type { CaptureQuery } from '../../shared/capture-query'
import { matchesCaptureQuery } from '../../shared/capture-query-match'
import { parseCaptureQuery } from '../../shared/capture-query-parser'
import { searchableCaptureOf, searchableHeaderPairs } from '../../shared/searchable-capture'
import { filterFieldsOf } from '../../shared/capture-filter'
import type { CaptureSummary } from '../../shared/views'
import { meetsRequirement, requiredTexts, textRequirementOf } from './query-prefilter'
import { searchableBodyText } from './searchable-body'

function parsed(source: string): CaptureQuery {
  const result = parseCaptureQuery(source, { now: Date.parse('2026-12-01T00:00:00Z') })
  if (!result.ok || result.query === null) throw new Error(`bad query ${source}`)
  return result.query
}

describe('textRequirementOf', () => {
  it('requires the text of text terms, every one under AND, one of them under OR', () => {
    expect(textRequirementOf(parsed('order-4711'))).toEqual({ kind: 'text', text: 'order-4711' })
    expect(textRequirementOf(parsed('body:Declined header.x-sig:abc'))).toEqual({
      kind: 'all',
      of: [
        { kind: 'text', text: 'abc' },
        { kind: 'text', text: 'declined' },
      ],
    })
    expect(textRequirementOf(parsed('a OR "b c"'))).toEqual({
      kind: 'any',
      of: [
        { kind: 'text', text: 'a' },
        { kind: 'text', text: 'b c' },
      ],
    })
    expect(requiredTexts(textRequirementOf(parsed('(a OR b) a event:refund')))).toEqual(expect.arrayContaining(['a', 'b', 'refund']))
  })

  it('requires nothing for exclusions, terms the sidecar cannot answer, or an OR with such a term', () => {
    for (const source of ['-declined', 'NOT declined', 'method:post', 'status:5xx', 'query.a:b', 'note:x', 'after:-2h', 'a OR method:post', 'body:""'])
      expect(textRequirementOf(parsed(source))).toBeNull()
    // An AND keeps what its other terms require.
    expect(textRequirementOf(parsed('declined -approved method:post'))).toEqual({ kind: 'text', text: 'declined' })
  })

  it('requires the text of a path: term, which the sidecar holds as received and decoded', () => {
    expect(textRequirementOf(parsed('path:/Shop/CB'))).toEqual({ kind: 'text', text: '/shop/cb' })
    expect(textRequirementOf(parsed('-path:/x'))).toBeNull()
  })

  it('requires the pieces around the colons of text that may match across a header name and value', () => {
    // Or, as its other choice, its form without JSON spacing in the body.
    expect(textRequirementOf(parsed('"X-Signature: abc"'))).toEqual({
      kind: 'any',
      of: [
        {
          kind: 'all',
          of: [
            { kind: 'text', text: 'x-signature' },
            { kind: 'text', text: 'abc' },
          ],
        },
        { kind: 'text', text: 'x-signature:abc' },
      ],
    })
    expect(textRequirementOf(parsed('x-signature:'))).toEqual({ kind: 'text', text: 'x-signature' })
    // Each text required is a search over every capture's text: a phrase of many colons requires its two longest pieces.
    const pieces = Array.from({ length: 150 }, (_, index) => `p${index}`)
    expect(requiredTexts(textRequirementOf(parsed(`"${pieces.join(':')}"`))).sort()).toEqual(['p100', 'p101'])
    expect(textRequirementOf(parsed('":"'))).toBeNull()
    // A body or a named header's value is held whole: the text itself is required (in the body, without JSON spacing).
    expect(textRequirementOf(parsed('body:"a: b"'))).toEqual({ kind: 'text', text: 'a:b' })
    expect(textRequirementOf(parsed('header.x-a:"a: b"'))).toEqual({ kind: 'text', text: 'a: b' })
  })

  it("requires a pasted phrase's body form, or a URL's path and query, as a choice beside the text itself", () => {
    expect(textRequirementOf(parsed('"\\"result\\": \\"OK\\""'))).toEqual({
      kind: 'any',
      of: [
        {
          kind: 'all',
          of: [
            { kind: 'text', text: '"result"' },
            { kind: 'text', text: '"ok"' },
          ],
        },
        { kind: 'text', text: '"result":"ok"' },
      ],
    })
    expect(textRequirementOf(parsed('https://abc.loca.lt/shop/cb?id=7'))).toEqual({
      kind: 'any',
      of: [
        { kind: 'text', text: '/shop/cb?id=7' },
        {
          kind: 'all',
          of: [
            { kind: 'text', text: 'https' },
            { kind: 'text', text: '//abc.loca.lt/shop/cb?id=7' },
          ],
        },
      ],
    })
  })

  it('requires text folded to NFC, as the sidecar holds it', () => {
    expect(textRequirementOf(parsed('Cafe\u0301'))).toEqual({ kind: 'text', text: 'caf\u00e9' })
  })

  it('requires nothing of text with an unpaired surrogate (its UTF-8 is not found where the string is)', () => {
    expect(textRequirementOf(parsed('"\udc00x"'))).toBeNull()
    expect(textRequirementOf(parsed('"😀"'))).toEqual({ kind: 'text', text: '😀' })
  })
})

describe('the requirement is necessary', () => {
  const capture = {
    id: 'cap-1',
    method: 'POST',
    target: '/shop/ixopay?orderId=4711',
    receivedAt: '2026-11-30T12:00:00Z',
    outcome: 'captured',
    response: { status: 503 },
    note: null,
    recognition: {
      provider: { id: 'ixopay', name: 'IXOPAY', variant: null },
      verdict: { status: 'valid', reason: null, message: '' },
      summary: {
        eventType: 'DEBIT',
        status: 'OK',
        objectId: 'tx-1',
        eventId: null,
        reference: 'order-4711',
        amount: '9.99 EUR',
        paymentMethod: null,
        signalOnly: false,
      },
    },
  } as unknown as CaptureSummary
  const headers: Array<[string, string]> = [
    ['Content-Type', 'application/json'],
    ['X-Signature', 'AbC123'],
  ]
  const bodyBytes = Buffer.from(JSON.stringify({ customer: 'Jane Doe', result: 'declined', city: 'Cafe\u0301 Ole\u0301' }, null, 2))
  const body = searchableBodyText({ headers }, bodyBytes)
  // The sidecar's text for this capture, as search-text-sidecar.ts writes it.
  const text = [capture.id.toLowerCase(), filterFieldsOf(capture).searchText, ...searchableHeaderPairs(headers).flat(), body].join('\n')

  it.each([
    'jane',
    'body:declined',
    'header.x-signature:abc1',
    'header:content-type',
    'ref:4711',
    'id:tx-1',
    'event:debit',
    'ixopay jane -approved',
    'nothing OR jane',
    '(jane OR nobody) status:5xx',
    'method:post "jane doe"',
    '"x-signature: abc1"',
    '"Content-Type: application/json"',
    'header:"x-signature: abc"',
    'x-signature:',
    '"signature: abc123" OR nobody',
    '"\\"customer\\":\\"jane doe\\",\\"result\\":\\"declined\\""',
    'body:"\\"result\\" : \\"declined\\""',
    '"caf\u00e9 ol\u00e9"',
    'http://127.0.0.1:4100/shop/ixopay?orderId=4711',
    'localhost:4100/shop/ixopay',
  ])('a capture matching %s has the text it requires', (source) => {
    const query = parsed(source)
    const searchable = searchableCaptureOf(capture, { headers: () => headers, bodyText: () => body })
    expect(matchesCaptureQuery(query, searchable)).toBe(true)
    expect(meetsRequirement(textRequirementOf(query), (needle) => text.includes(needle))).toBe(true)
  })

  it('rules out a capture without the required text', () => {
    expect(meetsRequirement(textRequirementOf(parsed('zanzibar OR quux')), (needle) => text.includes(needle))).toBe(false)
    expect(meetsRequirement(textRequirementOf(parsed('jane zanzibar')), (needle) => text.includes(needle))).toBe(false)
  })
})
