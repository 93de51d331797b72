/**
 * Resend from the real UI: a signed IXOPAY callback is captured, its amount edited in
 * the resend dialog, re-signed, and sent to a loopback merchant server that accepts only valid
 * IXOPAY signatures; the 200 shows in the capture's history. A target that refuses connections is
 * shown as clearly as an answer.
 */
import { generateKeyPairSync } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { Page } from '@playwright/test'
import { signIxopayJson } from '../src-main/core/providers/index'
import { FORWARD_TIMEOUT_MS } from '../src-main/shared/replay-limits'
import { startLoopbackTarget } from '../src-main/test-support/loopback-target'
import { verifyingIxopayTarget } from '../src-main/test-support/verifying-target'
import { saveScreenshot } from './fixtures/screenshots'
import { expect, test, type InspectorFixture } from './fixtures/inspector'

const SECRET = 'e2e-ixopay-shared-secret'

interface EndpointInfo {
  id: string
  slug: string
  url: string
}

async function captureSignedIxopay(inspector: InspectorFixture, page: Page, prefix: string): Promise<{ endpoint: EndpointInfo; body: string }> {
  const slug = `${prefix}-${Date.now().toString(36)}`
  const endpoint = await inspector.app.call<EndpointInfo>('createEndpoint', { name: `E2E ${prefix}`, slug })
  await inspector.app.call('addKey', { endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: SECRET } })
  const body = JSON.stringify({
    result: 'OK',
    uuid: 'tx-e2e-1',
    merchantTransactionId: 'order-1001',
    transactionType: 'DEBIT',
    amount: '9.99',
    currency: 'EUR',
  })
  const signed = signIxopayJson({ secret: SECRET, body, date: new Date().toUTCString(), requestUri: `/${slug}/callbacks/ixopay?orderId=1001` })
  expect(await inspector.sendCallback({ slug, path: '/callbacks/ixopay?orderId=1001', headers: signed.headers, body })).toBe(200)
  await inspector.openUi(page)
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('capture-detail')).toBeVisible()
  return { endpoint, body }
}

