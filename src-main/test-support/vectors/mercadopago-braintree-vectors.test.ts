/**
 * The Mercado Pago and Braintree vector files (`mercadopago.json`, `braintree.json` beside this
 * file), in the shared VectorCase format. The Braintree cases were made by the braintree SDK itself
 * (`webhookTesting.sampleNotification` with the clock fixed), the Mercado Pago cases were signed from
 * the docs' template. Here every case's `expected.valid` is checked twice: by the provider's own SDK
 * (braintree's `webhookNotification.parse`, mercadopago's `WebhookSignatureValidator.validate`), and by
 * the inspector's verifier, whose reason and summary must also match what the case says.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { InvalidWebhookSignatureError, WebhookSignatureValidator } from 'mercadopago'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import { parseBraintree, verifyBraintree } from '../../core/providers/braintree'
import { parseMercadoPago, verifyMercadoPago } from '../../core/providers/mercadopago'
import type { Delivery } from '../../core/providers/verification'
import type { VectorCase } from '../vectors'

interface BraintreeSdk {
  BraintreeGateway: new (config: { environment: unknown; merchantId: string; publicKey: string; privateKey: string }) => {
    webhookNotification: { parse(signature: string, payload: string): Promise<{ kind: string }> }
  }
  Environment: { Sandbox: unknown }
}
const braintree = createRequire(import.meta.url)('braintree') as BraintreeSdk

/** A vector case of these two files, with the fields they add to VectorCase. */
type Case = Omit<VectorCase, 'secretOrKey' | 'expected'> & {
  secretOrKey: string | { publicKey: string; privateKey: string } | null
  expected: VectorCase['expected'] & { eventType?: string; amountDisplay?: string }
}

function load(file: string): Case[] {
  return JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as Case[]
}

function deliveryOf(vector: Case): Delivery {
  const headers: HeaderPairs = Object.entries(vector.headers)
  return { method: vector.method, target: vector.path, headers, body: Buffer.from(vector.body, 'utf8') }
}

describe('braintree.json', () => {
  const cases = load('./braintree.json')
  it('has valid and invalid cases', () => {
    expect(cases.filter((vector) => vector.expected.valid).length).toBeGreaterThanOrEqual(3)
    expect(cases.filter((vector) => !vector.expected.valid).length).toBeGreaterThanOrEqual(3)
  })
  for (const vector of cases) {
    it(`${vector.name}: the SDK and the inspector agree with the case`, async () => {
      const pair = vector.secretOrKey
      if (pair === null || typeof pair === 'string') throw new Error('a Braintree case carries {publicKey, privateKey}')
      const form = new URLSearchParams(vector.body)
      const gateway = new braintree.BraintreeGateway({ environment: braintree.Environment.Sandbox, merchantId: 'm', ...pair })
      const sdkValid = await gateway.webhookNotification.parse(form.get('bt_signature') ?? '', form.get('bt_payload') ?? '').then(
        () => true,
        () => false,
      )
      expect(sdkValid).toBe(vector.expected.valid)

      const result = verifyBraintree(deliveryOf(vector), [{ ...pair, fingerprint: 'vector', label: 'vector key pair' }])
      if (vector.expected.valid) expect(result.verdict.status).toBe('valid')
      else expect(result.verdict).toMatchObject({ status: 'invalid', reason: vector.expected.reason })
      const summary = parseBraintree(deliveryOf(vector))
      if (vector.expected.eventType) expect(summary.eventType).toBe(vector.expected.eventType)
      if (vector.expected.amountDisplay) expect(summary.amount?.amountDisplay).toBe(vector.expected.amountDisplay)
    })
  }
})

describe('mercadopago.json', () => {
  const cases = load('./mercadopago.json')
  it('has valid, invalid and unsigned cases', () => {
    expect(cases.filter((vector) => vector.scheme !== 'none' && vector.expected.valid).length).toBeGreaterThanOrEqual(2)
    expect(cases.filter((vector) => !vector.expected.valid).length).toBeGreaterThanOrEqual(3)
    expect(cases.some((vector) => vector.scheme === 'none')).toBe(true)
  })
  for (const vector of cases) {
    it(`${vector.name}: the SDK and the inspector agree with the case`, () => {
      const delivery = deliveryOf(vector)
      const now = new Date((vector.params?.verifyAt ?? 0) * 1000)
      if (vector.scheme === 'none') {
        const result = verifyMercadoPago(delivery, [], { now })
        expect(result.verdict.status).toBe('unsigned')
        expect(result.verdict.status === 'unsigned' ? result.verdict.confirmHint?.display : null).toBe(vector.expected.mustFetch)
        return
      }
      const secret = vector.secretOrKey
      if (typeof secret !== 'string') throw new Error('a Mercado Pago case carries its secret as a string')
      const dataId = new URL(vector.path, 'http://localhost').searchParams.get('data.id')
      let sdkValid = true
      try {
        // As the docs tell integrators: an alphanumeric data.id is lowercased before it is checked.
        WebhookSignatureValidator.validate({
          xSignature: vector.headers['x-signature'],
          xRequestId: vector.headers['x-request-id'],
          dataId: dataId?.toLowerCase(),
          secret,
        })
      } catch (error: unknown) {
        if (!(error instanceof InvalidWebhookSignatureError)) throw error
        sdkValid = false
      }
      expect(sdkValid).toBe(vector.expected.valid)

      const result = verifyMercadoPago(delivery, [{ secret, fingerprint: 'vector', label: 'vector secret' }], { now })
      if (vector.expected.valid) {
        expect(result.verdict.status).toBe('valid')
        expect(result.explanation.attempts.find((attempt) => attempt.matched)?.signedString).toBe(vector.expected.signedMessage)
      } else {
        expect(result.verdict).toMatchObject({ status: 'invalid', reason: vector.expected.reason })
      }
      const summary = parseMercadoPago(delivery)
      if (vector.expected.eventType) expect(summary.eventType).toBe(vector.expected.eventType)
      if (vector.expected.amountDisplay) expect(summary.amount?.amountDisplay).toBe(vector.expected.amountDisplay)
    })
  }
})
