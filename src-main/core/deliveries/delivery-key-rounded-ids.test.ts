/**
 * Delivery keys whose id is an integer past 2^53 (a Paystack `data.id`, a Mercado Pago notification
 * `id`, sent as JSON numbers). Today's key holds every digit the body wrote; versions before kept
 * what JSON.parse made of it, `String(value)` and then `≈<exponential>`, and the store still holds
 * captures keyed (and indexed) that way. A delivery's attempts stored before and after group
 * together; two deliveries whose ids round to one value do not.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { CaptureRecognition } from '../../shared/views'
import { analyzeDelivery } from '../providers'
import { toRecognition } from '../recognition'
import type { LoggedCapture } from '../store/persisted-schema'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { deliveryKeyFrom, deliveryKeyFromBody, deliveryKeyOf, indexedDeliveryKeysOf, readsExactKeyFromBody } from './delivery-key'

const HEADERS: HeaderPairs = [
  ['Content-Type', 'application/json'],
  ['x-paystack-signature', 'a'.repeat(128)],
]

/** A Paystack charge.success whose transaction id is `id`, written as a JSON number. */
const paystackBody = (id: string): Buffer =>
  Buffer.from(`{"event":"charge.success","data":{"id":${id},"status":"success","reference":"ref-1","amount":50000,"currency":"NGN"}}`)

/** The recognition today's analysis gives the body (what the pipeline stores now). */
function recognitionToday(body: Buffer): CaptureRecognition {
  return toRecognition(analyzeDelivery({ method: 'POST', target: '/in', headers: HEADERS, body }, { now: new Date('2026-12-07T12:00:00Z'), keys: [] }))
}

/** The recognition an earlier version stored: the id as `written` (what its text() made of the number). */
function recognitionStored(body: Buffer, written: string): CaptureRecognition {
  const today = recognitionToday(body)
  return { ...today, summary: { ...today.summary, objectId: written } }
}

function logged(body: Buffer, recognition: CaptureRecognition): LoggedCapture {
  return { ...testCapture(body, { headers: HEADERS, recognition }), seq: 1 } as LoggedCapture
}

const EXACT = '12345678901234567890'
/** Another transaction: the next id, which JSON.parse reads as the same value. */
const NEIGHBOUR = '12345678901234567891'
/** What the versions before kept of both. */
const AS_STRING = String(Number(EXACT))
const AS_APPROXIMATE = `≈${Number(EXACT).toExponential()}`