test('edit the amount of a signed IXOPAY callback, resend it re-signed, and see the 200 in the history', async ({ page, inspector }) => {
  const target = await verifyingIxopayTarget(SECRET)
  try {
    const { body } = await captureSignedIxopay(inspector, page, 'resend')
    await expect(page.getByTestId('replay-history-empty')).toBeVisible()

    await page.getByTestId('resend-capture').click()
    const dialog = page.getByTestId('resend-dialog')
    await expect(dialog).toBeVisible()
    await dialog.getByTestId('resend-target').fill(`${target.url}/callbacks/ixopay`)
    // As captured: the preview says the bytes are unchanged (the path is the target's).
    await expect(dialog.getByTestId('replay-same')).toBeVisible()
    await expect(dialog.getByTestId('replay-path-note')).toContainText('/callbacks/ixopay')
    // IXOPAY signs the path: the preview says this resend will fail verification, and offers Re-sign.
    await expect(dialog.getByTestId('resend-signature-warning')).toContainText('IXOPAY signs the request path')
    await expect(dialog.getByTestId('resend-warning-resign')).toBeVisible()

    await dialog.getByTestId('resend-mode').getByText('Edit', { exact: true }).click()
    await expect(dialog.getByTestId('resend-mode-edit')).toBeChecked()
    const editor = dialog.getByTestId('resend-body')
    await expect(editor).toHaveValue(body)
    // Invalid JSON is reported while typing, without blocking.
    await editor.fill(body.slice(0, -1))
    await expect(dialog.getByTestId('resend-body-status')).toContainText('Not valid JSON')
    await expect(dialog.getByTestId('resend-send')).toBeEnabled()
    await editor.fill(body.replace('"9.99"', '"19.99"'))
    await expect(dialog.getByTestId('resend-body-status')).toHaveText('Valid JSON.')

    await dialog.getByTestId('resend-warning-resign').click()
    await expect(dialog.getByTestId('resend-resign')).toBeChecked()
    await expect(dialog.getByTestId('resend-signature-warning')).toHaveCount(0)
    await expect(dialog.getByTestId('replay-differs')).toContainText('This request differs from the capture')
    await expect(dialog.getByTestId('replay-differs')).toContainText('body edited')
    await expect(dialog.getByTestId('replay-differs')).toContainText('X-Signature re-signed')
    await expect(dialog.getByTestId('replay-differs')).toContainText('Date refreshed')
    await expect(dialog.getByTestId('replay-body-diff').locator('[data-diff=add]')).toContainText('19.99')
    await expect(dialog.getByTestId('replay-body-diff').locator('[data-diff=remove]')).toContainText('9.99')
    await expect(dialog.getByTestId('resign-change').filter({ hasText: 'X-Signature' })).toHaveCount(1)
    // The values by path name their sides as the line diff does: what was captured, what is sent.
    const valueChanges = dialog.getByTestId('json-path-changes')
    await expect(valueChanges.locator('th')).toHaveText(['Path', 'Captured', 'Sent'])
    await expect(valueChanges.locator('tr[data-path="$.amount"] td')).toHaveText(['$.amount', '"9.99"', '"19.99"'])
    await saveScreenshot(page, 'resend-preview', { bothSchemes: true })

    await dialog.getByTestId('resend-send').click()
    await expect(dialog.getByTestId('resend-result').getByTestId('replay-status')).toContainText('200 OK')
    await expect(dialog.getByTestId('replay-response-body')).toHaveText('OK')
    await expect(dialog.getByTestId('resend-result-earlier')).toHaveCount(0)
    await saveScreenshot(page, 'resend-result', { bothSchemes: true })
    expect(target.received).toHaveLength(1)
    expect(target.received[0]?.body.toString()).toContain('"19.99"')

    // Edited again after the send: the 200 above belongs to the request sent, not to this one.
    await editor.fill(body.replace('"9.99"', '"29.99"'))
    await expect(dialog.getByTestId('resend-result-earlier')).toHaveText(
      'This answered the last send. The request has been changed since: what is below has not been sent yet.',
    )
    await editor.fill(body.replace('"9.99"', '"19.99"'))
    await expect(dialog.getByTestId('resend-result-earlier')).toHaveCount(0)

    await dialog.getByTestId('dialog-close').click()
    await expect(dialog).toBeHidden()
    const record = page.getByTestId('replay-record')
    await expect(record).toHaveCount(1)
    await expect(record).toHaveAttribute('data-status', '200')
    await expect(record.getByTestId('replay-record-status')).toHaveText('200 OK')
    await expect(record.getByTestId('replay-differs-marker')).toBeVisible()
    await record.getByRole('button').first().click()
    await expect(record.getByTestId('replay-record-detail').getByTestId('replay-sent-body')).toContainText('19.99')
    await record.scrollIntoViewIfNeeded()
    await saveScreenshot(page, 'resend-history', { bothSchemes: true })
  } finally {
    await target.close()
  }
})

test("the resend header editor's remove buttons sit level with their row's inputs", async ({ page, inspector }) => {
  await captureSignedIxopay(inspector, page, 'headers-align')
  await page.getByTestId('resend-capture').click()
  const dialog = page.getByTestId('resend-dialog')
  await dialog.getByTestId('resend-mode').getByText('Edit', { exact: true }).click()
  await expect(dialog.getByTestId('header-edit-row').first()).toBeVisible()
  // The middle of each row's name input and of its ✕ as drawn (the glyph's box, not the button's).
  const rows = await dialog.getByTestId('header-edit-row').evaluateAll((elements) =>
    elements.map((row) => {
      const input = row.querySelector('[data-testid=header-edit-name]')!.getBoundingClientRect()
      const glyph = document.createRange()
      glyph.selectNodeContents(row.querySelector('[data-testid=header-edit-remove]')!)
      const drawn = glyph.getBoundingClientRect()
      return { input: input.top + input.height / 2, remove: drawn.top + drawn.height / 2 }
    }),
  )
  expect(rows.length).toBeGreaterThan(1)
  // It sat 4.7 px above them (top-aligned cell): level now, to within a pixel and a half.
  for (const row of rows) expect(Math.abs(row.remove - row.input)).toBeLessThanOrEqual(1.5)
})

