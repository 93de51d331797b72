/**
 * A retention cap typed in the Storage dialog that is not a limit ("-3", "abc", "1.5") is marked
 * and explained at its field, and the note beside the disabled Save names every such field. Before,
 * the global fields were not marked at all and the one message sat under the per-endpoint table,
 * out of view with a few endpoints, so Save only turned grey.
 */
import { expect, test } from './fixtures/inspector'

test('an invalid cap is marked at its field, and the note beside Save names each one', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'storage-invalid')
  await page.getByTestId('open-storage-settings').click()
  const dialog = page.getByTestId('storage-settings')
  const captures = dialog.getByTestId('retention-max-captures')
  await expect(captures).toBeVisible()

  await captures.fill('-3')
  await expect(captures).toHaveAttribute('aria-invalid', 'true')
  const error = dialog.getByTestId('retention-max-captures-error')
  await expect(error).toHaveText('Not a limit: a whole number of at least 1, or empty for none.')
  await expect(error).toBeInViewport()
  await expect(captures).toHaveAccessibleDescription('Not a limit: a whole number of at least 1, or empty for none.')
  await expect(dialog.getByTestId('save-storage-settings')).toBeDisabled()

  const row = dialog.locator(`[data-testid=endpoint-retention-row][data-endpoint-slug="${endpoint.slug}"]`)
  await row.getByTestId('endpoint-retention-maxAgeDays').fill('1.5')
  await expect(dialog.getByTestId('storage-settings-invalid')).toHaveText(
    `Not saved until fixed: Keep at most (captures), E2E storage-invalid: delete after (days). Limits are whole numbers of at least 1, or empty.`,
  )

  // Fixed: the marks go, and Save is offered again.
  await captures.fill('500')
  await row.getByTestId('endpoint-retention-maxAgeDays').fill('')
  await expect(captures).toHaveAttribute('aria-invalid', 'false')
  await expect(error).toHaveCount(0)
  await expect(dialog.getByTestId('storage-settings-invalid')).toHaveCount(0)
  await expect(dialog.getByTestId('save-storage-settings')).toBeEnabled()
})
