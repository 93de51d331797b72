/**
 * The Size column of a wide list shows every size whole: "20.2 KiB" and the other 8-character
 * sizes were cut to "20.2 K…" in its 52 px, on windows of 1,920 px and wider.
 */
import { expect, test } from './fixtures/inspector'

test('a wide list shows each size whole, the longest ones included', async ({ page, inspector }) => {
  await page.setViewportSize({ width: 2200, height: 900 })
  const endpoint = await inspector.openOwnEndpoint(page, 'sizes')
  const sizes = { '20.2 KiB': 20_701, '99.9 KiB': 102_297, '1022 KiB': 1_047_000, '512 B': 512 }
  for (const bytes of Object.values(sizes)) {
    await inspector.sendCallback({
      slug: endpoint.slug,
      path: `/size-${bytes}`,
      headers: [['content-type', 'application/json']],
      body: JSON.stringify({ pad: 'x'.repeat(bytes - 10) }),
    })
  }
  const cells = page.getByTestId('capture-row').locator('.cell-size')
  await expect(cells).toHaveText(Object.keys(sizes).reverse())
  const cut = await cells.evaluateAll((elements) =>
    elements.filter((cell) => cell.scrollWidth > cell.clientWidth).map((cell) => `${cell.textContent} (${cell.scrollWidth} > ${cell.clientWidth})`),
  )
  expect(cut).toEqual([])
})