test('the resend editor says an ISO-8859-1 or compressed body is text it cannot write, not binary', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'latin1')
  const latin1 = Buffer.from('Name=M\xfcller&City=K\xf6ln', 'latin1')
  expect(
    await inspector.sendCallback({ slug: endpoint.slug, path: '/notify', headers: [['Content-Type', 'text/plain; charset=iso-8859-1']], body: latin1 }),
  ).toBe(200)
  expect(
    await inspector.sendCallback({
      slug: endpoint.slug,
      path: '/png',
      headers: [['Content-Type', 'image/png']],
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff]),
    }),
  ).toBe(200)
  const gzip = gzipSync('{"result":"OK"}')
  expect(
    await inspector.sendCallback({
      slug: endpoint.slug,
      path: '/gzip',
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
      ],
      body: gzip,
    }),
  ).toBe(200)

  for (const [path, statement] of [
    ['/notify', 'The body is ISO-8859-1 text (21 bytes) and the editor writes UTF-8: it is sent as captured. Method and headers can still be edited.'],
    ['/png', 'The body is binary (7 bytes): it is sent as captured. Method and headers can still be edited.'],
    // Compressed JSON is not binary: it read "The body is binary (35 bytes)".
    [
      '/gzip',
      `The body is gzip-compressed (${gzip.length} bytes), which the editor cannot write: it is sent as captured. Method and headers can still be edited.`,
    ],
  ] as const) {
    await page.getByTestId('capture-row').filter({ hasText: path }).click()
    await page.getByTestId('resend-capture').click()
    const dialog = page.getByTestId('resend-dialog')
    await dialog.getByTestId('resend-mode').getByText('Edit', { exact: true }).click()
    await expect(dialog.getByTestId('resend-body-not-editable')).toHaveText(statement)
    await dialog.getByTestId('dialog-close').click()
    await expect(dialog).toBeHidden()
  }
})

test('an edit to a body with CRLF line breaks keeps them: only the edited line changes', async ({ page, inspector }) => {
  const target = await startLoopbackTarget()
  try {
    const endpoint = await inspector.openOwnEndpoint(page, 'crlf')
    const body = '--XX\r\nContent-Disposition: form-data; name="amount"\r\n\r\n9.99\r\n--XX--\r\n'
    const mixed = 'amount=9.99\r\ncurrency=EUR\n'
    for (const [path, sent] of [
      ['/multipart', body],
      ['/mixed', mixed],
    ] as const) {
      expect(await inspector.sendCallback({ slug: endpoint.slug, path, headers: [['Content-Type', 'multipart/form-data; boundary=XX']], body: sent })).toBe(200)
    }

    await page.getByTestId('capture-row').filter({ hasText: '/multipart' }).click()
    await page.getByTestId('resend-capture').click()
    const dialog = page.getByTestId('resend-dialog')
    await dialog.getByTestId('resend-target').fill(`${target.url}/hook`)
    await dialog.getByTestId('resend-mode').getByText('Edit', { exact: true }).click()
    // The textarea holds LF only (the browser's doing); the request sent has the CRLF back.
    await dialog.getByTestId('resend-body').fill(body.replaceAll('\r\n', '\n').replace('9.99', '19.99'))
    await expect(dialog.getByTestId('replay-body-diff').locator('[data-diff=remove]')).toHaveCount(1)
    await expect(dialog.getByTestId('replay-body-diff').locator('[data-diff=add]')).toHaveCount(1)
    await expect(dialog.getByTestId('replay-body-diff').locator('[data-diff=add]')).toContainText('19.99')
    await dialog.getByTestId('resend-send').click()
    await expect(dialog.getByTestId('resend-result').getByTestId('replay-status')).toContainText('200 OK')
    // Before, every line went out with LF: 9 bytes shorter, and a multipart body no parser reads.
    expect(target.received[0]?.body.toString('latin1')).toBe(body.replace('9.99', '19.99'))
    await dialog.getByTestId('dialog-close').click()
    await expect(dialog).toBeHidden()

    // Mixed line breaks cannot survive the textarea: the body is sent as captured, and it says so.
    await page.getByTestId('capture-row').filter({ hasText: '/mixed' }).click()
    await page.getByTestId('resend-capture').click()
    await dialog.getByTestId('resend-mode').getByText('Edit', { exact: true }).click()
    await expect(dialog.getByTestId('resend-body-not-editable')).toHaveText(
      'The body mixes line breaks (CRLF, LF or a lone CR), which the editor would all make LF: it is sent as captured. Method and headers can still be edited.',
    )
  } finally {
    await target.close()
  }
})

