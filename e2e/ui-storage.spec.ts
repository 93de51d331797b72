/**
 * Storage in the UI: the settings dialog (durability, retention) keeps what was saved, and a
 * capture whose stored body no longer matches its hash is shown as damaged, never as its bytes.
 */
import { readdir, readFile, open } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from './fixtures/inspector'

test('storage settings: durability and retention are saved', async ({ page, inspector }) => {
  await inspector.openUi(page)
  await page.getByTestId('open-storage-settings').click()
  const dialog = page.getByTestId('storage-settings')
  // "1 capture in 1 segment file" when this worker's app holds one capture so far.
  await expect(dialog.getByTestId('storage-health')).toContainText(/\d captures? in \d+ segment files?, /)
  // Each figure named: the logs' size (and, once less, their disk use), and what the size cap counts instead.
  await expect(dialog.getByTestId('storage-health')).toContainText(/whose logs are [\d.]+ [KMG]?i?B in size/)
  await expect(dialog.getByTestId('retention-hint')).toContainText('The MiB limit counts the captures kept: their records, bodies and search text')
  await expect(dialog.getByTestId('retention-hint')).toContainText("It is neither the logs' size nor their disk use")
  await expect(dialog.getByTestId('durability-sync')).toBeChecked()
  await dialog.getByTestId('durability-flush').check()
  await dialog.getByTestId('retention-max-captures').fill('250000')
  await dialog.getByTestId('save-storage-settings').click()
  await expect(dialog.getByRole('status')).toHaveText('Saved.')
  expect(await inspector.app.call('getStorageSettings', {})).toMatchObject({ durability: 'flush', retention: { maxCaptures: 250000 } })

  await page.reload()
  await page.getByTestId('open-storage-settings').click()
  await expect(page.getByTestId('durability-flush')).toBeChecked()
  await expect(page.getByTestId('retention-max-captures')).toHaveValue('250000')
  // Back to the defaults: the app is shared by this worker's tests.
  await page.getByTestId('durability-sync').check()
  await page.getByTestId('retention-max-captures').fill('')
  await page.getByTestId('save-storage-settings').click()
  await expect.poll(() => inspector.app.call('getStorageSettings', {})).toMatchObject({ durability: 'sync', retention: { maxCaptures: null } })
})

test('a capture whose body changed on disk is shown as damaged, not as its bytes', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'damaged')
  const marker = `order-${Date.now().toString(36)}-damaged-on-disk`
  expect(
    await inspector.sendCallback({ slug: endpoint.slug, path: '/cb', headers: [['content-type', 'application/json']], body: JSON.stringify({ marker }) }),
  ).toBe(200)
  // Flip one bit of the body where it sits in the capture log (as a failing disk would).
  const { dataDir } = await inspector.app.call<{ dataDir: string }>('getStatus', {})
  const capturesDir = join(dataDir, 'captures')
  let flipped = false
  for (const name of (await readdir(capturesDir)).filter((file) => file.endsWith('.log'))) {
    const bytes = await readFile(join(capturesDir, name))
    // Only the body carries the marker (the record holds headers and target, not the body).
    const at = bytes.lastIndexOf(Buffer.from(marker))
    if (at === -1) continue
    const handle = await open(join(capturesDir, name), 'r+')
    await handle.write(Buffer.from([bytes[at]! ^ 0x20]), 0, 1, at)
    await handle.close()
    flipped = true
  }
  expect(flipped).toBe(true)
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('capture-damaged')).toContainText('does not match the sha256')
  // The size received, marked damaged: never the 0 bytes of the body it does not show.
  const bodySize = (await page.getByTestId('detail-body-size').textContent())!.split(' (')[0]!
  await expect(page.getByTestId('detail-body')).toContainText(`${bodySize} (damaged)`)
  await expect(page.getByTestId('request-body')).toHaveCount(0)
  // The flipped bytes ("Order-…") are shown nowhere.
  await expect(page.getByTestId('capture-detail')).not.toContainText(`O${marker.slice(1)}`)
  // Once found, the list says so too, without opening the capture.
  await page.reload()
  const row = page.getByTestId('capture-row').first()
  await expect(row).toHaveAttribute('data-damaged', 'true')
  await expect(row.getByTestId('damaged-mark')).toHaveAttribute('title', /do not match what was received/)
})

test('a retention cap says what Save deletes right away before it is saved', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'retention-impact')
  for (const order of ['a', 'b', 'c']) {
    expect(await inspector.sendCallback({ slug: endpoint.slug, path: `/cb?order=${order}`, body: order })).toBe(200)
  }
  await expect(page.getByTestId('capture-row')).toHaveCount(3)
  await page.getByTestId('open-storage-settings').click()
  const dialog = page.getByTestId('storage-settings')
  const row = dialog.locator(`[data-testid=endpoint-retention-row][data-endpoint-slug="${endpoint.slug}"]`)
  const save = dialog.getByTestId('save-storage-settings')
  await expect(save).toHaveText('Save')

  await row.getByTestId('endpoint-retention-maxCaptures').fill('1')
  // Nothing pinned here: nothing said about pins (it said "Pinned captures are kept.").
  await expect(dialog.getByTestId('retention-impact')).toHaveText(
    'Saving deletes the oldest 2 of the 3 captures of “E2E retention-impact” right away. This cannot be undone.',
  )
  await expect(save).toHaveText('Save and delete')
  // One pinned (from a script): the notice says it is kept once the endpoint's count comes back.
  const [newest] = (await inspector.app.call<{ items: Array<{ id: string }> }>('listCaptures', { endpointId: endpoint.id, limit: 1 })).items
  await inspector.app.call('setCapturePinned', { id: newest!.id, pinned: true })
  await expect(dialog.getByTestId('retention-impact')).toHaveText(
    'Saving deletes the oldest 2 of the 3 captures of “E2E retention-impact” right away. The pinned capture is kept. This cannot be undone.',
  )
  await inspector.app.call('setCapturePinned', { id: newest!.id, pinned: false })
  await expect(dialog.getByTestId('retention-impact')).not.toContainText('pinned')
  // A cap the endpoint is within deletes nothing, and says nothing.
  await row.getByTestId('endpoint-retention-maxCaptures').fill('3')
  await expect(dialog.getByTestId('retention-impact')).toHaveCount(0)
  await expect(save).toHaveText('Save')
  // An age limit cannot be counted here: it says that captures beyond it go.
  await row.getByTestId('endpoint-retention-maxAgeDays').fill('30')
  await expect(dialog.getByTestId('retention-impact')).toContainText('Saving deletes right away any capture beyond the new size or age limit')
  await row.getByTestId('endpoint-retention-maxAgeDays').fill('')

  await row.getByTestId('endpoint-retention-maxCaptures').fill('1')
  await save.click()
  await expect(dialog.getByRole('status')).toHaveText('Saved.')
  await expect(dialog.getByTestId('retention-impact')).toHaveCount(0)
  await expect.poll(async () => (await inspector.app.call<{ total: number }>('listCaptures', { endpointId: endpoint.id, limit: 10 })).total).toBe(1)
  // An edit after saving takes "Saved." away: it no longer describes the form.
  await row.getByTestId('endpoint-retention-maxCaptures').fill('')
  await expect(dialog.getByText('Saved.')).toHaveCount(0)
  await save.click()
  await expect
    .poll(
      async () =>
        (await inspector.app.call<{ retention: { perEndpoint?: Record<string, unknown> } }>('getStorageSettings', {})).retention.perEndpoint?.[endpoint.id],
    )
    .toBeUndefined()
})
