/**
 * Export, import, notes and pins in the real UI against the headless app: a redacted export saved
 * as a download, reviewed before saving, then imported into another endpoint from the file.
 */
import { readFile } from 'node:fs/promises'
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'
import { importFile, openImport } from './fixtures/import-dialog'

test('export a redacted capture from its detail and import the file into another endpoint', async ({ page, inspector }) => {
  const source = await inspector.openOwnEndpoint(page, 'redact')
  const body = JSON.stringify({ order: '4111111111111112', card: { number: '4111 1111 1111 1111', cvv: '737', expiryMonth: '12' }, email: 'jane@example.com' })
  const status = await inspector.sendCallback({
    slug: source.slug,
    path: '/pay?pan=5500000000000004',
    headers: [
      ['Content-Type', 'application/json'],
      ['Authorization', 'Bearer top-secret-token'],
    ],
    body,
  })
  expect(status).toBe(200)
  await row(page, '/pay').click()

  // A note and a pin, shown as text and in the row.
  await page.getByTestId('note-add').click()
  await page.getByTestId('note-editor').fill('Merchant says: <b>not</b> markup')
  await page.getByTestId('note-save').click()
  await expect(page.getByTestId('note-text')).toHaveText('Merchant says: <b>not</b> markup')
  await page.getByTestId('pin-toggle').click()
  await expect(page.getByTestId('pin-toggle')).toHaveAttribute('aria-pressed', 'true')
  await expect(row(page, '/pay').getByTestId('pin-mark')).toBeVisible()

  // Export, redacted, as a bundle: the review lists what was masked before anything is saved.
  await page.getByTestId('export-capture').click()
  const dialog = page.getByTestId('export-dialog')
  await dialog.getByTestId('export-format').selectOption('bundle')
  await dialog.getByTestId('export-redact').check()
  await dialog.getByTestId('export-submit').click()
  const redactions = dialog.getByTestId('export-redactions')
  await expect(redactions).toContainText('header Authorization: removed (credential or signature)')
  await expect(redactions).toContainText('body $.card.cvv: removed')
  await expect(redactions).toContainText('query: 1 card number masked to first 6 and last 4 digits')
  const downloading = page.waitForEvent('download')
  await dialog.getByTestId('export-save').click()
  const download = await downloading
  expect(download.suggestedFilename()).toMatch(/-redacted\.bundle\.json$/)
  const path = await download.path()
  const file = await readFile(path)
  const text = file.toString('utf8')
  expect(text).not.toContain('top-secret-token')
  expect(text).not.toContain('4111 1111 1111 1111')
  const bundle = JSON.parse(text) as { captures: Array<{ body: { base64: string } }> }
  expect(Buffer.from(bundle.captures[0]!.body.base64, 'base64').toString()).toBe(
    JSON.stringify({ order: '4111111111111112', card: { number: '4111 11** **** 1111', expiryMonth: '**' }, email: 'jane@example.com' }),
  )

  // Import the saved file into another endpoint through the Import dialog.
  const target = await inspector.app.call<{ id: string; slug: string }>('createEndpoint', { name: 'E2E imported', slug: `imported-${Date.now().toString(36)}` })
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${target.slug}"] [data-testid=endpoint-select]`).click()
  await importFile(page, { name: download.suggestedFilename(), mimeType: 'application/json', buffer: file }, 'Imported 1 capture.')

  const imported = row(page, '/pay')
  await expect(imported).toHaveCount(1)
  await expect(imported.getByTestId('imported-mark')).toHaveAttribute('aria-label', 'Imported')
  await expect(imported.getByTestId('pin-mark')).toBeVisible()
  await imported.click()
  await expect(page.getByTestId('imported-from')).toContainText(download.suggestedFilename())
  await expect(page.getByTestId('note-text')).toHaveText('Merchant says: <b>not</b> markup')
  await expect(page.getByTestId('detail-request-line')).toHaveText(`POST /${source.slug}/pay?pan=550000******0004 HTTP/1.1`)
})

test('import a pasted curl command, and see why a bad entry failed', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'paste')
  const dialog = await openImport(page)
  await dialog.getByTestId('import-source-paste').check()
  await dialog
    .getByTestId('import-text')
    .fill(
      `curl -X POST 'https://shop.example/${endpoint.slug}/notify' \\\n  -H 'Content-Type: application/json' \\\n  --data-raw '{"result":"OK"}'\ncurl -d @/etc/passwd https://shop.example/x`,
    )
  await dialog.getByTestId('import-submit').click()
  await expect(dialog.getByTestId('import-summary')).toContainText('Imported 1 capture; 1 entry could not be imported')
  await expect(dialog.getByTestId('import-failures')).toContainText('Entry 2: line 4: -d @/etc/passwd reads a file')
  await dialog.getByTestId('import-done').click()
  await row(page, '/notify').click()
  await expect(page.getByTestId('detail-request-line')).toHaveText(`POST /${endpoint.slug}/notify HTTP/1.1`)
})

test('a file the import cannot take says why under the field, not only in a disabled button', async ({ page, inspector }) => {
  await inspector.openOwnEndpoint(page, 'file-problem')
  const dialog = await openImport(page)
  const field = dialog.getByTestId('import-file')

  await field.setInputFiles({ name: 'empty.har', mimeType: 'application/json', buffer: Buffer.alloc(0) })
  await expect(dialog.getByTestId('import-file-problem')).toHaveText('“empty.har” is empty: there is nothing in it to import.')
  await expect(field).toHaveAttribute('aria-invalid', 'true')
  await expect(dialog.getByTestId('import-submit')).toBeDisabled()
  // (A file over the size limit says so the same way: import-source.test.ts; 21 MB through the file picker takes the test half a minute.)

  // A file it can take clears the message.
  await field.setInputFiles({ name: 'one.http', mimeType: 'text/plain', buffer: Buffer.from('POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}') })
  await expect(dialog.getByTestId('import-file-problem')).toHaveCount(0)
  await expect(dialog.getByTestId('import-submit')).toBeEnabled()
})
