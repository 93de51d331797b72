/**
 * Clear is shown only while the endpoint has captures: a confirmed Clear takes it away, and the
 * confirm had given focus back to it, so focus fell to <body> (the next Tab started again at the
 * top of the page). Now it lands on the emptied list's "No callbacks yet", whose next Tab stop is
 * its Copy URL.
 */
import { expect, test } from './fixtures/inspector'

test('after Clear from the keyboard, focus is on the emptied list, not on <body>', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'clearfocus')
  for (const path of ['/a', '/b']) expect(await inspector.sendCallback({ slug: endpoint.slug, path, body: 'x' })).toBe(200)
  await expect(page.getByTestId('capture-row')).toHaveCount(2)

  await page.getByTestId('clear-endpoint').focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('confirm-dialog')).toBeVisible()
  await page.getByTestId('confirm-button').focus()
  await page.keyboard.press('Enter')

  const empty = page.getByTestId('captures-empty')
  await expect(empty).toBeVisible()
  await expect(page.getByTestId('clear-endpoint')).toHaveCount(0)
  await expect(empty).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(empty.getByRole('button', { name: 'Copy URL' })).toBeFocused()
})
