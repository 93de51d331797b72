/**
 * An import's outcome offers the captures it brought in: "Show captures imported from “file”"
 * puts `from:"file"` in the list's search box, so the `from:` term is met where it is needed (the
 * search language had it, yet nothing in the window led to it).
 */
import { harOfPosts } from './fixtures/har-file'
import { expect, test } from './fixtures/inspector'
import { rows } from './fixtures/capture-rows'
import { importFile, openImport, submitImport } from './fixtures/import-dialog'

/** A HAR file of POSTs to these paths. */
function har(paths: string[]): Buffer {
  return harOfPosts(paths.map((path, index) => ({ url: `https://shop.example${path}`, startedDateTime: `2026-12-06T10:00:0${index}.000Z` })))
}

test('the import outcome shows the captures imported from the file, through a from: search', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'show-imported')
  const harFile = (name: string, paths: string[]) => ({ name, mimeType: 'application/json', buffer: har(paths) })

  await importFile(page, harFile('other.har', [`/${endpoint.slug}/other`]), 'Imported 1 capture.')
  await expect(rows(page)).toHaveCount(1)

  const dialog = await openImport(page)
  await dialog.getByTestId('import-file').setInputFiles(harFile('Shop "live" (2).har', [`/${endpoint.slug}/first`, `/${endpoint.slug}/second`]))
  await submitImport(dialog, 'Imported 2 captures.')
  const show = dialog.getByTestId('import-show-imported')
  await expect(show).toHaveText('Show captures imported from “Shop "live" (2).har”')
  await show.click()
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('filter-text')).toHaveValue('from:"Shop \\"live\\" (2).har"')
  await expect(page.getByTestId('capture-count')).toHaveText('2 of 3 captures')
  await expect(rows(page)).toHaveCount(2)
  await expect(rows(page).filter({ hasText: '/other' })).toHaveCount(0)

  // Pasted text has no file to find it by: no such button.
  await openImport(page)
  await dialog.getByTestId('import-source-paste').check()
  await dialog.getByTestId('import-text').fill(`curl -X POST 'https://shop.example/${endpoint.slug}/pasted' -d 'a=1'`)
  await submitImport(dialog, 'Imported 1 capture.')
  await expect(dialog.getByTestId('import-show-imported')).toHaveCount(0)
})
