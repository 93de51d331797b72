/**
 * Clearing an endpoint keeps its pinned captures unless the user ticks to delete them too, and
 * the dialog and its button say what will happen (it said "Delete 4 captures" and kept the pin).
 */
import { expect, test } from './fixtures/inspector'

test('Clear keeps pinned captures and says so; ticking deletes them too', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'clear-pinned')
  for (const path of ['/one', '/two', '/kept']) await inspector.sendCallback({ slug: endpoint.slug, path, body: '{}' })
  const rows = page.getByTestId('capture-row')
  await expect(rows).toHaveCount(3)
  await rows.filter({ hasText: '/kept' }).click()
  await page.getByTestId('pin-toggle').click()
  await expect(rows.filter({ hasText: '/kept' }).getByTestId('pin-mark')).toBeVisible()

  await page.getByTestId('clear-endpoint').click()
  const dialog = page.getByTestId('confirm-dialog')
  await expect(dialog).toContainText('except pinned ones, which are kept')
  await expect(page.getByTestId('confirm-button')).toHaveText('Delete all but pinned')
  await page.getByTestId('confirm-button').click()
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('/kept')
  await expect(page.getByText('Deleted 2 captures; kept 1 pinned.')).toBeVisible()

  await page.getByTestId('clear-endpoint').click()
  await page.getByTestId('clear-include-pinned').check()
  await expect(dialog).toContainText('pinned ones too')
  await expect(page.getByTestId('confirm-button')).toHaveText('Delete 1 capture')
  await page.getByTestId('confirm-button').click()
  await expect(page.getByTestId('captures-empty')).toBeVisible()
})
