/** Deliveries and Compare through the real inspector: sequence answers, grouping, timelines and diffs. */
import { expect } from 'vitest'
import { describeJsonPathChange } from '../../shared/capture-diff'
import { procedureInputs } from '../../shared/contract'
import { FAIL_TWICE_THEN_OK } from '../../test-support/answer-configs'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import type { Inspector } from '../inspector'

const test = useInspector()
// For the refused request: a body limit the test can exceed with a small body.
const smallLimitTest = useInspector({ config: { maxBodyBytes: 64 } })

const callback = (uuid: string, amount: string, date: string) =>
  `{"result":"OK","uuid":"${uuid}","merchantTransactionId":"order-${uuid}","transactionType":"DEBIT","amount":"${amount}","currency":"EUR","sentAt":"${date}"}`

/** Sends callbacks to the default endpoint of `inspector`, answering with the status they got. */
const deliveryTo =
  (inspector: Inspector) =>
  async (body: string, date = 'Sun, 06 Dec 2026 08:00:00 GMT'): Promise<number> => {
    const response = await send(`${inspector.receiverUrl}/default/callbacks`, {
      method: 'POST',
      headers: [
        ['Content-Type', 'application/json; charset=utf-8'],
        ['Date', date],
      ],
      body,
    })
    return response.status
  }

test('groups the retries of one IXOPAY transaction (500, 500, 200) into one delivery with its timeline', async ({ inspector }) => {
  const deliver = deliveryTo(inspector)
  const [endpoint] = await inspector.procedures.listEndpoints({})
  await inspector.procedures.setProviderSettings({ endpointId: endpoint!.id, pinnedProvider: 'ixopay' })
  await inspector.procedures.setAnswerConfig({ endpointId: endpoint!.id, config: FAIL_TWICE_THEN_OK })
  // Retries differ in bytes (a new timestamp) but carry the same uuid, type and result.
  expect(await deliver(callback('tx-1', '9.99', 't1'))).toBe(500)
  expect(await deliver(callback('tx-2', '5.00', 't1'))).toBe(500)
  expect(await deliver(callback('tx-1', '9.99', 't2'))).toBe(500)
  expect(await deliver(callback('tx-1', '9.99', 't3'))).toBe(200)
  expect(await deliver(callback('tx-1', '9.99', 't4'))).toBe(200)

  const page = await inspector.procedures.listCaptures({ endpointId: endpoint!.id })
  const newest = page.items[0]!
  expect(newest.deliveryKey).toBe('ixopay:tx-1:DEBIT:OK')

  const delivery = await inspector.procedures.getDelivery({ captureId: newest.id })
  expect(delivery.deliveryKey).toBe('ixopay:tx-1:DEBIT:OK')
  expect(delivery.attempts.map((attempt) => attempt.response.status)).toEqual([500, 500, 200, 200])
  expect(delivery.timeline.map((row) => [row.attempt, row.succeeded, row.afterSuccess])).toEqual([
    [1, false, false],
    [2, false, false],
    [3, true, false],
    [4, true, true],
  ])
  expect(delivery.timeline[0]!.sincePreviousMs).toBeNull()
  expect(delivery.timeline[1]!.sincePreviousMs).toBeGreaterThanOrEqual(0)
  expect(delivery.schedule).toMatchObject({ provider: 'ixopay', kind: 'not-published' })
  expect(delivery.nextExpected).toBeNull()
  expect([delivery.succeeded, delivery.duplicateCount]).toEqual([true, 1])

  const grouped = await inspector.procedures.listCaptures({ endpointId: endpoint!.id, groupBy: 'delivery' })
  expect(grouped.items.map((row) => [row.deliveryKey, row.delivery?.attemptCount, row.delivery?.duplicateCount])).toEqual([
    ['ixopay:tx-1:DEBIT:OK', 4, 1],
    ['ixopay:tx-2:DEBIT:OK', 1, 0],
  ])
  expect(grouped.items[0]!.id).toBe(newest.id)

  // With a filter, a delivery is listed at its latest matching attempt: tx-1's third, answered 500 before its 200s.
  const failing = await inspector.procedures.listCaptures({ endpointId: endpoint!.id, groupBy: 'delivery', filter: { answer: '5xx' } })
  expect(failing.items.map((row) => [row.deliveryKey, row.response.status, row.delivery?.attemptCount, row.delivery?.succeeded])).toEqual([
    ['ixopay:tx-1:DEBIT:OK', 500, 4, true],
    ['ixopay:tx-2:DEBIT:OK', 500, 1, false],
  ])
  expect(failing.total).toBe(3)

  const paged = await inspector.procedures.listCaptures({ endpointId: endpoint!.id, groupBy: 'delivery', limit: 1 })
  expect(paged.items).toHaveLength(1)
  const second = await inspector.procedures.listCaptures({ endpointId: endpoint!.id, groupBy: 'delivery', limit: 1, cursor: paged.nextCursor! })
  expect(second.items.map((row) => row.deliveryKey)).toEqual(['ixopay:tx-2:DEBIT:OK'])
})

