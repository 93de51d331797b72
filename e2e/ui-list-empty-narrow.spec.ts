/**
 * In a narrow window the list stacks above the detail, and an empty endpoint's first-steps text
 * (URL, curl command, "Send a test callback") is taller than the list's share of the height. It
 * spilled out of the list and was painted over the detail's placeholder ("Select a capture to
 * see…"), both texts unreadable; it now scrolls inside the list.
 */
import { expect, test } from './fixtures/inspector'

test('the empty state of a stacked list scrolls inside the list instead of covering the detail', async ({ page, inspector }) => {
  await page.setViewportSize({ width: 1000, height: 700 })
  await inspector.openOwnEndpoint(page, 'empty-narrow-with-a-fairly-long-endpoint-slug')
  const empty = page.getByTestId('captures-empty')
  await expect(empty).toContainText('No callbacks yet')
  await expect(page.getByTestId('detail-placeholder')).toBeVisible()

  const boxes = await empty.evaluate((element) => {
    const body = element.parentElement
    const detail = document.querySelector('[data-testid=detail-placeholder]')
    if (!body || !detail) throw new Error('the list body or the detail placeholder is missing')
    return {
      listBottom: body.getBoundingClientRect().bottom,
      emptyBottom: element.getBoundingClientRect().bottom,
      detailTop: detail.getBoundingClientRect().top,
    }
  })
  // The stacked layout is in effect (the detail below the list), and the empty state ends at the
  // list's bottom edge: it scrolls there instead of running on over the detail.
  expect(boxes.detailTop).toBeGreaterThanOrEqual(boxes.listBottom - 1)
  expect(boxes.emptyBottom).toBeLessThanOrEqual(boxes.listBottom + 1)

  // Scrolling the list brings it into view, where it works.
  await empty.getByTestId('empty-open-simulator').scrollIntoViewIfNeeded()
  await empty.getByTestId('empty-open-simulator').click()
  await expect(page.getByTestId('simulator-dialog')).toBeVisible()
})
