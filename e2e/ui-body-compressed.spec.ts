/**
 * Bodies sent with a Content-Encoding (gzip, deflate) in the real UI: shown decompressed in every
 * view but Hex, which keeps the exact bytes received; found, copied (button and b key) as the
 * decompressed text; saved as the bytes received. Brotli and corrupt data say why they are not
 * decompressed. Before, a gzip JSON body opened in Hex under "Declared as application/json, but
 * the bytes are not valid UTF-8", though the search found it by its decompressed text.
 */
import { readFile } from 'node:fs/promises'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

const requestBody = (page: Page) => page.getByTestId('request-body')

test('a gzip JSON body is shown, found and copied decompressed; Hex and Save keep the bytes received', async ({ page, context, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'gzip')
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(inspector.app.ready.ui).origin })
  const json = '{"id": "evt_gzip_123", "amount": 10.10, "big": 12345678901234567891, "email": "gz@example.com", "name": "Zoë"}'
  const gzipped = gzipSync(Buffer.from(json))
  const headers: Array<[string, string]> = [
    ['Content-Type', 'application/json'],
    ['Content-Encoding', 'gzip'],
  ]
  expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/gzip', headers, body: gzipped })).toBe(200)

  // Found by its decompressed text (the search always did this), then opened.
  await page.getByTestId('filter-text').fill('gz@example.com')
  await expect(row(page, '/gzip')).toHaveCount(1)
  await row(page, '/gzip').click()
  const body$ = requestBody(page)
  await expect(body$.getByTestId('body-tab-json')).toHaveAttribute('aria-selected', 'true')
  await expect(body$.getByTestId('json-value')).toHaveText(['"evt_gzip_123"', '10.10', '12345678901234567891', '"gz@example.com"', '"Zoë"'])
  await expect(body$.getByTestId('body-provenance')).toContainText(`decompressed from gzip (${gzipped.length} bytes received) · decoded as UTF-8`)
  await expect(body$.getByTestId('body-notice')).toHaveCount(0)
  await expect(page.getByTestId('detail-body')).toContainText('application/json · gzip')

  await body$.getByTestId('body-tab-text').click()
  await expect(body$.getByTestId('text-body')).toContainText('"email": "gz@example.com"')

  await body$.getByTestId('body-find-open').click()
  await body$.getByTestId('body-find-input').fill('evt_gzip')
  await expect(body$.getByTestId('body-find-count')).toHaveText('1 of 1')
  await page.keyboard.press('Escape')

  // Hex: the bytes as they came (gzip's magic number first).
  await body$.getByTestId('body-tab-hex').click()
  await expect(body$.getByTestId('body-provenance')).toHaveText('The exact bytes received (gzip-compressed, as sent).')
  await expect(body$.getByTestId('hex-body')).toContainText('1f 8b 08')

  await body$.getByTestId('body-copy').click()
  await expect(body$.getByTestId('body-copy')).toHaveAttribute('data-copy-state', 'copied')
  expect(String(await page.evaluate('navigator.clipboard.readText()'))).toBe(json)

  // The b key copies what the button copies.
  await page.evaluate(() => navigator.clipboard.writeText(''))
  await row(page, '/gzip').click()
  await page.keyboard.press('b')
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(json)

  const downloading = page.waitForEvent('download')
  await body$.getByTestId('body-save').click()
  const download = await downloading
  expect(download.suggestedFilename()).toMatch(/^capture-[\w-]+-request\.json\.gz$/)
  expect(await readFile(await download.path())).toEqual(gzipped)
})

test('deflate and form bodies are decompressed too; brotli and corrupt gzip say why they are shown as received', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'codings')
  const send = (path: string, contentType: string, contentEncoding: string, body: Buffer) =>
    inspector.sendCallback({
      slug: endpoint.slug,
      path,
      headers: [
        ['Content-Type', contentType],
        ['Content-Encoding', contentEncoding],
      ],
      body,
    })
  await send('/deflate-form', 'application/x-www-form-urlencoded', 'deflate', deflateSync(Buffer.from('name=J%C3%BCrgen+Stra%C3%9Fe&amount=12.50')))
  await send('/brotli', 'application/json', 'br', brotliCompressSync(Buffer.from('{"a": 1}')))
  await send('/corrupt', 'application/json', 'gzip', gzipSync(Buffer.from('{"a": 1}')).subarray(0, 12))

  await row(page, '/deflate-form').click()
  const body$ = requestBody(page)
  await expect(body$.getByTestId('body-tab-form')).toHaveAttribute('aria-selected', 'true')
  await expect(body$.getByTestId('form-field')).toHaveText([/name\s*Jürgen Straße/, /amount\s*12\.50/])
  await expect(body$.getByTestId('body-provenance')).toContainText('decompressed from deflate')

  await row(page, '/brotli').click()
  await expect(body$.getByTestId('body-notice')).toHaveText('Content-Encoding br: Brotli (br) cannot be decompressed here. Shown as the bytes received.')
  await expect(body$.getByTestId('body-tab-hex')).toHaveAttribute('aria-selected', 'true')

  await row(page, '/corrupt').click()
  await expect(body$.getByTestId('body-notice')).toHaveText(
    'Content-Encoding gzip: the bytes are not valid gzip data (corrupt or cut short). Shown as the bytes received.',
  )
  await expect(body$.getByTestId('hex-body')).toContainText('1f 8b 08')
})
