/**
 * Re-signing, checked by verifiers that share no code with the signer where they exist (the
 * providers' own npm packages), and by the app's own verifier otherwise. Every case edits a random
 * body, re-signs, sends to a loopback target and verifies what the target actually received.
 */
import { generateKeyPairSync, randomBytes, randomInt, sign, verify } from 'node:crypto'
import { verify as octokitVerify } from '@octokit/webhooks-methods'
import { Webhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { ProviderKey } from '../../shared/providers'
import type { SigningKey } from '../../shared/replay'
import {
  analyzeDelivery,
  signAdyenItem,
  signAdyenPayload,
  signChip,
  signGithub,
  signIxopayJson,
  signMollie,
  signShopify,
  signStandardWebhook,
  signStripe,
} from '../providers/index'
import { sendReplay } from './http-client'
import { startLoopbackTarget, type LoopbackTarget, type ReceivedAtTarget } from '../../test-support/loopback-target'
import { buildReplayRequest, type CapturedRequest } from './replay-request'
import { resignRequest } from './resign'

const ROUNDS = 4
const HOUR_MS = 3_600_000
let target: LoopbackTarget
beforeAll(async () => {
  target = await startLoopbackTarget()
})
afterAll(async () => {
  await target.close()
})

const randomJson = (): string =>
  JSON.stringify({
    id: `evt_${randomBytes(8).toString('hex')}`,
    object: 'event',
    amount: randomInt(1, 1_000_000),
    note: randomBytes(randomInt(0, 64)).toString('base64'),
    unicode: 'ä€😀',
  })
const hexSecret = (bytes = 32): string => randomBytes(bytes).toString('hex')

/** Builds from the capture with an edited body, re-signs at `now`, sends, returns what the target got. */
async function resendResigned(
  captured: CapturedRequest,
  keys: SigningKey[],
  options: { body?: string; now?: Date; path?: string; keepCapturedPath?: boolean } = {},
) {
  const request = buildReplayRequest(captured, {
    targetUrl: `${target.url}${options.path ?? '/hooks'}`,
    keepCapturedPath: options.keepCapturedPath,
    edits: options.body === undefined ? undefined : { body: { encoding: 'utf8', text: options.body } },
  })
  const resigned = resignRequest(request, keys, { now: options.now ?? new Date() })
  const before = target.received.length
  const outcome = await sendReplay(resigned.request)
  expect(outcome.kind).toBe('response')
  const received = target.received[before] as ReceivedAtTarget
  expect(received.body.equals(resigned.request.body)).toBe(true)
  return { received, resigned }
}

const header = (headers: HeaderPairs, name: string): string => headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1] ?? ''
const verdictAt = (received: ReceivedAtTarget, keys: ProviderKey[], now = new Date()) =>
  analyzeDelivery({ method: received.method, target: received.target, headers: received.headers, body: received.body }, { now, keys })

