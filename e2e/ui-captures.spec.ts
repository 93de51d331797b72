/**
 * The capture list and detail view in the real UI, against the headless app: live arrival, every
 * body view with exact bytes, refusals, keyboard, scroll anchoring and copy-as-curl.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

const run = promisify(execFile)

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex')
}

test('a callback appears live, without reloading, and its JSON body is shown exactly', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'json')
  await expect(page.getByTestId('captures-empty')).toContainText(`Send one to ${endpoint.url}`)

  const body = Buffer.from('{"id":"evt_1","type":"payment_intent.succeeded","data":{"amount":1000,"note":"a \\"quote\\""}}')
  const status = await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/webhooks/stripe?attempt=1',
    headers: [
      ['Content-Type', 'application/json'],
      ['Stripe-Signature', 't=1,v1=abc'],
      ['x-dup', 'one'],
      ['X-Dup', 'two'],
    ],
    body,
  })
  expect(status).toBe(200)

  await expect(row(page, '/webhooks/stripe?attempt=1')).toHaveCount(1)
  await expect(page.getByTestId('capture-count')).toHaveText('1 capture')
  await expect(page.locator(`[data-endpoint-slug="${endpoint.slug}"] [data-testid=endpoint-count]`)).toHaveText('1')

  await row(page, '/webhooks/stripe').click()
  await expect(page.getByTestId('detail-request-line')).toHaveText(`POST /${endpoint.slug}/webhooks/stripe?attempt=1 HTTP/1.1`)
  await expect(page.getByTestId('detail-body-sha256')).toHaveText(sha256(body))
  await expect(page.getByTestId('detail-body-size')).toContainText(`${body.length} bytes`)
  // Raw order, case and duplicates kept.
  const headerRows = page.getByTestId('request-headers').getByTestId('header-row')
  await expect(headerRows.filter({ hasText: /dup/i })).toHaveText([/^x-dup\s*one$/, /^X-Dup\s*two$/])

  await expect(page.getByTestId('body-tab-json')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('json-body')).toContainText('"payment_intent.succeeded"')
  await page.getByTestId('body-tab-text').first().click()
  await expect(page.getByTestId('text-body')).toHaveText(body.toString('utf8'))
  await expect(page.getByTestId('detail-response')).toContainText('200')
})

test('form, XML, binary and non-UTF-8 bodies get the right views, and HTML is never rendered', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'kinds')
  const send = (path: string, contentType: string, body: Buffer) =>
    inspector.sendCallback({ slug: endpoint.slug, path, headers: [['Content-Type', contentType]], body })

  await send('/form', 'application/x-www-form-urlencoded', Buffer.from('status=OK&name=J%C3%BCrgen+M&x=1&x=2'))
  await send('/xml', 'application/xml', Buffer.from('<?xml version="1.0"?><result><status>OK</status></result>'))
  const binary = Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x89, 0x50, 0x4e, 0x47])
  await send('/binary', 'application/octet-stream', binary)
  await send('/latin1', 'text/plain; charset=iso-8859-1', Buffer.from('caf\xe9', 'latin1'))
  await send('/html', 'text/html', Buffer.from('<img src=x data-testid="injected"><script>window.pwned=1</script>'))
  await expect(page.getByTestId('capture-row')).toHaveCount(5)

  await row(page, '/form').click()
  await expect(page.getByTestId('body-tab-form')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('form-field')).toHaveText([/^status\s*OK$/, /^name\s*Jürgen M$/, /^x\s*1$/, /^x\s*2$/])

  await row(page, '/xml').click()
  await expect(page.getByTestId('xml-body')).toHaveText('<?xml version="1.0"?>\n<result>\n  <status>OK</status>\n</result>')

  await row(page, '/binary').click()
  await expect(page.getByTestId('body-tab-hex')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('hex-body')).toContainText('00 01 02 ff fe 89 50 4e  47')
  await expect(page.getByTestId('hex-body')).toContainText('|......PNG')
  // Bytes that are not text cannot be copied as text (a click copied nothing and said "Copied").
  await expect(page.getByTestId('body-copy')).toBeDisabled()
  await expect(page.getByTestId('detail-body-sha256')).toHaveText(sha256(binary))

  // A declared charset is honoured: the text view first, saying how the bytes were decoded.
  await row(page, '/latin1').click()
  await expect(page.getByTestId('body-tab-text').first()).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('text-body')).toHaveText('café')
  await expect(page.getByTestId('detail-body')).toContainText('decoded as ISO-8859-1')
  await page.getByTestId('body-tab-hex').first().click()
  await expect(page.getByTestId('hex-body')).toContainText('63 61 66 e9')

  await row(page, '/html').click()
  await expect(page.getByTestId('text-body')).toContainText('<img src=x data-testid="injected">')
  await expect(page.getByTestId('injected')).toHaveCount(0)
})

test('arrow keys move the selection; new captures do not move rows the user scrolled to', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'scroll')
  for (let batch = 0; batch < 4; batch++) {
    await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        inspector.sendCallback({ slug: endpoint.slug, path: `/n/${batch * 25 + index}`, body: '{}', headers: [['Content-Type', 'application/json']] }),
      ),
    )
  }
  await expect(page.getByTestId('capture-count')).toHaveText('100 captures')

  await page.getByTestId('capture-row').first().click()
  const firstTarget = await page.locator('[data-testid=capture-row][aria-selected=true] .cell-target').innerText()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowUp')
  const secondRow = page.getByTestId('capture-row').nth(1)
  await expect(secondRow).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('detail-request-line')).toContainText(await secondRow.locator('.cell-target').innerText())
  expect(firstTarget).not.toBe(await secondRow.locator('.cell-target').innerText())

  await page.getByTestId('capture-scroll').hover()
  await page.mouse.wheel(0, 600)
  const anchored = row(page, '/n/70')
  await expect(anchored).toBeVisible()
  const before = await anchored.boundingBox()
  await inspector.sendCallback({ slug: endpoint.slug, path: '/late/1', body: 'x' })
  await inspector.sendCallback({ slug: endpoint.slug, path: '/late/2', body: 'x' })
  await expect(page.getByTestId('new-captures')).toHaveText('↑ 2 new captures')
  expect((await anchored.boundingBox())?.y).toBe(before?.y)

  await page.getByTestId('new-captures').click()
  await expect(row(page, '/late/2')).toBeVisible()
  await expect(page.getByTestId('new-captures')).toHaveCount(0)
})

test('copy as curl resends the exact bytes, and a capture can be deleted', async ({ page, context, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'curl')
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(inspector.app.ready.ui).origin })
  const body = Buffer.from([0x00, 0x27, 0x5c, 0x0a, 0x0d, 0xe9, 0x41, 0x24, 0x60])
  await inspector.sendCallback({
    slug: endpoint.slug,
    method: 'PATCH',
    path: '/orig?q=a%20b',
    headers: [
      ['Content-Type', 'application/octet-stream'],
      ['X-Quote', "it's"],
    ],
    body,
  })
  await row(page, '/orig').click()
  await page.getByTestId('copy-curl').click()
  const command = String(await page.evaluate('navigator.clipboard.readText()'))
  expect(command).toContain('-X PATCH')
  await run('bash', ['-c', `${command.replace('/orig?', '/copy?')} -s -o /dev/null`])

  await row(page, '/copy?q=a%20b').click()
  await expect(page.getByTestId('detail-request-line')).toContainText('PATCH')
  await expect(page.getByTestId('detail-body-sha256')).toHaveText(sha256(body))
  await expect(page.getByTestId('request-headers')).toContainText("it's")

  // Deleting one capture asks first (it cannot be undone).
  await page.getByTestId('delete-capture').click()
  await expect(page.getByTestId('confirm-dialog')).toContainText('This cannot be undone')
  await page.getByTestId('confirm-button').click()
  await expect(row(page, '/copy')).toHaveCount(0)
  await expect(page.getByTestId('capture-count')).toHaveText('1 capture')
})
