/**
 * Finding and acting on captures in the real UI: the filter bar narrows the list on the server
 * ("N of M captures"), live callbacks join the filtered list only when they match, rows are
 * ticked with the checkbox and shift-click, the selection is replayed to a loopback target in
 * capture order, then deleted.
 */
import { signIxopayJson } from '../src-main/core/providers/index'
import { startLoopbackTarget } from '../src-main/test-support/loopback-target'
import { saveScreenshot } from './fixtures/screenshots'
import { expect, test, type InspectorFixture, type OwnEndpoint } from './fixtures/inspector'
import { row, rows } from './fixtures/capture-rows'

const SECRET = 'e2e-filter-ixopay-secret'

/** A correctly signed IXOPAY callback for an order (the endpoint has the secret, so its verdict is valid). */
async function sendSignedIxopay(inspector: InspectorFixture, endpoint: OwnEndpoint, path: string, reference: string): Promise<void> {
  const body = JSON.stringify({
    result: 'OK',
    uuid: `tx-${reference}`,
    merchantTransactionId: reference,
    transactionType: 'DEBIT',
    amount: '9.99',
    currency: 'EUR',
  })
  const signed = signIxopayJson({ secret: SECRET, body, date: new Date().toUTCString(), requestUri: `/${endpoint.slug}${path}` })
  expect(await inspector.sendCallback({ slug: endpoint.slug, path, headers: signed.headers, body })).toBe(200)
}

async function sendJson(inspector: InspectorFixture, endpoint: OwnEndpoint, path: string, body: unknown): Promise<void> {
  expect(await inspector.sendCallback({ slug: endpoint.slug, path, headers: [['Content-Type', 'application/json']], body: JSON.stringify(body) })).toBe(200)
}

test('filter by text and provider, see live matches only, tick a range, replay it in capture order, delete it', async ({ page, inspector }) => {
  const target = await startLoopbackTarget()
  try {
    const endpoint = await inspector.openOwnEndpoint(page, 'filter')
    await inspector.app.call('addKey', { endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: SECRET } })
    await sendSignedIxopay(inspector, endpoint, '/callbacks/ixopay?orderId=1001', 'order-1001')
    await sendJson(inspector, endpoint, '/orders/1001/paid', { order: '1001', status: 'paid' })
    expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/health', method: 'GET' })).toBe(200)
    await sendJson(inspector, endpoint, '/webhooks/other', { order: '2002', status: 'paid' })
    await expect(rows(page)).toHaveCount(4)
    await expect(page.getByTestId('capture-count')).toHaveText('4 captures')

    // Text: the target and the parsed reference both say 1001.
    await page.getByTestId('filter-text').fill('1001')
    await expect(rows(page)).toHaveCount(2)
    await expect(page.getByTestId('capture-count')).toHaveText('2 of 4 captures')
    await expect(row(page, '/orders/1001/paid')).toHaveCount(1)
    await expect(row(page, '/callbacks/ixopay')).toHaveCount(1)

    // And provider.
    await page.getByTestId('filter-provider').selectOption('ixopay')
    await expect(rows(page)).toHaveCount(1)
    await expect(page.getByTestId('capture-count')).toHaveText('1 of 4 captures')
    await expect(rows(page).first().getByTestId('provider-badge')).toHaveText('IXOPAY')
    await expect(rows(page).first().getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'valid')

    // Live: an unsigned callback about the same order does not match the provider; the
    // provider's own retry does. The later one appearing proves the earlier one was handled.
    await sendJson(inspector, endpoint, '/orders/1001/refunded', { order: '1001', status: 'refunded' })
    await sendSignedIxopay(inspector, endpoint, '/callbacks/ixopay?orderId=1001&retry=1', 'order-1001')
    await expect(row(page, 'retry=1')).toHaveCount(1)
    await expect(row(page, '/orders/1001/refunded')).toHaveCount(0)
    await expect(rows(page)).toHaveCount(2)
    await expect(page.getByTestId('capture-count')).toHaveText('2 of 6 captures')
    await saveScreenshot(page, 'filter-text-and-provider', { bothSchemes: true })

    // Text only again: newest first, retry, refunded, paid, the first IXOPAY callback.
    await page.getByTestId('filter-provider').selectOption('')
    await expect(rows(page)).toHaveCount(4)
    await expect(page.getByTestId('capture-count')).toHaveText('4 of 6 captures')

    // Tick one row, shift-tick the next: a range of two.
    await row(page, '/orders/1001/refunded').getByTestId('row-check').click()
    await row(page, '/orders/1001/paid')
      .getByTestId('row-check')
      .click({ modifiers: ['Shift'] })
    await expect(page.getByTestId('selection-count')).toHaveText('2 selected')
    await expect(row(page, '/orders/1001/refunded').getByTestId('row-check')).toBeChecked()
    await expect(row(page, '/orders/1001/paid').getByTestId('row-check')).toBeChecked()
    await expect(row(page, 'retry=1').getByTestId('row-check')).not.toBeChecked()
    // Ticking does not open a capture.
    await expect(page.getByTestId('detail-placeholder')).toBeVisible()
    // A live insert leaves the selection alone.
    await sendJson(inspector, endpoint, '/orders/1001/shipped', { order: '1001', status: 'shipped' })
    await expect(rows(page)).toHaveCount(5)
    await expect(page.getByTestId('selection-count')).toHaveText('2 selected')
    await saveScreenshot(page, 'filter-selection', { bothSchemes: true })

    // Replay the selection: the dialog says what it sends and offers the wider scopes too.
    await page.getByTestId('selection-replay').click()
    const dialog = page.getByTestId('bulk-replay-dialog')
    await expect(dialog.getByTestId('bulk-scope-selection')).toBeChecked()
    await expect(dialog.getByTestId('bulk-scope')).toContainText('The 2 captures selected')
    await expect(dialog.getByTestId('bulk-scope')).toContainText('The 5 captures matching the filter · “1001”')
    await expect(dialog.getByTestId('bulk-scope')).toContainText('Every capture of “E2E filter” (7 captures)')
    await dialog.getByTestId('bulk-target').fill(target.url)
    await dialog.getByTestId('bulk-keep-path').check()
    await dialog.getByTestId('bulk-concurrency').fill('1')
    await expect(dialog.getByTestId('bulk-start')).toHaveText('Replay 2 captures')
    await saveScreenshot(page, 'filter-bulk-dialog', { bothSchemes: true })
    await dialog.getByTestId('bulk-start').click()
    await expect(dialog.getByTestId('bulk-progress')).toHaveAttribute('data-finished', 'true')
    const results = dialog.getByTestId('bulk-result-row')
    await expect(results).toHaveCount(2)
    await expect(results.nth(0)).toContainText('/orders/1001/paid')
    await expect(results.nth(1)).toContainText('/orders/1001/refunded')
    expect(target.received.map((request) => request.target)).toEqual(['/orders/1001/paid', '/orders/1001/refunded'])
    await saveScreenshot(page, 'filter-bulk-results', { bothSchemes: true })
    await dialog.getByTestId('bulk-close').click()
    await expect(dialog).toBeHidden()

    // Delete the selection, after confirming.
    await expect(page.getByTestId('selection-count')).toHaveText('2 selected')
    await page.getByTestId('selection-delete').click()
    const confirm = page.getByTestId('confirm-dialog')
    await expect(confirm).toContainText('Delete 2 captures?')
    await confirm.getByTestId('confirm-button').click()
    await expect(rows(page)).toHaveCount(3)
    await expect(row(page, '/orders/1001/paid')).toHaveCount(0)
    await expect(row(page, '/orders/1001/refunded')).toHaveCount(0)
    await expect(page.getByTestId('selection-bar')).toHaveCount(0)
    await expect(page.getByTestId('capture-count')).toHaveText('3 of 5 captures')

    // Escape clears the search box.
    await page.getByTestId('filter-text').press('Escape')
    await expect(page.getByTestId('filter-text')).toHaveValue('')
    await expect(rows(page)).toHaveCount(5)
    await expect(page.getByTestId('capture-count')).toHaveText('5 captures')
  } finally {
    await target.close()
  }
})

