/**
 * The resend preview's header table says why each header differs from the capture; its "Why"
 * column was 80 px wide and broke "recomputed" into "recomput" / "ed". A reason now reads whole, in
 * a wide and a narrow window.
 */
import { expect, test } from './fixtures/inspector'

for (const width of [1400, 900]) {
  test(`the resend preview's reasons are not broken mid-word at ${width} px`, async ({ page, inspector }) => {
    await page.setViewportSize({ width, height: 900 })
    const endpoint = await inspector.openOwnEndpoint(page, `resend-why-${width}`)
    await inspector.sendCallback({ slug: endpoint.slug, path: '/cb', headers: [['Content-Type', 'application/json']], body: '{"amount":"9.99"}' })
    await page.getByTestId('capture-row').first().click()
    await page.getByTestId('resend-capture').click()
    const dialog = page.getByTestId('resend-dialog')
    await dialog.getByTestId('resend-target').fill('http://127.0.0.1:9/cb')
    await dialog.getByTestId('resend-mode').getByText('Edit', { exact: true }).click()
    await dialog.getByTestId('resend-body').fill('{"amount":"19.99"}')
    const reason = dialog.locator('[data-testid=header-diff-row][data-change=header-changed] td.replay-why').filter({ hasText: 'recomputed' })
    await expect(reason).toHaveCount(1)
    // One line box for the word: a word broken over two lines has two.
    const lines = await reason.evaluate((cell) => {
      const range = document.createRange()
      range.selectNodeContents(cell)
      return range.getClientRects().length
    })
    expect(lines).toBe(1)
  })
}

test('the header changes of a resend in the history beside the list read one header at a time, not in four squeezed columns', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'resend-why-history')
  await inspector.sendCallback({ slug: endpoint.slug, path: '/cb', headers: [['Content-Type', 'application/json']], body: '{"amount":"9.99"}' })
  await page.getByTestId('capture-row').first().click()
  await page.getByTestId('resend-capture').click()
  const dialog = page.getByTestId('resend-dialog')
  await dialog.getByTestId('resend-target').fill('http://127.0.0.1:9/cb')
  await dialog.getByTestId('resend-mode').getByText('Edit', { exact: true }).click()
  await dialog.getByTestId('resend-body').fill('{"amount":"19.99"}')
  await dialog.getByTestId('resend-send').click()
  await expect(dialog.getByTestId('resend-result').getByTestId('replay-failure')).toBeVisible()
  await dialog.getByTestId('dialog-close').click()
  const record = page.getByTestId('replay-record').first()
  await record.getByRole('button').first().click()
  const row = record.locator('[data-testid=header-diff-row][data-change=header-changed]')
  await expect(row).toHaveCount(1)
  // Before, the name had a quarter of about 290 px: "Content-Length" broke over two lines, and each value had less.
  const lines = await row
    .locator('td')
    .first()
    .evaluate((cell) => {
      const range = document.createRange()
      range.selectNodeContents(cell)
      return range.getClientRects().length
    })
  expect(lines).toBe(1)
  const rowBox = (await row.boundingBox())!
  for (const label of ['Captured', 'Sent', 'Why']) {
    const cell = row.locator(`td[data-label=${label}]`)
    await expect(cell).toBeVisible()
    expect((await cell.boundingBox())!.width).toBeGreaterThan(rowBox.width * 0.9)
  }
})
