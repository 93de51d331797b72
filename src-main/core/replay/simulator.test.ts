import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ProviderKey } from '../../shared/providers'
import { analyzeDelivery } from '../providers/index'
import { sendReplay } from './http-client'
import { startLoopbackTarget, type LoopbackTarget } from '../../test-support/loopback-target'
import { buildReplayRequest } from './replay-request'
import { findResourcesDir } from './resources-dir'
import { buildSimulatedCallback, generateRsaKeyPair } from './simulator'
import { listSimulatorTemplates, loadSimulatorTemplates } from './simulator-templates'

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
    for (const expected of ['ixopay debit.ok', 'ixopay debit.error', 'ixopay chargeback', 'chip purchase.paid', 'chip purchase.payment_failure', 'plexo payment.approved', 'plexo payment.denied', 'swedbankpay paymentorder.callback']) {
      expect(pairs).toContain(expected)
    }
    for (const provider of ['stripe', 'standard-webhooks', 'github', 'shopify', 'adyen']) expect(templates.some((template) => template.provider === provider)).toBe(true)
  })

  it('every template builds, reaches a loopback target and verifies with the app\'s verifier as the right provider', async () => {
    const templates = await loadSimulatorTemplates()
    const now = new Date()
    for (const template of templates) {
      const url = `${target.url}/sim/${template.provider}?attempt=1`
      const simulated = await buildSimulatedCallback(template.provider, template.event, { now, targetUrl: url, generatedKeyPair: keyPair })
      const outcome = await sendReplay(buildReplayRequest(simulated.request, { targetUrl: url }))
      expect(outcome.kind).toBe('response')
      const received = target.received.at(-1)
      if (!received) throw new Error('nothing received')
      expect(received.target).toBe(`/sim/${template.provider}?attempt=1`)
      const keys: ProviderKey[] = simulated.verificationKey ? [simulated.verificationKey] : []
      const analysis = analyzeDelivery({ method: received.method, target: received.target, headers: received.headers, body: received.body }, { now, keys })
      const expected = UNSIGNED.has(template.provider) ? 'unsigned' : 'valid'
      expect([template.id, analysis.provider.id, analysis.verdict.status, analysis.summary.problems]).toEqual([template.id, template.provider, expected, []])
      if (!UNSIGNED.has(template.provider)) {
        // The same delivery fails with another key: the signature really depends on it.
        const other = await buildSimulatedCallback(template.provider, template.event, { now, targetUrl: url })
        const wrong = analyzeDelivery({ method: received.method, target: received.target, headers: received.headers, body: received.body }, { now, keys: other.verificationKey ? [other.verificationKey] : [] })
        expect([template.id, wrong.verdict.status]).toEqual([template.id, 'invalid'])
      }
    }
  })

  it('signs with the user\'s own secret or private key, and returns fresh ids each time', async () => {
    const now = new Date()
    const secret = 'user-ixopay-secret'
    const first = await buildSimulatedCallback('ixopay', 'debit.ok', { now, targetPath: '/cb', keys: [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }] })
    expect(first.key).toMatchObject({ kind: 'hmac-secret', generated: false, generatedSecret: null })
    const second = await buildSimulatedCallback('ixopay', 'debit.ok', { now, targetPath: '/cb', keys: [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }] })
    expect(JSON.parse(first.request.body.toString()).uuid).not.toBe(JSON.parse(second.request.body.toString()).uuid)
    const body = JSON.parse(first.request.body.toString())
    expect(body.purchaseId).toBe(`${now.toISOString().slice(0, 10).replace(/-/g, '')}-${body.uuid}`)

    const chip = await buildSimulatedCallback('chip', 'purchase.paid', { now, keys: [{ kind: 'rsa-private-key', provider: 'chip', pem: keyPair.privateKeyPem }] })
    expect(chip.key).toMatchObject({ kind: 'rsa-key-pair', generated: false, publicKeyPem: keyPair.publicKeyPem })
    expect(chip.request.body.toString()).toContain('"event_type": "purchase.paid"')

    const generated = await buildSimulatedCallback('stripe', 'payment_intent.succeeded', { now })
    expect(generated.key.generated).toBe(true)
    expect(generated.key.generatedSecret).toMatch(/^whsec_/)
  })
})
