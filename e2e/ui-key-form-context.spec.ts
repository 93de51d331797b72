/**
 * Forms start from what the user is looking at: the key form opened from a capture
 * starts on that capture's provider and key kind, a secret whose shape contradicts its provider is
 * refused, and the simulator and the pre-flight check start from the endpoint's provider.
 */
import type { Page } from '@playwright/test'
import { expect, test, type InspectorFixture, type OwnEndpoint } from './fixtures/inspector'
import { saveScreenshot } from './fixtures/screenshots'

interface Simulated {
  key: { generatedSecret?: string | null; publicKeyWhpk?: string | null }
}

function simulate(inspector: InspectorFixture, endpoint: OwnEndpoint, templateId: string): Promise<Simulated> {
  return inspector.app.call<Simulated>('simulateCallback', { templateId, targetUrl: endpoint.url })
}

async function openKeysFromCapture(page: Page) {
  await page.getByTestId('capture-row').first().click()
  const signature = page.getByTestId('signature-panel')
  await expect(signature.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'no-key')
  await signature.getByTestId('signature-open-keys').click()
  const dialog = page.getByTestId('provider-settings-dialog')
  await expect(dialog.getByTestId('key-form')).toBeVisible()
  return dialog
}

test('a Stripe capture: the key form starts on a Stripe secret, and a whsec_ secret under IXOPAY is refused', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'stripe-keys')
  const { key } = await simulate(inspector, endpoint, 'stripe-payment-intent-succeeded')
  const secret = key.generatedSecret ?? ''
  expect(secret).toMatch(/^whsec_/)
  await expect(page.getByTestId('capture-row')).toHaveCount(1)

  const dialog = await openKeysFromCapture(page)
  await expect(dialog.getByTestId('key-kind')).toHaveValue('hmac-secret')
  await expect(dialog.getByTestId('key-provider')).toHaveValue('stripe')
  // Opened from the capture: the form is in view with its secret field focused.
  await expect(dialog.getByTestId('key-secret')).toBeFocused()
  await expect(dialog.getByTestId('key-secret')).toBeInViewport()

  // Filed under IXOPAY, the whsec_ secret is refused as you type and on Add, and nothing is stored.
  await dialog.getByTestId('key-provider').selectOption('ixopay')
  await dialog.getByTestId('key-secret').fill(secret)
  await expect(dialog.getByTestId('key-shape-mismatch')).toContainText('looks like a Stripe or Standard Webhooks signing secret')
  await saveScreenshot(page, 'key-form-shape-mismatch')
  await dialog.getByTestId('key-add').click()
  await expect(dialog.getByTestId('key-error')).toContainText('Not added')
  await expect(dialog.getByTestId('key-item')).toHaveCount(0)
  // The API refuses it too (one rule for both sides).
  const refused = await inspector.app.call('addKey', { endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: secret } }).then(
    () => null,
    (error: unknown) => String(error),
  )
  expect(refused).toMatch(/file it under Stripe/)

  await dialog.getByTestId('key-shape-switch').click()
  await expect(dialog.getByTestId('key-provider')).toHaveValue('stripe')
  await expect(dialog.getByTestId('key-shape-mismatch')).toHaveCount(0)
  await dialog.getByTestId('key-add').click()
  await expect(dialog.getByTestId('key-added')).toBeVisible()
  await expect(dialog.getByTestId('key-item')).toHaveCount(1)
  await expect(dialog.getByTestId('key-item')).toContainText('Stripe')
  await dialog.getByTestId('provider-settings-close').click()
  await expect(page.getByTestId('capture-row').getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'valid')
})

test('a CHIP capture starts on the RSA public key; a Standard Webhooks v1a capture on the public key', async ({ page, inspector }) => {
  const chip = await inspector.openOwnEndpoint(page, 'chip-keys')
  await simulate(inspector, chip, 'chip-purchase-paid')
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  let dialog = await openKeysFromCapture(page)
  await expect(dialog.getByTestId('key-kind')).toHaveValue('rsa-public-key')
  await expect(dialog.getByTestId('key-pem')).toBeFocused()
  await dialog.getByTestId('provider-settings-close').click()

  const v1a = await inspector.openOwnEndpoint(page, 'v1a-keys')
  await simulate(inspector, v1a, 'standard-webhooks-invoice-paid-v1a')
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  dialog = await openKeysFromCapture(page)
  await expect(dialog.getByTestId('key-kind')).toHaveValue('ed25519-public-key')
  await dialog.getByTestId('provider-settings-close').click()

  const v1 = await inspector.openOwnEndpoint(page, 'v1-keys')
  await simulate(inspector, v1, 'standard-webhooks-invoice-paid')
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  dialog = await openKeysFromCapture(page)
  await expect(dialog.getByTestId('key-kind')).toHaveValue('hmac-secret')
  await expect(dialog.getByTestId('key-provider')).toHaveValue('standard-webhooks')
})

test('the simulator and the pre-flight check start from the endpoint’s provider', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'stripe-context')
  // Seen most on this endpoint: Stripe (two Stripe captures, one CHIP).
  await simulate(inspector, endpoint, 'stripe-payment-intent-succeeded')
  await simulate(inspector, endpoint, 'stripe-payment-intent-succeeded')
  await simulate(inspector, endpoint, 'chip-purchase-paid')
  await expect(page.getByTestId('capture-row')).toHaveCount(3)

  await page.getByTestId('open-simulator').click()
  const simulator = page.getByTestId('simulator-dialog')
  await expect(simulator.getByTestId('simulator-template')).toHaveValue('stripe-payment-intent-succeeded')
  await expect(simulator.getByTestId('simulator-key-generate')).toBeChecked()
  await simulator.getByTestId('dialog-close').click()

  const item = page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${endpoint.slug}"]`)
  await item.getByTestId('check-public-url').click()
  await expect(page.getByTestId('preflight-dialog').getByTestId('preflight-provider')).toHaveValue('stripe')
  await page.keyboard.press('Escape')

  // Pinned to IXOPAY with an IXOPAY key: the pin wins, and the simulator signs with that key.
  await inspector.app.call('setProviderSettings', { endpointId: endpoint.id, pinnedProvider: 'ixopay' })
  await inspector.app.call('addKey', { endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: 'connector-secret' } })
  await page.reload()
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${endpoint.slug}"] [data-testid=endpoint-select]`).click()
  await page.getByTestId('open-simulator').click()
  // On IXOPAY's everyday callback (it opened on the chargeback before).
  await expect(simulator.getByTestId('simulator-template')).toHaveValue('ixopay-debit-ok')
  await expect(simulator.getByTestId('simulator-key-endpoint')).toBeChecked()
  await expect(simulator.getByTestId('simulator-keys-endpoint')).toHaveValue(endpoint.id)
  await simulator.getByTestId('dialog-close').click()
  await item.getByTestId('check-public-url').click()
  await expect(page.getByTestId('preflight-dialog').getByTestId('preflight-provider')).toHaveValue('ixopay')
})
