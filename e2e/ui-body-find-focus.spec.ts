/**
 * Closing the body's find bar (Escape or Close) gives focus back to where find was opened from:
 * the Find button, or the expanded body's Restore button for Ctrl+F there. It fell to <body>, so
 * the next Tab started at the top of the page and, in an expanded body, the Escape meant to
 * restore it reached no part of the capture.
 */
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

test('Escape or Close in the find bar returns focus to what opened it', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'findfocus')
  const body = JSON.stringify({ order: 'ORD-4711', items: [{ name: 'Alex Smith' }] })
  await inspector.sendCallback({ slug: endpoint.slug, path: '/findfocus', headers: [['Content-Type', 'application/json']], body })
  await row(page, '/findfocus').click()

  const body$ = page.getByTestId('request-body')
  const input = body$.getByTestId('body-find-input')
  // Opened with the Find button, closed with Escape.
  await body$.getByTestId('body-find-open').click()
  await input.fill('smith')
  await expect(body$.getByTestId('body-find-count')).toHaveText('1 of 1')
  await input.press('Escape')
  await expect(body$.getByTestId('body-find')).toHaveCount(0)
  await expect(body$.getByTestId('body-find-open')).toBeFocused()

  // Expanded, opened with Ctrl+F from Restore, closed with the bar's Close: focus is back on
  // Restore and the body stays expanded; the next Escape restores it.
  await body$.getByTestId('body-expand').click()
  await expect(body$.getByTestId('body-expand')).toBeFocused()
  await page.keyboard.press('Control+f')
  await expect(input).toBeFocused()
  await input.fill('ORD')
  await body$.getByTestId('body-find-close').click()
  await expect(body$.getByTestId('body-find')).toHaveCount(0)
  await expect(body$.getByTestId('body-expand')).toBeFocused()
  await expect(body$).toHaveAttribute('data-expanded', 'true')
  await page.keyboard.press('Escape')
  await expect(body$).toHaveAttribute('data-expanded', 'false')
  await expect(body$.getByTestId('body-expand')).toBeFocused()
})
