/** The one matching rule of shared/capture-filter.ts (core queries and the renderer's live events): every field, combinations, case. */
import { describe, expect, it } from 'vitest'
import {
  compileCaptureFilter,
  filterFieldsOf,
  isCaptureFilterActive,
  normalizeCaptureFilter,
  type CaptureFilter,
  type FilterableCapture,
} from './capture-filter'
import type { CaptureRecognition } from './views'

/** What the store and the renderer do with a filter: compile it, then test a capture's fields. */
function captureMatchesFilter(capture: FilterableCapture, filter: CaptureFilter | undefined): boolean {
  const matches = compileCaptureFilter(filter)
  return matches === null || matches(filterFieldsOf(capture))
}

function recognition(overrides: Partial<CaptureRecognition> = {}): CaptureRecognition {
  return {
    provider: { id: 'ixopay', name: 'IXOPAY', variant: 'json-api' },
    verdict: { status: 'valid', reason: null, message: 'valid' },
    summary: {
      eventType: 'DEBIT',
      status: 'OK',
      objectId: 'd94c0d72f3a36e21f16e',
      reference: 'Order-1001',
      amount: '9.99 EUR',
      paymentMethod: 'Creditcard',
      signalOnly: false,
    },
    ...overrides,
  }
}

const ixopay: FilterableCapture = {
  method: 'POST',
  target: '/shop/callbacks/ixopay?orderId=1001',
  outcome: 'captured',
  recognition: recognition(),
  response: { status: 200 },
}
const stripeInvalid: FilterableCapture = {
  method: 'POST',
  target: '/shop/stripe',
  outcome: 'captured',
  recognition: recognition({
    provider: { id: 'standard-webhooks', name: 'Standard Webhooks / Svix', variant: null },
    verdict: { status: 'invalid', reason: 'signature-mismatch', message: 'mismatch' },
    summary: { eventType: 'invoice.paid', status: null, objectId: 'msg_2Kq', reference: null, amount: null, paymentMethod: null, signalOnly: false },
  }),
  response: { status: 503 },
}
const unknownGet: FilterableCapture = {
  method: 'GET',
  target: '/shop/health?unknown=1',
  outcome: 'captured',
  recognition: recognition({
    provider: { id: 'unknown', name: 'Unknown sender', variant: null },
    verdict: { status: 'not-applicable', reason: null, message: 'n/a' },
    summary: { eventType: null, status: null, objectId: null, reference: null, amount: null, paymentMethod: null, signalOnly: false },
  }),
  response: { status: null },
}
const refused: FilterableCapture = { method: 'PUT', target: '/shop/upload', outcome: 'refused', recognition: null, response: { status: 413 } }
const all = [ixopay, stripeInvalid, unknownGet, refused]

function matching(filter: CaptureFilter): FilterableCapture[] {
  return all.filter((capture) => captureMatchesFilter(capture, filter))
}

