/**
 * Opening a capture whose JSON body does not parse: the error is marked in the raw text, and
 * marking it must not scroll the detail pane away from the capture's request line and actions
 * (it did, for every capture with a broken body: the mark was scrolled into view page-wide).
 */
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

test('a broken JSON body is marked without scrolling the detail away from the request line', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'broken-json')
  const lines = Array.from({ length: 120 }, (_, index) => `  "field${index}": "value ${index}",`).join('\n')
  for (const [path, body] of [
    ['/short', '{"amount": 10.10, "broken": '],
    ['/long', `{\n${lines}\n  "last": oops\n}`],
  ] as const) {
    expect(await inspector.sendCallback({ slug: endpoint.slug, path, headers: [['Content-Type', 'application/json']], body })).toBe(200)
  }
  const pane = page.locator('.detail-pane')
  for (const path of ['/short', '/long']) {
    await row(page, path).click()
    await expect(page.getByTestId('json-syntax-error')).toBeVisible()
    await expect(page.locator('.syntax-error-mark')).toHaveCount(1)
    // Let any scrolling the view does on opening happen.
    await page.waitForTimeout(300)
    expect(await pane.evaluate((element) => element.scrollTop), path).toBe(0)
    await expect(page.getByTestId('detail-request-line')).toBeInViewport()
  }
  // In the long body the mark is brought into view inside the body's own scroll box.
  const text = page.getByTestId('json-raw-text')
  expect(await text.evaluate((element) => element.scrollTop)).toBeGreaterThan(0)
  await text.scrollIntoViewIfNeeded()
  await expect(page.locator('.syntax-error-mark')).toBeInViewport()
})
