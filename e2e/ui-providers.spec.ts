/**
 * Recognition, parsing and verification in the real UI: provider and verdict columns, the Summary
 * and Signature panels, and keys entered in the UI re-verifying stored captures without resending.
 */
import { loadVectors, type VectorCase } from '../src-main/test-support/vectors'
import { expect, test, type InspectorFixture } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

const IXOPAY = loadVectors('ixopay.json')[0] as VectorCase

/** IXOPAY signs with a shared secret: the vector's material is that string. */
function ixopaySecret(): string {
  if (typeof IXOPAY.secretOrKey !== 'string') throw new Error('the IXOPAY vector carries no shared secret')
  return IXOPAY.secretOrKey
}
const PAYEX = loadVectors('swedbankpay.json')[0] as VectorCase

function sendVector(inspector: InspectorFixture, slug: string, vector: VectorCase): Promise<number> {
  return inspector.sendCallback({ slug, path: vector.path, method: vector.method, headers: Object.entries(vector.headers), body: vector.body })
}

test('a signed IXOPAY callback and an unsigned PayEx one: provider, verdict, summary, signature, and a key entered in the UI', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'providers')
  expect(await sendVector(inspector, endpoint.slug, IXOPAY)).toBe(200)
  expect(await sendVector(inspector, endpoint.slug, PAYEX)).toBe(200)

  // The list: provider badge and verdict, from the list data.
  const ixopayRow = row(page, '/callbacks/ixopay')
  const payexRow = row(page, '/swedbank/callback')
  await expect(ixopayRow.getByTestId('provider-badge')).toHaveText('IXOPAY')
  await expect(ixopayRow.getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'no-key')
  await expect(ixopayRow.getByTestId('verdict-badge')).toContainText('no key')
  await expect(ixopayRow.getByTestId('verdict-badge')).toHaveAttribute('title', /no IXOPAY shared secret/)
  await expect(ixopayRow.getByTestId('capture-summary')).toHaveText('DEBIT · OK · 9.99 EUR')
  await expect(ixopayRow.getByTestId('capture-reference')).toHaveText('your-unique-identifier')
  await expect(payexRow.getByTestId('provider-badge')).toHaveText('PayEx')
  await expect(payexRow.getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'unsigned')

  // The detail: parsed summary and the signature explanation.
  await ixopayRow.click()
  const summary = page.getByTestId('summary-panel')
  await expect(summary.getByTestId('summary-provider')).toContainText('IXOPAY')
  await expect(summary.getByTestId('summary-provider')).toContainText('json-api')
  await expect(summary.getByTestId('summary-detected-by')).toContainText('X-Signature')
  await expect(summary.getByTestId('summary-event')).toHaveText('DEBIT')
  await expect(summary.getByTestId('summary-status')).toHaveText('OK')
  await expect(summary.getByTestId('summary-object-id')).toHaveText('d94c0d72f3a36e21f16e')
  await expect(summary.getByTestId('summary-reference')).toHaveText('your-unique-identifier')
  await expect(summary.getByTestId('summary-amount')).toContainText('9.99 EUR')
  await expect(summary.getByTestId('summary-card')).toHaveText('411111******1111')
  await expect(summary.getByTestId('signal-only')).toHaveCount(0)

  const signature = page.getByTestId('signature-panel')
  await expect(signature.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'no-key')
  await expect(signature.getByTestId('signature-scheme')).toHaveText('ixopay-hmac-sha512')
  await expect(signature.getByTestId('signature-received')).toContainText(IXOPAY.headers['X-Signature'] ?? '')
  await expect(signature.getByTestId('signature-timestamp')).toContainText('2020-07-21T13:15:03.000Z')
  // Its age in the words the verdict uses ("about 6.4 years"), not in days beside them.
  await expect(signature.getByTestId('signature-timestamp')).toContainText(/Skew\s*\d+(\.\d)? years \(\d+ s\)/)
  // As received, the signed target still carries the endpoint prefix.
  await expect(signature.getByTestId('signed-string').first()).toContainText(`/${endpoint.slug}/callbacks/ixopay?orderId=1001`)

  // Keys & provider, from the "no key" shortcut: the gateway signed the path without /<slug>.
  await signature.getByTestId('signature-open-keys').click()
  const dialog = page.getByTestId('provider-settings-dialog')
  await expect(dialog.getByTestId('key-protection')).toContainText('only you can read')
  await dialog.getByTestId('signed-path-without-prefix').check()
  await dialog.getByTestId('recognition-save').click()
  await expect(dialog.getByTestId('recognition-saved')).toBeVisible()

  // A PEM that does not parse is refused with the server's message, inline.
  await dialog.getByTestId('key-kind').selectOption('rsa-public-key')
  await dialog.getByTestId('key-pem').fill('-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----')
  await dialog.getByTestId('key-add').click()
  await expect(dialog.getByTestId('key-error')).toBeVisible()
  await expect(dialog.getByTestId('key-item')).toHaveCount(0)

  await dialog.getByTestId('key-kind').selectOption('hmac-secret')
  await dialog.getByTestId('key-provider').selectOption('ixopay')
  await dialog.getByTestId('key-secret').fill(ixopaySecret())
  await dialog.getByTestId('key-label').fill('test connector')
  await dialog.getByTestId('key-add').click()
  await expect(dialog.getByTestId('key-added')).toBeVisible()
  await expect(dialog.getByTestId('key-error')).toHaveCount(0)
  await expect(dialog.getByTestId('key-item')).toHaveCount(1)
  await expect(dialog.getByTestId('key-item')).toContainText('test connector')
  await expect(dialog.getByTestId('key-item')).not.toContainText(ixopaySecret())
  await dialog.getByTestId('provider-settings-close').click()
  await expect(dialog).toHaveCount(0)

  // Without resending: the stored capture is re-verified, list and detail follow.
  await expect(ixopayRow.getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'valid')
  await expect(page.getByTestId('capture-row')).toHaveCount(2)
  await expect(signature.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'valid')
  await expect(signature.locator('[data-testid=signature-attempt][data-matched=true]')).toHaveCount(1)
  await expect(signature.locator('[data-testid=signature-attempt][data-matched=true]')).toContainText('test connector')
  await expect(signature.locator('[data-testid=signature-attempt][data-matched=true] [data-testid=signed-string]')).toHaveText(
    IXOPAY.expected.signedMessage ?? '',
  )
  await expect(signature.locator('[data-testid=signature-attempt][data-matched=true] [data-testid=attempt-computed]')).toHaveText(
    IXOPAY.expected.signature ?? '',
  )

  // PayEx: unsigned by design, with the exact request that confirms the state.
  await payexRow.click()
  await expect(page.getByTestId('summary-provider')).toContainText('PayEx / Swedbank Pay')
  await expect(page.getByTestId('signal-only')).toContainText('This callback is only a signal: confirm the state with')
  await expect(page.getByTestId('signal-only-request')).toHaveText(`GET https://api.swedbankpay.com${PAYEX.expected.mustFetch ?? ''}`)
  await expect(page.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'unsigned')
})

test('pinning a provider is shown in the summary, and nothing is rendered as HTML', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'pinned')
  await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/hook',
    headers: [['Content-Type', 'application/json']],
    body: '{"event_type":"<img src=x data-testid=injected>","status":"paid","id":"<b>bold</b>"}',
  })
  await expect(page.getByTestId('capture-row')).toHaveCount(1)

  await page.locator(`[data-endpoint-slug="${endpoint.slug}"] [data-testid=endpoint-keys]`).click()
  const dialog = page.getByTestId('provider-settings-dialog')
  await dialog.getByTestId('pinned-provider').selectOption('chip')
  await dialog.getByTestId('recognition-save').click()
  await expect(dialog.getByTestId('recognition-saved')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)

  await expect(page.getByTestId('capture-row').getByTestId('provider-badge')).toHaveText('CHIP')
  await page.getByTestId('capture-row').click()
  await expect(page.getByTestId('summary-provider')).toContainText('pinned')
  await expect(page.getByTestId('summary-detected-by')).toHaveText('Pinned by the endpoint setting')
  await expect(page.getByTestId('injected')).toHaveCount(0)
  await expect(page.getByTestId('signature-verdict')).toBeVisible()
})
