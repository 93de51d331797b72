/**
 * In a narrow window the list stacks above the detail. An empty endpoint's first-steps text (URL,
 * curl command, "Send a test callback") is taller than the list's share of the height: it spilled
 * over the detail's placeholder, then (once it scrolled inside the list) was cut to the list's
 * 180-300 px, "Send a test callback" out of sight under a detail pane that could only say "Select a
 * capture". With nothing to open, the list now takes the whole height; the detail returns with the
 * first capture.
 */
import { expect, test } from './fixtures/inspector'

test('a stacked empty endpoint shows its first steps whole, and the detail comes back with the first capture', async ({ page, inspector }) => {
  await page.setViewportSize({ width: 1000, height: 700 })
  const endpoint = await inspector.openOwnEndpoint(page, 'empty-narrow-with-a-fairly-long-endpoint-slug')
  const empty = page.getByTestId('captures-empty')
  await expect(empty).toContainText('No callbacks yet')
  await expect(page.getByTestId('detail-placeholder')).toBeHidden()

  // Everything the first steps offer is on screen without scrolling, inside the list.
  const boxes = await empty.evaluate((element) => {
    const body = element.parentElement
    const simulate = element.querySelector('[data-testid=empty-open-simulator]')
    if (!body || !simulate) throw new Error('the list body or the simulator button is missing')
    return {
      listBottom: body.getBoundingClientRect().bottom,
      emptyBottom: element.getBoundingClientRect().bottom,
      simulateBottom: simulate.getBoundingClientRect().bottom,
      viewport: window.innerHeight,
    }
  })
  expect(boxes.emptyBottom).toBeLessThanOrEqual(boxes.listBottom + 1)
  expect(boxes.simulateBottom).toBeLessThanOrEqual(boxes.viewport)
  expect(boxes.simulateBottom).toBeLessThanOrEqual(boxes.listBottom)
  await empty.getByTestId('empty-open-simulator').click()
  await expect(page.getByTestId('simulator-dialog')).toBeVisible()
  await page.keyboard.press('Escape')

  // The first capture brings the detail pane back, below the list.
  expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/first', headers: [['Content-Type', 'application/json']], body: '{}' })).toBe(200)
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  await expect(page.getByTestId('detail-placeholder')).toBeVisible()
  await page.getByTestId('capture-row').click()
  await expect(page.getByTestId('detail-request-line')).toContainText('/first')
})
