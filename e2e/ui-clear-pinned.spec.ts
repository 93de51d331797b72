/**
 * Clearing an endpoint keeps its pinned captures unless the user ticks to delete them too, and
 * the dialog and its button say what will happen (it said "Delete 4 captures" and kept the pin).
 * An endpoint with nothing pinned is not told about pins (it said "except pinned ones" and offered
 * "Also delete pinned captures" where there were none).
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
  await expect(dialog).toContainText('except the pinned capture, which is kept')
  await expect(page.getByTestId('confirm-button')).toHaveText('Delete all but 1 pinned')
  await expect(page.getByTestId('clear-include-pinned')).toBeVisible()
  await page.getByTestId('confirm-button').click()
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('/kept')
  await expect(page.getByText('Deleted 2 captures; kept 1 pinned.')).toBeVisible()

  await page.getByTestId('clear-endpoint').click()
  await page.getByTestId('clear-include-pinned').check()
  await expect(dialog).toContainText('deleted, the pinned capture too')
  await expect(page.getByTestId('confirm-button')).toHaveText('Delete 1 capture')
  await page.getByTestId('confirm-button').click()
  await expect(page.getByTestId('captures-empty')).toBeVisible()
})

test('Clear on an endpoint with nothing pinned says nothing about pins; a pin made meanwhile brings the choice back', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'clear-nothing')
  for (const path of ['/one', '/two']) await inspector.sendCallback({ slug: endpoint.slug, path, body: '{}' })
  const rows = page.getByTestId('capture-row')
  await expect(rows).toHaveCount(2)

  await page.getByTestId('clear-endpoint').click()
  const dialog = page.getByTestId('confirm-dialog')
  await expect(page.getByTestId('clear-endpoint-text')).toHaveText(
    'Every capture of this endpoint is deleted. The endpoint and its URL stay. This cannot be undone.',
  )
  await expect(dialog).not.toContainText(/pinned/i)
  await expect(page.getByTestId('clear-include-pinned')).toHaveCount(0)
  await expect(page.getByTestId('confirm-button')).toHaveText('Delete 2 captures')
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()

  // Pinned from elsewhere (a script): the live event brings the endpoint's pinned count along.
  const [newest] = (await inspector.app.call<{ items: Array<{ id: string }> }>('listCaptures', { endpointId: endpoint.id, limit: 1 })).items
  await inspector.app.call('setCapturePinned', { id: newest!.id, pinned: true })
  await expect(rows.first().getByTestId('pin-mark')).toBeVisible()
  await page.getByTestId('clear-endpoint').click()
  await expect(dialog).toContainText('except the pinned capture, which is kept')
  await expect(page.getByTestId('clear-include-pinned')).toBeVisible()
  await page.getByTestId('confirm-button').click()
  await expect(page.getByText('Deleted 1 capture; kept 1 pinned.')).toBeVisible()
  await expect(rows).toHaveCount(1)
})
