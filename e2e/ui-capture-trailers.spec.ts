/**
 * A chunked body's trailer fields are shown in the capture's headers section, below its headers,
 * as sent (order, case, repeats); a capture without them shows no trailers table. The search box
 * finds them as it finds headers.
 */
import { expect, test } from './fixtures/inspector'
import { row, rows } from './fixtures/capture-rows'
import { sendRaw } from '../src-main/test-support/http-client'

test('trailer fields are shown below the request headers', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'trailers')
  const request =
    `POST /${endpoint.slug}/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nTrailer: X-Digest\r\nConnection: close\r\n\r\n` +
    '2\r\n{}\r\n0\r\nX-Digest: sha-256=:abc=:\r\nx-digest: second\r\n\r\n'
  expect(await sendRaw(inspector.app.ready.receiver, request)).toMatch(/^HTTP\/1\.1 200 /)
  await inspector.sendCallback({ slug: endpoint.slug, path: '/plain', body: '{}' })

  await row(page, '/chunked').click()
  await expect(page.getByTestId('detail-headers')).toContainText('4 + 2 trailers')
  await expect(page.getByTestId('request-trailers').getByTestId('header-row')).toHaveText([/^X-Digest\s*sha-256=:abc=:$/, /^x-digest\s*second$/])
  await expect(page.getByTestId('request-headers').getByTestId('header-row')).toHaveCount(4)

  await row(page, '/plain').click()
  await expect(page.getByTestId('request-headers')).toBeVisible()
  await expect(page.getByTestId('request-trailers')).toHaveCount(0)
})

test('a trailer field is found by the search box as a header is', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'trailer-search')
  const request =
    `POST /${endpoint.slug}/signed HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
    '2\r\n{}\r\n0\r\nX-Body-Digest: sha-256=:Q2F0:\r\n\r\n'
  expect(await sendRaw(inspector.app.ready.receiver, request)).toMatch(/^HTTP\/1\.1 200 /)
  await inspector.sendCallback({ slug: endpoint.slug, path: '/plain', body: '{}' })
  await expect(rows(page)).toHaveCount(2)

  const search = page.getByTestId('filter-text')
  await search.fill('header.x-body-digest:q2f0')
  await expect(rows(page)).toHaveCount(1)
  await expect(row(page, '/signed')).toHaveCount(1)
  await expect(page.getByTestId('capture-count')).toHaveText('1 of 2 captures')
  await search.fill('sha-256=:q2f0:')
  await expect(row(page, '/signed')).toHaveCount(1)
  await expect(rows(page)).toHaveCount(1)
})
