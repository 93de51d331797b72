/**
 * A search that cannot be answered (the app stopped, the request failed) leaves the list saying
 * so, and its header states no figure: it read "0 of 3 captures" beside "Could not load captures",
 * as if the search had run and found nothing.
 */
import { expect, test } from './fixtures/inspector'

test('a failed search says it could not search, not that it found 0', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'count-failed')
  for (const name of ['one', 'two', 'three']) {
    await inspector.sendCallback({ slug: endpoint.slug, path: `/${name}`, headers: [['content-type', 'application/json']], body: `{"name":"${name}"}` })
  }
  await expect(page.getByTestId('capture-row')).toHaveCount(3)
  await expect(page.getByTestId('capture-count')).toHaveText('3 captures')

  // Every search request fails as it would with the app gone; the rest of the API still answers.
  await page.route(/\/api\/(listCapturePage|countCaptures|listCaptures)$/, (route) => route.abort('connectionrefused'))
  await page.getByTestId('filter-text').fill('two')
  await expect(page.getByRole('alert').filter({ hasText: 'Could not load captures' })).toBeVisible({ timeout: 20_000 })
  await expect(page.getByTestId('capture-count')).toHaveText('Could not search 3 captures')

  // Once the app answers again, a new search counts as before.
  await page.unroute(/\/api\/(listCapturePage|countCaptures|listCaptures)$/)
  await page.getByTestId('filter-text').fill('three')
  await expect(page.getByTestId('capture-count')).toHaveText('1 of 3 captures', { timeout: 20_000 })
})
