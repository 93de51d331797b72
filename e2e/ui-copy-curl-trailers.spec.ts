/**
 * "Copy as curl" of a capture whose chunked body ended with trailer fields: curl cannot send them,
 * and the detail (and the `c` key's notice) says so in the words a resend uses, where the copy
 * dropped them without a word before.
 */
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'
import { sendRaw } from '../src-main/test-support/http-client'

test('copying a capture with trailer fields as curl says they are not in the command', async ({ page, context, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'curl-trailers')
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(inspector.app.ready.ui).origin })
  const chunked = (path: string, trailers: string) =>
    `POST /${endpoint.slug}${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n${trailers}\r\n`
  expect(await sendRaw(inspector.app.ready.receiver, chunked('/plain', ''))).toMatch(/^HTTP\/1\.1 200 /)
  expect(await sendRaw(inspector.app.ready.receiver, chunked('/trailers', 'X-Digest: sha-256=:abc=:\r\nx-digest: second\r\n'))).toMatch(/^HTTP\/1\.1 200 /)

  await row(page, '/trailers').click()
  const copy = page.getByTestId('copy-curl')
  await expect(copy).toHaveAttribute('title', 'Copy as curl: trailer fields not sent (X-Digest, x-digest): curl cannot send them')
  await expect(page.getByTestId('copy-curl-left-out')).toHaveCount(0)
  await copy.click()
  await expect(page.getByTestId('copy-curl-left-out')).toHaveText('Copied as curl: trailer fields not sent (X-Digest, x-digest): curl cannot send them.')
  expect(String(await page.evaluate('navigator.clipboard.readText()'))).not.toContain('sha-256=:abc=:')

  // The `c` key copies the same command and says the same.
  await row(page, '/trailers').click()
  await page.keyboard.press('c')
  await expect(page.getByTestId('toast')).toContainText(
    'Copied the capture as a curl command; trailer fields not sent (X-Digest, x-digest): curl cannot send them.',
  )

  // A capture without trailers copies without a word about them.
  await row(page, '/plain').click()
  await expect(page.getByTestId('copy-curl')).toHaveAttribute('title', 'Copy as curl')
  await page.getByTestId('copy-curl').click()
  await expect(page.getByTestId('copy-curl')).toHaveAttribute('data-copy-state', 'copied')
  await expect(page.getByTestId('copy-curl-left-out')).toHaveCount(0)
})
