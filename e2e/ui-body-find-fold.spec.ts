/**
 * The body viewer's find in the real UI compares as the capture search does (shared/search-text-form.ts):
 * any Unicode normalisation, JSON spacing not counting, and the match highlighted as the text is shown.
 */
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

test('find takes either spelling of an accent and JSON however spaced, highlighting the text as shown', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'findfold')
  // Text with pretty-printed JSON in it, and the accent written as e and a combining acute (as macOS file names and some senders do).
  const body = 'Paid at Cafe\u0301 Ole\u0301, answer {\n  "result": "OK"\n}'
  await inspector.sendCallback({ slug: endpoint.slug, path: '/findfold', headers: [['Content-Type', 'text/plain; charset=utf-8']], body })
  await row(page, '/findfold').click()

  const body$ = page.getByTestId('request-body')
  await body$.getByTestId('text-body').click()
  await page.keyboard.press('Control+f')
  const input = body$.getByTestId('body-find-input')
  // Typed with a precomposed é (U+00E9).
  await input.fill('caf\u00e9')
  await expect(body$.getByTestId('body-find-count')).toHaveText('1 of 1')
  await expect(body$.locator('mark.find-current')).toHaveText('Cafe\u0301')
  // A compact phrase finds the pretty-printed member, across its line break and spaces.
  await input.fill('answer {"result":"OK"}')
  await expect(body$.getByTestId('body-find-count')).toHaveText('1 of 1')
  await expect(body$.locator('mark.find-current')).toHaveText('answer {\n  "result": "OK"\n}')
})
