/**
 * The list header's count while a search is typed and fetched: every text it takes is recorded in
 * the page (a MutationObserver sees each committed change, however brief), and none may be a
 * figure of another query than the one in the box, such as the unfiltered "3 of 3" while the
 * search's first page is on its way.
 */
import { expect, test } from './fixtures/inspector'
import { rows } from './fixtures/capture-rows'

test('the header shows a pending state, never the previous figure, until the search has its own count', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'count-pending')
  for (const order of ['order-1001', 'order-1002', 'order-1003']) {
    const body = JSON.stringify({ merchantTransactionId: order, result: 'OK' })
    expect(await inspector.sendCallback({ slug: endpoint.slug, path: `/cb/${order}`, headers: [['Content-Type', 'application/json']], body })).toBe(200)
  }
  await expect(rows(page)).toHaveCount(3)
  const count = page.getByTestId('capture-count')
  await expect(count).toHaveText('3 captures')

  await count.evaluate((element) => {
    const seen: string[] = []
    ;(window as unknown as { countTexts: string[] }).countTexts = seen
    new MutationObserver(() => seen.push(element.textContent ?? '')).observe(element, { childList: true, characterData: true, subtree: true })
  })
  const search = page.getByTestId('filter-text')
  await search.pressSequentially('order-1002', { delay: 30 })
  await expect(count).toHaveText('1 of 3 captures')
  await expect(rows(page)).toHaveCount(1)
  // Widen it again, at once (Enter), then clear it with Escape: each change goes through pending.
  await search.fill('order-100')
  await search.press('Enter')
  await expect(count).toHaveText('3 of 3 captures')
  await search.press('Escape')
  await expect(count).toHaveText('3 captures')

  const texts = await page.evaluate(() => (window as unknown as { countTexts: string[] }).countTexts)
  // Every text is the pending state or a figure this test expects at that point, in order.
  const settled = texts.filter((text) => !/…$/.test(text))
  expect(settled, `header texts: ${JSON.stringify(texts)}`).toEqual(['1 of 3 captures', '3 of 3 captures', '3 captures'])
  expect(texts.some((text) => text.startsWith('Searching'))).toBe(true)
})
