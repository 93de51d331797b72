/**
 * A signature header (or a header the signature covers) sent twice is never valid for IXOPAY, CHIP,
 * PayPal and Mercado Pago: each sends it once, and which copy a check reads depends on the
 * receiving code (Node joins the copies with ", ", PHP under Apache or nginx too, a servlet's
 * getHeader returns the first; Mercado Pago's documented check keeps the last ts and v1). They read
 * only the first copy, so "the right one first" was valid. Signatures here are made with node:crypto
 * from providers.md (§1.3, §2.3, §5.7) and Mercado Pago's documented manifest.
 */
import { createHash, createHmac, generateKeyPairSync, sign as rsaSign } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { WebhookSignatureValidator } from 'mercadopago'
import forge from 'node-forge'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { DeliveryAnalysis, PinnableProviderId, ProviderKey } from '../../shared/providers'
import { issueCertificate } from '../../test-support/certificate-authority'
import { analyzeDelivery } from './index'

const NOW = new Date('2026-03-01T12:00:00Z')

const analyze = (provider: PinnableProviderId, target: string, headers: HeaderPairs, body: string, keys: ProviderKey[]): DeliveryAnalysis =>
  analyzeDelivery({ method: 'POST', target, headers, body: Buffer.from(body) }, { now: NOW, keys, pinnedProvider: provider })

interface Scenario {
  provider: PinnableProviderId
  target: string
  body: string
  keys: ProviderKey[]
  /** The delivery as the provider sends it, with the given signature header value, then `extra` lines. */
  headers: (signature: string, extra?: HeaderPairs) => HeaderPairs
  signatureHeader: string
  good: string
  wrong: string
  /** A signed header other than the signature, and a second value for it (CHIP signs the body alone). */
  signedHeader?: [string, string]
}

function ixopay(): Scenario {
  const secret = 'ixopay-test-shared-secret-3f9a2c'
  const body = '{"result":"OK","uuid":"u1","merchantTransactionId":"m1","transactionType":"DEBIT"}'
  const date = 'Sun, 01 Mar 2026 12:00:00 GMT'
  const target = '/callbacks/ixopay?orderId=1001'
  const type = 'application/json; charset=utf-8'
  const sign = (key: string): string =>
    createHmac('sha512', key)
      .update(['POST', createHash('sha512').update(body).digest('hex'), type, date, target].join('\n'))
      .digest('base64')
  return {
    provider: 'ixopay',
    target,
    body,
    keys: [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }],
    headers: (signature, extra = []) => [['Content-Type', type], ['Date', date], ['X-Signature', signature], ...extra],
    signatureHeader: 'X-Signature',
    good: sign(secret),
    wrong: sign('another-connector-secret'),
    signedHeader: ['Date', 'Sun, 01 Mar 2026 12:00:09 GMT'],
  }
}

