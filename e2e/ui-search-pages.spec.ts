/**
 * A search longer than one page of the list (300 rows): scrolling loads the older pages (asked
 * with listCapturePage, without counting every match again) down to the oldest match, and the
 * count stays the search's total.
 */
import { row } from './fixtures/capture-rows'
import { expect, test } from './fixtures/inspector'

test('a search longer than a page scrolls on to its oldest match, and keeps its total', async ({ page, inspector }) => {
  test.slow()
  const endpoint = await inspector.openOwnEndpoint(page, 'search-pages')
  // 320 matches: more than one page of the list (300); older pages come from listCapturePage, without a recount.
  for (let index = 0; index < 320; index++)
    expect(
      await inspector.sendCallback({
        slug: endpoint.slug,
        path: `/match-${String(index).padStart(3, '0')}`,
        headers: [['Content-Type', 'application/x-www-form-urlencoded']],
        body: `code=PAGED-${index}&kind=needle`,
      }),
    ).toBe(200)
  expect(
    await inspector.sendCallback({ slug: endpoint.slug, path: '/other', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'code=none' }),
  ).toBe(200)
  await page.getByTestId('filter-text').fill('body:needle')
  await expect(page.getByTestId('capture-count')).toHaveText('320 of 321 captures')
  await expect(row(page, '/match-319')).toHaveCount(1)
  // Scroll to the end: the next page loads, down to the first capture sent.
  const list = page.getByTestId('capture-scroll')
  await expect(async () => {
    await list.evaluate((element) => element.scrollTo(0, element.scrollHeight))
    await expect(row(page, '/match-000')).toHaveCount(1, { timeout: 1000 })
  }).toPass()
  await expect(page.getByTestId('capture-count')).toHaveText('320 of 321 captures')
  await expect(row(page, '/other')).toHaveCount(0)
})
