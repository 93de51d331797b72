/**
 * The Storage dialog asks before throwing away a typed retention cap, as the Answers dialog does
 * for its rules: Escape or Close with unsaved edits asks "Discard unsaved changes?"; Cancel keeps
 * the typed caps, Discard closes without saving them, and saved (or untouched) settings close at once.
 */
import { expect, test } from './fixtures/inspector'

test('Escape and Close with a typed, unsaved cap ask first; Cancel keeps it, Discard drops it', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'storage-unsaved')
  const dialog = page.getByTestId('storage-settings')
  const confirm = page.getByTestId('confirm-dialog')
  const open = async () => {
    await page.getByTestId('open-storage-settings').click()
    await expect(dialog.getByTestId('retention-max-captures')).toBeVisible()
  }

  // Nothing typed: Escape closes at once.
  await open()
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(confirm).toHaveCount(0)

  // A typed cap: Escape asks; Cancel keeps the dialog and what was typed.
  await open()
  await dialog.getByTestId('retention-max-captures').fill('5000')
  await page.keyboard.press('Escape')
  await expect(confirm).toBeVisible()
  await expect(confirm).toContainText('Discard unsaved changes?')
  await expect(confirm.getByTestId('discard-question')).toHaveText('The storage settings have changes that are not saved. Close without saving them?')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(confirm).toBeHidden()
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('retention-max-captures')).toHaveValue('5000')

  // Typed back to what was saved: nothing is unsaved, Close closes.
  await dialog.getByTestId('retention-max-captures').fill('')
  await dialog.getByTestId('dialog-close').click()
  await expect(dialog).toBeHidden()
  await expect(confirm).toHaveCount(0)

  // A per-endpoint cap: Close asks, Escape in the question keeps editing; saved, Close closes.
  await open()
  const row = dialog.locator(`[data-testid=endpoint-retention-row][data-endpoint-slug="${endpoint.slug}"]`)
  await row.getByTestId('endpoint-retention-maxAgeDays').fill('30')
  await dialog.getByTestId('dialog-close').click()
  await expect(confirm).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(confirm).toBeHidden()
  await expect(row.getByTestId('endpoint-retention-maxAgeDays')).toHaveValue('30')
  await dialog.getByTestId('save-storage-settings').click()
  await expect(dialog.getByRole('status')).toHaveText('Saved.')
  await dialog.getByTestId('dialog-close').click()
  await expect(dialog).toBeHidden()
  await expect(confirm).toHaveCount(0)

  // Edited after saving: Discard closes, and only the saved cap is stored.
  await open()
  await row.getByTestId('endpoint-retention-maxAgeDays').fill('7')
  await dialog.getByTestId('retention-max-mib').fill('100')
  await page.keyboard.press('Escape')
  await confirm.getByTestId('confirm-button').click()
  await expect(dialog).toBeHidden()
  const saved = await inspector.app.call<{ retention: { maxBytes?: number | null; perEndpoint?: Record<string, { maxAgeDays?: number | null }> } }>(
    'getStorageSettings',
    {},
  )
  expect(saved.retention.maxBytes ?? null).toBeNull()
  expect(saved.retention.perEndpoint?.[endpoint.id]?.maxAgeDays).toBe(30)

  // Back to no cap: the app is shared by this worker's tests.
  await open()
  await row.getByTestId('endpoint-retention-maxAgeDays').fill('')
  await dialog.getByTestId('save-storage-settings').click()
  await expect(dialog.getByRole('status')).toHaveText('Saved.')
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
})