describe("re-sign, verified by the providers' own libraries", () => {
  const stripe = new Stripe('sk_test_unused')

  it('Stripe: constructEvent accepts the re-signed delivery; the captured signature fails after the tolerance window', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = `whsec_${hexSecret(16)}`
      const body = randomJson()
      const capturedAt = Math.floor((Date.now() - HOUR_MS) / 1000)
      const captured: CapturedRequest = {
        method: 'POST',
        target: '/ep/stripe',
        headers: [
          ['Content-Type', 'application/json'],
          ['Stripe-Signature', signStripe({ secret, body, timestamp: capturedAt }).header],
        ],
        body: Buffer.from(body),
      }

      // Un-re-signed: as captured, an hour later.
      const plain = buildReplayRequest(captured, { targetUrl: `${target.url}/hooks` })
      expect(() => stripe.webhooks.constructEvent(plain.body.toString(), header(plain.headers, 'Stripe-Signature'), secret)).toThrow(/tolerance/i)

      const edited = randomJson()
      const { received, resigned } = await resendResigned(captured, [{ kind: 'hmac-secret', provider: 'stripe', value: secret }], { body: edited })
      const event = stripe.webhooks.constructEvent(received.body.toString(), header(received.headers, 'Stripe-Signature'), secret)
      expect(event.id).toBe((JSON.parse(edited) as { id: string }).id)
      expect(resigned.summary.changes).toEqual([expect.objectContaining({ scheme: 'stripe-v1', location: 'header', name: 'Stripe-Signature' })])
      expect(resigned.request.differences).toContainEqual(expect.objectContaining({ kind: 'header-changed', name: 'Stripe-Signature', reason: 'resigned' }))
    }
  })

  it('Standard Webhooks: Webhook.verify accepts the re-signed delivery (fresh webhook-timestamp, same id)', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = `whsec_${randomBytes(24).toString('base64')}`
      const body = randomJson()
      const id = `msg_${hexSecret(8)}`
      const signed = signStandardWebhook({ secret, id, timestamp: Math.floor((Date.now() - HOUR_MS) / 1000), body })
      const captured: CapturedRequest = {
        method: 'POST',
        target: '/ep',
        headers: [['content-type', 'application/json'], ...signed.headers],
        body: Buffer.from(body),
      }
      const { received } = await resendResigned(captured, [{ kind: 'hmac-secret', provider: 'standard-webhooks', value: secret }], { body: randomJson() })
      const headers = Object.fromEntries(received.headers.map(([name, value]) => [name.toLowerCase(), value]))
      expect(() => new Webhook(secret).verify(received.body.toString(), headers)).not.toThrow()
      expect(headers['webhook-id']).toBe(id)
    }
  })

  it('GitHub: @octokit/webhooks-methods verify accepts the re-signed delivery', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = hexSecret(12)
      const body = randomJson()
      const captured: CapturedRequest = {
        method: 'POST',
        target: '/ep',
        headers: [
          ['X-GitHub-Event', 'push'],
          ['X-Hub-Signature-256', signGithub(secret, body)],
        ],
        body: Buffer.from(body),
      }
      const { received } = await resendResigned(captured, [{ kind: 'hmac-secret', provider: 'github', value: secret }], { body: randomJson() })
      expect(await octokitVerify(secret, received.body.toString(), header(received.headers, 'X-Hub-Signature-256'))).toBe(true)
    }
  })
})

