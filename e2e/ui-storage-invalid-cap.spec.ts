/**
 * A retention cap typed in the Storage dialog that is not a limit ("-3", "abc", "1.5") is marked
 * and explained at its field, and the note beside the disabled Save names every such field. Before,
 * the global fields were not marked at all and the one message sat under the per-endpoint table,
 * out of view with a few endpoints, so Save only turned grey.
 */
import { expect, test } from './fixtures/inspector'

const MIB = 1024 * 1024

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
    `Not saved until fixed: Keep at most (captures), E2E storage-invalid: delete after (days). Limits are whole numbers of at least 1 (MiB: any number above 0), or empty.`,
  )

  // Fixed: the marks go, and Save is offered again.
  await captures.fill('500')
  await row.getByTestId('endpoint-retention-maxAgeDays').fill('')
  await expect(captures).toHaveAttribute('aria-invalid', 'false')
  await expect(error).toHaveCount(0)
  await expect(dialog.getByTestId('storage-settings-invalid')).toHaveCount(0)
  await expect(dialog.getByTestId('save-storage-settings')).toBeEnabled()
})

test('a byte cap set through the API shows its exact MiB, and saving the dialog keeps it', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'storage-bytes')
  // Caps far above what the shared app holds, so nothing is deleted; not whole MiB.
  const global = 5 * 1024 * MIB + 500_000
  await inspector.app.call('setStorageSettings', { retention: { maxBytes: global, perEndpoint: { [endpoint.id]: { maxBytes: 500_000 } } } })
  try {
    await page.getByTestId('open-storage-settings').click()
    const dialog = page.getByTestId('storage-settings')
    const mib = dialog.getByTestId('retention-max-mib')
    const row = dialog.locator(`[data-testid=endpoint-retention-row][data-endpoint-slug="${endpoint.slug}"]`)
    // Before: "5120" and "0", the second marked as no limit, which kept Save off.
    await expect(mib).toHaveValue('5120.476837158203125')
    await expect(row.getByTestId('endpoint-retention-maxMiB')).toHaveValue('0.476837158203125')
    await expect(row.getByTestId('endpoint-retention-maxMiB')).toHaveAttribute('aria-invalid', 'false')
    await dialog.getByTestId('durability-flush').check()
    await dialog.getByTestId('save-storage-settings').click()
    await expect(dialog.getByText('Saved.')).toBeVisible()
    const saved = await inspector.app.call<{ retention: { maxBytes: number; perEndpoint: Record<string, { maxBytes: number }> } }>('getStorageSettings', {})
    expect(saved.retention.maxBytes).toBe(global)
    expect(saved.retention.perEndpoint[endpoint.id]?.maxBytes).toBe(500_000)

    // A fraction of a MiB can be typed too.
    await row.getByTestId('endpoint-retention-maxMiB').fill('1.5')
    await expect(row.getByTestId('endpoint-retention-maxMiB')).toHaveAttribute('aria-invalid', 'false')
    await mib.fill('0')
    await expect(dialog.getByTestId('retention-max-mib-error')).toHaveText('Not a limit: a number of MiB above 0 (1.5), or empty for none.')
  } finally {
    await inspector.app.call('setStorageSettings', { durability: 'sync', retention: {} })
  }
})

test('a MiB cap above what the API takes is refused as it is typed, in MiB', async ({ page, inspector }) => {
  // It was offered to Save, and only the API's refusal said why, in bytes ("maxBytes is at most 9007199254740991").
  const endpoint = await inspector.openOwnEndpoint(page, 'storage-too-large')
  await page.getByTestId('open-storage-settings').click()
  const dialog = page.getByTestId('storage-settings')
  const mib = dialog.getByTestId('retention-max-mib')
  await mib.fill('10000000000')
  await expect(mib).toHaveAttribute('aria-invalid', 'true')
  await expect(dialog.getByTestId('retention-max-mib-error')).toHaveText('Too large: at most 8589934591 MiB, or empty for none.')
  await expect(dialog.getByTestId('save-storage-settings')).toBeDisabled()

  const row = dialog.locator(`[data-testid=endpoint-retention-row][data-endpoint-slug="${endpoint.slug}"]`)
  const endpointMiB = row.getByTestId('endpoint-retention-maxMiB')
  await endpointMiB.fill('8589934592')
  await expect(endpointMiB).toHaveAttribute('aria-invalid', 'true')
  await expect(endpointMiB).toHaveAttribute('title', 'Too large: at most 8589934591 MiB, or empty for none.')
  await expect(dialog.getByTestId('storage-settings-invalid')).toHaveText(
    'Not saved until fixed: Keep at most (MiB) (at most 8589934591 MiB), E2E storage-too-large: keep at most (MiB) (at most 8589934591 MiB). Limits are whole numbers of at least 1 (MiB: any number above 0), or empty.',
  )

  // The most the API takes is offered to Save.
  await mib.fill('8589934591.99999904632568359375')
  await endpointMiB.fill('')
  await expect(mib).toHaveAttribute('aria-invalid', 'false')
  await expect(dialog.getByTestId('storage-settings-invalid')).toHaveCount(0)
  await expect(dialog.getByTestId('save-storage-settings')).toBeEnabled()
})
