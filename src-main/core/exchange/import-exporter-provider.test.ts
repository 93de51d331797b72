/**
 * A redacted export loses the signature header a provider is recognised by (IXOPAY's X-Signature,
 * Stripe-Signature, X-Mollie-Signature): imported again, the capture is judged as the provider the
 * exporting app recognised (HAR `_provider`, bundle `recognition.provider`, a raw message's
 * `X-Callback-Inspector-Recognised-As` line, a curl command's `# callback-inspector-recognised-as:`
 * comment), as the variant the removed header told (a next-gen Mollie webhook is no classic one),
 * never as valid, with a verdict that says the export removed the signature. Detection on the
 * bytes wins over the file's word, and the importer's `asProvider` over both. Through the real
 * receiver, export and import.
 */
import { describe, expect } from 'vitest'
import { EXPORT_FORMATS } from '../../shared/exchange'
import type { Endpoint } from '../../shared/views'
import { exportedFile } from '../../test-support/exported-file'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import type { Inspector } from '../inspector'
import { signIxopayJson, signStripe } from '../providers'
import { signMollie } from '../providers/mollie'
import { httpDate } from '../providers/signing-draft'

const NOW = new Date('2026-03-01T12:00:00Z')
const IXOPAY_SECRET = 'ixopay-export-secret-0001'
const STRIPE_SECRET = 'whsec_exporter_provider_0001'
const MOLLIE_SECRET = 'mollie-export-secret-0001'
const IXOPAY_BODY = JSON.stringify({ result: 'OK', uuid: 'b1c2d3e4f5a6b7c8d9e0', merchantTransactionId: 'order-4711', transactionType: 'DEBIT' })
const STRIPE_BODY = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } })
const MOLLIE_BODY = JSON.stringify({ resource: 'event', id: 'event_1', type: 'payment-link.paid' })

const test = useInspector({ deps: { now: () => NOW } })

/** Sends a signed IXOPAY, Stripe and Mollie callback to `endpoint` (which has their keys): each captured valid. */
async function sendSigned(inspector: Inspector, endpoint: Endpoint): Promise<Record<'ixopay' | 'stripe' | 'mollie', string>> {
  const { procedures } = inspector
  await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: IXOPAY_SECRET } })
  await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'stripe', value: STRIPE_SECRET } })
  await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'mollie', value: MOLLIE_SECRET } })
  const url = `${endpoint.url}/hook`
  const ixopay = signIxopayJson({ secret: IXOPAY_SECRET, body: IXOPAY_BODY, date: httpDate(NOW), requestUri: new URL(url).pathname })
  await send(url, { headers: ixopay.headers, body: IXOPAY_BODY })
  const stripe = signStripe({ secret: STRIPE_SECRET, body: STRIPE_BODY, timestamp: NOW.getTime() / 1000 })
  await send(url, {
    headers: [
      ['Content-Type', 'application/json'],
      ['Stripe-Signature', stripe.header],
    ],
    body: STRIPE_BODY,
  })
  const mollie = signMollie(MOLLIE_SECRET, MOLLIE_BODY)
  await send(url, {
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Mollie-Signature', mollie],
    ],
    body: MOLLIE_BODY,
  })
  const items = (await procedures.listCaptures({ endpointId: endpoint.id })).items
  for (const item of items) expect(item.recognition?.verdict.status).toBe('valid')
  const idOf = (provider: string) => items.find((item) => item.recognition?.provider.id === provider)!.id
  return { ixopay: idOf('ixopay'), stripe: idOf('stripe'), mollie: idOf('mollie') }
}

/** What the list and the opened detail say about a capture: provider and verdict. */
async function judged(inspector: Inspector, id: string) {
  const detail = await inspector.procedures.getCapture({ id })
  return {
    provider: detail.recognition?.provider.id,
    analysed: detail.analysis?.provider.id,
    variant: detail.recognition?.provider.variant,
    analysedVariant: detail.analysis?.provider.variant,
    status: detail.recognition?.verdict.status,
    analysedStatus: detail.analysis?.verdict.status,
    message: detail.recognition?.verdict.message,
  }
}

