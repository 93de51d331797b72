/**
 * The delivery judge with real parts: an endpoint registry and key store on a temp data folder, a
 * capture store, an event bus, and PayPal certificates whose fetch is the only thing injected (no
 * network in tests). PayPal's own sandbox callback is the delivery; it is judged as of its
 * transmission time, when PayPal's certificate was still valid.
 */
import { createHash, randomUUID, X509Certificate } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import type { InspectorEvent } from '../shared/contract'
import type { ProviderKey } from '../shared/providers'
import { useCaptureStore } from '../test-support/capture-store-fixture'
import { PAYPAL_OFFICIAL_BODY, PAYPAL_SANDBOX_CERT_PEM, paypalOfficialHeaders } from '../test-support/paypal-vector'
import { createDeliveryJudge } from './delivery-judge'
import { createEndpointRegistry } from './endpoints'
import { createEventBus } from './event-bus'
import { openKeyStore } from './keys/key-store'
import { filePermissionSealer } from './keys/secret-sealer'
import type { Logger } from './logger'
import { createPaypalCertificates } from './paypal-certificates'
import { toRecognition, type DeliveryToJudge } from './recognition'
import type { CaptureStore } from './store/capture-store'
import { openSettingsStore } from './store/settings-store'

const SIGNED_AT = new Date('2015-05-18T15:45:13Z')
const now = () => SIGNED_AT
const CERT_URL = 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77'
const WEBHOOK_ID: ProviderKey = { kind: 'paypal-webhook-id', value: '4JH86294D6297924G' }

const paypalCallback: DeliveryToJudge = {
  method: 'POST',
  target: '/shop/paypal',
  headers: paypalOfficialHeaders(),
  body: Buffer.from(PAYPAL_OFFICIAL_BODY),
  receivedAt: SIGNED_AT,
}
const plainJson: DeliveryToJudge = { ...paypalCallback, headers: [['Content-Type', 'application/json']], body: Buffer.from('{"order":"A-1"}') }

/**
 * `trustSandboxCertificate`: the sandbox certificate is its own trust anchor (its DigiCert
 * intermediate cannot be fetched offline); without it the fetched certificate's chain fails.
 */
async function setUp(dataDir: string, store: CaptureStore, trustSandboxCertificate: boolean) {
  const quarantineDir = join(dataDir, 'unreadable')
  const endpoints = createEndpointRegistry(await openSettingsStore(join(dataDir, 'inspector.json'), quarantineDir, now), now)
  const keys = await openKeyStore(dataDir, filePermissionSealer, quarantineDir, now)
  const fetched: string[] = []
  const logged: string[] = []
  const log = (message: string) => logged.push(message)
  const logger: Logger = { info: log, warn: log, error: log }
  const paypalCertificates = createPaypalCertificates({
    logger,
    now,
    roots: trustSandboxCertificate ? [new X509Certificate(PAYPAL_SANDBOX_CERT_PEM)] : [],
    fetch: async (url) => {
      fetched.push(url)
      if (url === CERT_URL) return Buffer.from(PAYPAL_SANDBOX_CERT_PEM)
      throw new Error('no network in tests')
    },
  })
  const events = createEventBus<InspectorEvent>((error) => {
    throw error
  })
  const published: InspectorEvent[] = []
  events.subscribe((event) => published.push(event))
  const judging = createDeliveryJudge({ endpoints, keys, paypalCertificates, store, events, logger })
  const shop = await endpoints.create({ name: 'Shop' })

  /** Stores a delivery to the shop as the capture pipeline does: with the recognition judged on arrival. */
  async function storeAtShop(delivery: DeliveryToJudge) {
    const recognition = toRecognition(judging.judge(shop.id, delivery, false))
    return store.append(
      {
        id: randomUUID(),
        endpointId: shop.id,
        receivedAt: delivery.receivedAt.toISOString(),
        durationMs: 1,
        method: delivery.method,
        target: delivery.target,
        httpVersion: '1.1',
        headers: delivery.headers,
        remoteAddress: '127.0.0.1',
        remotePort: 5000,
        body: { sha256: createHash('sha256').update(delivery.body).digest('hex') },
        outcome: 'captured',
        refusal: null,
        recognition,
        response: { kind: 'respond', status: 200, headers: [], bodyBase64: '', delayMs: 0, chosenBy: { kind: 'default' } },
      },
      delivery.body,
    )
  }

  return { endpoints, keys, judging, shop, fetched, logged, published, storeAtShop }
}

