/**
 * A capture imported from a curl command has no time of arrival: its time is the import's, and the
 * list and the detail say so ("Imported … from pasted curl") rather than "Received" at the moment
 * it was pasted. A received capture still reads "Received". The list's italic time describes
 * itself to assistive technology too (its title is no help to a screen reader).
 */
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

test('a capture imported from a curl command shows when it was imported, not as received', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'import-time')
  await inspector.sendCallback({ slug: endpoint.slug, path: '/received', body: '{}' })
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-source-paste').check()
  await dialog.getByTestId('import-text').fill(`curl 'https://shop.example/${endpoint.slug}/pasted' -H 'Content-Type: application/json' --data-raw '{"a":1}'`)
  await dialog.getByTestId('import-submit').click()
  await expect(dialog.getByTestId('import-summary')).toHaveText('Imported 1 capture.')
  await dialog.getByTestId('import-done').click()

  const pasted = row(page, '/pasted')
  await expect(pasted.getByTestId('row-time-imported')).toHaveAttribute(
    'title',
    /^Imported \d{4}-\d\d-\d\dT.* from pasted curl, entry 1: when it was received is not known$/,
  )
  // The italics are no legend to a screen reader: the time says what it is and what it is not.
  // (The row is what is announced while moving through the list: its cells' titles are not read.)
  const explained = 'Imported from pasted curl, entry 1: when it was received is not known'
  await expect(pasted).toHaveAccessibleDescription(explained)
  await expect(pasted.getByTestId('row-time-imported')).toHaveAccessibleName(/^Imported \d/)
  await expect(pasted.getByTestId('row-time-imported')).toHaveAccessibleDescription(explained)
  await expect(row(page, '/received')).toHaveAccessibleDescription('')
  await expect(row(page, '/received').getByTestId('row-time-imported')).toHaveCount(0)

  await pasted.click()
  const facts = page.getByTestId('detail-facts')
  await expect(page.getByTestId('detail-imported-time')).toContainText('from pasted curl, entry 1 · when it was received is not known')
  await expect(facts).toContainText('Imported')
  await expect(facts).not.toContainText('Received')

  await row(page, '/received').click()
  await expect(page.getByTestId('detail-facts')).toContainText('Received')
  await expect(page.getByTestId('detail-imported-time')).toHaveCount(0)
})