test('a target that refuses connections is shown as a failure, in the dialog and in the history', async ({ page, inspector }) => {
  const closed = await startLoopbackTarget()
  const closedUrl = closed.url
  await closed.close()
  await captureSignedIxopay(inspector, page, 'refused')

  await page.getByTestId('resend-capture').click()
  const dialog = page.getByTestId('resend-dialog')
  // Keeping the captured path to the captured host path: the captured bytes, unchanged.
  await dialog.getByTestId('resend-target').fill(closedUrl)
  await dialog.getByTestId('resend-keep-path').check()
  await expect(dialog.getByTestId('replay-same')).toBeVisible()
  await dialog.getByTestId('resend-target').press('Control+Enter')
  const failure = dialog.getByTestId('resend-result').getByTestId('replay-failure')
  await expect(failure).toHaveAttribute('data-failure-kind', 'connection-refused')
  await expect(failure).toContainText('Connection refused')
  await saveScreenshot(page, 'resend-refused', { bothSchemes: true })
  await dialog.getByTestId('dialog-close').click()

  const record = page.getByTestId('replay-record')
  await expect(record).toHaveAttribute('data-status', 'connection-refused')
  await expect(record.getByTestId('replay-record-status')).toHaveText('Connection refused')
  // As captured: nothing differs.
  await expect(record.getByTestId('replay-differs-marker')).toHaveCount(0)
})

test('bulk replay of an endpoint: progress, then a results table', async ({ page, inspector }) => {
  const target = await startLoopbackTarget((request, response) => response.writeHead(request.body.toString() === '2' ? 500 : 200).end('ok'))
  try {
    const slug = `bulk-${Date.now().toString(36)}`
    await inspector.app.call('createEndpoint', { name: 'E2E bulk', slug })
    for (let index = 0; index < 4; index++) await inspector.sendCallback({ slug, path: `/n${index}`, body: String(index) })
    await inspector.openUi(page)
    await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()
    await expect(page.getByTestId('capture-count')).toHaveText('4 captures')

    await page.getByTestId('bulk-replay').click()
    const dialog = page.getByTestId('bulk-replay-dialog')
    await dialog.getByTestId('bulk-target').fill(target.url)
    await dialog.getByTestId('bulk-keep-path').check()
    await dialog.getByTestId('bulk-concurrency').fill('2')
    await dialog.getByTestId('bulk-start').click()
    await expect(dialog.getByTestId('bulk-progress')).toHaveAttribute('data-finished', 'true')
    await expect(dialog.getByTestId('bulk-counts')).toContainText('4 of 4 done')
    const rows = dialog.getByTestId('bulk-result-row')
    await expect(rows).toHaveCount(4)
    await expect(rows.nth(2)).toContainText('500')
    await expect(rows.nth(0)).toContainText('/n0')
    await saveScreenshot(page, 'bulk-results', { bothSchemes: true })
    expect(target.received.map((request) => request.target)).toEqual(expect.arrayContaining(['/n0', '/n1', '/n2', '/n3']))
  } finally {
    await target.close()
  }
})

