/**
 * Braintree posts a form whose bt_payload is base64 XML, signed with the API key pair: the capture
 * shows "no key", the key form (opened from the capture) starts on a Braintree private key with a
 * public key field; once the pair is added the capture turns valid without resending. The detail
 * shows the XML inside bt_payload in a panel that says it is derived from the body, while the body
 * view keeps the form exactly as received.
 */
import { createRequire } from 'node:module'
import { expect, test } from './fixtures/inspector'

interface BraintreeSdk {
  BraintreeGateway: new (config: { environment: unknown; merchantId: string; publicKey: string; privateKey: string }) => {
    webhookTesting: { sampleNotification(kind: string, id: string): { bt_signature: string; bt_payload: string } }
  }
  Environment: { Sandbox: unknown }
}
const braintree = createRequire(import.meta.url)('braintree') as BraintreeSdk
const PAIR = { publicKey: 'e2epublickey0001', privateKey: 'e2eprivatekey0000000000000000001' }

test('a Braintree capture: its payload shown as derived XML, and the key pair turns it valid', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'braintree')
  const sample = new braintree.BraintreeGateway({ environment: braintree.Environment.Sandbox, merchantId: 'm', ...PAIR }).webhookTesting.sampleNotification(
    'subscription_charged_successfully',
    'sub_e2e_1',
  )
  const body = `bt_signature=${encodeURIComponent(sample.bt_signature)}&bt_payload=${encodeURIComponent(sample.bt_payload)}`
  const sent = await fetch(`${endpoint.url}/webhooks`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })
  expect(sent.status).toBe(200)
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  await page.getByTestId('capture-row').first().click()

  // The derived view: labelled as such, with the decoded XML; the body itself stays the form.
  const derived = page.getByTestId('detail-braintree-payload')
  await expect(derived.getByTestId('braintree-payload-note')).toContainText('Derived')
  await expect(derived.getByTestId('braintree-payload')).toContainText('<kind>subscription_charged_successfully</kind>')
  await expect(page.getByTestId('request-body')).not.toContainText('<kind>')

  const panel = page.getByTestId('signature-panel')
  await expect(panel.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'no-key')
  await panel.getByTestId('signature-open-keys').click()
  const dialog = page.getByTestId('provider-settings-dialog')
  await expect(dialog.getByTestId('key-provider')).toHaveValue('braintree')
  await dialog.getByTestId('key-secret').fill(PAIR.privateKey)
  // The public key is an identifier, shown as typed; Checkout.com's Authorization key, a secret, is masked.
  await expect(dialog.getByTestId('key-api-key')).toHaveAttribute('type', 'text')
  await dialog.getByTestId('key-provider').selectOption('checkout-com')
  await expect(dialog.getByTestId('key-api-key')).toHaveAttribute('type', 'password')
  await dialog.getByTestId('key-provider').selectOption('braintree')
  await dialog.getByTestId('key-api-key').fill(PAIR.publicKey)
  await dialog.getByTestId('key-add').click()
  await expect(dialog.getByTestId('key-added')).toBeVisible()
  await dialog.getByTestId('provider-settings-close').click()
  await expect(page.getByTestId('capture-row').getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'valid')
})
