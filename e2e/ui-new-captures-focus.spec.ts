/**
 * The "↑ N new captures" pill, pressed from the keyboard, leaves focus on the list it scrolled to
 * the top. The pill went away with its count and focus fell to <body>: the next Tab started again
 * at the top of the page, and j/k moved nothing until the list was clicked.
 */
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

test('Enter on the new-captures pill shows the newest rows and keeps focus on the list', async ({ page, inspector }) => {
  await page.setViewportSize({ width: 1400, height: 600 })
  const endpoint = await inspector.openOwnEndpoint(page, 'newpill')
  for (let index = 0; index < 30; index++) await inspector.sendCallback({ slug: endpoint.slug, path: `/n/${index}`, body: '{}' })
  await expect(page.getByTestId('capture-count')).toHaveText('30 captures')

  await page.getByTestId('capture-row').first().click()
  await page.getByTestId('capture-scroll').evaluate((list) => list.scrollTo({ top: 500 }))
  await expect(row(page, '/n/29')).not.toBeInViewport()
  await inspector.sendCallback({ slug: endpoint.slug, path: '/late', body: '{}' })
  const pill = page.getByTestId('new-captures')
  await expect(pill).toHaveText('↑ 1 new capture')

  await pill.focus()
  await page.keyboard.press('Enter')
  await expect(pill).toHaveCount(0)
  await expect(row(page, '/late')).toBeInViewport()
  await expect(page.getByTestId('capture-scroll')).toBeFocused()
  // The list's own keys work at once, without a click first: Home opens the newest.
  await page.keyboard.press('Home')
  await expect(page.getByTestId('detail-request-line')).toContainText('/late')
})
