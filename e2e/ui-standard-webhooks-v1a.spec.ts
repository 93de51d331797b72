/**
 * Standard Webhooks v1a (ed25519) in the real UI: a delivery signed only with v1a says "no key
 * configured" and asks for the whpk_ public key; a private key pasted in its place is refused; the
 * public key entered in the key form turns the stored capture valid, naming v1a (ed25519) and the
 * key's fingerprint. The simulator signs v1a with a key pair it generates and shows its whpk_.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { saveScreenshot } from './fixtures/screenshots'
import { expect, test } from './fixtures/inspector'

test('a v1a-only delivery: no key, then the whpk_ public key entered in the UI makes it valid', async ({ page, inspector }) => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const raw = (form: 'd' | 'x') => Buffer.from((form === 'd' ? privateKey : publicKey).export({ format: 'jwk' })[form] ?? '', 'base64url').toString('base64')
  const whpk = `whpk_${raw('x')}`
  const fingerprint = createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16)

  const endpoint = await inspector.openOwnEndpoint(page, 'v1a')
  const body = JSON.stringify({ type: 'invoice.paid', timestamp: new Date().toISOString(), data: { id: 'inv_e2e', amount: 4900 } })
  const id = 'msg_e2e_v1a'
  const timestamp = Math.floor(Date.now() / 1000)
  const v1a = `v1a,${sign(null, Buffer.from(`${id}.${timestamp}.${body}`), privateKey).toString('base64')}`
  const headers: Array<[string, string]> = [
    ['Content-Type', 'application/json'],
    ['webhook-id', id],
    ['webhook-timestamp', String(timestamp)],
    ['webhook-signature', v1a],
  ]
  expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/hooks', headers, body })).toBe(200)

  const row = page.getByTestId('capture-row')
  await expect(row.getByTestId('provider-badge')).toHaveText('StdHooks')
  await expect(row.getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'no-key')
  await row.click()
  const signature = page.getByTestId('signature-panel')
  await expect(signature.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'no-key')
  await expect(signature.getByTestId('signature-message')).toContainText('public key (whpk_')
  await expect(signature.getByTestId('signature-received')).toContainText(v1a)

  await signature.getByTestId('signature-open-keys').click()
  const dialog = page.getByTestId('provider-settings-dialog')
  await dialog.getByTestId('key-kind').selectOption('ed25519-public-key')
  // The private key is refused, with the reason, and nothing is stored.
  await dialog.getByTestId('key-pem').fill(`whsk_${raw('d')}`)
  await dialog.getByTestId('key-add').click()
  await expect(dialog.getByTestId('key-error')).toContainText('this is a private key')
  await expect(dialog.getByTestId('key-item')).toHaveCount(0)

  await dialog.getByTestId('key-pem').fill(whpk)
  await dialog.getByTestId('key-label').fill('sender key')
  await dialog.getByTestId('key-form').scrollIntoViewIfNeeded()
  await saveScreenshot(page, 'key-form-ed25519')
  await dialog.getByTestId('key-add').click()
  await expect(dialog.getByTestId('key-added')).toContainText(fingerprint)
  await expect(dialog.getByTestId('key-item')).toHaveCount(1)
  await expect(dialog.getByTestId('key-item')).toContainText('ed25519 public key')
  await expect(dialog.getByTestId('key-fingerprint')).toHaveText(fingerprint)
  await expect(dialog.getByTestId('key-item')).not.toContainText(raw('x').slice(0, 16))
  await dialog.getByTestId('key-list').scrollIntoViewIfNeeded()
  await saveScreenshot(page, 'key-list-ed25519')
  await dialog.getByTestId('provider-settings-close').click()

  // Re-verified without resending.
  await expect(row.getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'valid')
  await expect(signature.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'valid')
  await expect(signature.getByTestId('signature-verdict')).toContainText('Valid (v1a (ed25519))')
  await expect(signature.getByTestId('signature-facts')).toContainText(fingerprint)
  await expect(signature.locator('[data-testid=signature-attempt][data-matched=true]')).toContainText('sender key')
  await expect(signature.locator('[data-testid=signature-attempt][data-matched=true] [data-testid=signed-string]')).toHaveText(`${id}.${timestamp}.${body}`)
  await signature.scrollIntoViewIfNeeded()
  await saveScreenshot(page, 'signature-v1a')
})

test('the simulator signs Standard Webhooks v1a with a generated key pair and shows its whpk_ public key', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'v1a-sim')
  await page.getByTestId('open-simulator').click()
  const dialog = page.getByTestId('simulator-dialog')
  await dialog.getByTestId('simulator-template').selectOption('standard-webhooks-invoice-paid-v1a')
  await expect(dialog.getByTestId('simulator-endpoint')).toHaveValue(endpoint.id)
  await expect(dialog.getByTestId('simulator-key-generate').locator('..')).toContainText('A key pair the app generates')
  await dialog.getByTestId('simulator-send').click()
  await expect(dialog.getByTestId('simulator-result').getByTestId('replay-status')).toContainText('200')
  const whpk = dialog.getByTestId('simulator-public-key-whpk')
  await expect(whpk).toHaveText(/^whpk_[A-Za-z0-9+/]{43}=$/)
  await expect(dialog.getByTestId('simulator-generated-secret')).toHaveCount(0)
  await saveScreenshot(page, 'simulator-v1a')
  const publicKey = (await whpk.textContent()) ?? ''
  await dialog.getByTestId('dialog-close').click()

  // The shown key is the one that verifies the delivery.
  await inspector.app.call('addKey', { endpointId: endpoint.id, key: { kind: 'ed25519-public-key', provider: 'standard-webhooks', value: publicKey } })
  await expect(page.getByTestId('capture-row').getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'valid')
})
