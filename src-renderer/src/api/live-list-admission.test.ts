import { QueryClient } from '@tanstack/react-query'
import { describe, expect, it, vi } from 'vitest'
import { filterFieldsOf } from '@shared/capture-filter'
import type { CaptureSummary } from '@shared/views'
import { createListRefetcher, listAdmissionOf } from './live-list-admission'

const NOW = Date.UTC(2026, 11, 6, 8, 0, 0)

function summary(change: Partial<CaptureSummary> = {}): CaptureSummary {
  return {
    id: 'c1',
    seq: 1,
    endpointId: 'e1',
    receivedAt: new Date(NOW - 60_000).toISOString(),
    durationMs: 1,
    method: 'POST',
    target: '/e1/ixopay?x=1',
    remoteAddress: '127.0.0.1',
    contentType: 'application/json',
    bodySize: 10,
    outcome: 'captured',
    refusal: null,
    recognition: {
      provider: { id: 'ixopay', name: 'IXOPAY', variant: null },
      verdict: { status: 'valid', reason: null, message: '' },
      summary: { eventType: 'DEBIT', status: 'OK', objectId: 'txn-1', reference: 'order-4711', amount: '9.99 EUR', paymentMethod: null, signalOnly: false },
    },
    response: { kind: 'respond', status: 200, headers: [], bodySize: 2, delayMs: 0, chosenBy: { kind: 'default' } },
    ...change,
  } as CaptureSummary
}

const admit = (filter: Parameters<typeof listAdmissionOf>[0], capture = summary()) => {
  const admission = listAdmissionOf(filter, NOW)
  return admission === null ? 'unfiltered' : admission(capture, filterFieldsOf(capture))
}

describe('listAdmissionOf', () => {
  it('is null for an unfiltered list or a blank query', () => {
    expect(admit(undefined)).toBe('unfiltered')
    expect(admit({})).toBe('unfiltered')
    expect(admit({ query: '  ' })).toBe('unfiltered')
  })

  it('decides the select fields and text from the summary', () => {
    expect(admit({ provider: 'ixopay' })).toBe(true)
    expect(admit({ provider: 'stripe' })).toBe(false)
    expect(admit({ text: 'order-4711' })).toBe(true)
  })

  it('decides query terms that read only the summary', () => {
    expect(admit({ query: 'method:post status:2xx after:-5m' })).toBe(true)
    expect(admit({ query: 'ref:4711 provider:ixopay' })).toBe(true)
    expect(admit({ query: 'method:get' })).toBe(false)
    expect(admit({ query: 'order-4711' })).toBe(true)
    // The selects still apply beside the query.
    expect(admit({ query: 'order-4711', verdict: 'invalid' })).toBe(false)
  })

  it('decides by the provider’s event id from the summary, without the body', () => {
    const base = summary()
    const stripe = summary({ recognition: { ...base.recognition!, summary: { ...base.recognition!.summary, eventId: 'evt_1Q2w3E' } } })
    expect(admit({ query: 'evt_1q2w3e' }, stripe)).toBe(true)
    expect(admit({ query: 'id:evt_1Q2w3E' }, stripe)).toBe(true)
    expect(admit({ query: 'id:evt_other' }, stripe)).toBe(false)
  })

  it('cannot tell for terms that need headers or the body', () => {
    expect(admit({ query: 'declined' })).toBeNull()
    expect(admit({ query: 'body:x' })).toBeNull()
    expect(admit({ query: 'header.user-agent:ixopay method:post' })).toBeNull()
    expect(admit({ query: 'header.user-agent:ixopay method:get' })).toBe(false)
  })

  it('admits nothing to a list whose query is malformed', () => {
    expect(admit({ query: '"unclosed' })).toBe(false)
  })
})

describe('createListRefetcher', () => {
  const key = ['captures', 'list', 'e1', { query: 'declined' }] as const

  it('fetches a list again once for any number of requests, a second later', async () => {
    vi.useFakeTimers()
    try {
      const queryClient = new QueryClient()
      const invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue()
      const refetcher = createListRefetcher(queryClient)
      refetcher.request(key)
      refetcher.request(key)
      await vi.advanceTimersByTimeAsync(999)
      expect(invalidate).not.toHaveBeenCalled()
      await vi.advanceTimersByTimeAsync(1)
      expect(invalidate).toHaveBeenCalledTimes(1)
      expect(invalidate).toHaveBeenCalledWith({ queryKey: key, exact: true })
      refetcher.request(key)
      refetcher.cancel()
      await vi.advanceTimersByTimeAsync(5000)
      expect(invalidate).toHaveBeenCalledTimes(1)
    } finally {
      vi.useRealTimers()
    }
  })

  it('lets a fetch in flight finish, then fetches again', async () => {
    vi.useFakeTimers()
    try {
      const queryClient = new QueryClient()
      let finish: (value: string) => void = () => {}
      void queryClient.fetchQuery({ queryKey: key, queryFn: () => new Promise<string>((resolve) => (finish = resolve)) })
      const invalidate = vi.spyOn(queryClient, 'invalidateQueries').mockResolvedValue()
      const refetcher = createListRefetcher(queryClient)
      refetcher.request(key)
      await vi.advanceTimersByTimeAsync(3000)
      expect(invalidate).not.toHaveBeenCalled()
      finish('page')
      await vi.advanceTimersByTimeAsync(1000)
      expect(invalidate).toHaveBeenCalledTimes(1)
    } finally {
      vi.useRealTimers()
    }
  })
})
