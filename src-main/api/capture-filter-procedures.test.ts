/**
 * The capture filter, bulk delete and bulk replay of a filter or a selection as the app runs them:
 * callbacks arrive over HTTP, procedures are called through the dispatcher (so inputs are
 * validated as for any caller), and replays go to a loopback target that records what it got.
 */
import { describe, expect } from 'vitest'
import type { Dispatch } from './dispatch'
import type { CapturePage } from '../shared/views'
import { send } from '../test-support/http-client'
import { call, useDispatch } from '../test-support/dispatch-fixture'
import { finishedBulkReplay } from '../test-support/bulk-replay-job'
import { signIxopayJson } from '../core/providers'

const test = useDispatch()

async function refusal(dispatch: Dispatch, procedure: string, input: unknown): Promise<string> {
  const result = await dispatch(procedure, input)
  expect(result.ok).toBe(false)
  return result.ok ? '' : `${result.error.code}: ${result.error.message}`
}

async function sendIxopay(endpointUrl: string, reference: string): Promise<void> {
  const body = JSON.stringify({
    result: 'OK',
    uuid: `tx-${reference}`,
    merchantTransactionId: reference,
    transactionType: 'DEBIT',
    amount: '9.99',
    currency: 'EUR',
  })
  const signed = signIxopayJson({ secret: 'unused', body, date: new Date().toUTCString(), requestUri: '/default/ixopay' })
  await send(`${endpointUrl}/ixopay`, { headers: signed.headers, body })
}

