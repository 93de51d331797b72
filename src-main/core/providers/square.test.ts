/**
 * Square against its own SDK (`square` `WebhooksHelper.verifySignature`) over fresh signature
 * keys, notification URLs and bodies: what we sign the SDK accepts, and where the SDK says no
 * (one byte of the body changed, another key, another URL) so do we, with the reason. Signatures
 * for our verifier are also made with plain node:crypto, so a shared mistake in "what is signed"
 * cannot make both sides agree.
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { WebhooksHelper } from 'square'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { ProviderKey } from '../../shared/providers'
import { keysForVector, type VectorCase } from '../../test-support/vectors'
import { analyzeDelivery } from './analyze'
import {
  parseSquare,
  signSquare,
  squareEventObject,
  squareKeysOf,
  squareProvider,
  verifySquare,
  SQUARE_SIGNATURE_HEADER,
  type SquareSigningKey,
} from './square'
import type { Delivery } from './verification'

const ROUNDS = 6

const sdkAccepts = (body: Buffer, signature: string, signatureKey: string, notificationUrl: string): Promise<boolean> =>
  WebhooksHelper.verifySignature({ requestBody: body.toString('utf8'), signatureHeader: signature, signatureKey, notificationUrl })

/** Independent of square.ts: HMAC-SHA256 over the URL then the body, base64. */
const independentSignature = (signatureKey: string, notificationUrl: string, body: Buffer): string =>
  createHmac('sha256', signatureKey).update(notificationUrl, 'utf8').update(body).digest('base64')

const key = (signatureKey: string, notificationUrl: string | null = null): SquareSigningKey => ({
  signatureKey,
  notificationUrl,
  fingerprint: randomBytes(8).toString('hex'),
  label: null,
})

function randomUrl(): { url: string; host: string; target: string } {
  const host = `${randomBytes(5).toString('hex')}.loca.lt`
  const target = `/square-${randomInt(1, 99)}/webhooks${randomInt(2) === 0 ? '' : `?ref=${randomBytes(3).toString('hex')}`}`
  return { url: `https://${host}${target}`, host, target }
}

/** A payment event with non-ASCII text; `nonce` is ASCII so one of its bytes can be flipped and stay UTF-8. */
function randomEvent(): { body: Buffer; nonceAt: number } {
  const nonce = randomBytes(16).toString('hex')
  const text = JSON.stringify({
    merchant_id: 'ML82H4QPKMGXY',
    type: 'payment.updated',
    event_id: `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}`,
    created_at: new Date().toISOString(),
    data: {
      type: 'payment',
      id: `KkAkhd${nonce}`,
      object: {
        payment: { id: `KkAkhd${nonce}`, amount_money: { amount: randomInt(1, 1e6), currency: 'USD' }, status: 'COMPLETED', note: `Crème ü ${randomInt(1e6)}` },
      },
    },
  })
  const body = Buffer.from(text, 'utf8')
  return { body, nonceAt: body.indexOf(nonce) + 3 }
}

function flipAsciiByte(body: Buffer, index: number): Buffer {
  const copy = Buffer.from(body)
  copy[index] = (copy[index] ?? 0x30) === 0x30 ? 0x31 : 0x30
  return copy
}

const delivery = (body: Buffer, signature: string, host: string, target: string, extra: HeaderPairs = []): Delivery => ({
  method: 'POST',
  target,
  headers: [['Host', host], ['Content-Type', 'application/json'], [SQUARE_SIGNATURE_HEADER, signature], ...extra],
  body,
})