test('send a test callback to an endpoint of the app, and forward an endpoint to a target', async ({ page, inspector }) => {
  const target = await startLoopbackTarget()
  try {
    const slug = `sim-${Date.now().toString(36)}`
    const endpoint = await inspector.app.call<EndpointInfo>('createEndpoint', { name: 'E2E simulate', slug })
    await inspector.openUi(page)
    await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()

    await page.getByTestId('open-simulator').click()
    const dialog = page.getByTestId('simulator-dialog')
    const templateId = await dialog.getByTestId('simulator-template').locator('option', { hasText: /debit/i }).first().getAttribute('value')
    await dialog.getByTestId('simulator-template').selectOption(templateId ?? '')
    await expect(dialog.getByTestId('simulator-endpoint')).toHaveValue(endpoint.id)
    await dialog.getByTestId('simulator-send').click()
    await expect(dialog.getByTestId('simulator-result').getByTestId('replay-status')).toContainText('200')
    await expect(dialog.getByTestId('simulator-generated-secret')).not.toBeEmpty()
    await saveScreenshot(page, 'simulator-result', { bothSchemes: true })
    await dialog.getByTestId('dialog-close').click()
    await expect(page.getByTestId('capture-row')).toHaveCount(1)

    const item = page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"]`)
    await item.getByTestId('forward-endpoint').click()
    const forward = page.getByTestId('forward-dialog')
    await forward.getByTestId('forward-target').fill(`${target.url}/stripe/webhook`)
    // Off by default, as in Resend, and the dialog says exactly where callbacks go.
    await expect(forward.getByTestId('forward-keep-path')).not.toBeChecked()
    await expect(forward.getByTestId('forward-url-preview')).toContainText(`Every callback is sent to exactly ${target.url}/stripe/webhook`)
    await forward.getByTestId('forward-keep-path').check()
    await expect(forward.getByTestId('forward-url-preview')).toContainText(`is sent to ${target.url}/stripe/webhook/notify?id=1`)
    await forward.getByTestId('forward-keep-path').uncheck()
    // Unticked, it says where callbacks would go, not that they go there.
    await forward.getByTestId('forward-enabled').uncheck()
    await expect(forward.getByTestId('forward-url-preview')).toContainText(
      `Forwarding is off. When on: every callback would be sent to exactly ${target.url}/stripe/webhook`,
    )
    await forward.getByTestId('forward-enabled').check()
    await forward.getByTestId('forward-mode-background').check()
    await saveScreenshot(page, 'forward-dialog', { bothSchemes: true })
    await forward.getByTestId('forward-save').click()
    await expect(forward).toBeHidden()
    await expect(item.getByTestId('endpoint-forwarding')).toContainText(`Forwarding (background) to ${target.url}/stripe/webhook`)
    await inspector.sendCallback({ slug, path: '/fwd', body: '{"forwarded":true}' })
    await expect(page.getByTestId('capture-row')).toHaveCount(2)
    await page.getByTestId('capture-row').first().click()
    await expect(page.getByTestId('replay-record')).toHaveAttribute('data-replay-kind', 'forward')
    await expect(page.getByTestId('replay-record')).toHaveAttribute('data-status', '200')
    // The forward goes to the target URL exactly (a capture at /<slug>/fwd does not become /stripe/webhook/fwd).
    expect(target.received.map((request) => request.target)).toEqual(['/stripe/webhook'])
    await saveScreenshot(page, 'forward-history', { bothSchemes: true })
  } finally {
    await target.close()
  }
})

test('a failed pass-through forward is marked in the list row, not only in the detail', async ({ page, inspector }) => {
  const slug = `fwd-dead-${Date.now().toString(36)}`
  const endpoint = await inspector.app.call<EndpointInfo>('createEndpoint', { name: 'E2E dead forward', slug })
  // Port 1 on loopback: nothing listens, the forward is refused at once. The product's own
  // timeout, not 2 s: an app stalled for longer than the timeout right after connecting (a busy CI
  // machine) records the timeout instead of the refusal this test is about.
  await inspector.app.call('setForwardConfig', {
    endpointId: endpoint.id,
    config: { enabled: true, targetUrl: 'http://127.0.0.1:1/hooks', mode: 'pass-through', timeoutMs: FORWARD_TIMEOUT_MS, keepCapturedPath: false },
  })
  await inspector.openUi(page)
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()
  expect(await inspector.sendCallback({ slug, path: '/cb', body: '{"id":1}' })).toBe(200)
  const row = page.getByTestId('capture-row').first()
  await expect(row.getByTestId('capture-forward-failed')).toHaveText('fwd failed')
  await expect(row.getByTestId('capture-forward-failed')).toHaveAttribute('title', /Forward to http:\/\/127\.0\.0\.1:1\/hooks failed: .*(refused|connect)/i)
})