describe('capture filter', () => {
  it('lets everything through when empty, blank or absent', () => {
    expect(matching({})).toEqual(all)
    expect(matching({ text: '   ' })).toEqual(all)
    expect(all.filter((capture) => captureMatchesFilter(capture, undefined))).toEqual(all)
    expect(compileCaptureFilter({ text: '' })).toBeNull()
    expect(isCaptureFilterActive({ text: ' \t' })).toBe(false)
    expect(isCaptureFilterActive({ verdict: 'valid' })).toBe(true)
  })

  it('searches the target, path and query, case-insensitively and trimmed', () => {
    expect(matching({ text: 'CALLBACKS/IXOPAY' })).toEqual([ixopay])
    expect(matching({ text: '  orderid=1001 ' })).toEqual([ixopay])
    expect(matching({ text: '/shop/' })).toEqual(all)
  })

  it('searches the method', () => {
    expect(matching({ text: 'get' })).toEqual([unknownGet])
    expect(matching({ text: 'pu' })).toEqual([refused])
  })

  it("searches the recognised provider's name and id, but not the unknown sender's", () => {
    expect(matching({ text: 'svix' })).toEqual([stripeInvalid])
    expect(matching({ text: 'standard-webhooks' })).toEqual([stripeInvalid])
    expect(matching({ text: 'ixopay' })).toEqual([ixopay])
    // "unknown" finds the path that says so, not every capture from an unknown sender.
    expect(matching({ text: 'unknown' })).toEqual([unknownGet])
    expect(matching({ text: 'sender' })).toEqual([])
  })

  it('searches every parsed summary field: event, status, object id, reference, amount', () => {
    expect(matching({ text: 'debit' })).toEqual([ixopay])
    expect(matching({ text: 'invoice.PAID' })).toEqual([stripeInvalid])
    expect(matching({ text: 'D94C0D72' })).toEqual([ixopay])
    expect(matching({ text: 'msg_2kq' })).toEqual([stripeInvalid])
    expect(matching({ text: 'order-1001' })).toEqual([ixopay])
    expect(matching({ text: '9.99 eur' })).toEqual([ixopay])
    // The payment method is shown in the detail, not searched.
    expect(matching({ text: 'creditcard' })).toEqual([])
  })

  it('does not match across two fields', () => {
    expect(matching({ text: 'debitok' })).toEqual([])
    expect(matching({ text: 'post/shop' })).toEqual([])
  })

  it('filters by provider, with unknown meaning "recognised as no known sender" (refused requests have none)', () => {
    expect(matching({ provider: 'ixopay' })).toEqual([ixopay])
    expect(matching({ provider: 'standard-webhooks' })).toEqual([stripeInvalid])
    expect(matching({ provider: 'unknown' })).toEqual([unknownGet])
    expect(matching({ provider: 'stripe' })).toEqual([])
  })

  it('filters by verdict', () => {
    expect(matching({ verdict: 'valid' })).toEqual([ixopay])
    expect(matching({ verdict: 'invalid' })).toEqual([stripeInvalid])
    expect(matching({ verdict: 'not-applicable' })).toEqual([unknownGet])
    expect(matching({ verdict: 'no-key' })).toEqual([])
  })

  it('filters by method, given in any case', () => {
    expect(matching({ method: 'POST' })).toEqual([ixopay, stripeInvalid])
    expect(matching({ method: 'get' })).toEqual([unknownGet])
    expect(matching({ method: 'DELETE' })).toEqual([])
  })

  it('filters by answer class, by "none", and by exact status', () => {
    expect(matching({ answer: '2xx' })).toEqual([ixopay])
    expect(matching({ answer: '4xx' })).toEqual([refused])
    expect(matching({ answer: '5XX' })).toEqual([stripeInvalid])
    expect(matching({ answer: 'none' })).toEqual([unknownGet])
    expect(matching({ answer: '503' })).toEqual([stripeInvalid])
    expect(matching({ answer: '500' })).toEqual([])
    expect(matching({ answer: '3xx' })).toEqual([])
  })

  it('filters by outcome', () => {
    expect(matching({ outcome: 'refused' })).toEqual([refused])
    expect(matching({ outcome: 'captured' })).toEqual([ixopay, stripeInvalid, unknownGet])
  })

  it('requires every field given to match', () => {
    expect(matching({ method: 'POST', answer: '5xx' })).toEqual([stripeInvalid])
    expect(matching({ text: 'shop', provider: 'ixopay', verdict: 'valid', method: 'post', answer: '200', outcome: 'captured' })).toEqual([ixopay])
    expect(matching({ text: 'shop', provider: 'ixopay', verdict: 'invalid' })).toEqual([])
    expect(matching({ text: 'upload', outcome: 'captured' })).toEqual([])
  })

  it('normalises equal filters to equal objects (usable in a query key)', () => {
    expect(normalizeCaptureFilter({ text: ' Order ', method: 'post', answer: '5XX' })).toEqual({ text: 'order', method: 'POST', answer: '5xx' })
    expect(normalizeCaptureFilter({ text: '', provider: undefined })).toBeUndefined()
  })

  it('derives the same fields from a stored record and its list view, with shared provider and verdict strings', () => {
    const fromDisk = JSON.parse(JSON.stringify(stripeInvalid)) as FilterableCapture
    const fields = filterFieldsOf(fromDisk)
    expect(fields).toEqual(filterFieldsOf(stripeInvalid))
    expect(fields).toMatchObject({ method: 'POST', provider: 'standard-webhooks', verdict: 'invalid', answerStatus: 503, outcome: 'captured' })
    expect(filterFieldsOf(refused)).toMatchObject({ provider: null, verdict: null, searchText: 'put\n/shop/upload' })
  })

  it('searches an encoded target as received and as a person reads it', () => {
    const encoded = filterFieldsOf({ ...refused, target: '/shop/caf%C3%A9?name=Alex+Smith&bad=%zz' })
    expect(encoded.searchText).toBe('put\n/shop/caf%c3%a9?name=alex+smith&bad=%zz\n/shop/caf\u00e9?name=alex smith&bad=%zz')
  })
})
