import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProviderKey } from '../../shared/providers'
import { analyzeDelivery } from '../providers/index'
import { sendReplay } from './http-client'
import { startLoopbackTarget, type LoopbackTarget } from '../../test-support/loopback-target'
import { buildReplayRequest } from './replay-request'
import { findResourcesDir } from './resources-dir'
import { buildSimulatedCallback, generateRsaKeyPair } from './simulator'
import { listSimulatorTemplates, loadSimulatorTemplates, simulatorTemplateSchema } from './simulator-templates'

const REPO_ROOT = resolve(import.meta.dirname, '../../..')
const UNSIGNED = new Set(['plexo', 'swedbankpay'])
const keyPair = generateRsaKeyPair()
let target: LoopbackTarget
beforeAll(async () => {
  target = await startLoopbackTarget()
})
afterAll(async () => {
  await target.close()
})

describe('simulator', () => {
  it('finds resources/ from the source tree and from the built out/main chunks', () => {
    expect(findResourcesDir()).toBe(join(REPO_ROOT, 'resources'))
    expect(findResourcesDir(join(REPO_ROOT, 'out/main/chunks/simulator-abc.js'))).toBe(join(REPO_ROOT, 'resources'))
    expect(findResourcesDir(join(REPO_ROOT, 'out/main/index.js'))).toBe(join(REPO_ROOT, 'resources'))
  })

  it('lists a template for every provider and event the issue names', async () => {
    const templates = await listSimulatorTemplates()
    const pairs = templates.map((template) => `${template.provider} ${template.event}`)
    for (const expected of [
      'ixopay debit.ok',
      'ixopay debit.error',
      'ixopay chargeback',
      'chip purchase.paid',
      'chip purchase.payment_failure',
      'plexo payment.approved',
      'plexo payment.denied',
      'swedbankpay paymentorder.callback',
    ]) {
      expect(pairs).toContain(expected)
    }
    for (const provider of ['stripe', 'standard-webhooks', 'github', 'shopify', 'adyen'])
      expect(templates.some((template) => template.provider === provider)).toBe(true)
  })

  it("lists each provider's everyday callback first, so the simulator starts on it (not IXOPAY's chargeback)", async () => {
    const firstOf = (provider: string) => templates.find((template) => template.provider === provider)?.id
    const templates = await listSimulatorTemplates()
    expect(firstOf('ixopay')).toBe('ixopay-debit-ok')
    expect(firstOf('standard-webhooks')).toBe('standard-webhooks-invoice-paid')
    expect(firstOf('mercadopago')).toBe('mercadopago-payment-updated')
    expect(firstOf('chip')).toBe('chip-purchase-paid')
  })

  it("every template builds, reaches a loopback target and verifies with the app's verifier as the right provider", async () => {
    const templates = await loadSimulatorTemplates()
    const now = new Date()
    for (const template of templates) {
      const url = `${target.url}/sim/${template.provider}?attempt=1`
      // By id: two templates can share an event (Standard Webhooks invoice.paid, signed v1 or v1a).
      const simulated = await buildSimulatedCallback(template.provider, template.id, { now, targetUrl: url, generatedKeyPair: keyPair })
      // Sent as the app sends it: to the URL the provider signed (Mercado Pago adds ?data.id=&type=).
      const outcome = await sendReplay(buildReplayRequest(simulated.request, { targetUrl: simulated.url ?? url }))
      expect(outcome.kind).toBe('response')
      const received = target.received.at(-1)
      if (!received) throw new Error('nothing received')
      if (template.provider === 'mercadopago') expect(received.target).toMatch(/^\/sim\/mercadopago\?attempt=1&data\.id=\w+&type=(?:payment|order)$/)
      else expect(received.target).toBe(`/sim/${template.provider}?attempt=1`)
      const keys: ProviderKey[] = simulated.verificationKey ? [simulated.verificationKey] : []
      const analysis = analyzeDelivery({ method: received.method, target: received.target, headers: received.headers, body: received.body }, { now, keys })
      const expected = UNSIGNED.has(template.provider) ? 'unsigned' : 'valid'
      expect([template.id, analysis.provider.id, analysis.verdict.status, analysis.summary.problems]).toEqual([template.id, template.provider, expected, []])
      if (!UNSIGNED.has(template.provider)) {
        // The same delivery fails with another key: the signature really depends on it.
        const other = await buildSimulatedCallback(template.provider, template.id, { now, targetUrl: url })
        const wrong = analyzeDelivery(
          { method: received.method, target: received.target, headers: received.headers, body: received.body },
          { now, keys: other.verificationKey ? [other.verificationKey] : [] },
        )
        expect([template.id, wrong.verdict.status]).toEqual([template.id, 'invalid'])
      }
    }
  })

  it("signs with the user's own secret or private key, and returns fresh ids each time", async () => {
    const now = new Date()
    const secret = 'user-ixopay-secret'
    const first = await buildSimulatedCallback('ixopay', 'debit.ok', {
      now,
      targetPath: '/cb',
      keys: [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }],
    })
    expect(first.key).toMatchObject({ kind: 'hmac-secret', generated: false, generatedSecret: null })
    const second = await buildSimulatedCallback('ixopay', 'debit.ok', {
      now,
      targetPath: '/cb',
      keys: [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }],
    })
    const uuidOf = (body: Buffer): string => (JSON.parse(body.toString()) as { uuid: string }).uuid
    expect(uuidOf(first.request.body)).not.toBe(uuidOf(second.request.body))
    const body = JSON.parse(first.request.body.toString()) as { purchaseId: string; uuid: string }
    expect(body.purchaseId).toBe(`${now.toISOString().slice(0, 10).replace(/-/g, '')}-${body.uuid}`)

    const chip = await buildSimulatedCallback('chip', 'purchase.paid', {
      now,
      keys: [{ kind: 'rsa-private-key', provider: 'chip', pem: keyPair.privateKeyPem }],
    })
    expect(chip.key).toMatchObject({ kind: 'rsa-key-pair', generated: false, publicKeyPem: keyPair.publicKeyPem })
    expect(chip.request.body.toString()).toContain('"event_type": "purchase.paid"')

    const generated = await buildSimulatedCallback('stripe', 'payment_intent.succeeded', { now })
    expect(generated.key.generated).toBe(true)
    expect(generated.key.generatedSecret).toMatch(/^whsec_/)
  })

  it('Standard Webhooks v1a: signs with a generated ed25519 pair and returns only its public key, as whpk_', async () => {
    const now = new Date()
    const templates = await listSimulatorTemplates()
    expect(templates.find((template) => template.id === 'standard-webhooks-invoice-paid-v1a')).toMatchObject({ keyKind: 'ed25519-key-pair' })
    expect(templates.find((template) => template.id === 'standard-webhooks-invoice-paid')).toMatchObject({ keyKind: 'hmac-secret' })

    const simulated = await buildSimulatedCallback('standard-webhooks', 'standard-webhooks-invoice-paid-v1a', { now })
    expect(simulated.key).toMatchObject({
      kind: 'ed25519-key-pair',
      generated: true,
      generatedSecret: null,
      publicKeyPem: null,
      publicKeyWhpk: expect.stringMatching(/^whpk_[A-Za-z0-9+/]{43}=$/),
    })
    expect(JSON.stringify(simulated.key)).not.toMatch(/whsk_|PRIVATE/)
    // Independent check: node:crypto's verify with the whpk_ shown to the user.
    const headers = Object.fromEntries(simulated.request.headers.map(([name, value]) => [name.toLowerCase(), value]))
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from((simulated.key.publicKeyWhpk ?? '').slice(5), 'base64').toString('base64url') },
      format: 'jwk',
    })
    const signature = /^v1a,(\S+)$/.exec(headers['webhook-signature'] ?? '')?.[1] ?? ''
    const content = Buffer.concat([Buffer.from(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.`), simulated.request.body])
    expect(verify(null, content, publicKey, Buffer.from(signature, 'base64'))).toBe(true)
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)))

    // With the user's own private key: that key signs, and the fingerprint is its public half's.
    const user = generateKeyPairSync('ed25519')
    const whsk = `whsk_${Buffer.from(user.privateKey.export({ format: 'jwk' }).d ?? '', 'base64url').toString('base64')}`
    const own = await buildSimulatedCallback('standard-webhooks', 'standard-webhooks-invoice-paid-v1a', {
      now,
      keys: [{ kind: 'ed25519-private-key', provider: 'standard-webhooks', value: whsk }],
    })
    expect(own.key).toMatchObject({
      generated: false,
      fingerprint: createHash('sha256')
        .update(user.publicKey.export({ type: 'spki', format: 'der' }))
        .digest('hex')
        .slice(0, 16),
    })
    await expect(
      buildSimulatedCallback('standard-webhooks', 'standard-webhooks-invoice-paid-v1a', {
        now,
        keys: [{ kind: 'ed25519-private-key', provider: 'standard-webhooks', value: 'whsk_AAAA' }],
      }),
    ).rejects.toThrow(/does not load/)
  })

  it('refuses a template whose keyKind its provider does not sign with', () => {
    const parsed = simulatorTemplateSchema.safeParse({
      id: 'stripe-x',
      provider: 'stripe',
      event: 'x',
      title: 'x',
      description: '',
      headers: [],
      bodyStyle: 'json-compact',
      body: {},
      keyKind: 'ed25519-key-pair',
    })
    expect(parsed.success).toBe(false)
  })
})
