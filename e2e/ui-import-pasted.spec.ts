/**
 * A pasted import says what was pasted: a pasted body is "pasted body" (it read "raw HTTP pasted
 * body, entry 1": the raw request is only how the dialog hands the body over), pasted curl text
 * "pasted curl", and the list's imported mark no longer says "from a file".
 */
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

test('a pasted body and pasted curl text are labelled as pasted, not as a raw HTTP file', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'pasted-label')
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-source-body').check()
  await dialog.getByTestId('import-body-path').fill(`/${endpoint.slug}/from-merchant`)
  await dialog.getByTestId('import-body-text').fill('{"result":"OK","uuid":"tx-pasted"}')
  await dialog.getByTestId('import-submit').click()
  await expect(dialog.getByTestId('import-summary')).toHaveText('Imported 1 capture.')
  await dialog.getByTestId('import-done').click()

  const pastedBody = row(page, '/from-merchant')
  await expect(pastedBody.getByTestId('imported-mark')).toHaveAttribute('title', 'Imported: not received by this app')
  await pastedBody.click()
  await expect(page.getByTestId('imported-from')).toHaveText('Imported from pasted body: not received by this app.')
  // A pasted body has no sender address or duration: said so, not "0.00 ms" and a blank.
  const facts = page.getByTestId('detail-facts')
  await expect(facts).toContainText('Durationnot recorded (imported)')
  await expect(facts).toContainText('Fromnot recorded')

  await page.getByTestId('open-import').click()
  await dialog.getByTestId('import-source-paste').check()
  await dialog
    .getByTestId('import-text')
    .fill(`curl -X POST 'https://shop.example/${endpoint.slug}/curl-pasted' -H 'Content-Type: application/json' --data-raw '{"a":1}'`)
  await dialog.getByTestId('import-submit').click()
  await expect(dialog.getByTestId('import-summary')).toHaveText('Imported 1 capture.')
  await dialog.getByTestId('import-done').click()
  await row(page, '/curl-pasted').click()
  await expect(page.getByTestId('imported-from')).toContainText('Imported from pasted curl')
  await expect(page.getByTestId('imported-from')).not.toContainText('pasted text')
})

test('a body imported as sent by a provider says so, not that the endpoint is pinned; a real pin still says pinned', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'sent-by')
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-source-body').check()
  await dialog.getByTestId('import-body-path').fill(`/${endpoint.slug}/named`)
  await dialog.getByTestId('import-body-text').fill('{"transactionId":"T-80","result":"OK","amount":"12.00"}')
  await dialog.getByTestId('import-body-provider').selectOption('ixopay')
  await dialog.getByTestId('import-submit').click()
  await expect(dialog.getByTestId('import-summary')).toHaveText('Imported 1 capture.')
  await dialog.getByTestId('import-done').click()
  await row(page, '/named').click()
  await expect(page.getByTestId('summary-provider')).toContainText('IXOPAY')
  await expect(page.getByTestId('summary-detected-by')).toHaveText(
    'Named when it was imported (its “Sent by”, or the provider its exporting app recognised), not detected',
  )
  await expect(page.getByTestId('summary-provider')).toContainText('named at import')

  // Pinned on the endpoint itself: the endpoint's setting is what it names.
  await inspector.app.call('setProviderSettings', { endpointId: endpoint.id, pinnedProvider: 'ixopay' })
  await page.reload()
  await row(page, '/named').click()
  await expect(page.getByTestId('summary-detected-by')).toHaveText('Pinned by the endpoint setting')
})

test('a curl command whose body was to come from stdin is imported as curl sends it, and the outcome says the body is not available', async ({
  page,
  inspector,
}) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'pasted-stdin')
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-source-paste').check()
  // As a merchant pastes it from a script that fed the body from a file or a pipe.
  await dialog
    .getByTestId('import-text')
    .fill(
      `curl -s https://shop.example/${endpoint.slug}/notify -H 'Content-Type: application/json' --data-binary @-\ncurl https://shop.example/${endpoint.slug}/whole -d 'a=1'`,
    )
  await dialog.getByTestId('import-submit').click()
  await expect(dialog.getByTestId('import-summary')).toHaveText('Imported 2 captures.')
  await expect(dialog.getByTestId('import-notices-summary')).toHaveText('1 capture was imported without part of the request:')
  await expect(dialog.getByTestId('import-notices')).toHaveText(/^Entry 1: its body was to be read from standard input \(@-\).*not available$/)
  await dialog.getByTestId('import-done').click()
  await row(page, '/notify').click()
  const detail = page.getByTestId('capture-detail')
  await expect(detail).toContainText(`POST /${endpoint.slug}/notify HTTP/1.1`)
  await expect(detail).toContainText('the body it was run with is not available')
})

test('a raw HTTP message or a body pasted with CRLF line breaks is imported with them', async ({ page, context, inspector }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(inspector.app.ready.ui).origin })
  const endpoint = await inspector.openOwnEndpoint(page, 'pasted-crlf')
  const body = '--XX\r\nContent-Disposition: form-data; name="amount"\r\n\r\n9.99\r\n--XX--\r\n'
  const message = `POST /${endpoint.slug}/raw HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: ${body.length}\r\n\r\n${body}`
  const paste = async (text: string) => {
    await page.evaluate((clip) => navigator.clipboard.writeText(clip), text)
    await page.keyboard.press('ControlOrMeta+V')
  }

  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-source-paste').check()
  await dialog.getByTestId('import-text').focus()
  await paste(message)
  await dialog.getByTestId('import-submit').click()
  // Before: "message 1 (byte 117): Content-Length declares 73 bytes but only 68 follow".
  await expect(dialog.getByTestId('import-summary')).toHaveText('Imported 1 capture.')
  await dialog.getByTestId('import-done').click()

  await page.getByTestId('open-import').click()
  await dialog.getByTestId('import-source-body').check()
  await dialog.getByTestId('import-body-path').fill(`/${endpoint.slug}/body`)
  await dialog.getByTestId('import-body-headers').fill('Content-Type: multipart/form-data; boundary=XX')
  await dialog.getByTestId('import-body-text').focus()
  await paste(body)
  await dialog.getByTestId('import-submit').click()
  await expect(dialog.getByTestId('import-summary')).toHaveText('Imported 1 capture.')
  await dialog.getByTestId('import-done').click()

  const page1 = await inspector.app.call<{ items: Array<{ id: string; target: string }> }>('listCaptures', { endpointId: endpoint.id })
  for (const item of page1.items) {
    const detail = await inspector.app.call<{ request: { bodyBase64: string } }>('getCapture', { id: item.id })
    expect(Buffer.from(detail.request.bodyBase64, 'base64').toString('latin1'), item.target).toBe(body)
  }
  expect(page1.items).toHaveLength(2)
})
