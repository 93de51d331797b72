/**
 * `filter.query` as the app runs it: callbacks arrive over HTTP, `listCaptures` and
 * `startBulkReplay` are called through the dispatcher (inputs validated as for any caller).
 */
import { gzipSync } from 'node:zlib'
import { describe, expect } from 'vitest'
import type { Dispatch } from './dispatch'
import type { CapturePage } from '../shared/views'
import { send, sendRaw } from '../test-support/http-client'
import { call, useDispatch } from '../test-support/dispatch-fixture'
import { finishedBulkReplay } from '../test-support/bulk-replay-job'

const test = useDispatch()

/** The targets of an endpoint's captures matching a query, newest first. */
function targetsIn(dispatch: Dispatch, endpointId: string) {
  return async (query: string, extra: Record<string, unknown> = {}): Promise<string[]> => {
    const page = await call<CapturePage>(dispatch, 'listCaptures', { endpointId, filter: { query }, ...extra })
    return page.items.map((item) => item.target)
  }
}

async function sendSamples(endpointUrl: string): Promise<void> {
  await send(`${endpointUrl}/form`, { headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'customer=Alex+Smith&code=T-7788' })
  await send(`${endpointUrl}/json`, {
    headers: [
      ['Content-Type', 'application/json'],
      ['User-Agent', 'IXOPAY-Gateway/2'],
    ],
    body: '{"id":"evt_1Q2w3E","status":"declined"}',
  })
  await send(`${endpointUrl}/gzip`, {
    headers: [
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'gzip'],
    ],
    body: gzipSync('{"note":"compressed secret-word"}'),
  })
  await send(`${endpointUrl}/png`, {
    headers: [['Content-Type', 'image/png']],
    body: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from('declined')]),
  })
  await send(`${endpointUrl}/latin?x=1`, {
    method: 'PUT',
    headers: [['Content-Type', 'text/plain; charset=iso-8859-1']],
    body: Buffer.from('M\xfcller', 'latin1'),
  })
}

