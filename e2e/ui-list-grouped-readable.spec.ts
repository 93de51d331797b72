/**
 * At 1400 px with a capture open, a row still tells deliveries apart: the whole reference (beside
 * a grouped row's "×4"), the whole IXOPAY summary with its amount, and a target of ordinary length.
 */
import type { Page } from '@playwright/test'
import { loadVectors, type VectorCase } from '../src-main/test-support/vectors'
import { expect, test, type InspectorFixture } from './fixtures/inspector'

const IXOPAY = loadVectors('ixopay.json')[0] as VectorCase

async function sendIxopay(inspector: InspectorFixture, slug: string, orderId: string, uuid: string): Promise<void> {
  const body = JSON.stringify({ ...(JSON.parse(IXOPAY.body) as Record<string, unknown>), merchantTransactionId: orderId, uuid })
  await inspector.sendCallback({ slug, path: IXOPAY.path, method: IXOPAY.method, headers: Object.entries(IXOPAY.headers), body })
}

/** Cells (or the text within them) whose text does not fit their box. */
async function clippedCells(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((cells) =>
    cells
      .filter((cell) => {
        const range = document.createRange()
        range.selectNodeContents(cell)
        return cell.scrollWidth > cell.clientWidth || range.getBoundingClientRect().right > cell.getBoundingClientRect().right + 0.5
      })
      .map((cell) => `${cell.textContent} (${cell.scrollWidth} > ${cell.clientWidth})`),
  )
}

test('grouped retries at 1400 px with a capture open: reference, summary and target are whole', async ({ page, inspector }) => {
  await page.setViewportSize({ width: 1400, height: 1000 })
  const endpoint = await inspector.openOwnEndpoint(page, 'grouped')
  for (let attempt = 0; attempt < 4; attempt += 1) await sendIxopay(inspector, endpoint.slug, 'order-5001', 'a1b2c3d4e5f6a7b8c9d0')
  await sendIxopay(inspector, endpoint.slug, 'order-5002', 'f0e9d8c7b6a5f4e3d2c1')
  const rows = page.getByTestId('capture-row')
  await expect(rows).toHaveCount(5)
  await page.getByTestId('group-by-delivery').check()
  await expect(rows).toHaveCount(2)
  await rows.first().click()
  await expect(page.getByTestId('detail-pane')).toBeVisible()

  const grouped = rows.filter({ has: page.getByTestId('delivery-attempt-count') })
  await expect(grouped.getByTestId('delivery-attempt-count')).toHaveText('×4')
  await expect(grouped.locator('.cell-reference-text')).toHaveText('order-5001')
  expect(await clippedCells(page, '[data-testid=capture-reference] .cell-reference-text')).toEqual([])
  expect(await clippedCells(page, '[data-testid=capture-reference]')).toEqual([])
  await expect(rows.getByTestId('capture-summary').first()).toContainText('EUR')
  expect(await clippedCells(page, '[data-testid=capture-summary]')).toEqual([])
  // A target is too long to show whole ("/callbacks/ixopay?orderId=1001", in full on hover), but
  // the path before the query shows (it was cut after about 10 characters).
  const target = rows.first().getByTestId('capture-target')
  await expect(target).toHaveAttribute('title', /\/callbacks\/ixopay\?orderId=/)
  const shownCharacters = await target.evaluate((cell) => cell.clientWidth / (cell.scrollWidth / (cell.textContent ?? '').length))
  expect(shownCharacters).toBeGreaterThanOrEqual('/callbacks/ixopay'.length)
})