describe('re-sign Standard Webhooks v1a (ed25519), verified with plain node:crypto at the target', () => {
  /** A fresh pair: whsk_ (the seed) and the public KeyObject, from the JWK export, not from the app. */
  function freshEd25519() {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const whsk = `whsk_${Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url').toString('base64')}`
    const whpk = `whpk_${Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64')}`
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    return { privateKey, publicKey, whsk, whpk, pem }
  }
  const signedContent = (headers: Record<string, string>, body: Buffer): Buffer =>
    Buffer.concat([Buffer.from(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.`), body])
  const entries = (headers: Record<string, string>, version: string): Buffer[] =>
    (headers['webhook-signature'] ?? '')
      .split(' ')
      .filter((entry) => entry.startsWith(`${version},`))
      .map((entry) => Buffer.from(entry.slice(version.length + 1), 'base64'))
  const lowerCased = (pairs: HeaderPairs): Record<string, string> => Object.fromEntries(pairs.map(([name, value]) => [name.toLowerCase(), value]))

  /** Captured an hour ago, signed v1a by a sender key the user does not hold. */
  function capturedV1a(body: string, extraEntry = ''): CapturedRequest {
    const sender = freshEd25519()
    const id = `msg_${hexSecret(8)}`
    const ts = Math.floor((Date.now() - HOUR_MS) / 1000)
    const v1a = `v1a,${sign(null, Buffer.from(`${id}.${ts}.${body}`), sender.privateKey).toString('base64')}`
    return {
      method: 'POST',
      target: '/ep',
      headers: [
        ['content-type', 'application/json'],
        ['webhook-id', id],
        ['webhook-timestamp', String(ts)],
        ['webhook-signature', `${extraEntry}${v1a}`],
      ],
      body: Buffer.from(body),
    }
  }

  it("with the user's private key (whsk_ or PEM): a fresh v1a over the edited body, id kept, fresh timestamp", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const user = freshEd25519()
      const captured = capturedV1a(randomJson())
      const now = new Date()
      const edited = randomJson()
      const privateKey: SigningKey = { kind: 'ed25519-private-key', provider: 'standard-webhooks', value: round % 2 === 0 ? user.whsk : user.pem }
      const { received, resigned } = await resendResigned(captured, [privateKey], { body: edited, now })
      const headers = lowerCased(received.headers)
      expect(headers['webhook-id']).toBe(lowerCased(captured.headers)['webhook-id'])
      expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)))
      expect(received.body.toString()).toBe(edited)
      // Independent check: node:crypto's verify with the user's public key, nothing from the app.
      const signatures = entries(headers, 'v1a')
      expect(signatures).toHaveLength(1)
      expect(entries(headers, 'v1')).toHaveLength(0)
      expect(verify(null, signedContent(headers, received.body), user.publicKey, signatures[0] as Buffer)).toBe(true)
      expect(verify(null, signedContent(headers, received.body), freshEd25519().publicKey, signatures[0] as Buffer)).toBe(false)
      // The app's verifier agrees, and the change names the key by the fingerprint the verifier shows.
      const analysis = verdictAt(received, [{ kind: 'ed25519-public-key', provider: 'standard-webhooks', value: user.whpk }], now)
      expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'v1a (ed25519)' })
      expect(resigned.summary.changes.map((change) => [change.name, change.scheme])).toEqual([
        ['webhook-timestamp', 'standard-webhooks-v1a'],
        ['webhook-signature', 'standard-webhooks-v1a'],
      ])
      expect(resigned.summary.changes.every((change) => change.keyFingerprint === analysis.explanation.keyFingerprint)).toBe(true)
      expect(JSON.stringify(resigned.summary)).not.toContain(user.whsk.slice(5, 20))
    }
  })

  it('with only an HMAC secret: v1 as before, and the captured v1a entry is dropped with a note', async () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`
    const captured = capturedV1a(randomJson(), 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ')
    const { received, resigned } = await resendResigned(captured, [{ kind: 'hmac-secret', provider: 'standard-webhooks', value: secret }], {
      body: randomJson(),
    })
    const headers = lowerCased(received.headers)
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
    expect(() => new Webhook(secret).verify(received.body.toString(), headers)).not.toThrow()
    expect(resigned.summary.notes.join(' ')).toContain('v1a (ed25519) signature was dropped')
    expect(resigned.summary.changes.map((change) => change.scheme)).toEqual(['standard-webhooks-v1', 'standard-webhooks-v1'])
  })

  it('with both: the header lists v1 and v1a, each verifiable on its own', async () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`
    const user = freshEd25519()
    const keys: SigningKey[] = [
      { kind: 'hmac-secret', provider: 'standard-webhooks', value: secret },
      { kind: 'ed25519-private-key', provider: 'standard-webhooks', value: user.whsk },
    ]
    const { received, resigned } = await resendResigned(capturedV1a(randomJson()), keys, { body: randomJson() })
    const headers = lowerCased(received.headers)
    expect(() => new Webhook(secret).verify(received.body.toString(), headers)).not.toThrow()
    expect(verify(null, signedContent(headers, received.body), user.publicKey, entries(headers, 'v1a')[0] as Buffer)).toBe(true)
    expect(resigned.summary.changes.filter((change) => change.name === 'webhook-signature').map((change) => change.scheme)).toEqual([
      'standard-webhooks-v1',
      'standard-webhooks-v1a',
    ])
  })

  it('a private key that does not load is reported, and without another key the capture goes out unchanged', () => {
    const captured = capturedV1a('{}')
    const request = buildReplayRequest(captured, { targetUrl: 'http://127.0.0.1:1/' })
    const result = resignRequest(
      request,
      [{ kind: 'ed25519-private-key', provider: 'standard-webhooks', value: `whsk_${randomBytes(20).toString('base64')}` }],
      { now: new Date() },
    )
    expect(result.summary.changes).toEqual([])
    expect(result.summary.skipped).toEqual([
      expect.objectContaining({ scheme: 'standard-webhooks-v1a', reason: expect.stringContaining('decodes to 20 bytes') }),
      expect.objectContaining({ scheme: 'standard-webhooks', reason: expect.stringContaining('whsk_') }),
    ])
    expect(header(result.request.headers, 'webhook-signature')).toBe(header(captured.headers, 'webhook-signature'))
  })
})

describe("re-sign, verified by the app's own verifier at the target", () => {
  it('IXOPAY: fresh RFC 7231 Date, signed over the request URI actually sent (keepCapturedPath)', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const secret = hexSecret(16)
      const body = JSON.stringify({
        result: 'OK',
        uuid: hexSecret(10),
        merchantTransactionId: `o-${round}`,
        transactionType: 'DEBIT',
        amount: '9.99',
        currency: 'EUR',
      })
      const signed = signIxopayJson({ secret, body, date: 'Tue, 21 Jul 2020 13:15:03 UTC', requestUri: '/ep/notify?orderId=1001' })
      const captured: CapturedRequest = { method: 'POST', target: '/ep/notify?orderId=1001', headers: signed.headers, body: Buffer.from(body) }
      const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }]
      const editedBody = body.replace('"9.99"', `"${randomInt(10, 999)}.00"`)
      const now = new Date()
      const { received, resigned } = await resendResigned(captured, keys, { body: editedBody, path: '/local/ixopay', keepCapturedPath: true, now })
      expect(received.target).toBe('/local/ixopay/notify?orderId=1001')
      expect(header(received.headers, 'Date')).toBe(now.toUTCString())
      expect(header(received.headers, 'Date')).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
      const analysis = verdictAt(received, keys)
      expect(analysis.provider.id).toBe('ixopay')
      expect(analysis.verdict.status).toBe('valid')
      expect(resigned.summary.changes.map((change) => change.name)).toEqual(['Date', 'X-Signature'])
      expect(resigned.summary.notes).toEqual([])
    }
  })

  it('IXOPAY: a resend whose Content-Type is not the one IXOPAY sends says that its SDK will reject it', async () => {
    const secret = hexSecret(16)
    const body = JSON.stringify({ result: 'OK', uuid: hexSecret(10), merchantTransactionId: 'o-1', transactionType: 'DEBIT' })
    const signed = signIxopayJson({ secret, body, date: 'Tue, 21 Jul 2020 13:15:03 UTC', requestUri: '/ep/notify' })
    const headers: HeaderPairs = signed.headers.map(([name, value]) => [name, name.toLowerCase() === 'content-type' ? 'application/json' : value])
    const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }]
    const { received, resigned } = await resendResigned({ method: 'POST', target: '/ep/notify', headers, body: Buffer.from(body) }, keys)
    // Signed over the type sent: a verifier that reads the header (as this app does first) accepts it.
    expect(verdictAt(received, keys).verdict.status).toBe('valid')
    expect(resigned.summary.notes).toEqual([
      'IXOPAY was signed with the Content-Type sent, "application/json": IXOPAY\'s PHP SDK verifies with "application/json; charset=utf-8" whatever was sent, so an integration using it rejects this resend',
    ])
  })

  it("CHIP: RSA re-signed with the user's private key verifies with the matching public key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    for (let round = 0; round < ROUNDS; round++) {
      const body = JSON.stringify({
        id: hexSecret(8),
        type: 'purchase',
        event_type: 'purchase.paid',
        status: 'paid',
        purchase: { total: randomInt(100, 9999), currency: 'MYR' },
      })
      // Captured as CHIP signed it (a key the user does not have).
      const captured: CapturedRequest = {
        method: 'POST',
        target: '/ep',
        headers: [
          ['Content-Type', 'application/json'],
          ['X-Signature', signChip(body, other)],
        ],
        body: Buffer.from(body),
      }
      const keys: ProviderKey[] = [{ kind: 'rsa-public-key', provider: 'chip', pem: publicPem }]
      const { received, resigned } = await resendResigned(captured, [{ kind: 'rsa-private-key', provider: 'chip', pem: privatePem }], {
        body: body.replace('"paid"', '"paid" '),
      })
      const analysis = verdictAt(received, keys)
      expect(analysis.provider.id).toBe('chip')
      expect(analysis.verdict.status).toBe('valid')
      expect(resigned.summary.changes[0]?.keyFingerprint).toBe(analysis.explanation.keyFingerprint)
    }
  })

  it('Shopify, Mollie, Adyen platform and a generic HMAC scheme', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const body = randomJson()
      const cases: Array<{ provider: string; headers: HeaderPairs; keys: ProviderKey[] }> = []
      const shopify = hexSecret(16)
      cases.push({
        provider: 'shopify',
        headers: [
          ['X-Shopify-Topic', 'orders/paid'],
          ['X-Shopify-Hmac-Sha256', signShopify(shopify, body)],
        ],
        keys: [{ kind: 'hmac-secret', provider: 'shopify', value: shopify }],
      })
      const mollie = hexSecret(16)
      cases.push({
        provider: 'mollie',
        headers: [['X-Mollie-Signature', signMollie(mollie, body)]],
        keys: [{ kind: 'hmac-secret', provider: 'mollie', value: mollie }],
      })
      const adyen = hexSecret(32).toUpperCase()
      cases.push({
        provider: 'adyen',
        headers: [['HmacSignature', signAdyenPayload(adyen, body)]],
        keys: [{ kind: 'hmac-secret', provider: 'adyen', value: adyen }],
      })
      const generic = hexSecret(16)
      cases.push({
        provider: 'generic',
        headers: [
          ['X-Timestamp', '1700000000'],
          ['X-Acme-Signature', 'v1=00'],
        ],
        keys: [
          {
            kind: 'generic-hmac',
            secret: generic,
            config: {
              header: 'X-Acme-Signature',
              prefix: 'v1=',
              algorithm: 'sha512',
              encoding: 'hex',
              signed: { template: '{method}\\n{target}\\n{header:X-Timestamp}\\n{body}' },
            },
          },
        ],
      })
      for (const testCase of cases) {
        const captured: CapturedRequest = {
          method: 'POST',
          target: '/ep',
          headers: [['Content-Type', 'application/json'], ...testCase.headers],
          body: Buffer.from(body),
        }
        const { received } = await resendResigned(captured, testCase.keys, { body: randomJson() })
        const analysis = verdictAt(received, testCase.keys)
        expect([testCase.provider, analysis.provider.id, analysis.verdict.status]).toEqual([testCase.provider, testCase.provider, 'valid'])
      }
    }
  })

  it("Adyen classic: every item's hmacSignature is rewritten in place, the rest of the body kept byte for byte", async () => {
    const key = hexSecret(32).toUpperCase()
    const item = (value: number) => ({
      NotificationRequestItem: {
        additionalData: { hmacSignature: 'c3RhbGU=' },
        amount: { currency: 'EUR', value },
        eventCode: 'AUTHORISATION',
        merchantAccountCode: 'TestMerchant',
        merchantReference: `ref-${value}`,
        pspReference: hexSecret(8),
        success: 'true',
      },
    })
    const body = JSON.stringify({ live: 'false', notificationItems: [item(100), item(250)] }, null, 1)
    const captured: CapturedRequest = { method: 'POST', target: '/ep', headers: [['Content-Type', 'application/json']], body: Buffer.from(body) }
    const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'adyen', value: key }]
    expect(verdictAt({ method: 'POST', target: '/ep', headers: captured.headers, body: captured.body }, keys).verdict.status).toBe('invalid')
    const { received, resigned } = await resendResigned(captured, keys)
    const analysis = verdictAt(received, keys)
    expect(analysis.verdict.status).toBe('valid')
    const parsed = JSON.parse(received.body.toString()) as {
      notificationItems: Array<{ NotificationRequestItem: { additionalData: { hmacSignature: string } } }>
    }
    expect(parsed.notificationItems[1]!.NotificationRequestItem.additionalData.hmacSignature).toBe(
      signAdyenItem(key, parsed.notificationItems[1]!.NotificationRequestItem),
    )
    expect(received.body.toString().replace(/"hmacSignature": "[^"]*"/g, '')).toBe(body.replace(/"hmacSignature": "[^"]*"/g, ''))
    expect(resigned.summary.changes.map((change) => change.location)).toEqual(['body', 'body'])
    expect(resigned.request.differences).toContainEqual(expect.objectContaining({ kind: 'body', reason: 'resigned' }))
  })

  it('lists schemes it found without a key instead of failing silently', () => {
    const body = '{}'
    const captured: CapturedRequest = {
      method: 'POST',
      target: '/ep',
      headers: [['Stripe-Signature', signStripe({ secret: 'whsec_x', body, timestamp: 1 }).header]],
      body: Buffer.from(body),
    }
    const result = resignRequest(buildReplayRequest(captured, { targetUrl: 'http://127.0.0.1:1/' }), [], { now: new Date() })
    expect(result.summary.changes).toEqual([])
    expect(result.summary.skipped).toEqual([expect.objectContaining({ scheme: 'stripe-v1', provider: 'stripe' })])
  })
})
