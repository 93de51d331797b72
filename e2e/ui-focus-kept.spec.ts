/**
 * Buttons that go away, or are disabled, once used no longer drop keyboard focus on <body> (where
 * the next Tab starts again at the top of the page): Pin (disabled while saving), Clear filter
 * (disabled once nothing is filtered), Clear selection (its bar goes), a key's Remove and Keep in
 * Keys & provider, and Delete endpoint (its card goes).
 */
import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures/inspector'

/** Presses Enter on a button reached from the keyboard (focused, not clicked). */
async function press(page: Page, button: Locator) {
  await button.focus()
  await page.keyboard.press('Enter')
}

const bodyHasFocus = (page: Page) => page.evaluate(() => document.activeElement === document.body)

test('Pin, Clear filter and Clear selection keep focus where the user is', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'focus-kept')
  for (const path of ['/one', '/two']) await inspector.sendCallback({ slug: endpoint.slug, path, body: '{}' })
  const rows = page.getByTestId('capture-row')
  await expect(rows).toHaveCount(2)
  await rows.first().click()

  const pin = page.getByTestId('pin-toggle')
  await press(page, pin)
  await expect(rows.first().getByTestId('pin-mark')).toBeVisible()
  await expect(pin).toBeFocused()
  await press(page, pin)
  await expect(rows.first().getByTestId('pin-mark')).toHaveCount(0)
  await expect(pin).toBeFocused()

  await page.getByTestId('filter-text').fill('one')
  await expect(rows).toHaveCount(1)
  await press(page, page.getByTestId('filter-clear'))
  await expect(rows).toHaveCount(2)
  await expect(page.getByTestId('filter-text')).toBeFocused()

  await rows.first().locator('input[type=checkbox]').check()
  await press(page, page.getByTestId('selection-clear'))
  await expect(page.getByTestId('selection-clear')).toHaveCount(0)
  await expect(page.getByTestId('capture-scroll')).toBeFocused()
  expect(await bodyHasFocus(page)).toBe(false)
})

test("a key's Remove, Keep and Remove this key, and Delete endpoint, leave focus on what comes next", async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'focus-keys')
  for (const secret of ['first-shared-secret-for-focus', 'second-shared-secret-for-focus']) {
    await inspector.app.call('addKey', { endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: secret } })
  }
  const card = page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${endpoint.slug}"]`)
  await card.getByTestId('endpoint-keys').click()
  const keys = page.getByTestId('key-item')
  await expect(keys).toHaveCount(2)

  await press(page, keys.nth(0).getByTestId('key-remove'))
  await expect(keys.nth(0).getByTestId('key-remove-confirm')).toBeFocused()
  await press(page, keys.nth(0).getByTestId('key-remove-keep'))
  await expect(keys.nth(0).getByTestId('key-remove')).toBeFocused()

  // Removed: the key that takes its place, then (none left) the key form.
  await press(page, keys.nth(0).getByTestId('key-remove'))
  await page.keyboard.press('Enter')
  await expect(keys).toHaveCount(1)
  await expect(keys.nth(0).getByTestId('key-remove')).toBeFocused()
  await press(page, keys.nth(0).getByTestId('key-remove'))
  await page.keyboard.press('Enter')
  await expect(keys).toHaveCount(0)
  await expect(page.getByTestId('key-secret')).toBeFocused()
  await page.keyboard.press('Escape')

  // The selected endpoint deleted: "All captures" (now selected) has focus.
  await press(page, card.getByTestId('delete-endpoint'))
  await page.getByTestId('confirm-button').click()
  await expect(card).toHaveCount(0)
  await expect(page.getByTestId('endpoint-all')).toBeFocused()
})