function chip(): Scenario {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const body = '{"event_type":"purchase.paid","type":"purchase","id":"p1","status":"paid"}'
  return {
    provider: 'chip',
    target: '/in',
    body,
    keys: [{ kind: 'rsa-public-key', provider: 'chip', pem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    headers: (signature, extra = []) => [['Content-Type', 'application/json'], ['X-Signature', signature], ...extra],
    signatureHeader: 'X-Signature',
    good: rsaSign('sha256', Buffer.from(body), pair.privateKey).toString('base64'),
    wrong: rsaSign('sha256', Buffer.from(body), other.privateKey).toString('base64'),
  }
}

function paypal(): Scenario {
  const certificate = issueCertificate({ commonName: 'messageverificationcerts.sandbox.paypal.com' })
  const privatePem = forge.pki.privateKeyToPem(certificate.signer.privateKey)
  const webhookId = '4JH86294D6297924G'
  const id = 'dfb3be50-fd74-11e4-8bf3-77339302725b'
  const time = '2026-03-01T12:00:00Z'
  const body = '{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED","resource":{"id":"c1"}}'
  const sign = (webhook: string): string =>
    rsaSign('sha256', Buffer.from(`${id}|${time}|${webhook}|${crc32(Buffer.from(body))}`), privatePem).toString('base64')
  return {
    provider: 'paypal',
    target: '/in',
    body,
    keys: [
      { kind: 'certificate', provider: 'paypal', pem: certificate.pem },
      { kind: 'paypal-webhook-id', value: webhookId },
    ],
    headers: (signature, extra = []) => [
      ['PAYPAL-TRANSMISSION-ID', id],
      ['PAYPAL-TRANSMISSION-TIME', time],
      ['PAYPAL-TRANSMISSION-SIG', signature],
      ['PAYPAL-AUTH-ALGO', 'SHA256withRSA'],
      ['PAYPAL-CERT-URL', 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270'],
      ...extra,
    ],
    signatureHeader: 'PAYPAL-TRANSMISSION-SIG',
    good: sign(webhookId),
    wrong: sign('8PT597110X687430LKGECATA'),
    signedHeader: ['PAYPAL-TRANSMISSION-ID', 'aaaaaaaa-fd74-11e4-8bf3-77339302725b'],
  }
}

function mercadopago(): Scenario {
  const secret = 'mercadopago-webhook-secret'
  const ts = '1772366400000'
  const requestId = 'bb56a2f1-6aae-46ac-982e-9dcd3581d08e'
  const sign = (key: string): string => {
    const v1 = createHmac('sha256', key).update(`id:123;request-id:${requestId};ts:${ts};`).digest('hex')
    return `ts=${ts},v1=${v1}`
  }
  return {
    provider: 'mercadopago',
    target: '/in?data.id=123&type=payment',
    body: '{"action":"payment.updated","api_version":"v1","type":"payment","data":{"id":"123"},"live_mode":false}',
    keys: [{ kind: 'hmac-secret', provider: 'mercadopago', value: secret }],
    headers: (signature, extra = []) => [['Content-Type', 'application/json'], ['x-request-id', requestId], ['x-signature', signature], ...extra],
    signatureHeader: 'x-signature',
    good: sign(secret),
    wrong: sign('another-application-secret'),
    signedHeader: ['x-request-id', 'cc56a2f1-6aae-46ac-982e-9dcd3581d08e'],
  }
}

describe('a signature header sent twice is never valid', () => {
  for (const make of [ixopay, chip, paypal, mercadopago]) {
    const scenario = make()
    const { provider, target, body, keys, headers, signatureHeader: name, good, wrong } = scenario
    it(`${provider}: valid once; the right one first, second, or both: invalid, saying it came twice`, () => {
      expect(analyze(provider, target, headers(good), body, keys).verdict.status).toBe('valid')
      const twice: Array<[string, HeaderPairs]> = [
        ['the right one first', headers(good, [[name, wrong]])],
        ['the right one second', headers(wrong, [[name, good]])],
        ['both right', headers(good, [[name, good]])],
      ]
      for (const [label, pairs] of twice) {
        const { verdict, explanation } = analyze(provider, target, pairs, body, keys)
        expect({ label, status: verdict.status }).toEqual({ label, status: 'invalid' })
        expect(verdict.message).toContain(`${name} came 2 times`)
        expect(explanation.notes.join('\n')).toContain(`${name} came 2 times, as separate header lines`)
      }
    })
  }

  for (const make of [ixopay, paypal, mercadopago]) {
    const { provider, target, body, keys, headers, good, signedHeader = ['', ''] } = make()
    it(`${provider}: a signed header (${signedHeader[0]}) sent twice, the signature over the first copy: invalid`, () => {
      const { verdict, explanation } = analyze(provider, target, headers(good, [signedHeader]), body, keys)
      expect(verdict.status).toBe('invalid')
      expect(verdict.message).toContain(`${signedHeader[0]} came 2 times`)
      expect(explanation.matchedVariant).toBeNull()
    })
  }

  it('says what the libraries read: PHP joins and refuses (IXOPAY), Node checks the first copy (CHIP, PayPal), the documented check the last (Mercado Pago)', () => {
    const notesOf = (scenario: Scenario): string => {
      const { provider, target, body, keys, headers, signatureHeader, good } = scenario
      return analyze(provider, target, headers(good, [[signatureHeader, good]]), body, keys).explanation.notes.join('\n')
    }
    expect(notesOf(ixopay())).toContain("IXOPAY's PHP SDK reads them from $_SERVER, where Apache and nginx hand the copies over joined")
    expect(notesOf(chip())).toContain('a Node check verifies the first copy')
    expect(notesOf(paypal())).toContain('it checks the first signature')
    expect(notesOf(mercadopago())).toContain('keeps the last ts and v1')
  })

  it('CHIP and PayPal: Node, handed the copies joined, decodes the base64 only up to the first copy’s "=" padding', () => {
    for (const { provider, good, wrong } of [chip(), paypal()]) {
      expect({ provider, firstOnly: Buffer.from(`${good}, ${wrong}`, 'base64').equals(Buffer.from(good, 'base64')) }).toEqual({ provider, firstOnly: true })
    }
  })

  it('Mercado Pago: the SDK, handed the copies as Node joins them, checks the last one, so the right one first is refused and second accepted', () => {
    const { keys, headers, signatureHeader, good, wrong } = mercadopago()
    const secret = keys[0]?.kind === 'hmac-secret' ? keys[0].value : ''
    const requestId = headers(good).find(([name]) => name === 'x-request-id')?.[1]
    const sdkAccepts = (pairs: HeaderPairs): boolean => {
      const joined = pairs.filter(([name]) => name === signatureHeader).map(([, value]) => value)
      try {
        WebhookSignatureValidator.validate({ xSignature: joined.join(', '), xRequestId: requestId, dataId: '123', secret })
        return true
      } catch {
        return false
      }
    }
    expect(sdkAccepts(headers(good))).toBe(true)
    expect(sdkAccepts(headers(good, [[signatureHeader, wrong]]))).toBe(false)
    expect(sdkAccepts(headers(wrong, [[signatureHeader, good]]))).toBe(true)
  })
})
