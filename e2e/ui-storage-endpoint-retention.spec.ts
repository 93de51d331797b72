/**
 * Per-endpoint retention in the Storage dialog: an endpoint's own cap is shown, saved through the
 * API, enforced in the background (oldest first, pinned captures kept) and shown again after a
 * reload.
 */
import { expect, test } from './fixtures/inspector'

test('storage settings: a per-endpoint cap keeps only the newest captures of that endpoint', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'retain')
  for (let index = 1; index <= 5; index++) {
    expect(
      await inspector.sendCallback({ slug: endpoint.slug, path: '/cb', headers: [['content-type', 'application/json']], body: JSON.stringify({ index }) }),
    ).toBe(200)
  }
  const listed = await inspector.app.call<{ items: Array<{ id: string }>; total: number }>('listCaptures', { endpointId: endpoint.id, limit: 10 })
  expect(listed.total).toBe(5)
  // The oldest capture is pinned: retention never deletes it.
  const oldest = listed.items.at(-1)!
  await inspector.app.call('setCapturePinned', { id: oldest.id, pinned: true })

  await page.reload()
  await page.getByTestId('open-storage-settings').click()
  const dialog = page.getByTestId('storage-settings')
  const row = dialog.locator(`[data-testid=endpoint-retention-row][data-endpoint-slug="${endpoint.slug}"]`)
  await expect(row).toContainText('E2E retain')
  await expect(row).toContainText('5')
  // Each field is named as its column reads.
  await expect(row.getByTestId('endpoint-retention-maxCaptures')).toHaveAttribute('aria-label', 'E2E retain: keep at most (captures)')
  await expect(row.getByTestId('endpoint-retention-maxAgeDays')).toHaveAttribute('aria-label', 'E2E retain: delete after (days)')
  await row.getByTestId('endpoint-retention-maxCaptures').fill('3')
  await row.getByTestId('endpoint-retention-maxAgeDays').fill('x')
  await expect(dialog.getByTestId('save-storage-settings')).toBeDisabled()
  await row.getByTestId('endpoint-retention-maxAgeDays').fill('')
  await dialog.getByTestId('save-storage-settings').click()
  await expect(dialog.getByRole('status')).toHaveText('Saved.')
  const saved = await inspector.app.call<{ retention: { perEndpoint?: Record<string, unknown> } }>('getStorageSettings', {})
  expect(saved.retention.perEndpoint?.[endpoint.id]).toEqual({ maxCaptures: 3, maxBytes: null, maxAgeDays: null })

  // Enforced in the background: the pinned one and the two newest are left; the others are deleted, oldest first.
  await expect
    .poll(async () =>
      (await inspector.app.call<{ items: Array<{ id: string }> }>('listCaptures', { endpointId: endpoint.id, limit: 10 })).items.map((item) => item.id),
    )
    .toEqual([listed.items[0]!.id, listed.items[1]!.id, oldest.id])

  // Shown again after a reload, then removed (the app is shared by this worker's tests).
  await page.reload()
  await page.getByTestId('open-storage-settings').click()
  const again = page.locator(`[data-testid=endpoint-retention-row][data-endpoint-slug="${endpoint.slug}"]`)
  await expect(again.getByTestId('endpoint-retention-maxCaptures')).toHaveValue('3')
  await again.getByTestId('endpoint-retention-maxCaptures').fill('')
  await page.getByTestId('save-storage-settings').click()
  await expect(page.getByTestId('storage-settings').getByRole('status')).toHaveText('Saved.')
  expect(
    (await inspector.app.call<{ retention: { perEndpoint?: Record<string, unknown> } }>('getStorageSettings', {})).retention.perEndpoint?.[endpoint.id],
  ).toBeUndefined()
})