describe('capture filter, bulk delete and bulk replay of a filter or a selection', () => {
  test('lists the captures matching a filter, newest first, with their total', async ({ dispatch, endpoint }) => {
    await sendIxopay(endpoint.url, 'order-1')
    await send(`${endpoint.url}/other?n=1`, { body: 'one' })
    await sendIxopay(endpoint.url, 'order-2')
    await send(`${endpoint.url}/other?n=2`, { method: 'PUT', body: 'two' })

    const ixopay = await call<CapturePage>(dispatch, 'listCaptures', { endpointId: endpoint.id, filter: { provider: 'ixopay' } })
    expect(ixopay.total).toBe(2)
    expect(ixopay.items.map((item) => item.recognition?.summary.reference)).toEqual(['order-2', 'order-1'])
    const byText = await call<CapturePage>(dispatch, 'listCaptures', { filter: { text: '  ORDER-1 ' } })
    expect(byText.items.map((item) => item.recognition?.summary.reference)).toEqual(['order-1'])
    const puts = await call<CapturePage>(dispatch, 'listCaptures', {
      endpointId: endpoint.id,
      filter: { method: 'put', provider: 'unknown', answer: '2xx', outcome: 'captured' },
    })
    expect(puts.items.map((item) => item.target)).toEqual(['/default/other?n=2'])
    const paged = await call<CapturePage>(dispatch, 'listCaptures', { endpointId: endpoint.id, filter: { verdict: 'no-key' }, limit: 1 })
    expect(paged).toMatchObject({ total: 2, items: [{ recognition: { summary: { reference: 'order-2' } } }] })
    const rest = await call<CapturePage>(dispatch, 'listCaptures', {
      endpointId: endpoint.id,
      filter: { verdict: 'no-key' },
      limit: 1,
      cursor: paged.nextCursor,
    })
    expect(rest).toMatchObject({ total: 2, nextCursor: null, items: [{ recognition: { summary: { reference: 'order-1' } } }] })
  })

  test('refuses bad filter values, naming the field and what it accepts', async ({ dispatch }) => {
    expect(await refusal(dispatch, 'listCaptures', { filter: { provider: 'visa' } })).toMatch(
      /^BAD_REQUEST: invalid input for listCaptures: filter\.provider: provider must be one of ixopay, chip, .*paypal, (?:.*, )?generic, unknown$/,
    )
    expect(await refusal(dispatch, 'listCaptures', { filter: { verdict: 'ok' } })).toContain(
      'filter.verdict: verdict must be one of valid, invalid, no-key, unsigned, not-applicable',
    )
    expect(await refusal(dispatch, 'listCaptures', { filter: { answer: '6xx' } })).toContain('filter.answer: answer must be "2xx", "3xx", "4xx", "5xx", "none"')
    // A number is refused with the same words: the codes are strings, like the classes.
    expect(await refusal(dispatch, 'listCaptures', { filter: { answer: 503 } })).toContain('or a status code such as "503"')
    expect(await refusal(dispatch, 'listCaptures', { filter: { method: 'PO ST' } })).toContain('filter.method: method must be an HTTP method such as POST')
    expect(await refusal(dispatch, 'listCaptures', { filter: { outcome: 'lost' } })).toContain('filter.outcome: outcome must be one of captured, refused')
    expect(await refusal(dispatch, 'listCaptures', { filter: { text: 'x'.repeat(201) } })).toContain('filter.text: text is at most 200 characters')
    expect(await refusal(dispatch, 'listCaptures', { filter: { status: 200 } })).toMatch(/filter: unknown field "status"; the fields are text, query, /)
  })

  test('deletes a selection, publishing a capture-deleted event for each capture', async ({ dispatch, endpoint, events }) => {
    for (const body of ['a', 'b', 'c']) await send(`${endpoint.url}/x`, { body })
    const { items } = await call<CapturePage>(dispatch, 'listCaptures', { endpointId: endpoint.id })
    const [c, b, a] = items
    events.length = 0
    expect(await call(dispatch, 'deleteCaptures', { ids: [a!.id, c!.id, 'gone-already'] })).toEqual({ deletedCount: 2 })
    expect(events.filter((event) => event.type === 'capture-deleted')).toEqual(
      expect.arrayContaining([
        { type: 'capture-deleted', id: a!.id, endpointId: endpoint.id },
        { type: 'capture-deleted', id: c!.id, endpointId: endpoint.id },
      ]),
    )
    expect(events).toHaveLength(2)
    expect((await call<CapturePage>(dispatch, 'listCaptures', { endpointId: endpoint.id })).items.map((item) => item.id)).toEqual([b!.id])
    expect(await refusal(dispatch, 'deleteCaptures', { ids: [] })).toContain('ids: ids is empty: name at least one capture')
    expect(await refusal(dispatch, 'deleteCaptures', { ids: Array.from({ length: 10_001 }, (_, index) => `id-${index}`) })).toContain(
      'ids names at most 10,000 captures at once',
    )
  })

  test('replays the captures matching a filter, oldest first', async ({ dispatch, endpoint, inspector, target }) => {
    for (let index = 0; index < 6; index++) await send(`${endpoint.url}/${index % 2 === 0 ? 'even' : 'odd'}`, { body: String(index) })
    const job = await call<{ jobId: string; total: number }>(dispatch, 'startBulkReplay', {
      endpointId: endpoint.id,
      filter: { text: '/even' },
      targetUrl: target.url,
      concurrency: 1,
    })
    expect(job.total).toBe(3)
    const finished = await finishedBulkReplay(inspector.procedures, job.jobId)
    expect(target.received.map((request) => request.body.toString())).toEqual(['0', '2', '4'])
    expect(finished.results.map((result) => result.seq)).toEqual([...finished.results.map((result) => result.seq)].sort((x, y) => x - y))

    expect(await refusal(dispatch, 'startBulkReplay', { endpointId: endpoint.id, filter: { text: 'nothing like it' }, targetUrl: target.url })).toBe(
      'BAD_REQUEST: no capture of this endpoint matches the filter',
    )
  })

  test('replays a selection in capture order, whatever order it is given in, once each', async ({ dispatch, endpoint, inspector, target }) => {
    for (let index = 0; index < 5; index++) await send(`${endpoint.url}/n${index}`, { body: String(index) })
    const { items } = await call<CapturePage>(dispatch, 'listCaptures', { endpointId: endpoint.id })
    const bySeq = [...items].sort((x, y) => x.seq - y.seq)
    const chosen = [bySeq[4]!, bySeq[0]!, bySeq[3]!, bySeq[1]!]
    const job = await call<{ jobId: string }>(dispatch, 'startBulkReplay', {
      captureIds: [...chosen.map((item) => item.id), bySeq[0]!.id],
      targetUrl: target.url,
      concurrency: 1,
    })
    await finishedBulkReplay(inspector.procedures, job.jobId)
    expect(target.received.map((request) => request.body.toString())).toEqual(['0', '1', '3', '4'])
  })

  test('refuses a bulk replay that names both or neither scope, or a filter without its endpoint', async ({ dispatch, endpoint }) => {
    const targetUrl = 'http://127.0.0.1:9/'
    expect(await refusal(dispatch, 'startBulkReplay', { targetUrl })).toContain('give either captureIds, or endpointId with an optional filter')
    expect(await refusal(dispatch, 'startBulkReplay', { targetUrl, captureIds: ['a'], endpointId: endpoint.id })).toContain(
      'give either captureIds, or endpointId with an optional filter',
    )
    expect(await refusal(dispatch, 'startBulkReplay', { targetUrl, captureIds: ['a'], filter: { provider: 'ixopay' } })).toContain(
      "filter: a filter picks among an endpoint's captures: give endpointId with it, not captureIds",
    )
    expect(await refusal(dispatch, 'startBulkReplay', { targetUrl, endpointId: endpoint.id, filter: { verdict: 'fine' } })).toContain(
      'filter.verdict: verdict must be one of',
    )
  })
})