describe('listCaptures filter.query', () => {
  test('finds captures by their body text, headers and fields', async ({ dispatch, endpoint }) => {
    const targetsOf = targetsIn(dispatch, endpoint.id)
    await sendSamples(endpoint.url)
    expect(await targetsOf('"alex smith"')).toEqual(['/default/form'])
    expect(await targetsOf('t-7788')).toEqual(['/default/form'])
    expect(await targetsOf('EVT_1Q2W3E')).toEqual(['/default/json'])
    expect(await targetsOf('ixopay-gateway')).toEqual(['/default/json'])
    expect(await targetsOf('header.user-agent:ixopay')).toEqual(['/default/json'])
    expect(await targetsOf('secret-word')).toEqual(['/default/gzip'])
    // The PNG's bytes contain "declined" too, but binary bodies are never searched.
    expect(await targetsOf('declined')).toEqual(['/default/json'])
    expect(await targetsOf('müller')).toEqual(['/default/latin?x=1'])
    expect(await targetsOf('method:put OR path:/png')).toEqual(['/default/latin?x=1', '/default/png'])
    expect(await targetsOf('query.x:1')).toEqual(['/default/latin?x=1'])
    expect(await targetsOf('-body:declined -path:png -method:put')).toEqual(['/default/gzip', '/default/form'])
    expect(await targetsOf('status:2xx after:-1h')).toHaveLength(5)
    expect(await targetsOf('before:-1h')).toEqual([])
  })

  test('finds a capture by its whole id or its start, not by a piece from inside it', async ({ dispatch, endpoint }) => {
    const targetsOf = targetsIn(dispatch, endpoint.id)
    await send(`${endpoint.url}/one`, { headers: [['Content-Type', 'application/json']], body: '{}' })
    const { id } = (await call<CapturePage>(dispatch, 'listCaptures', { endpointId: endpoint.id })).items[0] as { id: string }
    expect(await targetsOf(id)).toEqual(['/default/one'])
    expect(await targetsOf(id.slice(0, 8).toUpperCase())).toEqual(['/default/one'])
    expect(await targetsOf(`id:${id.slice(0, 13)}`)).toEqual(['/default/one'])
    // The id's middle groups (with the dash between them, so nothing else in the capture holds
    // them): the list never shows the id, so a word inside it found this capture for no visible reason.
    expect(await targetsOf(id.slice(9, 18))).toEqual([])
    expect(await targetsOf(`id:${id.slice(9, 18)}`)).toEqual([])
    expect(await targetsOf(id.slice(0, 4))).toEqual([])
  })

  test('finds a trailer field by name and value, as a header is found', async ({ dispatch, endpoint }) => {
    const targetsOf = targetsIn(dispatch, endpoint.id)
    const chunked = (path: string, trailers: string) =>
      `POST /${endpoint.slug}${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n${trailers}\r\n`
    expect(await sendRaw(endpoint.url, chunked('/signed', 'X-Body-Digest: sha-256=:Q2F0:\r\nX-Trailer-Sig: t=9,v1=f00d\r\n'))).toMatch(/ 200 /)
    expect(await sendRaw(endpoint.url, chunked('/plain', ''))).toMatch(/ 200 /)
    expect(await targetsOf('header.x-body-digest:q2f0')).toEqual(['/default/signed'])
    expect(await targetsOf('header:x-trailer-sig')).toEqual(['/default/signed'])
    expect(await targetsOf('f00d')).toEqual(['/default/signed'])
    expect(await targetsOf('-header:x-body-digest path:/plain')).toEqual(['/default/plain'])
  })

  test("id: finds a provider's event id kept in the recognition (the store's scan path)", async ({ dispatch, endpoint }) => {
    const targetsOf = targetsIn(dispatch, endpoint.id)
    const endpointUrl = endpoint.url
    const event = {
      id: 'evt_1QaBcDeFgHiJkLmN',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_3Qxyz', object: 'payment_intent' } },
    }
    await send(`${endpointUrl}/stripe`, {
      headers: [
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', 't=1700000000,v1=00'],
      ],
      body: JSON.stringify(event),
    })
    expect(await targetsOf('id:pi_3Qxyz')).toEqual(['/default/stripe'])
    expect(await targetsOf('id:evt_1QaBcDeFgHiJkLmN')).toEqual(['/default/stripe'])
  })

  test('pages matches newest first with their total, combined with the other filter fields', async ({ dispatch, endpoint }) => {
    const endpointId = endpoint.id
    const targetsOf = targetsIn(dispatch, endpointId)
    await sendSamples(endpoint.url)
    const first = await call<CapturePage>(dispatch, 'listCaptures', { endpointId, filter: { query: 'status:2xx' }, limit: 2 })
    expect(first.total).toBe(5)
    expect(first.items.map((item) => item.target)).toEqual(['/default/latin?x=1', '/default/png'])
    const second = await call<CapturePage>(dispatch, 'listCaptures', { endpointId, filter: { query: 'status:2xx' }, limit: 2, cursor: first.nextCursor })
    expect(second.items.map((item) => item.target)).toEqual(['/default/gzip', '/default/json'])
    const last = await call<CapturePage>(dispatch, 'listCaptures', { endpointId, filter: { query: 'status:2xx' }, limit: 2, cursor: second.nextCursor })
    expect(last).toMatchObject({ total: 5, nextCursor: null, items: [{ target: '/default/form' }] })
    expect(await targetsOf('declined OR alex', { filter: { query: 'declined OR alex', method: 'POST' } })).toEqual(['/default/json', '/default/form'])
    expect(await call<CapturePage>(dispatch, 'listCaptures', { filter: { query: '   ' } })).toMatchObject({ total: 5 })
  })

  test('answers the page (listCapturePage) and the total (countCaptures) apart, as listCaptures does together', async ({ dispatch, endpoint }) => {
    const endpointId = endpoint.id
    await sendSamples(endpoint.url)
    for (const query of ['status:2xx', 'declined OR alex', 'nosuchword', '-png']) {
      const whole = await call<CapturePage>(dispatch, 'listCaptures', { endpointId, filter: { query }, limit: 2 })
      const page = await call<Omit<CapturePage, 'total'>>(dispatch, 'listCapturePage', { endpointId, filter: { query }, limit: 2 })
      expect(page).toEqual({ items: whole.items, nextCursor: whole.nextCursor })
      expect(await call<{ total: number }>(dispatch, 'countCaptures', { endpointId, filter: { query } })).toEqual({ total: whole.total })
      if (whole.nextCursor !== null) {
        const next = await call<CapturePage>(dispatch, 'listCaptures', { endpointId, filter: { query }, limit: 2, cursor: whole.nextCursor })
        expect(await call(dispatch, 'listCapturePage', { endpointId, filter: { query }, limit: 2, cursor: whole.nextCursor })).toEqual({
          items: next.items,
          nextCursor: next.nextCursor,
        })
      }
    }
    expect(await call(dispatch, 'countCaptures', {})).toEqual({ total: 5 })
  })

  test('reads pages from the oldest end (listCapturePage order "oldest"): every match, oldest first, whatever the filter', async ({ dispatch, endpoint }) => {
    const endpointId = endpoint.id
    await sendSamples(endpoint.url)
    const filters = [
      undefined,
      { method: 'POST' },
      { query: 'status:2xx' },
      { query: 'declined OR alex' },
      { query: 'nosuchword' },
      { query: '-png' },
      { text: 'default' },
    ]
    for (const filter of filters) {
      const newestFirst = await call<CapturePage>(dispatch, 'listCaptures', { endpointId, filter, limit: 100 })
      const read: string[] = []
      let cursor: string | null | undefined
      do {
        const page: Omit<CapturePage, 'total'> = await call(dispatch, 'listCapturePage', {
          endpointId,
          filter,
          limit: 2,
          order: 'oldest',
          ...(cursor ? { cursor } : {}),
        })
        expect(page.items.length).toBeLessThanOrEqual(2)
        read.push(...page.items.map((item) => item.id))
        cursor = page.nextCursor
      } while (cursor !== null)
      expect(read).toEqual(newestFirst.items.map((item) => item.id).reverse())
    }
    const refused = await dispatch('listCapturePage', { order: 'sideways' })
    expect(refused.ok ? 'accepted' : refused.error.message).toMatch(/order must be "newest" or "oldest"/)
  })

  test('refuses a malformed query as BAD_REQUEST saying where', async ({ dispatch }) => {
    const refused = async (query: unknown): Promise<string> => {
      const result = await dispatch('listCaptures', { filter: { query } })
      return result.ok ? 'accepted' : `${result.error.code}: ${result.error.message}`
    }
    expect(await refused('status:5xx "unclosed')).toBe('BAD_REQUEST: invalid input for listCaptures: filter.query: unclosed quote at character 12')
    expect(await refused('(a OR b')).toBe('BAD_REQUEST: invalid input for listCaptures: filter.query: unclosed ( at character 1')
    expect(await refused('header.:x')).toBe(
      'BAD_REQUEST: invalid input for listCaptures: filter.query: header. needs a header name before the colon, as in header.NAME:text at character 8',
    )
    expect(await refused('x'.repeat(1001))).toBe('BAD_REQUEST: invalid input for listCaptures: filter.query: query is at most 1000 characters')
    expect(await refused(5)).toContain('filter.query: query must be a string')
  })

  test('replays the captures matching a query, oldest first', async ({ inspector, dispatch, endpoint, target }) => {
    const endpointId = endpoint.id
    await sendSamples(endpoint.url)
    const job = await call<{ jobId: string; total: number }>(dispatch, 'startBulkReplay', {
      endpointId,
      filter: { query: 'alex OR secret-word' },
      targetUrl: target.url,
      concurrency: 1,
    })
    expect(job.total).toBe(2)
    await finishedBulkReplay(inspector.procedures, job.jobId)
    expect(
      target.received.map((request) => request.headers.find(([name]) => name.toLowerCase() === 'content-encoding')?.[1] ?? request.body.toString()),
    ).toEqual(['customer=Alex+Smith&code=T-7788', 'gzip'])
    const refused = await dispatch('startBulkReplay', { endpointId, filter: { query: 'nothing-like-it' }, targetUrl: target.url })
    expect(refused.ok ? '' : refused.error.message).toBe('no capture of this endpoint matches the filter')
    const malformed = await dispatch('startBulkReplay', { endpointId, filter: { query: 'a)' }, targetUrl: target.url })
    expect(malformed.ok ? '' : malformed.error.message).toContain('filter.query: unmatched ) at character 2')
  })
})
