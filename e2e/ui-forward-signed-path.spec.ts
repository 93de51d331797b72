/**
 * Forwarding an IXOPAY endpoint: IXOPAY signs the path it calls, and a forward sends the captured
 * signature to the target's path. Forwarded to http://…/webhooks/ixopay, a server that verifies
 * the signature rejected every callback (and, passed through, IXOPAY got that 400 and retried);
 * the dialog said nothing. It now warns, and names the target that keeps the signed path.
 */
import { signIxopayJson } from '../src-main/core/providers/index'
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

test('the forward dialog warns that an IXOPAY signature will not verify at another path', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'forward-ixopay')
  await inspector.app.call('setProviderSettings', { endpointId: endpoint.id, pinnedProvider: 'ixopay' })
  const item = page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${endpoint.slug}"]`)
  await item.getByTestId('forward-endpoint').click()
  const dialog = page.getByTestId('forward-dialog')

  await dialog.getByTestId('forward-target').fill('http://127.0.0.1:4555/webhooks/ixopay')
  const warning = dialog.getByTestId('forward-signature-warning')
  await expect(warning).toContainText(`a callback it signed for, say, /${endpoint.slug}/notify?id=1 reaches your server at /webhooks/ixopay`)
  await expect(warning).toContainText(`tick “Keep the captured path” and forward to http://127.0.0.1:4555/${endpoint.slug}`)

  // What it advises keeps the signed path: no warning.
  await dialog.getByTestId('forward-target').fill(`http://127.0.0.1:4555/${endpoint.slug}`)
  await dialog.getByTestId('forward-keep-path').check()
  await expect(dialog.getByTestId('forward-url-preview')).toContainText(`http://127.0.0.1:4555/${endpoint.slug}/notify?id=1`)
  await expect(warning).toHaveCount(0)
})

test('the bulk replay dialog warns the same way until Re-sign is ticked', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'bulk-ixopay')
  await inspector.app.call('setProviderSettings', { endpointId: endpoint.id, pinnedProvider: 'ixopay' })
  await inspector.sendCallback({ slug: endpoint.slug, path: '/notify?id=1', headers: [['Content-Type', 'application/json']], body: '{"result":"OK"}' })
  await expect(page.getByTestId('capture-row')).toHaveCount(1)

  await page.getByTestId('bulk-replay').click()
  const dialog = page.getByTestId('bulk-replay-dialog')
  await dialog.getByTestId('bulk-target').fill('http://127.0.0.1:4555/webhooks/ixopay')
  const warning = dialog.getByTestId('bulk-signature-warning')
  await expect(warning).toContainText(`a capture it signed for, say, /${endpoint.slug}/notify?id=1 is replayed to /webhooks/ixopay`)
  await dialog.getByTestId('bulk-resign').check()
  await expect(warning).toHaveCount(0)
})

test('a replayed selection is judged by its own captures, not by the provider the endpoint sees most', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'bulk-selection')
  // Mostly IXOPAY (recognised, not pinned), and one capture of an unknown sender.
  for (const id of ['1', '2']) {
    const body = JSON.stringify({
      result: 'OK',
      uuid: `tx-${id}`,
      merchantTransactionId: `order-${id}`,
      transactionType: 'DEBIT',
      amount: '9.99',
      currency: 'EUR',
    })
    const signed = signIxopayJson({ secret: 'bulk-selection-secret', body, date: new Date().toUTCString(), requestUri: `/${endpoint.slug}/notify?id=${id}` })
    await inspector.sendCallback({ slug: endpoint.slug, path: `/notify?id=${id}`, headers: signed.headers, body })
  }
  await inspector.sendCallback({ slug: endpoint.slug, path: '/other', headers: [['Content-Type', 'application/json']], body: '{"hello":"world"}' })
  await expect(page.getByTestId('capture-row')).toHaveCount(3)

  await row(page, '/other').locator('input[type=checkbox]').check()
  await page.getByTestId('selection-replay').click()
  const dialog = page.getByTestId('bulk-replay-dialog')
  await expect(dialog.getByTestId('bulk-target')).toHaveAttribute('placeholder', 'http://localhost:3000/callbacks')
  await dialog.getByTestId('bulk-target').fill('http://127.0.0.1:4555/webhooks/other')
  await expect(dialog.getByText('The selected capture')).toBeVisible()
  await expect(dialog.getByTestId('bulk-signature-warning')).toHaveCount(0)
  // The whole endpoint is mostly IXOPAY's: that scope warns.
  await dialog.getByTestId('bulk-scope-endpoint').check()
  await expect(dialog.getByTestId('bulk-signature-warning')).toContainText('IXOPAY signs the path it calls')
  await page.keyboard.press('Escape')

  // A selection holding one IXOPAY capture warns, though most of it is not IXOPAY's.
  await row(page, '/notify?id=1').locator('input[type=checkbox]').check()
  await page.getByTestId('selection-replay').click()
  await dialog.getByTestId('bulk-target').fill('http://127.0.0.1:4555/webhooks/other')
  await expect(dialog.getByText('The 2 captures selected')).toBeVisible()
  await expect(dialog.getByTestId('bulk-signature-warning')).toContainText('IXOPAY signs the path it calls')
})

test('a selection made in All captures warns about its IXOPAY captures, with the path of their endpoint', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'bulk-all')
  const body = JSON.stringify({ result: 'OK', uuid: 'tx-all', merchantTransactionId: 'order-all', transactionType: 'DEBIT', amount: '9.99', currency: 'EUR' })
  const path = `/notify?id=${endpoint.slug}`
  const signed = signIxopayJson({ secret: 'bulk-all-secret', body, date: new Date().toUTCString(), requestUri: `/${endpoint.slug}${path}` })
  await inspector.sendCallback({ slug: endpoint.slug, path, headers: signed.headers, body })
  await expect(page.getByTestId('capture-row')).toHaveCount(1)

  // No endpoint selected in the sidebar: the selection spans whatever endpoints its captures came to.
  await page.getByTestId('endpoint-all').click()
  await row(page, path).locator('input[type=checkbox]').check()
  await page.getByTestId('selection-replay').click()
  const dialog = page.getByTestId('bulk-replay-dialog')
  await expect(dialog.getByText('The selected capture')).toBeVisible()
  await dialog.getByTestId('bulk-target').fill('http://127.0.0.1:4555/webhooks/ixopay')
  const warning = dialog.getByTestId('bulk-signature-warning')
  await expect(warning).toContainText(`a capture it signed for, say, /${endpoint.slug}/notify?id=1 is replayed to /webhooks/ixopay`)
  await expect(warning).toContainText(`replay to http://127.0.0.1:4555/${endpoint.slug}`)
  await dialog.getByTestId('bulk-resign').check()
  await expect(warning).toHaveCount(0)
})