describe('keys of ids past 2^53', () => {
  it('hold every digit today, and earlier versions held the rounded value', () => {
    expect(AS_STRING).toBe('12345678901234567000')
    expect(AS_APPROXIMATE).toBe('≈1.2345678901234567e+19')
    const today = deliveryKeyOf(logged(paystackBody(EXACT), recognitionToday(paystackBody(EXACT))))
    expect(today).toBe(`paystack:charge.success:${EXACT}:success`)
    expect(deliveryKeyOf(logged(paystackBody(NEIGHBOUR), recognitionToday(paystackBody(NEIGHBOUR))))).not.toBe(today)
  })

  it('are looked up under the forms earlier versions indexed them by', () => {
    const today = `paystack:charge.success:${EXACT}:success`
    expect(indexedDeliveryKeysOf(today)).toEqual([
      today,
      `paystack:charge.success:${AS_STRING}:success`,
      `paystack:charge.success:${encodeURIComponent(AS_APPROXIMATE)}:success`,
    ])
    // Two such ids in one key were written alike by one version.
    expect(indexedDeliveryKeysOf(`mercadopago:payment:${EXACT}:${NEIGHBOUR}`)).toContain(`mercadopago:payment:${AS_STRING}:${AS_STRING}`)
    // Ids within 2^53, text ids, body hashes: nothing else.
    for (const key of ['paystack:charge.success:9007199254740991:success', 'chip:p-1:purchase.paid:paid', `sha256:${'a'.repeat(64)}`, 'refused:cap-1']) {
      expect(indexedDeliveryKeysOf(key)).toEqual([key])
    }
  })

  it('read a stored record again from its body only when its key may hold a rounded id', () => {
    expect(readsExactKeyFromBody(`paystack:charge.success:${AS_STRING}:success`)).toBe(true)
    expect(readsExactKeyFromBody(`paystack:charge.success:${encodeURIComponent(AS_APPROXIMATE)}:success`)).toBe(true)
    // Past 10^21 String wrote an exponent.
    expect(readsExactKeyFromBody(`paystack:charge.success:${String(Number('123456789012345678901234'))}:success`)).toBe(true)
    expect(readsExactKeyFromBody(`paystack:charge.success:${EXACT}:success`)).toBe(false)
    expect(readsExactKeyFromBody('paystack:charge.success:9007199254740991:success')).toBe(false)
    expect(readsExactKeyFromBody(`sha256:${'1'.repeat(64)}`)).toBe(false)
    expect(readsExactKeyFromBody('stripe:evt_1e%2B30')).toBe(false)
  })

  it('a record stored the old way has, read again from its body, the key of its delivery and not of its neighbour', () => {
    for (const written of [AS_STRING, AS_APPROXIMATE]) {
      const mine = logged(paystackBody(EXACT), recognitionStored(paystackBody(EXACT), written))
      const neighbours = logged(paystackBody(NEIGHBOUR), recognitionStored(paystackBody(NEIGHBOUR), written))
      // As stored, the two transactions share one key.
      expect(deliveryKeyOf(mine)).toBe(deliveryKeyOf(neighbours))
      expect(readsExactKeyFromBody(deliveryKeyOf(mine))).toBe(true)
      expect(deliveryKeyFromBody(mine, paystackBody(EXACT))).toBe(`paystack:charge.success:${EXACT}:success`)
      expect(deliveryKeyFromBody(neighbours, paystackBody(NEIGHBOUR))).toBe(`paystack:charge.success:${NEIGHBOUR}:success`)
    }
  })

  it('Mercado Pago: a notification id past 2^53 read again from the body', () => {
    const body = Buffer.from(`{"id":${EXACT},"live_mode":false,"type":"payment","action":"payment.updated","data":{"id":"999"}}`)
    const headers: HeaderPairs = [['Content-Type', 'application/json']]
    const analysis = analyzeDelivery(
      { method: 'POST', target: '/in?data.id=999&type=payment', headers, body },
      { now: new Date(), keys: [], pinnedProvider: 'mercadopago' },
    )
    const today = deliveryKeyFrom({ id: 'c', outcome: 'captured', headers, recognition: toRecognition(analysis), bodySha256: 'a'.repeat(64) })
    expect(today).toBe(`mercadopago:${EXACT}`)
    const recognition = toRecognition(analysis)
    const stored: LoggedCapture = {
      ...(testCapture(body, { headers, recognition: { ...recognition, summary: { ...recognition.summary, eventId: AS_STRING } } }) as LoggedCapture),
      target: '/in?data.id=999&type=payment',
    }
    expect(indexedDeliveryKeysOf(today)).toContain(deliveryKeyOf(stored))
    expect(deliveryKeyFromBody(stored, body)).toBe(today)
  })
})

const T0 = Date.parse('2026-12-07T08:00:00.000Z')
const test = useCaptureStore({ now: () => new Date(T0) })

describe('a delivery whose attempts straddle the change to exact digits', () => {
  test('groups the attempt stored with the rounded id with the later retry, and not the neighbouring transaction', async ({ openStore }) => {
    const store = await openStore()
    const failing = { ...testCapture(Buffer.alloc(0)).response, status: 500 }
    const appendOld = async (id: string, written: string, at: number) => {
      const body = paystackBody(id)
      const recognition = recognitionStored(body, written)
      const capture = testCapture(body, { headers: HEADERS, recognition, response: failing, receivedAt: new Date(T0 + at).toISOString() })
      // Keyed (and indexed) as that version keyed it.
      return store.append(capture, body, deliveryKeyFrom({ ...capture, bodySha256: capture.body.sha256 }))
    }
    const before = await appendOld(EXACT, AS_STRING, 0)
    const beforeApproximate = await appendOld(EXACT, AS_APPROXIMATE, 60_000)
    const neighbour = await appendOld(NEIGHBOUR, AS_STRING, 90_000)
    const body = paystackBody(EXACT)
    const after = await store.append(
      testCapture(body, { headers: HEADERS, recognition: recognitionToday(body), receivedAt: new Date(T0 + 120_000).toISOString() }),
      body,
    )
    expect(createHash('sha256').update(body).digest('hex')).toBe(after.body.sha256)

    const key = `paystack:charge.success:${EXACT}:success`
    const attempts = await store.deliveryAttempts(key)
    expect(attempts.map((each) => each.id).sort()).toEqual([before.id, beforeApproximate.id, after.id].sort())
    // Each old attempt, read on its own, names the delivery it belongs to.
    expect((await store.get(before.id))?.deliveryKey).toBe(key)
    expect((await store.get(neighbour.id))?.deliveryKey).toBe(`paystack:charge.success:${NEIGHBOUR}:success`)
    const [facts] = await store.deliveryAttemptFacts([{ deliveryKey: key, endpointId: 'e1' }])
    expect(facts?.map((fact) => fact.id).sort()).toEqual([before.id, beforeApproximate.id, after.id].sort())
  })
})
