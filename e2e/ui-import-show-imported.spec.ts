/**
 * An import's outcome offers the captures it brought in: "Show captures imported from “file”"
 * puts `from:"file"` in the list's search box, so the `from:` term is met where it is needed (the
 * search language had it, yet nothing in the window led to it).
 */
import { harOfPosts } from './fixtures/har-file'
import { expect, test } from './fixtures/inspector'
import { rows } from './fixtures/capture-rows'

/** A HAR file of POSTs to these paths. */
function har(paths: string[]): Buffer {
  return harOfPosts(paths.map((path, index) => ({ url: `https://shop.example${path}`, startedDateTime: `2026-12-06T10:00:0${index}.000Z` })))
}

test('the import outcome shows the captures imported from the file, through a from: search', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'show-imported')
  const dialog = page.getByTestId('import-dialog')
  const importFile = async (name: string, paths: string[]) => {
    await page.getByTestId('open-import').click()
    await dialog.getByTestId('import-file').setInputFiles({ name, mimeType: 'application/json', buffer: har(paths) })
    await dialog.getByTestId('import-submit').click()
    await expect(dialog.getByTestId('import-summary')).toHaveText(`Imported ${paths.length} ${paths.length === 1 ? 'capture' : 'captures'}.`)
  }

  await importFile('other.har', [`/${endpoint.slug}/other`])
  await dialog.getByTestId('import-done').click()
  await expect(rows(page)).toHaveCount(1)

  await importFile('Shop "live" (2).har', [`/${endpoint.slug}/first`, `/${endpoint.slug}/second`])
  const show = dialog.getByTestId('import-show-imported')
  await expect(show).toHaveText('Show captures imported from “Shop "live" (2).har”')
  await show.click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('filter-text')).toHaveValue('from:"Shop \\"live\\" (2).har"')
  await expect(page.getByTestId('capture-count')).toHaveText('2 of 3 captures')
  await expect(rows(page)).toHaveCount(2)
  await expect(rows(page).filter({ hasText: '/other' })).toHaveCount(0)

  // Pasted text has no file to find it by: no such button.
  await page.getByTestId('open-import').click()
  await dialog.getByTestId('import-source-paste').check()
  await dialog.getByTestId('import-text').fill(`curl -X POST 'https://shop.example/${endpoint.slug}/pasted' -d 'a=1'`)
  await dialog.getByTestId('import-submit').click()
  await expect(dialog.getByTestId('import-summary')).toHaveText('Imported 1 capture.')
  await expect(dialog.getByTestId('import-show-imported')).toHaveCount(0)
})
