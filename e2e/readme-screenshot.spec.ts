/**
 * Takes the README's screenshot from the real UI: a few provider callbacks, one of them signed and
 * verified, opened in the detail view. It lands in test-results/ on every run, and replaces
 * docs/screenshot.png with `README_SCREENSHOT=1` (so a test run leaves the checkout clean).
 */
import { fileURLToPath } from 'node:url'
import { keysForVector, loadVectors } from '../src-main/test-support/vectors'
import { expect, test } from './fixtures/inspector'

const SCREENSHOT = fileURLToPath(
  new URL(process.env.README_SCREENSHOT === '1' ? '../docs/screenshot.png' : '../test-results/readme-screenshot.png', import.meta.url),
)

test('README screenshot', async ({ page, inspector }) => {
  const slug = `shop-${Date.now().toString(36)}`
  const endpoint = await inspector.app.call<{ id: string }>('createEndpoint', { name: 'Shop sandbox', slug })
  await inspector.app.call('setProviderSettings', { endpointId: endpoint.id, signedPath: { mode: 'without-endpoint-prefix' } })
  const [ixopay] = loadVectors('ixopay.json')
  for (const key of keysForVector(ixopay!, 'ixopay')) await inspector.app.call('addKey', { endpointId: endpoint.id, key })

  for (const [file, index] of [
    ['swedbankpay.json', 2],
    ['chip.json', 0],
    ['stripe.json', 0],
    ['ixopay.json', 2],
    ['ixopay.json', 0],
  ] as const) {
    const vector = loadVectors(file)[index]!
    await inspector.sendCallback({ slug, path: vector.path, method: vector.method, headers: Object.entries(vector.headers), body: vector.body })
  }
  await page.setViewportSize({ width: 1440, height: 900 })
  await inspector.openUi(page)
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()
  await expect(page.getByTestId('capture-row')).toHaveCount(5)
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('capture-detail')).toBeVisible()
  await page.screenshot({ path: SCREENSHOT })
})