describe('Square signature against the square SDK (WebhooksHelper.verifySignature)', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: valid; tampered body, another key and another URL are refused by both`, async () => {
      const signatureKey = randomBytes(randomInt(16, 33)).toString('base64url')
      const { url, host, target } = randomUrl()
      const { body, nonceAt } = randomEvent()
      const { signature } = signSquare({ signatureKey, notificationUrl: url, body })
      expect(signature).toBe(independentSignature(signatureKey, url, body))
      expect(await sdkAccepts(body, signature, signatureKey, url)).toBe(true)

      // Valid with the URL configured on the key, on the endpoint, or rebuilt from the Host header.
      expect(verifySquare(delivery(body, signature, host, target), [key(signatureKey, url)]).verdict).toMatchObject({ status: 'valid' })
      expect(verifySquare(delivery(body, signature, 'other.example', '/elsewhere'), [key(signatureKey, url)]).verdict).toMatchObject({
        status: 'valid',
      })
      const rebuilt = verifySquare(delivery(body, signature, host, target), [key(signatureKey)])
      expect(rebuilt.verdict).toMatchObject({ status: 'valid', variant: `HMAC-SHA256, notification URL ${url} (from the Host header)` })

      // One byte of the body.
      const tampered = flipAsciiByte(body, nonceAt)
      expect(await sdkAccepts(tampered, signature, signatureKey, url)).toBe(false)
      expect(verifySquare(delivery(tampered, signature, host, target), [key(signatureKey, url)]).verdict).toMatchObject({
        status: 'invalid',
        reason: 'signature-mismatch',
      })

      // Another signature key.
      const otherKey = `${signatureKey}x`
      expect(await sdkAccepts(body, signature, otherKey, url)).toBe(false)
      expect(verifySquare(delivery(body, signature, host, target), [key(otherKey, url)]).verdict).toMatchObject({
        status: 'invalid',
        reason: 'signature-mismatch',
      })

      // Another notification URL (a trailing slash): the SDK refuses it, and so do we, explaining where it differs.
      const otherUrl = `${url}/`
      expect(await sdkAccepts(body, signature, signatureKey, otherUrl)).toBe(false)
      const wrongUrl = verifySquare(delivery(body, signature, 'moved.loca.lt', target), [key(signatureKey, otherUrl)])
      expect(wrongUrl.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
      expect(wrongUrl.explanation.notes.join('\n')).toContain(`configured notification URL ${otherUrl}: host ${host} ≠ Host header moved.loca.lt`)

      // Our verifier agrees with the SDK on a signature made by neither of us.
      const independent = independentSignature(signatureKey, url, body)
      expect(await sdkAccepts(body, independent, signatureKey, url)).toBe(true)
      expect(verifySquare(delivery(body, independent, host, target), [key(signatureKey, url)]).verdict.status).toBe('valid')
    })
  }
})

describe('Square verdicts', () => {
  const signatureKey = 'sq-signature-key-test'
  const url = 'https://hooks.example.com/square?x=1'
  const { body } = randomEvent()
  const { signature } = signSquare({ signatureKey, notificationUrl: url, body })

  it('with no signature key: no-key, saying where to find it', () => {
    const verdict = verifySquare(delivery(body, signature, 'hooks.example.com', '/square?x=1'), []).verdict
    expect(verdict).toMatchObject({ status: 'no-key' })
    expect(verdict.message).toContain('Signature key')
  })

  it('with a key but no notification URL configured and a Host that does not rebuild it: no-key, URL unknown', () => {
    const result = verifySquare(delivery(body, signature, '127.0.0.1:4100', '/square'), [key(signatureKey)])
    expect(result.verdict).toMatchObject({ status: 'no-key' })
    expect(result.verdict.message).toMatch(/^notification URL unknown: .*tried https:\/\/127\.0\.0\.1:4100\/square and http:\/\/127\.0\.0\.1:4100\/square/)
    expect(result.explanation.attempts.map((attempt) => attempt.variant)).toEqual([
      'notification URL https://127.0.0.1:4100/square (from the Host header)',
      'notification URL http://127.0.0.1:4100/square (from the Host header)',
    ])
    expect(result.explanation.attempts[0]?.signedString?.startsWith('https://127.0.0.1:4100/square{')).toBe(true)
  })

  it('a configured URL that matches where the request arrived blames the body or the key', () => {
    const result = verifySquare(delivery(body, signature, 'hooks.example.com', '/square?x=1'), [key('another-key', url)])
    expect(result.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    expect(result.explanation.notes).toContain(`configured notification URL ${url} matches where the request arrived: the body or the signature key differ`)
  })

  it('several keys (sandbox and production subscriptions): the one that matches is reported', () => {
    const keys = [key('sandbox-key', 'https://hooks.example.com/sandbox'), key(signatureKey, url)]
    const result = verifySquare(delivery(body, signature, 'hooks.example.com', '/square?x=1'), keys)
    expect(result.verdict).toMatchObject({ status: 'valid', variant: `HMAC-SHA256, configured notification URL ${url}` })
    expect(result.explanation.keyFingerprint).toBe(keys[1]?.fingerprint)
  })

  it('a signature that is not base64 of 32 bytes is malformed; a missing header is reported', () => {
    expect(verifySquare(delivery(body, signature.slice(0, 20), 'h', '/'), [key(signatureKey, url)]).verdict).toMatchObject({
      status: 'invalid',
      reason: 'malformed-signature',
    })
    expect(verifySquare({ method: 'POST', target: '/', headers: [], body }, [key(signatureKey, url)]).verdict).toMatchObject({
      status: 'invalid',
      reason: 'missing-header',
    })
  })

  it('checks the older x-square-signature (HMAC-SHA1 of the same bytes) when it is the only one', () => {
    const sha1 = createHmac('sha1', signatureKey).update(url).update(body).digest('base64')
    const result = verifySquare({ method: 'POST', target: '/square?x=1', headers: [['x-square-signature', sha1]], body }, [key(signatureKey, url)])
    expect(result.verdict).toMatchObject({ status: 'valid', variant: `HMAC-SHA1, configured notification URL ${url}` })
    expect(result.explanation.scheme).toBe('square-hmac-sha1')
  })
})

describe('Square summary', () => {
  const headers: HeaderPairs = [
    ['square-environment', 'Sandbox'],
    ['square-retry-number', '2'],
    ['square-retry-reason', 'http_timeout'],
  ]
  const parse = (event: unknown, extra: HeaderPairs = headers) =>
    parseSquare({ method: 'POST', target: '/', headers: extra, body: Buffer.from(JSON.stringify(event)) })

  it('a payment: type, event id, status, ids, money in the smallest unit, card, sandbox', () => {
    const summary = parse({
      merchant_id: 'ML82H4QPKMGXY',
      type: 'payment.updated',
      event_id: '7a0a8b5c-0000-4000-8000-000000000001',
      created_at: '2026-05-20T14:25:28.000Z',
      data: {
        type: 'payment',
        id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY',
        object: {
          payment: {
            id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY',
            amount_money: { amount: 1099, currency: 'USD' },
            status: 'COMPLETED',
            order_id: 'CAISENgvhpdP05f1DWG9H8yMn4kZY',
            reference_id: 'order-1001',
            source_type: 'CARD',
            card_details: { status: 'CAPTURED', card: { card_brand: 'VISA', last_4: '1111', bin: '411111' } },
          },
        },
      },
    })
    expect(summary).toMatchObject({
      eventType: 'payment.updated',
      eventId: '7a0a8b5c-0000-4000-8000-000000000001',
      status: 'COMPLETED',
      providerObjectId: 'KkAkhdMsgzn59SM8A89WgKwekxLZY',
      merchantReference: 'order-1001',
      amount: { amountMinor: 1099, amountDisplay: 'USD 10.99', currency: 'USD', unit: 'minor' },
      maskedCard: '411111******1111',
      paymentMethod: 'VISA',
      isTest: true,
    })
    expect(summary.fields).toContainEqual({ label: 'Retry number', value: '2' })
    expect(summary.fields).toContainEqual({ label: 'Order', value: 'CAISENgvhpdP05f1DWG9H8yMn4kZY' })
  })

  it('a zero-decimal currency is not divided; production is not a test', () => {
    const summary = parse(
      {
        type: 'refund.created',
        event_id: 'e',
        data: { type: 'refund', id: 'R1', object: { refund: { id: 'R1', status: 'PENDING', amount_money: { amount: 500, currency: 'JPY' } } } },
      },
      [['square-environment', 'Production']],
    )
    expect(summary.amount).toMatchObject({ amountDisplay: 'JPY 500', amountMinor: 500 })
    expect(summary.isTest).toBe(false)
  })

  it('an order.updated event finds its object under order_updated', () => {
    const event = {
      type: 'order.updated',
      event_id: 'e2',
      data: { type: 'order', id: 'O1', object: { order_updated: { order_id: 'O1', state: 'OPEN', version: 2 } } },
    }
    expect(squareEventObject(event)).toMatchObject({ order_id: 'O1' })
    expect(parse(event)).toMatchObject({ eventType: 'order.updated', status: 'OPEN', providerObjectId: 'O1' })
  })

  it('a body that is not JSON says so', () => {
    const summary = parseSquare({ method: 'POST', target: '/', headers: [], body: Buffer.from('nope') })
    expect(summary.problems[0]).toContain('not a JSON Square event')
  })
})

describe('Square vectors (src-main/test-support/vectors/square.json)', () => {
  const vectors = JSON.parse(readFileSync(new URL('../../test-support/vectors/square.json', import.meta.url), 'utf8')) as Array<
    VectorCase & { params: { notificationUrl: string } }
  >

  it('has valid and invalid cases', () => {
    expect(vectors.filter((vector) => vector.expected.valid).length).toBeGreaterThanOrEqual(2)
    expect(vectors.filter((vector) => !vector.expected.valid).length).toBeGreaterThanOrEqual(3)
  })

  for (const vector of vectors) {
    it(`${vector.name}: the SDK and our verifier both say ${vector.expected.valid ? 'valid' : 'invalid'}`, async () => {
      const body = Buffer.from(vector.body, 'utf8')
      const signature = vector.headers['x-square-hmacsha256-signature'] ?? ''
      const signatureKey = typeof vector.secretOrKey === 'string' ? vector.secretOrKey : ''
      const url = vector.params.notificationUrl
      expect(await sdkAccepts(body, signature, signatureKey, url)).toBe(vector.expected.valid)
      const headers: HeaderPairs = Object.entries(vector.headers)
      const verdict = verifySquare({ method: vector.method, target: vector.path, headers, body }, [key(signatureKey, url)]).verdict
      expect(verdict.status).toBe(vector.expected.valid ? 'valid' : 'invalid')
      if (vector.expected.signature) expect(signSquare({ signatureKey, notificationUrl: url, body }).signature).toBe(vector.expected.signature)
    })
  }
})

describe('Square simulation (what the simulator sends)', () => {
  const event = { type: 'payment.updated', event_id: 'e-sim', data: { type: 'payment', id: 'P1', object: { payment: { id: 'P1' } } } }
  const simulate = (keys: ProviderKey[], targetUrl: string) => {
    const headers: HeaderPairs = [['Content-Type', 'application/json']]
    const signed = squareProvider.simulate!.sign({
      body: event,
      serialise: (body) => Buffer.from(JSON.stringify(body)),
      headers,
      target: new URL(targetUrl).pathname,
      targetUrl,
      keys,
      keyKind: 'hmac-secret',
      now: new Date(),
    })
    return { ...signed, signature: headers.find(([name]) => name === SQUARE_SIGNATURE_HEADER)?.[1] ?? '' }
  }

  it('with no key: a generated key, signed for the URL it is sent to, which the SDK accepts', async () => {
    const targetUrl = 'http://127.0.0.1:4100/square/hook'
    const simulated = simulate([], targetUrl)
    expect(simulated.key).toMatchObject({ kind: 'hmac-secret', generated: true })
    const generated = simulated.key.generatedSecret ?? ''
    expect(await sdkAccepts(simulated.body, simulated.signature, generated, targetUrl)).toBe(true)
    expect(simulated.verificationKey).toMatchObject({ provider: 'square', notificationUrl: targetUrl })
    const delivery: Delivery = { method: 'POST', target: '/elsewhere', headers: [[SQUARE_SIGNATURE_HEADER, simulated.signature]], body: simulated.body }
    expect(verifySquare(delivery, squareKeysOf([simulated.verificationKey!])).verdict.status).toBe('valid')
  })

  it("with the endpoint's key: signed for the key's notification URL, as Square would", async () => {
    const notificationUrl = 'https://demo.loca.lt/square/webhooks'
    const simulated = simulate([{ kind: 'hmac-secret', provider: 'square', value: 'endpoint-key', notificationUrl }], 'http://127.0.0.1:4100/square/webhooks')
    expect(simulated.key).toMatchObject({ generated: false, generatedSecret: null })
    expect(await sdkAccepts(simulated.body, simulated.signature, 'endpoint-key', notificationUrl)).toBe(true)
  })
})

describe('square vectors through analyzeDelivery (recognition, keys as the endpoint holds them, verdict)', () => {
  const vectors = JSON.parse(readFileSync(new URL('../../test-support/vectors/square.json', import.meta.url), 'utf8')) as VectorCase[]
  for (const vector of vectors) {
    it(vector.name, () => {
      const analysis = analyzeDelivery(
        { method: vector.method, target: vector.path, headers: Object.entries(vector.headers), body: Buffer.from(vector.body, 'utf8') },
        { now: new Date(), keys: keysForVector(vector, 'square') },
      )
      expect(analysis.provider.id).toBe('square')
      expect(analysis.verdict.status).toBe(vector.expected.valid ? 'valid' : 'invalid')
      expect(analysis.summary.problems).toEqual([])
    })
  }
})