test('a pass-through capture is listed while its target is awaited, as on its way, then with the answer relayed', async ({ page, inspector }) => {
  let release: () => void = () => undefined
  const released = new Promise<void>((resolve) => (release = resolve))
  const target = await startLoopbackTarget(async (_request, response) => {
    await released
    response.writeHead(201, { 'content-type': 'text/plain' }).end('made')
  })
  try {
    const slug = `fwd-held-${Date.now().toString(36)}`
    const endpoint = await inspector.app.call<EndpointInfo>('createEndpoint', { name: 'E2E awaited forward', slug })
    await inspector.app.call('setForwardConfig', {
      endpointId: endpoint.id,
      config: { enabled: true, targetUrl: target.url, mode: 'pass-through', timeoutMs: FORWARD_TIMEOUT_MS, keepCapturedPath: false },
    })
    await inspector.openUi(page)
    await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()
    const answered = inspector.sendCallback({ slug, path: '/cb', body: '{"id":1}' })
    // Stored before the target answered: listed at once, holding the sender, the forward on its way.
    const row = page.getByTestId('capture-row').first()
    await expect(row.getByTestId('capture-status')).toHaveAttribute('data-progress', 'awaiting-upstream')
    await expect(row.getByTestId('capture-status')).toHaveText('waiting')
    await expect(row.getByTestId('capture-forward-pending')).toHaveText('fwd …')
    await row.click()
    await expect(page.getByTestId('detail-forward')).toHaveAttribute('data-forward-state', 'pending')
    // Waiting for the upstream answer, which is on its way: not "Never answered".
    await expect(page.getByTestId('detail-answered-label')).toHaveText('Waiting')
    await expect(page.getByTestId('detail-answer-progress')).toContainText('Waiting for the upstream answer')
    await expect(page.getByTestId('response-status')).toContainText('nothing sent yet: waiting for the upstream answer')
    await expect(page.getByTestId('capture-detail')).not.toContainText('Never answered')
    // Drawn as an answer on its way, as the list row is, not in the error red.
    await expect(page.getByTestId('detail-answered').locator('.status')).toHaveClass(/status-pending/)
    await expect(page.getByTestId('detail-response').locator('.status').first()).toHaveClass(/status-pending/)
    release()
    expect(await answered).toBe(201)
    // Patched live once the answer is recorded (before it was sent).
    await expect(row.getByTestId('capture-status')).toHaveText('201')
    await expect(row.getByTestId('capture-forward-pending')).toHaveCount(0)
    await expect(page.getByTestId('detail-forward')).toHaveAttribute('data-forward-state', 'relayed')
    await expect(page.getByTestId('detail-answered-label')).toHaveText('Answered')
    await expect(page.getByTestId('detail-answered')).toContainText('201 Created')
    await expect(page.getByTestId('detail-answer-progress')).toHaveCount(0)
    await expect(page.getByTestId('response-status')).toContainText('201 Created')
  } finally {
    release()
    await target.close()
  }
})

test('a failed background forward is marked in the list row once it settles, and the detail says why', async ({ page, inspector }) => {
  const slug = `fwd-bg-dead-${Date.now().toString(36)}`
  const endpoint = await inspector.app.call<EndpointInfo>('createEndpoint', { name: 'E2E dead background forward', slug })
  // Port 1 on loopback: nothing listens. The sender gets the configured answer at once; the copy fails afterwards
  // (refused, not timed out: the product's own timeout, as above).
  await inspector.app.call('setForwardConfig', {
    endpointId: endpoint.id,
    config: { enabled: true, targetUrl: 'http://127.0.0.1:1/hooks', mode: 'background', timeoutMs: FORWARD_TIMEOUT_MS, keepCapturedPath: false },
  })
  await inspector.openUi(page)
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()
  expect(await inspector.sendCallback({ slug, path: '/cb', body: '{"id":1}' })).toBe(200)
  const row = page.getByTestId('capture-row').first()
  // Live: the row is patched by capture-updated, no reload.
  await expect(row.getByTestId('capture-forward-failed')).toHaveText('fwd failed')
  await expect(row.getByTestId('capture-forward-failed')).toHaveAttribute('title', /Forward to http:\/\/127\.0\.0\.1:1\/hooks failed: .*(refused|connect)/i)
  await row.click()
  await expect(page.getByTestId('detail-forward')).toHaveAttribute('data-forward-state', 'failed')
  await expect(page.getByTestId('detail-forward')).toContainText(/Forward to http:\/\/127\.0\.0\.1:1\/hooks failed: .*(refused|connect)/i)
})

