/**
 * Sizes are counted in powers of 1,024 everywhere in the app, and say so: the Import dialog's limit
 * reads "20 MiB" (it read "20.0 MB"), a 1.5 MiB body reads "1.5 MiB" in the list and the detail.
 */
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'
import { openImport } from './fixtures/import-dialog'

const MIB = 1024 * 1024

test('sizes use binary units: the list, the detail and the Import dialog', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'units')
  const body = Buffer.alloc(1.5 * MIB, 'a')
  expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/big', headers: [['Content-Type', 'text/plain']], body })).toBe(200)

  await expect(row(page, '/big').locator('.cell-size')).toHaveText('1.5 MiB')
  await row(page, '/big').click()
  await expect(page.getByTestId('detail-body-size')).toHaveText('1,572,864 bytes (1.5 MiB)')

  const dialog = await openImport(page)
  await expect(dialog.getByText(/at most 20 MiB\)$/)).toBeVisible()
  await dialog.getByTestId('import-file').setInputFiles({ name: 'all.bundle.json', mimeType: 'application/json', buffer: Buffer.alloc(21 * MIB, ' ') })
  await expect(dialog.getByTestId('import-file-problem')).toHaveText(
    '“all.bundle.json” is 21 MiB: an import reads at most 20 MiB. Export fewer captures, or gzip the file.',
  )
})
