/**
 * GoCardless against its own SDK (`gocardless-nodejs` `webhooks.parse`) over fresh secrets and
 * random batches: what we sign the SDK accepts, and where the SDK refuses (one byte of the body
 * changed, another secret) so do we. Signatures for our verifier are also made with plain
 * node:crypto, independent of gocardless.ts.
 */
import { createHmac, randomBytes, randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { parse as sdkParse, parseWithMeta as sdkParseWithMeta } from 'gocardless-nodejs/webhooks'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { ProviderKey } from '../../shared/providers'
import { keysForVector, type VectorCase } from '../../test-support/vectors'
import { analyzeDelivery } from './analyze'
import { gocardlessProvider, parseGocardless, recogniseGocardless, signGocardless, verifyGocardless } from './gocardless'
import type { Delivery } from './verification'

const ROUNDS = 6

const sdkAccepts = (body: Buffer, secret: string, signature: string): boolean => {
  try {
    sdkParse(body, secret, signature)
    return true
  } catch (error: unknown) {
    if (error instanceof Object && (error as { name?: unknown }).name === 'InvalidSignatureError') return false
    throw error
  }
}

const independentSignature = (secret: string, body: Buffer): string => createHmac('sha256', secret).update(body).digest('hex')

const key = (secret: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'gocardless', value: secret })

const RESOURCES = [
  ['payments', 'payment', 'confirmed'],
  ['mandates', 'mandate', 'active'],
  ['payouts', 'payout', 'paid'],
  ['refunds', 'refund', 'created'],
] as const

function randomBatch(): { body: Buffer; nonceAt: number; webhookId: string; eventIds: string[] } {
  const count = randomInt(1, 5)
  const eventIds: string[] = []
  const events = Array.from({ length: count }, () => {
    const [resource, link, action] = RESOURCES[randomInt(RESOURCES.length)] ?? RESOURCES[0]
    const id = `EV${randomBytes(6).toString('hex').toUpperCase()}`
    eventIds.push(id)
    return {
      id,
      created_at: new Date().toISOString(),
      resource_type: resource,
      action,
      links: { [link]: `${link.slice(0, 2).toUpperCase()}${randomBytes(5).toString('hex').toUpperCase()}` },
      details: { origin: 'gocardless', cause: `${link}_${action}`, description: `Crème brûlée ${randomInt(1e6)}` },
      metadata: {},
    }
  })
  const webhookId = `WB${randomBytes(6).toString('hex').toUpperCase()}`
  const nonce = randomBytes(8).toString('hex')
  const body = Buffer.from(JSON.stringify({ events, meta: { webhook_id: webhookId }, nonce }), 'utf8')
  return { body, nonceAt: body.indexOf(nonce) + 2, webhookId, eventIds }
}

function flipAsciiByte(body: Buffer, index: number): Buffer {
  const copy = Buffer.from(body)
  copy[index] = (copy[index] ?? 0x30) === 0x30 ? 0x31 : 0x30
  return copy
}

const delivery = (body: Buffer, signature: string, extra: HeaderPairs = []): Delivery => ({
  method: 'POST',
  target: '/gocardless/webhooks',
  headers: [
    ['Origin', 'https://api-sandbox.gocardless.com'],
    ['User-Agent', 'gocardless-webhook-service/1.1'],
    ['Content-Type', 'application/json'],
    ['Webhook-Signature', signature],
    ...extra,
  ],
  body,
})

