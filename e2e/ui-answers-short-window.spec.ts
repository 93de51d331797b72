/**
 * On a short window the Answers dialog leaves room for the form: the provider check at its foot
 * (kept beside Save) scrolls on its own. With ten providers sending to the endpoint, its warning
 * and the list it was checked against took most of a 600 × 600 window, and "Custom answer", the
 * second line of the form, sat under it.
 */
import type { Locator } from '@playwright/test'
import { loadVectors } from '../src-main/test-support/vectors'
import { expect, test } from './fixtures/inspector'

/** Whether the middle of `element` is what the page shows there (nothing covers it). */
async function isUncovered(element: Locator): Promise<boolean> {
  return element.evaluate((target) => {
    const box = target.getBoundingClientRect()
    const shown = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
    return shown !== null && (shown === target || target.contains(shown) || shown.contains(target))
  })
}

test('a 600 × 600 window still shows the form above the provider check', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'short-answers')
  for (const file of ['ixopay.json', 'swedbankpay.json', 'stripe.json', 'shopify.json', 'plexo.json', 'mollie.json', 'github.json', 'chip.json']) {
    for (const vector of loadVectors(file)) {
      await inspector.sendCallback({
        slug: endpoint.slug,
        path: vector.path,
        method: vector.method,
        headers: Object.entries(vector.headers),
        body: vector.body,
      })
    }
  }
  await expect(page.getByTestId('capture-row').first()).toBeVisible()
  await page.setViewportSize({ width: 600, height: 600 })
  await page.locator(`[data-endpoint-slug="${endpoint.slug}"] [data-testid=endpoint-answers]`).click()
  const dialog = page.getByTestId('answer-settings-dialog')
  await expect(dialog.getByTestId('answer-warning').first()).toBeVisible()
  await expect(dialog.getByTestId('answer-warnings-basis')).toContainText('Plexo')

  const check = dialog.getByTestId('answer-provider-check')
  expect((await check.boundingBox())!.height).toBeLessThanOrEqual(600 * 0.25 + 1)
  await expect.poll(() => isUncovered(dialog.getByTestId('default-custom'))).toBe(true)
  // What the check holds is still there to read: it scrolls to its last line.
  await check.evaluate((element) => element.scrollTo({ top: element.scrollHeight }))
  await expect(dialog.getByTestId('answer-warnings-basis')).toBeInViewport()
})