test('names the changed amount path between two captures, and compares a capture with its resend', async ({ inspector }) => {
  const deliver = deliveryTo(inspector)
  await deliver(callback('tx-9', '9.99', 't1'))
  await deliver(callback('tx-9', '19.99', 't1'), 'Sun, 06 Dec 2026 08:05:00 GMT')
  const [right, left] = (await inspector.procedures.listCaptures({})).items
  const diff = await inspector.procedures.diffCaptures({ leftId: left!.id, rightId: right!.id })
  expect(diff.body.kind).toBe('json')
  expect(diff.body.kind === 'json' && diff.body.changes.map(describeJsonPathChange)).toEqual(['$.amount: "9.99" → "19.99"'])
  expect(diff.headers.changes).toContainEqual({
    kind: 'changed',
    occurrence: 0,
    left: { name: 'Date', value: 'Sun, 06 Dec 2026 08:00:00 GMT' },
    right: { name: 'Date', value: 'Sun, 06 Dec 2026 08:05:00 GMT' },
  })
  expect(diff.method).toBeNull()

  const resend = await inspector.procedures.replayCapture({
    captureId: left!.id,
    targetUrl: `${inspector.receiverUrl}/default/resent`,
    edits: { body: { encoding: 'utf8', text: callback('tx-9', '29.99', 't1') } },
  })
  const withResend = await inspector.procedures.diffCaptures({ leftId: left!.id, rightReplayId: resend.id })
  expect(withResend.right).toMatchObject({ kind: 'resend', id: resend.id, captureId: left!.id })
  expect(withResend.body.kind === 'json' && withResend.body.changes.map(describeJsonPathChange)).toEqual(['$.amount: "9.99" → "29.99"'])
  expect(withResend.target).toEqual({ left: '/default/callbacks', right: '/default/resent' })

  await expect(inspector.procedures.diffCaptures({ leftId: right!.id, rightReplayId: resend.id })).rejects.toThrow(/no resend/)
})

test('puts CHIP Collect’s published schedule beside a failing delivery and expects the next attempt', async ({ inspector }) => {
  const [endpoint] = await inspector.procedures.listEndpoints({})
  await inspector.procedures.setProviderSettings({ endpointId: endpoint!.id, pinnedProvider: 'chip' })
  await inspector.procedures.setAnswerConfig({
    endpointId: endpoint!.id,
    config: { defaultAnswer: { kind: 'respond', status: 503 }, rules: [], sequence: null, failureRate: null },
  })
  const body =
    '{"id":"5b4c3d2e-0000-4000-8000-000000000001","type":"purchase","event_type":"purchase.paid","status":"paid","purchase":{"currency":"MYR","total":100}}'
  for (let attempt = 0; attempt < 2; attempt++) {
    const response = await send(`${inspector.receiverUrl}/default/chip`, { method: 'POST', headers: [['Content-Type', 'application/json']], body })
    expect(response.status).toBe(503)
  }
  const [latest] = (await inspector.procedures.listCaptures({ endpointId: endpoint!.id })).items
  const delivery = await inspector.procedures.getDelivery({ captureId: latest!.id })
  expect(delivery.deliveryKey).toBe('chip:5b4c3d2e-0000-4000-8000-000000000001:purchase.paid:paid')
  expect(delivery.schedule?.title).toBe('CHIP Collect')
  const first = Date.parse(delivery.attempts[0]!.receivedAt)
  expect(delivery.timeline[1]!.expectedAt).toBe(new Date(first + 2 * 60_000).toISOString())
  expect(delivery.nextExpected).toEqual({ attempt: 3, at: new Date(first + 8 * 60_000).toISOString() })
  expect([delivery.succeeded, delivery.duplicateCount]).toEqual([false, 0])
})

test('takes a page of a delivery by cursor or by attempt number, not both', () => {
  const captureId = '7b0c5f0e-3c1a-4d7e-9a59-2f0e6c1d8b11'
  expect(procedureInputs.getDelivery.safeParse({ captureId, upToAttempt: 9_001, limit: 1 }).success).toBe(true)
  expect(procedureInputs.getDelivery.safeParse({ captureId, upToAttempt: 0 }).success).toBe(false)
  const both = procedureInputs.getDelivery.safeParse({ captureId, cursor: '12', upToAttempt: 3 })
  expect(both.error?.issues.map((issue) => issue.message)).toEqual(['give cursor or upToAttempt, not both'])
})

smallLimitTest('gives a refused request a delivery of its own and says why its body cannot be compared', async ({ inspector }) => {
  const deliver = deliveryTo(inspector)
  const big = JSON.stringify({ uuid: 'tx-big', padding: 'x'.repeat(200) })
  expect(await deliver(big)).toBe(413)
  expect(await deliver(big)).toBe(413)
  expect(await deliver('{"uuid":"tx-small"}')).toBe(200)
  const [small, refused, refusedFirst] = (await inspector.procedures.listCaptures({})).items
  expect(refused!.deliveryKey).toBe(`refused:${refused!.id}`)
  expect(refusedFirst!.deliveryKey).not.toBe(refused!.deliveryKey)
  const delivery = await inspector.procedures.getDelivery({ captureId: refused!.id })
  expect(delivery.attempts.map((attempt) => attempt.id)).toEqual([refused!.id])
  expect(delivery.groupedBy).toMatch(/refused request is a delivery of its own/)
  const diff = await inspector.procedures.diffCaptures({ leftId: refused!.id, rightId: small!.id })
  expect(diff.body).toMatchObject({
    kind: 'incomplete',
    reason: expect.stringMatching(/was refused: its body was not stored, so the bodies cannot be compared$/),
  })
  // Two refused requests: neither body was stored, which does not make them the same (it said "identical, 0 bytes").
  const both = await inspector.procedures.diffCaptures({ leftId: refusedFirst!.id, rightId: refused!.id })
  expect(both.body).toMatchObject({
    kind: 'incomplete',
    reason: `capture #${refusedFirst!.seq} was refused: its body was not stored, so the bodies cannot be compared`,
  })
})