test('a filter that matches nothing says so, apart from an empty endpoint, and clears in one click', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'nomatch')
  await expect(page.getByTestId('captures-empty')).toBeVisible()
  await sendJson(inspector, endpoint, '/orders/1', { order: '1' })
  await sendJson(inspector, endpoint, '/orders/2', { order: '2' })
  await expect(rows(page)).toHaveCount(2)

  await page.getByTestId('filter-answer').selectOption('5xx')
  await expect(page.getByTestId('captures-no-match')).toContainText('No capture matches the filter')
  await expect(page.getByTestId('captures-no-match')).toContainText('answered 5xx')
  await expect(page.getByTestId('captures-empty')).toHaveCount(0)
  await expect(page.getByTestId('capture-count')).toHaveText('0 of 2 captures')
  await saveScreenshot(page, 'filter-no-match', { bothSchemes: true })

  // The filter belongs to this endpoint's view: other views are not filtered, and it is kept.
  await page.getByTestId('endpoint-all').click()
  await expect(page.getByTestId('filter-answer')).toHaveValue('')
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${endpoint.slug}"] [data-testid=endpoint-select]`).click()
  await expect(page.getByTestId('filter-answer')).toHaveValue('5xx')

  await page.getByTestId('no-match-clear').click()
  await expect(rows(page)).toHaveCount(2)
  await expect(page.getByTestId('filter-answer')).toHaveValue('')
  await expect(page.getByTestId('capture-count')).toHaveText('2 captures')

  // The header checkbox ticks every loaded row.
  await page.getByTestId('check-all').check()
  await expect(page.getByTestId('selection-count')).toHaveText('2 selected')
  await page.getByTestId('selection-clear').click()
  await expect(page.getByTestId('selection-bar')).toHaveCount(0)

  // From the keyboard: Space ticks the open capture.
  await row(page, '/orders/1').click()
  await page.getByTestId('capture-scroll').press('Space')
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected')
  await expect(row(page, '/orders/1').getByTestId('row-check')).toBeChecked()
  await page.getByTestId('capture-scroll').press('Space')
  await expect(page.getByTestId('selection-bar')).toHaveCount(0)

  // Across all endpoints only a selection can be replayed, and the dialog says so.
  await page.getByTestId('endpoint-all').click()
  await expect(page.getByTestId('bulk-replay')).toHaveCount(0)
  await row(page, '/orders/2').getByTestId('row-check').click()
  await page.getByTestId('selection-replay').click()
  const dialog = page.getByTestId('bulk-replay-dialog')
  await expect(dialog).toContainText('Replay selected captures')
  await expect(dialog.getByTestId('bulk-scope')).toContainText('The selected capture')
  await expect(dialog.getByTestId('bulk-scope').getByRole('radio')).toHaveCount(0)
  await expect(dialog.getByTestId('bulk-start')).toHaveText('Replay 1 capture')
  await saveScreenshot(page, 'filter-bulk-selection-only', { bothSchemes: true })
  await dialog.getByTestId('dialog-close').click()
})
