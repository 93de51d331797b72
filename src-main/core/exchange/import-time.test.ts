/**
 * An imported capture whose source does not say when it arrived (curl, raw HTTP, a pasted body)
 * takes the import time as its `receivedAt`, so `after:`/`before:` and retention go by it, and says so
 * (`receivedAtIsImportTime`); a HAR entry with its time and a received capture do not. A capture
 * imported from curl before the flag was kept is read so too.
 */
import { expect } from 'vitest'
import { signStripe } from '../providers/stripe'
import { ARRIVAL_UNKNOWN_TIMING } from '../providers/verification'
import { toCaptureSummary } from '../store/capture-summary'
import { testCapture } from '../../test-support/test-capture'
import { exportedFile } from '../../test-support/exported-file'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'

const test = useInspector()

test('a curl import shows its time as the import time, a HAR entry with a time and a received capture do not', async ({ inspector }) => {
  const endpoint = await inspector.procedures.createEndpoint({ name: 'Import time' })
  expect((await send(`${endpoint.url}/received`, { body: '{}' })).status).toBe(200)
  const before = Date.now()
  const curl = `curl 'https://shop.example/${endpoint.slug}/pasted' --data-raw '{"a":1}'`
  const fromCurl = await inspector.procedures.importCaptures({ endpointId: endpoint.id, dataBase64: Buffer.from(curl).toString('base64'), format: 'curl' })
  const har = {
    log: {
      version: '1.2',
      entries: [
        {
          startedDateTime: '2026-01-02T03:04:05.000Z',
          request: { method: 'POST', url: `https://shop.example/${endpoint.slug}/har`, headers: [] },
          response: {},
        },
      ],
    },
  }
  const fromHar = await inspector.procedures.importCaptures({
    endpointId: endpoint.id,
    dataBase64: Buffer.from(JSON.stringify(har)).toString('base64'),
    format: 'har',
  })

  const pasted = await inspector.procedures.getCapture({ id: fromCurl.importedIds[0]! })
  expect(pasted.receivedAtIsImportTime).toBe(true)
  expect(Date.parse(pasted.receivedAt)).toBeGreaterThanOrEqual(before)
  const fromFile = await inspector.procedures.getCapture({ id: fromHar.importedIds[0]! })
  expect([fromFile.receivedAtIsImportTime, fromFile.receivedAt]).toEqual([false, '2026-01-02T03:04:05.000Z'])
  const items = (await inspector.procedures.listCaptures({ endpointId: endpoint.id })).items
  // The list is in the order the app stored them, newest first, whatever time each shows.
  expect(items.map((item) => [item.target.replace(`/${endpoint.slug}`, ''), item.receivedAtIsImportTime])).toEqual([
    ['/har', false],
    ['/pasted', true],
    ['/received', false],
  ])
  // after:/before: go by the time shown: the paste is found among what came in since the import started.
  const since = new Date(before).toISOString()
  const after = await inspector.procedures.listCaptures({ endpointId: endpoint.id, filter: { query: `after:${since}` } })
  expect(after.items.map((item) => item.target)).toContain(`/${endpoint.slug}/pasted`)
})

test('an import time stays an import time through a bundle or HAR export and import', async ({ inspector }) => {
  const endpoint = await inspector.procedures.createEndpoint({ name: 'Import time export' })
  const curl = `curl 'https://shop.example/${endpoint.slug}/pasted' --data-raw '{"a":1}'`
  const fromCurl = await inspector.procedures.importCaptures({ endpointId: endpoint.id, dataBase64: Buffer.from(curl).toString('base64'), format: 'curl' })
  const original = await inspector.procedures.getCapture({ id: fromCurl.importedIds[0]! })
  for (const format of ['bundle', 'har'] as const) {
    const exported = await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format })
    const copy = await inspector.procedures.createEndpoint({ name: `Import time ${format}` })
    const result = await inspector.procedures.importCaptures({ endpointId: copy.id, dataBase64: exportedFile(exported).toString('base64'), format })
    const again = await inspector.procedures.getCapture({ id: result.importedIds[0]! })
    expect([again.receivedAtIsImportTime, again.receivedAt], format).toEqual([true, original.receivedAt])
  }
  const script = exportedFile(await inspector.procedures.exportCaptures({ endpointId: endpoint.id, format: 'curl' })).toString()
  expect(script).toContain(`/pasted, imported ${original.receivedAt}`)
})

