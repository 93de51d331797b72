/**
 * A chunked body's trailer fields through the Export and Import dialogs: a redacted HAR export
 * lists the signature trailer it removed before saving, the file keeps the others, and importing
 * it shows them below the headers again. Exports dropped every trailer before.
 */
import { readFile } from 'node:fs/promises'
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'
import { importFile } from './fixtures/import-dialog'
import { sendRaw } from '../src-main/test-support/http-client'

test('trailer fields go through a redacted HAR export and come back on import', async ({ page, inspector }) => {
  const source = await inspector.openOwnEndpoint(page, 'export-trailers')
  const request =
    `POST /${source.slug}/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
    '2\r\n{}\r\n0\r\nX-Digest: sha-256=:abc=:\r\nX-Signature: t=1,v1=ff\r\n\r\n'
  expect(await sendRaw(inspector.app.ready.receiver, request)).toMatch(/^HTTP\/1\.1 200 /)
  await row(page, '/chunked').click()

  await page.getByTestId('export-capture').click()
  const dialog = page.getByTestId('export-dialog')
  await dialog.getByTestId('export-format').selectOption('har')
  await dialog.getByTestId('export-redact').check()
  await dialog.getByTestId('export-submit').click()
  await expect(dialog.getByTestId('export-redactions')).toContainText('trailer X-Signature: removed (credential or signature)')
  const downloading = page.waitForEvent('download')
  await dialog.getByTestId('export-save').click()
  const download = await downloading
  const file = await readFile(await download.path())
  expect(file.toString()).not.toContain('v1=ff')

  const target = await inspector.app.call<{ slug: string }>('createEndpoint', { name: 'E2E trailers imported', slug: `trailers-in-${Date.now().toString(36)}` })
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${target.slug}"] [data-testid=endpoint-select]`).click()
  await importFile(page, { name: download.suggestedFilename(), mimeType: 'application/json', buffer: file }, 'Imported 1 capture.')

  await row(page, '/chunked').click()
  await expect(page.getByTestId('imported-from')).toContainText(download.suggestedFilename())
  await expect(page.getByTestId('request-trailers').getByTestId('header-row')).toHaveText([/^X-Digest\s*sha-256=:abc=:$/])
})