test('the first screen asks for no forward settings per endpoint: they come with listEndpoints', async ({ page, inspector }) => {
  for (let index = 0; index < 3; index++) await inspector.app.call('createEndpoint', { name: `E2E first screen ${index} ${Date.now().toString(36)}` })
  const forwardCalls: string[] = []
  page.on('request', (request) => {
    if (request.url().includes('/api/getForwardConfig')) forwardCalls.push(request.url())
  })
  const listed = page.waitForResponse((response) => response.url().includes('/api/listCaptures'))
  await inspector.openUi(page)
  await expect(page.getByTestId('endpoint-item')).not.toHaveCount(0)
  // The endpoint cards (with their forward badges) render before the captures are listed.
  await listed
  expect(forwardCalls).toEqual([])
})

test('a test callback asked to be signed with the keys of an endpoint that holds only a public key says why it used a generated pair', async ({
  page,
  inspector,
}) => {
  const slug = `sim-chip-${Date.now().toString(36)}`
  const endpoint = await inspector.app.call<EndpointInfo>('createEndpoint', { name: 'E2E CHIP public key', slug })
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  await inspector.app.call('addKey', { endpointId: endpoint.id, key: { kind: 'rsa-public-key', provider: 'chip', pem } })
  await inspector.openUi(page)
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()
  await page.getByTestId('open-simulator').click()
  const dialog = page.getByTestId('simulator-dialog')
  const templateId = await dialog.getByTestId('simulator-template').locator('option', { hasText: /CHIP/ }).first().getAttribute('value')
  await dialog.getByTestId('simulator-template').selectOption(templateId ?? '')
  await dialog.getByTestId('simulator-key-endpoint').check()
  await dialog.getByTestId('simulator-keys-endpoint').selectOption(endpoint.id)
  await dialog.getByTestId('simulator-send').click()
  await expect(dialog.getByTestId('simulator-key')).toContainText('Generated for this callback')
  await expect(dialog.getByTestId('simulator-no-signing-key')).toContainText('a public key verifies but cannot sign')
})

test('a re-signed bulk replay names the captures it could not re-sign (no key): sent with the signature captured', async ({ page, inspector }) => {
  const target = await startLoopbackTarget()
  try {
    const endpoint = await inspector.openOwnEndpoint(page, 'bulk-nokey')
    // An IXOPAY callback (recognised by its signature header and body) on an endpoint with no IXOPAY key, and a plain one.
    const body = '{"result":"OK","uuid":"d94c0d72f3a36e21f16e","merchantTransactionId":"order-1","transactionType":"DEBIT","amount":"9.99","currency":"EUR"}'
    const signed = signIxopayJson({ secret: 'not-configured-here', body, date: new Date().toUTCString(), requestUri: `/${endpoint.slug}/ixopay` })
    await inspector.sendCallback({ slug: endpoint.slug, path: '/ixopay', headers: signed.headers, body })
    await inspector.sendCallback({ slug: endpoint.slug, path: '/plain', body: 'plain' })
    await expect(page.getByTestId('capture-row')).toHaveCount(2)

    await page.getByTestId('bulk-replay').click()
    const dialog = page.getByTestId('bulk-replay-dialog')
    await dialog.getByTestId('bulk-target').fill(target.url)
    await dialog.getByTestId('bulk-keep-path').check()
    await dialog.getByTestId('bulk-resign').check()
    await dialog.getByTestId('bulk-start').click()
    await expect(dialog.getByTestId('bulk-progress')).toHaveAttribute('data-finished', 'true')
    await expect(dialog.getByTestId('bulk-not-resigned')).toContainText('1 capture was sent with the signature captured, not re-signed')
    const rows = dialog.getByTestId('bulk-result-row')
    // By the provider's name, as the single replay's note says it, not its id ("(ixopay)").
    await expect(rows.filter({ hasText: '/ixopay' }).getByTestId('bulk-result-not-resigned')).toHaveAttribute('title', /\(IXOPAY\): /)
    await expect(rows.filter({ hasText: '/plain' }).getByTestId('bulk-result-not-resigned')).toHaveCount(0)
  } finally {
    await target.close()
  }
})
