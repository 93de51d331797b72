/**
 * Resend "as captured" of a capture whose chunked body ended with trailer fields: the resend
 * sends the body whole with Content-Length and no trailers, and the dialog says so instead of
 * calling it the captured bytes (it read "The captured bytes, unchanged" before).
 */
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'
import { sendRaw } from '../src-main/test-support/http-client'
import { startLoopbackTarget } from '../src-main/test-support/loopback-target'

test('a resend of a capture with trailer fields says they are not sent', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'resend-trailers')
  const request =
    `POST /${endpoint.slug}/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
    '2\r\n{}\r\n0\r\nX-Digest: sha-256=:abc=:\r\nx-digest: second\r\n\r\n'
  expect(await sendRaw(inspector.app.ready.receiver, request)).toMatch(/^HTTP\/1\.1 200 /)
  const target = await startLoopbackTarget()
  try {
    await row(page, '/chunked').click()
    await page.getByTestId('resend-capture').click()
    const dialog = page.getByTestId('resend-dialog')
    await dialog.getByTestId('resend-target').fill(`${target.url}/hook`)
    await expect(dialog.getByTestId('replay-differs')).toContainText('trailer fields not sent (X-Digest, x-digest): the body goes whole, with Content-Length')
    await expect(dialog.getByTestId('replay-same')).toHaveCount(0)
    await dialog.getByTestId('resend-send').click()
    await expect.poll(() => target.received.length).toBe(1)
    expect(target.received[0]!.body.toString()).toBe('{}')
  } finally {
    await target.close()
  }
})