describe('GoCardless signature against gocardless-nodejs (webhooks.parse)', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: valid; tampered body and another secret are refused by both`, () => {
      const secret = randomBytes(randomInt(20, 40)).toString('base64url')
      const { body, nonceAt, webhookId, eventIds } = randomBatch()
      const signature = signGocardless(secret, body)
      expect(signature).toBe(independentSignature(secret, body))
      expect(sdkAccepts(body, secret, signature)).toBe(true)
      expect(sdkParseWithMeta(body, secret, signature).webhookId).toBe(webhookId)
      expect(sdkParse(body, secret, signature).map((event) => event.id)).toEqual(eventIds)

      const valid = verifyGocardless(delivery(body, signature), [key(secret)])
      expect(valid.verdict).toMatchObject({ status: 'valid', variant: 'HMAC-SHA256 hex' })
      // Upper-case hex is the same signature to the SDK (Buffer.from(hex)) and to us.
      expect(sdkAccepts(body, secret, signature.toUpperCase())).toBe(true)
      expect(verifyGocardless(delivery(body, signature.toUpperCase()), [key(secret)]).verdict.status).toBe('valid')

      const tampered = flipAsciiByte(body, nonceAt)
      expect(sdkAccepts(tampered, secret, signature)).toBe(false)
      expect(verifyGocardless(delivery(tampered, signature), [key(secret)]).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })

      const otherSecret = `${secret}x`
      expect(sdkAccepts(body, otherSecret, signature)).toBe(false)
      expect(verifyGocardless(delivery(body, signature), [key(otherSecret)]).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
      // Rotation: the matching secret among several is found.
      expect(verifyGocardless(delivery(body, signature), [key(otherSecret), key(secret)]).verdict.status).toBe('valid')

      const independent = independentSignature(secret, body)
      expect(verifyGocardless(delivery(body, independent), [key(secret)]).verdict.status).toBe('valid')
    })
  }

  it('no secret: no-key; a signature that is not 64 hex characters: malformed', () => {
    const { body } = randomBatch()
    expect(verifyGocardless(delivery(body, signGocardless('s', body)), []).verdict).toMatchObject({ status: 'no-key' })
    expect(verifyGocardless(delivery(body, 'v1,abc'), [key('s')]).verdict).toMatchObject({ status: 'invalid', reason: 'malformed-signature' })
    expect(verifyGocardless({ method: 'POST', target: '/', headers: [], body }, [key('s')]).verdict).toMatchObject({
      status: 'invalid',
      reason: 'missing-header',
    })
  })
})

describe('GoCardless recognition', () => {
  const body = Buffer.from('{"events":[]}')
  const hex = signGocardless('s', body)

  it('claims its own Webhook-Signature shape, and leaves Standard Webhooks alone', () => {
    expect(recogniseGocardless({ method: 'POST', target: '/', headers: [['Webhook-Signature', hex]], body })).toContain('64 hex characters')
    expect(
      recogniseGocardless({
        method: 'POST',
        target: '/',
        headers: [
          ['Webhook-Signature', 'bad'],
          ['Origin', 'https://api.gocardless.com'],
        ],
        body,
      }),
    ).toContain('Origin https://api.gocardless.com')
    const standard: HeaderPairs = [
      ['webhook-id', 'msg_1'],
      ['webhook-timestamp', '1700000000'],
      ['webhook-signature', `v1,${Buffer.alloc(32).toString('base64')}`],
    ]
    expect(recogniseGocardless({ method: 'POST', target: '/', headers: standard, body })).toBeNull()
    expect(recogniseGocardless({ method: 'POST', target: '/', headers: [['webhook-signature', `v1,${Buffer.alloc(32).toString('base64')}`]], body })).toBeNull()
    expect(
      recogniseGocardless({
        method: 'POST',
        target: '/',
        headers: [
          ['webhook-signature', hex],
          ['webhook-timestamp', '1'],
        ],
        body,
      }),
    ).toBeNull()
  })
})

describe('GoCardless summary', () => {
  const summarise = (json: unknown, headers: HeaderPairs = [['Origin', 'https://api-sandbox.gocardless.com']]) =>
    parseGocardless({ method: 'POST', target: '/', headers, body: Buffer.from(JSON.stringify(json)) })

  it('one event: resource.action, the linked resource, the cause, the webhook id, sandbox', () => {
    const summary = summarise({
      events: [
        {
          id: 'EV123',
          created_at: '2014-08-04T12:00:00.000Z',
          action: 'failed',
          resource_type: 'payments',
          links: { payment: 'PM123', organisation: 'OR123' },
          details: {
            origin: 'bank',
            cause: 'insufficient_funds',
            description: 'The customer had insufficient funds.',
            scheme: 'sepa_core',
            reason_code: 'AM04',
          },
        },
      ],
      meta: { webhook_id: 'WB123' },
    })
    expect(summary).toMatchObject({
      eventType: 'payments.failed',
      status: 'failed',
      providerObjectId: 'PM123',
      eventId: 'WB123',
      errorCode: 'AM04',
      errorMessage: 'The customer had insufficient funds.',
      amount: null,
      isTest: true,
    })
    expect(summary.fields).toContainEqual({ label: 'Cause', value: 'insufficient_funds' })
  })

  it('a batch: counts per event type, one field per event, the shared id when there is one', () => {
    const summary = summarise(
      {
        events: [
          { id: 'EV1', resource_type: 'payments', action: 'confirmed', links: { payment: 'PM1' }, details: { cause: 'payment_confirmed' } },
          { id: 'EV2', resource_type: 'payments', action: 'confirmed', links: { payment: 'PM2' } },
          { id: 'EV3', resource_type: 'mandates', action: 'active', links: { mandate: 'MD1' } },
        ],
      },
      [['Origin', 'https://api.gocardless.com']],
    )
    expect(summary).toMatchObject({
      eventType: '3 events: payments.confirmed ×2, mandates.active',
      status: null,
      providerObjectId: null,
      eventId: 'EV1,EV2,EV3',
      isTest: false,
    })
    expect(summary.fields).toContainEqual({ label: 'Event 1', value: 'EV1 · payments.confirmed · PM1 · payment_confirmed' })
    expect(summary.fields).toContainEqual({ label: 'Event 3', value: 'EV3 · mandates.active · MD1' })
  })

  it('says what is wrong with a body that is not a batch, or an event without its fields', () => {
    expect(summarise({ hello: 1 }).problems[0]).toContain('not a GoCardless webhook')
    expect(summarise({ events: [{ id: 'EV1' }] }).problems).toEqual(['event 1 lacks id, resource_type or action'])
  })
})

describe('GoCardless vectors (src-main/test-support/vectors/gocardless.json)', () => {
  const vectors = JSON.parse(readFileSync(new URL('../../test-support/vectors/gocardless.json', import.meta.url), 'utf8')) as VectorCase[]

  it('has valid and invalid cases', () => {
    expect(vectors.filter((vector) => vector.expected.valid).length).toBeGreaterThanOrEqual(2)
    expect(vectors.filter((vector) => !vector.expected.valid).length).toBeGreaterThanOrEqual(2)
  })

  for (const vector of vectors) {
    it(`${vector.name}: the SDK and our verifier both say ${vector.expected.valid ? 'valid' : 'invalid'}`, () => {
      const body = Buffer.from(vector.body, 'utf8')
      const signature = vector.headers['Webhook-Signature'] ?? ''
      const secret = typeof vector.secretOrKey === 'string' ? vector.secretOrKey : ''
      expect(sdkAccepts(body, secret, signature)).toBe(vector.expected.valid)
      const delivery: Delivery = { method: vector.method, target: vector.path, headers: Object.entries(vector.headers), body }
      expect(recogniseGocardless(delivery)).not.toBeNull()
      expect(verifyGocardless(delivery, [key(secret)]).verdict.status).toBe(vector.expected.valid ? 'valid' : 'invalid')
      if (vector.expected.signature) expect(signGocardless(secret, body)).toBe(vector.expected.signature)
    })
  }
})

describe('GoCardless simulation (what the simulator sends)', () => {
  it('signs the serialised batch with a generated secret the SDK accepts, or with the endpoint secret', () => {
    for (const keys of [[], [{ kind: 'hmac-secret' as const, provider: 'gocardless' as const, value: 'endpoint-secret' }]]) {
      const headers: HeaderPairs = [['Content-Type', 'application/json']]
      const simulated = gocardlessProvider.simulate!.sign({
        body: { events: [{ id: 'EV1', resource_type: 'payments', action: 'confirmed', links: { payment: 'PM1' } }], meta: { webhook_id: 'WB1' } },
        serialise: (body) => Buffer.from(JSON.stringify(body)),
        headers,
        target: '/gc',
        keys,
        keyKind: 'hmac-secret',
        now: new Date(),
      })
      const secret = simulated.key.generatedSecret ?? 'endpoint-secret'
      expect(simulated.key.generated).toBe(keys.length === 0)
      const signature = headers.find(([name]) => name === 'Webhook-Signature')?.[1] ?? ''
      expect(sdkAccepts(simulated.body, secret, signature)).toBe(true)
      expect(sdkParseWithMeta(simulated.body, secret, signature).webhookId).toBe('WB1')
    }
  })
})

describe('gocardless vectors through analyzeDelivery (recognition, keys as the endpoint holds them, verdict)', () => {
  const vectors = JSON.parse(readFileSync(new URL('../../test-support/vectors/gocardless.json', import.meta.url), 'utf8')) as VectorCase[]
  for (const vector of vectors) {
    it(vector.name, () => {
      const analysis = analyzeDelivery(
        { method: vector.method, target: vector.path, headers: Object.entries(vector.headers), body: Buffer.from(vector.body, 'utf8') },
        { now: new Date(), keys: keysForVector(vector, 'gocardless') },
      )
      expect(analysis.provider.id).toBe('gocardless')
      expect(analysis.verdict.status).toBe(vector.expected.valid ? 'valid' : 'invalid')
      expect(analysis.summary.problems).toEqual([])
    })
  }
})
