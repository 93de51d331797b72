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
