/**
 * "Copy as curl" on a capture whose request line had an absolute-form target (as some proxies
 * send it) and HTTP/1.0: the copied command, run in a shell, sends them as captured. It sent the
 * URL's path with HTTP/1.1 before, so the resent capture read `/slug/abs?x=1 HTTP/1.1`.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { expect, test } from './fixtures/inspector'
import { rows } from './fixtures/capture-rows'
import { sendRaw } from '../src-main/test-support/http-client'

const run = promisify(execFile)

test('copy as curl sends an absolute-form target and HTTP/1.0 as captured', async ({ page, context, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'curl-target')
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(inspector.app.ready.ui).origin })
  const host = new URL(inspector.app.ready.receiver).host
  const target = `http://${host}/${endpoint.slug}/abs?x=1`
  const body = '{"id":"evt_1"}'
  expect(await sendRaw(inspector.app.ready.receiver, `PUT ${target} HTTP/1.0\r\nHost: ${host}\r\nContent-Length: ${body.length}\r\n\r\n${body}`)).toMatch(
    /^HTTP\/1\.[01] 200 /,
  )

  await rows(page).first().click()
  await expect(page.getByTestId('detail-request-line')).toHaveText(`PUT ${target} HTTP/1.0`)
  await page.getByTestId('copy-curl').click()
  const command = String(await page.evaluate('navigator.clipboard.readText()'))
  // Quiet (-sS) as the export's commands: pasted into a script with its output redirected, no progress meter.
  expect(command).toMatch(/^curl -sS /)
  await run('bash', ['-c', `${command} -o /dev/null`])

  await expect(rows(page)).toHaveCount(2)
  await rows(page).first().click()
  await expect(page.getByTestId('detail-request-line')).toHaveText(`PUT ${target} HTTP/1.0`)
  await expect(page.getByTestId('detail-body-sha256')).toHaveText(createHash('sha256').update(body).digest('hex'))
})
