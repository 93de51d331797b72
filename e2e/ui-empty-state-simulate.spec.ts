/**
 * An endpoint with no captures offers, besides its URL and a curl command, the simulator aimed at
 * itself: one click and a realistic signed callback arrives in the list.
 */
import { expect, test } from './fixtures/inspector'

test('the empty state sends a test callback to its own endpoint', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'empty-simulate')
  const empty = page.getByTestId('captures-empty')
  await expect(empty).toContainText('No callbacks yet')

  await empty.getByTestId('empty-open-simulator').click()
  const dialog = page.getByTestId('simulator-dialog')
  await expect(dialog.getByTestId('simulator-endpoint')).toHaveValue(endpoint.id)
  await dialog.getByTestId('simulator-send').click()
  await expect(dialog.getByTestId('simulator-result')).toBeVisible()
  await page.keyboard.press('Escape')

  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  await expect(empty).toHaveCount(0)
})
