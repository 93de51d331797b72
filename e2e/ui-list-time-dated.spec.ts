/**
 * Another day's time in the capture list: the date goes on a line of its own, so the time of day
 * stays whole. On one line ("Dec 6 09:14:00") the column cut it to "Dec 6 09…": a merchant's
 * evidence imported a day later read the same on every retry, minutes apart.
 */
import type { Locator } from '@playwright/test'
import { harOfPosts } from './fixtures/har-file'
import { expect, test } from './fixtures/inspector'
import { importFile } from './fixtures/import-dialog'

/** A HAR file of POSTs, one per time, answered 500. */
function har(slug: string, times: string[]): Buffer {
  return harOfPosts(times.map((startedDateTime) => ({ url: `https://shop.example/${slug}/hook`, startedDateTime, status: 500 })))
}

/** Whether the element's text is cut by its box. */
function isClipped(element: Locator): Promise<boolean> {
  return element.evaluate((node) => node.scrollWidth > node.clientWidth)
}

test("another day's captures show their time of day whole in the list, the date above it", async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'time-dated')
  // Long ago, so never today: two retries two minutes apart.
  const evidence = har(endpoint.slug, ['2025-03-14T09:14:00.000Z', '2025-03-14T09:16:00.000Z'])
  await importFile(page, { name: 'evidence.har', mimeType: 'application/json', buffer: evidence }, 'Imported 2 captures.')

  const times = page.getByTestId('capture-row').locator('.cell-time')
  await expect(times).toHaveCount(2)
  const clocks: string[] = []
  for (const time of await times.all()) {
    // The time of day is there whole: neither the cell nor a line of it is cut.
    await expect(time).toContainText(/\d\d:\d\d:\d\d/)
    expect(await isClipped(time)).toBe(false)
    for (const line of await time.locator('span').all()) expect(await isClipped(line)).toBe(false)
    await expect(time.locator('.cell-time-clock')).toHaveText(/^\d\d:\d\d:\d\d$/)
    clocks.push(await time.locator('.cell-time-clock').innerText())
  }
  // The two retries are told apart by the list alone.
  expect(clocks[0]).not.toBe(clocks[1])
})