test('a capture imported from curl, raw HTTP or a pasted body before the flag was kept is read as timed by its import', () => {
  const logged = (importedFrom: string | null, origin: 'received' | 'imported' = 'imported') => ({
    ...testCapture(Buffer.alloc(0), { origin, importedFrom }),
    seq: 1,
    body: { sha256: '', size: 0 },
  })
  expect(toCaptureSummary(logged('pasted curl, entry 1')).receivedAtIsImportTime).toBe(true)
  expect(toCaptureSummary(logged('curl payments.sh, entry 2')).receivedAtIsImportTime).toBe(true)
  expect(toCaptureSummary(logged('raw HTTP hook.http, entry 1')).receivedAtIsImportTime).toBe(true)
  expect(toCaptureSummary(logged('pasted body')).receivedAtIsImportTime).toBe(true)
  expect(toCaptureSummary(logged('HAR evidence.har, entry 1')).receivedAtIsImportTime).toBe(false)
  expect(toCaptureSummary(logged('bundle x.bundle.json, entry 1')).receivedAtIsImportTime).toBe(false)
  expect(toCaptureSummary(logged(null, 'received')).receivedAtIsImportTime).toBe(false)
})

test('a time-bound signature on a capture whose arrival is unknown is judged with no tolerance, one with its time against that time', async ({ inspector }) => {
  const endpoint = await inspector.procedures.createEndpoint({ name: 'Import time signatures' })
  const secret = 'whsec_import_time_signature'
  await inspector.procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'stripe', value: secret } })
  const body = '{"id":"evt_import_time","object":"event","type":"charge.refunded"}'
  // Signed a day before it is imported, as evidence sent by a merchant is.
  const dayOld = Math.floor(Date.now() / 1000) - 86_400
  const header = signStripe({ secret, body, timestamp: dayOld }).header
  const curl = `curl 'https://shop.example/${endpoint.slug}/stripe' -H 'Content-Type: application/json' -H 'Stripe-Signature: ${header}' --data-raw '${body}'`
  const fromCurl = await inspector.procedures.importCaptures({ endpointId: endpoint.id, dataBase64: Buffer.from(curl).toString('base64'), format: 'curl' })
  const har = (startedDateTime: string) => ({
    log: {
      version: '1.2',
      entries: [
        {
          startedDateTime,
          request: {
            method: 'POST',
            url: `https://shop.example/${endpoint.slug}/stripe`,
            headers: [
              { name: 'Content-Type', value: 'application/json' },
              { name: 'Stripe-Signature', value: header },
            ],
            postData: { mimeType: 'application/json', text: body },
          },
          response: {},
        },
      ],
    },
  })
  const importHar = (startedDateTime: string) =>
    inspector.procedures.importCaptures({
      endpointId: endpoint.id,
      dataBase64: Buffer.from(JSON.stringify(har(startedDateTime))).toString('base64'),
      format: 'har',
    })
  // Received 10 s after it was signed, and a day after it.
  const onTime = await importHar(new Date((dayOld + 10) * 1000).toISOString())
  const late = await importHar(new Date().toISOString())

  const verdictOf = async (id: string) => {
    const listed = (await inspector.procedures.listCaptures({ endpointId: endpoint.id })).items.find((item) => item.id === id)
    const opened = await inspector.procedures.getCapture({ id })
    const verdict = opened.analysis?.verdict
    return { listed: listed?.recognition?.verdict.status, opened: verdict?.status, reason: verdict?.status === 'invalid' ? verdict.reason : null }
  }
  // Before, the curl import read "timestamp outside tolerance ... signed 86400 s old", counted from the import.
  expect(await verdictOf(fromCurl.importedIds[0]!)).toEqual({ listed: 'valid', opened: 'valid', reason: null })
  expect((await inspector.procedures.getCapture({ id: fromCurl.importedIds[0]! })).analysis?.verdict.message).toContain(ARRIVAL_UNKNOWN_TIMING)
  expect(await verdictOf(onTime.importedIds[0]!)).toEqual({ listed: 'valid', opened: 'valid', reason: null })
  expect(await verdictOf(late.importedIds[0]!)).toEqual({ listed: 'invalid', opened: 'invalid', reason: 'stale-timestamp' })
})
