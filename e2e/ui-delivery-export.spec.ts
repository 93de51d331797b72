/**
 * A delivery's attempts exported from the Delivery view, in one file: the evidence of one
 * notification (each retry and what it was answered), to hand on redacted.
 * Before, a delivery could only be exported a capture at a time, or through a filter built to
 * match it.
 */
import { readFile } from 'node:fs/promises'
import { signIxopayJson } from '../src-main/core/providers/index'
import { FAIL_TWICE_THEN_OK } from '../src-main/test-support/answer-configs'
import { expect, test } from './fixtures/inspector'

test('the Delivery view exports its attempts as one redacted file, and gives focus back to it', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'delivery-export')
  await inspector.app.call('setAnswerConfig', { endpointId: endpoint.id, config: FAIL_TWICE_THEN_OK })
  const path = '/callbacks/ixopay'
  const body = JSON.stringify({
    result: 'OK',
    uuid: 'e5f6a7b8c9d0a1b2c3d4',
    merchantTransactionId: 'order-4711',
    transactionType: 'DEBIT',
    amount: '9.90',
    currency: 'EUR',
  })
  const send = async (payload: string) => {
    const signed = signIxopayJson({
      secret: 'e2e-delivery-export-secret',
      body: payload,
      date: new Date().toUTCString(),
      requestUri: `/${endpoint.slug}${path}`,
    })
    return inspector.sendCallback({ slug: endpoint.slug, path, headers: signed.headers, body: payload })
  }
  expect(await send(body)).toBe(500)
  // Another transaction: not part of the delivery, so not in its file.
  expect(await send(body.replace('e5f6a7b8c9d0a1b2c3d4', 'f0e1d2c3b4a5f6e7d8c9'))).toBe(500)
  expect(await send(body)).toBe(500)
  expect(await send(body)).toBe(200)

  // The list shows a capture a moment after its answer: clicking before the last one is listed
  // opened the other transaction's row (failed once in CI).
  await expect(page.getByTestId('capture-row')).toHaveCount(4)
  await page.getByTestId('capture-row').first().click()
  await page.getByTestId('view-delivery').click()
  const delivery = page.getByTestId('delivery-dialog')
  await expect(delivery.getByTestId('delivery-attempt')).toHaveCount(3)
  await delivery.getByTestId('delivery-export').click()
  const dialog = page.getByTestId('export-dialog')
  await expect(dialog.getByTestId('export-scope')).toContainText('This delivery (3 attempts)')
  // Its text wraps within it (opened inside the Delivery view's one-line summary, it ran out of the dialog).
  expect(await dialog.evaluate((node) => node.scrollWidth <= node.clientWidth)).toBe(true)
  await dialog.getByTestId('export-redact').check()
  await dialog.getByTestId('export-submit').click()
  await expect(dialog.getByTestId('export-redactions')).toContainText('Capture 3: header X-Signature: removed')
  const downloading = page.waitForEvent('download')
  await dialog.getByTestId('export-save').click()
  const download = await downloading
  const har = JSON.parse(await readFile(await download.path(), 'utf8')) as {
    log: { entries: Array<{ request: { postData: { text: string } }; response: { status: number } }> }
  }
  expect(har.log.entries.map((entry) => entry.response.status)).toEqual([500, 500, 200])
  expect(har.log.entries.every((entry) => entry.request.postData.text === body)).toBe(true)
  // Closing the export leaves the user in the Delivery view, where they were.
  await expect(dialog).toBeHidden()
  await expect(delivery).toBeVisible()
  await expect(delivery.getByTestId('delivery-export')).toBeFocused()
  // Escape closes the export only: the Delivery view it was opened from stays (both closed before).
  await delivery.getByTestId('delivery-export').click()
  await expect(dialog).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(delivery).toBeVisible()
  await expect(delivery.getByTestId('delivery-export')).toBeFocused()
})
