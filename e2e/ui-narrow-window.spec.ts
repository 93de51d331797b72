/**
 * Narrow windows keep everything inside the window:
 * - the selection bar's actions (about 650 px) wrap inside a narrow list: at 1181-1320 px
 *   (a 1280 px laptop) "Export selected…" was cut and "Clear selection" ran over the detail pane;
 * - below about 760 px the page scrolled sideways and cut the list's Status column and the top
 *   bar; now the sidebar narrows, the list drops its Method column under 540 px and the top bar
 *   wraps, down to 600 px;
 * - the detail's request line breaks a long target where the line ends and keeps "HTTP/1.1" whole
 *   (it read "HTTP/1." and "1" on two lines).
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/inspector'

/** Elements whose box runs past `within` (the window when null), by test id or class. */
function outside(page: Page, selector: string, withinSelector: string | null) {
  return page.evaluate(
    ({ selector, withinSelector }) => {
      const limit = withinSelector === null ? window.innerWidth : (document.querySelector(withinSelector)?.getBoundingClientRect().right ?? 0)
      return [...document.querySelectorAll<HTMLElement>(selector)]
        .filter((element) => element.getBoundingClientRect().width > 0 && element.getBoundingClientRect().right > limit + 0.5)
        .map((element) => element.dataset.testid ?? element.className)
    },
    { selector, withinSelector },
  )
}

test('the selection bar wraps inside a narrow list instead of running over the detail', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'narrow-select')
  for (const order of ['A-1', 'A-2']) expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/hook', body: `{"order":"${order}"}` })).toBe(200)
  await expect(page.getByTestId('capture-row')).toHaveCount(2)
  await page.getByTestId('row-check').nth(0).check()
  await page.getByTestId('row-check').nth(1).check()
  await expect(page.getByTestId('selection-bar')).toBeVisible()

  for (const width of [1181, 1280]) {
    await page.setViewportSize({ width, height: 800 })
    await expect.poll(() => outside(page, '[data-testid=selection-bar] > *', '[data-testid=capture-scroll]'), { message: `at ${width} px` }).toEqual([])
    const bar = await page.getByTestId('selection-bar').evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth }))
    expect(bar.scroll, `at ${width} px`).toBeLessThanOrEqual(bar.client)
  }
  // Where it fits, one line as before.
  await page.setViewportSize({ width: 1920, height: 800 })
  await expect.poll(() => page.locator('.capture-columns').evaluate((element) => element.getBoundingClientRect().height)).toBeLessThanOrEqual(29)
})

test('a 600-760 px window does not scroll sideways: the status, sidebar and top bar stay inside', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'narrow-window')
  expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/callbacks/ixopay?orderId=1001', body: '{"a":1}' })).toBe(200)
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  await page.getByTestId('capture-row').click()
  await expect(page.getByTestId('capture-detail')).toBeVisible()

  for (const width of [600, 640, 700, 760]) {
    await page.setViewportSize({ width, height: 700 })
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: `at ${width} px` }).toBeLessThanOrEqual(width)
    expect(await outside(page, '[data-testid=capture-row] > .cell', '[data-testid=capture-scroll]'), `at ${width} px`).toEqual([])
    expect(await outside(page, '.topbar > *', null), `at ${width} px`).toEqual([])
    const sidebar = await page.getByTestId('sidebar').evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth }))
    expect(sidebar.scroll, `sidebar at ${width} px`).toBeLessThanOrEqual(sidebar.client)
    await expect(page.getByTestId('capture-status')).toBeInViewport({ ratio: 1 })
  }
})

test('the request line keeps HTTP/1.1 whole when a long target wraps', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'request-line')
  // Eight lengths in a row: wherever the line ends, one of them put the break inside "HTTP/1.1" before.
  for (let extra = 0; extra < 8; extra++) {
    const path = `/callbacks/ixopay/notifications?orderId=1001&x=${'a'.repeat(extra)}`
    expect(await inspector.sendCallback({ slug: endpoint.slug, path, body: '{}' })).toBe(200)
  }
  await page.setViewportSize({ width: 1181, height: 800 })
  await expect(page.getByTestId('capture-row')).toHaveCount(8)
  const version = page.getByTestId('detail-http-version')
  for (let index = 0; index < 8; index++) {
    await page.getByTestId('capture-row').nth(index).click()
    await expect(version).toHaveText('HTTP/1.1')
    // The line wraps (the pane is at its narrowest), but the version's boxes all sit on one line.
    expect(await page.getByTestId('detail-request-line').evaluate((element) => element.getBoundingClientRect().height)).toBeGreaterThan(30)
    const lines = await version.evaluate((element) => new Set([...element.getClientRects()].map((box) => Math.round(box.top))).size)
    expect(lines, `row ${index}`).toBe(1)
  }
})
