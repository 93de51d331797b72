/**
 * Square signs its subscription's notification URL with the body, and the request does not carry
 * that URL: a Square capture signed for a public URL shows "no key", the key form (opened from the
 * capture) starts on a Square signature key with a notification URL field, refuses a URL that is
 * not absolute as you type, and once the key and its URL are added the capture turns valid
 * without resending; the key list shows the URL.
 */
import { createHmac } from 'node:crypto'
import { expect, test } from './fixtures/inspector'

const SIGNATURE_KEY = 'e2e-square-signature-key-Qw3r'
const NOTIFICATION_URL = 'https://demo-square.loca.lt/square/webhooks'

test('a Square capture: add the signature key with its notification URL, and it turns valid', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'square-keys')
  const body = JSON.stringify({
    merchant_id: 'ML82H4QPKMGXY',
    type: 'payment.updated',
    event_id: 'e2e-0000-4000-8000-000000000001',
    data: {
      type: 'payment',
      id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY',
      object: { payment: { id: 'KkAkhdMsgzn59SM8A89WgKwekxLZY', amount_money: { amount: 1099, currency: 'USD' }, status: 'COMPLETED' } },
    },
  })
  const signature = createHmac('sha256', SIGNATURE_KEY)
    .update(NOTIFICATION_URL + body, 'utf8')
    .digest('base64')
  const sent = await fetch(`${endpoint.url}/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-square-hmacsha256-signature': signature },
    body,
  })
  expect(sent.status).toBe(200)
  await expect(page.getByTestId('capture-row')).toHaveCount(1)

  await page.getByTestId('capture-row').first().click()
  const panel = page.getByTestId('signature-panel')
  await expect(panel.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'no-key')
  await panel.getByTestId('signature-open-keys').click()
  const dialog = page.getByTestId('provider-settings-dialog')
  await expect(dialog.getByTestId('key-provider')).toHaveValue('square')
  await expect(dialog.getByTestId('key-notification-url')).toBeVisible()

  await dialog.getByTestId('key-secret').fill(SIGNATURE_KEY)
  await dialog.getByTestId('key-notification-url').fill('/square/webhooks')
  await expect(dialog.getByTestId('key-notification-url-error')).toContainText('absolute')
  await dialog.getByTestId('key-add').click()
  await expect(dialog.getByTestId('key-error')).toContainText('Not added')
  await expect(dialog.getByTestId('key-item')).toHaveCount(0)

  await dialog.getByTestId('key-notification-url').fill(NOTIFICATION_URL)
  await expect(dialog.getByTestId('key-notification-url-error')).toHaveCount(0)
  await dialog.getByTestId('key-add').click()
  await expect(dialog.getByTestId('key-added')).toBeVisible()
  await expect(dialog.getByTestId('key-item')).toContainText(NOTIFICATION_URL)
  await dialog.getByTestId('provider-settings-close').click()
  await expect(page.getByTestId('capture-row').getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'valid')
})