describe('delivery judge', () => {
  const test = useCaptureStore({ now })

  test("judges with the endpoint's own keys, not another endpoint's", async ({ dataDir, openStore }) => {
    const { endpoints, keys, judging, shop } = await setUp(dataDir, await openStore(), true)
    const other = await endpoints.create({ name: 'Other' })
    await keys.add(shop.id, WEBHOOK_ID)
    await keys.add(shop.id, { kind: 'certificate', provider: 'paypal', pem: PAYPAL_SANDBOX_CERT_PEM })

    expect(judging.judge(shop.id, paypalCallback).verdict.status).toBe('valid')
    expect(judging.judge(other.id, paypalCallback).verdict.status).toBe('no-key')
  })

  test("recognises with the endpoint's pinned provider, and an import's asProvider over it", async ({ dataDir, openStore }) => {
    const { endpoints, judging, shop } = await setUp(dataDir, await openStore(), true)
    const unpinned = judging.judge(shop.id, plainJson).provider.id
    expect(unpinned).not.toBe('paypal')
    expect(judging.judge(shop.id, plainJson, false, 'paypal').provider.id).toBe('paypal')

    await endpoints.configure(shop.id, { providerSettings: { pinnedProvider: 'paypal', signedPath: { mode: 'as-received' }, toleranceSeconds: null } })
    expect(judging.judge(shop.id, plainJson).provider.id).toBe('paypal')
    expect(judging.judge(shop.id, plainJson, false, 'stripe').provider.id).toBe('stripe')
  })

  test('judges a stored capture for its recognition only (re-analysis) or in full (opening it): the same recognition, the field listing only in full', async ({
    dataDir,
    openStore,
  }) => {
    const { judging, storeAtShop } = await setUp(dataDir, await openStore(), true)
    const unknownSender: DeliveryToJudge = { ...plainJson, body: Buffer.from('{"order":"A-1","status":"paid","lines":[{"sku":"X","qty":2}]}') }
    const stored = await storeAtShop(unknownSender)

    const recognitionOnly = judging.judgeCapture(stored, unknownSender.body, false)
    const opened = judging.judgeCapture(stored, unknownSender.body)

    expect(recognitionOnly.provider.id).toBe('unknown')
    expect(recognitionOnly.summary.fields).toEqual([])
    expect(opened.summary.fields).toContainEqual({ label: 'lines[0].sku', value: 'X' })
    expect(toRecognition(recognitionOnly)).toEqual(toRecognition(opened))
    expect(toRecognition(recognitionOnly)).toEqual(stored.recognition)
  })

  test('fetches the certificate a PayPal capture names, stores the recognition it gives and says so', async ({ dataDir, openStore }) => {
    const store = await openStore()
    const { keys, judging, shop, fetched, published, storeAtShop } = await setUp(dataDir, store, true)
    await keys.add(shop.id, WEBHOOK_ID)
    const stored = await storeAtShop(paypalCallback)
    expect(stored.recognition?.verdict.status).toBe('no-key')

    await judging.recheckPaypalCapture(stored)

    expect(fetched).toEqual([CERT_URL])
    expect((await store.get(stored.id))?.recognition?.verdict.status).toBe('valid')
    expect(published).toEqual([{ type: 'captures-reanalyzed', endpointId: shop.id, count: 1 }])
    // Every later judgement of a callback naming it uses the fetched certificate too.
    expect(judging.judge(shop.id, paypalCallback).verdict.status).toBe('valid')
  })

  test('leaves alone captures a certificate cannot help: not PayPal, no webhook id, or already judged', async ({ dataDir, openStore }) => {
    const store = await openStore()
    const { keys, judging, shop, fetched, published, storeAtShop } = await setUp(dataDir, store, true)
    const withoutWebhookId = await storeAtShop(paypalCallback)
    await judging.recheckPaypalCapture(withoutWebhookId)
    await keys.add(shop.id, WEBHOOK_ID)
    const notPaypal = await storeAtShop(plainJson)
    await judging.recheckPaypalCapture(notPaypal)
    // Judged with a certificate the user entered: a tampered body is invalid, not waiting for a key.
    const userCertificate = await keys.add(shop.id, { kind: 'certificate', provider: 'paypal', pem: PAYPAL_SANDBOX_CERT_PEM })
    const tampered = await storeAtShop({ ...paypalCallback, body: Buffer.from(PAYPAL_OFFICIAL_BODY.replace('20.00', '2000.00')) })
    expect(tampered.recognition?.verdict.status).toBe('invalid')
    await keys.remove(shop.id, userCertificate.id)
    await judging.recheckPaypalCapture(tampered)

    expect(fetched).toEqual([])
    expect(published).toEqual([])
    expect((await store.get(withoutWebhookId.id))?.recognition?.verdict.status).toBe('no-key')
  })

  test('does not use a certificate whose chain does not check out, and the analysis says why', async ({ dataDir, openStore }) => {
    const store = await openStore()
    const { keys, judging, shop, published, storeAtShop } = await setUp(dataDir, store, false)
    await keys.add(shop.id, WEBHOOK_ID)
    const stored = await storeAtShop(paypalCallback)

    await judging.recheckPaypalCapture(stored)

    expect(published).toEqual([])
    expect((await store.get(stored.id))?.recognition?.verdict.status).toBe('no-key')
    const analysis = judging.judge(shop.id, paypalCallback)
    expect(analysis.verdict.status).toBe('no-key')
    expect(analysis.explanation.notes).toContainEqual(expect.stringMatching(/^The certificate at PAYPAL-CERT-URL was not used: .+\.$/))
  })

  test('logs, and does not throw, when the capture is gone by the time its certificate is there', async ({ dataDir, openStore }) => {
    const store = await openStore()
    const { keys, judging, shop, logged, published, storeAtShop } = await setUp(dataDir, store, true)
    await keys.add(shop.id, WEBHOOK_ID)
    const stored = await storeAtShop(paypalCallback)
    await store.deleteMany([stored.id])

    // Rejecting here would fail the test: the receiver never waits for it, so nothing would catch it.
    await judging.recheckPaypalCapture(stored)

    expect(logged).toContain('could not re-verify a PayPal callback')
    expect(published).toEqual([])
  })
})