describe('a redacted export imported again', () => {
  for (const format of EXPORT_FORMATS) {
    test(`${format}: keeps the provider the exporting app recognised, and says the signature was removed`, async ({ inspector }) => {
      const { procedures } = inspector
      const source = await procedures.createEndpoint({ name: 'Merchant' })
      const ids = await sendSigned(inspector, source)
      const file = await procedures.exportCaptures({ captureIds: [ids.ixopay, ids.stripe, ids.mollie], format, redact: true })
      // The support inbox has the merchant's keys: still nothing to verify, the signature is gone.
      const inbox = await procedures.createEndpoint({ name: 'Support inbox' })
      await sendSigned(inspector, inbox)
      const imported = await procedures.importCaptures({ endpointId: inbox.id, dataBase64: exportedFile(file).toString('base64') })
      expect(imported.failures).toEqual([])
      const [ixopay, stripe, mollie] = await Promise.all(imported.importedIds.map((id) => judged(inspector, id)))
      const removed = (header: string) => ({
        status: 'invalid',
        analysedStatus: 'invalid',
        message: expect.stringMatching(new RegExp(`^the exporting app removed ${header} when it redacted the file, so there is no signature to check`)),
      })
      const as = (provider: string, variant: string) => ({ provider, analysed: provider, variant, analysedVariant: variant })
      expect(ixopay).toEqual({ ...as('ixopay', 'json-api'), ...removed('X-Signature') })
      expect(stripe).toEqual({ ...as('stripe', 'v1'), ...removed('Stripe-Signature') })
      // Without its header a next-gen Mollie webhook looks like a classic one, "unsigned by design": not what it was.
      expect(mollie).toEqual({ ...as('mollie', 'next-gen'), ...removed('X-Mollie-Signature') })
      expect(mollie?.message).not.toMatch(/classic/)
      // A key change judges the endpoint's captures again: still what they were, still not valid.
      await procedures.addKey({ endpointId: inbox.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: 'another-ixopay-secret-02' } })
      await procedures.addKey({ endpointId: inbox.id, key: { kind: 'hmac-secret', provider: 'mollie', value: 'another-mollie-secret-02' } })
      const [ixopayAgain, , mollieAgain] = await Promise.all(imported.importedIds.map((id) => judged(inspector, id)))
      expect(ixopayAgain).toEqual({ ...as('ixopay', 'json-api'), ...removed('X-Signature') })
      expect(mollieAgain).toEqual({ ...as('mollie', 'next-gen'), ...removed('X-Mollie-Signature') })
    })
  }

  test("raw HTTP and curl: the exporter's provider is read only beside a changed record; a file without it imports as before", async ({ inspector }) => {
    const { procedures } = inspector
    const source = await procedures.createEndpoint({ name: 'Merchant' })
    const ids = await sendSigned(inspector, source)
    const inbox = await procedures.createEndpoint({ name: 'Support inbox' })
    const importText = async (text: string) => {
      const imported = await procedures.importCaptures({ endpointId: inbox.id, dataBase64: Buffer.from(text, 'latin1').toString('base64') })
      expect(imported.failures).toEqual([])
      return Promise.all(
        imported.importedIds.map(async (id) => ({ ...(await judged(inspector, id)), headers: (await procedures.getCapture({ id })).request.headers })),
      )
    }
    const unknown = { provider: 'unknown', analysed: 'unknown', status: 'not-applicable' }

    const http = exportedFile(await procedures.exportCaptures({ captureIds: [ids.ixopay], format: 'http', redact: true })).toString('latin1')
    const marker = /^X-Callback-Inspector-Recognised-As: (.*)\r\n/m
    expect(marker.exec(http)?.[1]).toBe('{"id":"ixopay","name":"IXOPAY","variant":"json-api"}')
    expect((await importText(http))[0]).toMatchObject({ provider: 'ixopay', status: 'invalid' })
    // Without the line (a file written before it existed): "Unknown sender", as before.
    const withoutMarker = http.replace(marker, '')
    expect((await importText(withoutMarker))[0]).toMatchObject(unknown)
    // On a message no label marks as changed it is no label of this app's: a header of the request, not a provider.
    const unchanged = exportedFile(await procedures.exportCaptures({ captureIds: [ids.ixopay], format: 'http' }))
      .toString('latin1')
      .replace('X-Signature: ', 'X-Was-Signature: ')
      .replace('\r\n\r\n', '\r\nX-Callback-Inspector-Recognised-As: {"id":"ixopay","name":"IXOPAY","variant":"json-api"}\r\n\r\n')
    const [lone] = await importText(unchanged)
    expect(lone).toMatchObject(unknown)
    expect(lone?.headers).toContainEqual(['X-Callback-Inspector-Recognised-As', '{"id":"ixopay","name":"IXOPAY","variant":"json-api"}'])

    const curl = exportedFile(await procedures.exportCaptures({ captureIds: [ids.stripe, ids.mollie], format: 'curl', redact: true })).toString('latin1')
    const comment = /^# callback-inspector-recognised-as: .*\n/gm
    expect(curl.match(comment)).toEqual([
      '# callback-inspector-recognised-as: {"id":"stripe","name":"Stripe","variant":"v1"}\n',
      '# callback-inspector-recognised-as: {"id":"mollie","name":"Mollie","variant":"next-gen"}\n',
    ])
    expect((await importText(curl)).map(({ provider, variant }) => [provider, variant])).toEqual([
      ['stripe', 'v1'],
      ['mollie', 'next-gen'],
    ])
    expect((await importText(curl.replace(comment, ''))).map(({ provider }) => provider)).toEqual(['unknown', 'unknown'])
    // An id this app does not know names no provider; and in a script that marks nothing as changed the comment is not read.
    expect((await importText(curl.replace(/"id":"stripe"/, '"id":"acme-pay"')))[0]).toMatchObject(unknown)
    const unmarked = curl.replace(/^# (callback-inspector-changed-before-export: |REDACTED: | {3}capture \d+: ).*\n/gm, '')
    expect(unmarked.match(comment)).toHaveLength(2)
    expect((await importText(unmarked)).map(({ provider }) => provider)).toEqual(['unknown', 'unknown'])
  })

  test('every simulator template, exported redacted in every format, comes back as the provider and variant it was', async ({ inspector }) => {
    const { procedures } = inspector
    const source = await procedures.createEndpoint({ name: 'Merchant' })
    const templates = await procedures.listSimulatorTemplates({})
    for (const template of templates) await procedures.simulateCallback({ templateId: template.id, targetUrl: `${source.url}/simulated` })
    const sent = (await procedures.listCaptures({ endpointId: source.id })).items
    expect(sent).toHaveLength(templates.length)
    const inbox = await procedures.createEndpoint({ name: 'Support inbox' })
    for (const format of EXPORT_FORMATS) {
      const file = await procedures.exportCaptures({ captureIds: sent.map(({ id }) => id), format, redact: true })
      const imported = await procedures.importCaptures({ endpointId: inbox.id, dataBase64: exportedFile(file).toString('base64') })
      expect(imported.failures).toEqual([])
      const back = await Promise.all(imported.importedIds.map((id) => judged(inspector, id)))
      const recognised = (provider: string | undefined, variant: string | null | undefined) => [provider, variant].join('/')
      expect(back.map(({ provider, variant }) => recognised(provider, variant)).sort(), format).toEqual(
        sent.map(({ recognition }) => recognised(recognition?.provider.id, recognition?.provider.variant)).sort(),
      )
      expect(back.filter(({ status }) => status === 'valid')).toEqual([])
    }
  })

  test('a removed header the verdict does not name is not blamed for a signature the sender never sent', async ({ inspector }) => {
    const { procedures } = inspector
    const source = await procedures.createEndpoint({ name: 'Merchant' })
    // A GitHub webhook without a secret: unsigned as sent; the export removes only its API key.
    const headers: Array<[string, string]> = [
      ['Content-Type', 'application/json'],
      ['X-GitHub-Event', 'ping'],
      ['X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958'],
      ['X-Api-Key', 'merchant-api-key-0001'],
    ]
    await send(`${source.url}/hook`, { headers, body: '{"zen":"Keep it simple."}' })
    const file = await procedures.exportCaptures({ endpointId: source.id, format: 'har', redact: true })
    const inbox = await procedures.createEndpoint({ name: 'Support inbox' })
    const imported = await procedures.importCaptures({ endpointId: inbox.id, dataBase64: exportedFile(file).toString('base64') })
    const detail = await procedures.getCapture({ id: imported.importedIds[0]! })
    expect(detail.changedBeforeExport?.changes).toContainEqual({ location: 'header X-Api-Key', action: 'removed (credential or signature)' })
    expect(detail.recognition?.provider.id).toBe('github')
    expect(detail.recognition?.verdict.message).toMatch(/^no X-Hub-Signature-256 header/)
  })

  test("detection on the bytes wins over the file's _provider, the importer's asProvider over both", async ({ inspector }) => {
    const { procedures } = inspector
    const source = await procedures.createEndpoint({ name: 'Merchant' })
    const ids = await sendSigned(inspector, source)
    const har = JSON.parse(exportedFile(await procedures.exportCaptures({ captureIds: [ids.stripe], format: 'har' })).toString()) as {
      log: { entries: Array<Record<string, unknown>> }
    }
    // An unredacted entry whose headers carry Stripe-Signature, and whose file says IXOPAY.
    har.log.entries[0]!._provider = { id: 'ixopay', name: 'IXOPAY', variant: 'json-api' }
    const inbox = await procedures.createEndpoint({ name: 'Support inbox' })
    const dataBase64 = Buffer.from(JSON.stringify(har)).toString('base64')
    const plain = await procedures.importCaptures({ endpointId: inbox.id, dataBase64 })
    expect(await judged(inspector, plain.importedIds[0]!)).toMatchObject({ provider: 'stripe', analysed: 'stripe' })
    const named = await procedures.importCaptures({ endpointId: inbox.id, dataBase64, asProvider: 'paddle' })
    expect(await judged(inspector, named.importedIds[0]!)).toMatchObject({ provider: 'paddle', analysed: 'paddle' })
    // Headers that say nothing (an entry the file does not mark as changed): the file's provider stands in.
    const stripped = structuredClone(har)
    stripped.log.entries[0]!.request = { ...(stripped.log.entries[0]!.request as object), headers: [{ name: 'Content-Type', value: 'application/json' }] }
    const bare = await procedures.importCaptures({ endpointId: inbox.id, dataBase64: Buffer.from(JSON.stringify(stripped)).toString('base64') })
    expect(await judged(inspector, bare.importedIds[0]!)).toMatchObject({ provider: 'ixopay', analysed: 'ixopay', status: 'invalid' })
    // An id this app does not know is no provider: detection's "unknown" stands.
    stripped.log.entries[0]!._provider = { id: 'not-a-provider', name: 'X', variant: null }
    const unknown = await procedures.importCaptures({ endpointId: inbox.id, dataBase64: Buffer.from(JSON.stringify(stripped)).toString('base64') })
    expect(await judged(inspector, unknown.importedIds[0]!)).toMatchObject({ provider: 'unknown', analysed: 'unknown' })
  })
})
