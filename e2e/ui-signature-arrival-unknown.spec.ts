/**
 * A time-bound signature on a capture imported from a source that records no arrival (a curl
 * script): its time is the import's, so a tolerance counted from it would say nothing about the
 * sender. The timestamp is not checked (the signature still is): the list and the Signature panel
 * read valid and say why; a capture received live a day late is still stale.
 */
import { signStripe } from '../src-main/core/providers/index'
import { expect, test } from './fixtures/inspector'
import { importFile } from './fixtures/import-dialog'

const SECRET = 'whsec_e2e_arrival_unknown'

test('a day-old Stripe signature imported from curl is valid with its timestamp not checked; received live, it is stale', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'arrival-unknown')
  await inspector.app.call('addKey', { endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'stripe', value: SECRET } })
  const body = '{"id":"evt_e2e_arrival","object":"event","type":"charge.refunded"}'
  // Signed a day before it is imported (as evidence is).
  const signed = signStripe({ secret: SECRET, body, timestamp: Math.floor(Date.now() / 1000) - 86_400 })
  const script = `curl -X POST 'https://shop.example/${endpoint.slug}/stripe' -H 'Content-Type: application/json' -H 'Stripe-Signature: ${signed.header}' --data-raw '${body}'\n`
  await importFile(page, { name: 'evidence.sh', mimeType: 'text/plain', buffer: Buffer.from(script) }, 'Imported 1 capture.')
  // Before: "Invalid: timestamp outside tolerance ... signed 86400 s old", counted from the import.
  await expect(page.getByTestId('capture-row').first()).toContainText('✓valid')
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'valid')
  await expect(page.getByTestId('signature-message')).toContainText('timestamp not checked: when it arrived is not known')
  await expect(page.getByTestId('signature-arrival-unknown')).toContainText('not checked: when it was received is not known')

  // Received live a day late, the same verdict is the sender's: no such note.
  expect(
    await inspector.sendCallback({
      slug: endpoint.slug,
      path: '/stripe',
      headers: [
        ['Content-Type', 'application/json'],
        ['Stripe-Signature', signed.header],
      ],
      body,
    }),
  ).toBe(200)
  await expect(page.getByTestId('capture-row')).toHaveCount(2)
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('capture-detail')).not.toContainText('Imported from')
  await expect(page.getByTestId('signature-verdict')).toHaveAttribute('data-reason', 'stale-timestamp')
  await expect(page.getByTestId('signature-arrival-unknown')).toHaveCount(0)
})
