/**
 * Pasted text over what an import reads is refused in the dialog, with the reason under the text
 * field, before anything is sent: a 200 MB paste was encoded, turned into base64 and handed to the
 * app whole, only to be refused there (as a file larger than 20 MiB, or API input over its limit).
 */
import type { Locator } from '@playwright/test'
import { expect, test } from './fixtures/inspector'

/** Sets the field's text as a paste does (typing 7 million characters takes most of a minute): `€` repeated `count` times in a curl command. */
async function paste(field: Locator, count: number): Promise<void> {
  await field.evaluate((element: HTMLTextAreaElement, euros) => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!.call(element, `curl http://h/fits -d '${'€'.repeat(euros)}'`)
    element.dispatchEvent(new Event('input', { bubbles: true }))
  }, count)
}

test('pasted text over 20 MiB as UTF-8 is refused under the field, and Import stays off until it fits', async ({ page, inspector }) => {
  // A textarea holding 7 million characters makes every step of the page slow (30-40 s in all).
  test.setTimeout(150_000)
  await inspector.openOwnEndpoint(page, 'paste-limit')
  await page.getByTestId('open-import').click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.getByTestId('import-source-paste').check()
  const text = dialog.getByTestId('import-text')
  // 7,000,000 characters, 21,000,000 bytes as UTF-8 (€ is three): fewer characters than the limit, more bytes.
  await paste(text, 7_000_000)
  await expect(dialog.getByTestId('import-text-problem')).toHaveText(
    'The pasted text is larger than an import reads (20 MiB as UTF-8). Save it to a file and gzip it, or paste less.',
    { timeout: 60_000 },
  )
  await expect(dialog.getByTestId('import-submit')).toBeDisabled()

  await paste(text, 3)
  await expect(dialog.getByTestId('import-text-problem')).toHaveCount(0, { timeout: 30_000 })
  await expect(dialog.getByTestId('import-submit')).toBeEnabled()
})
