/**
 * Compare says how it read each body: the same JSON sent gzip-compressed and plain read "Every JSON
 * value is the same; only the text differs (spacing, key order, escapes or a byte order mark)",
 * pointing at a line diff with nothing in it, when what differed was the encoding.
 */
import { gzipSync } from 'node:zlib'
import { expect, test } from './fixtures/inspector'

test('the same JSON compressed and plain: Compare says it read one decompressed and that only the encoding differs', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'compare-gzip')
  const json = '{"event":"charge.succeeded","id":"ch_1","amount":499}'
  await inspector.sendCallback({ slug: endpoint.slug, path: '/plain', headers: [['Content-Type', 'application/json']], body: json })
  await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/gzip',
    headers: [
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'gzip'],
    ],
    body: gzipSync(json),
  })
  const rows = page.getByTestId('capture-row')
  await expect(rows).toHaveCount(2)
  await rows.nth(1).getByTestId('row-check').check()
  await rows.nth(0).getByTestId('row-check').check()
  await page.getByTestId('compare-selection').click()
  const dialog = page.getByTestId('compare-dialog')
  await expect(dialog.getByTestId('compare-read-as')).toHaveText('Compared as read: Left as received (UTF-8) · Right gzip decompressed (Content-Encoding)')
  await expect(dialog.getByTestId('json-path-same')).toHaveText(
    'Every JSON value is the same (3 values), and so is the text as read: the bodies differ only in how they were encoded (see above).',
  )
})
