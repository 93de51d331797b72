/**
 * The search box's help is where its terms are learnt: grouped (text, fields, combining), and an
 * example clicked goes into the box with its sample value selected, so typing replaces it. Before,
 * the help was a table to read and retype, and `from:` (the file an imported capture came from) was
 * its twentieth row, below the fold of a narrow window.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/inspector'

const rows = (page: Page) => page.getByTestId('capture-row')

test('an example from the help goes into the box ready to edit: from: finds what was imported from a file', async ({ page, inspector }) => {
  await page.setViewportSize({ width: 900, height: 800 })
  const endpoint = await inspector.openOwnEndpoint(page, 'search-help')
  await inspector.sendCallback({ slug: endpoint.slug, path: '/received', headers: [['Content-Type', 'application/json']], body: '{"order":"A-1"}' })
  const message = 'POST /imported HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"order":"A-2"}'
  await inspector.app.call('importCaptures', {
    endpointId: endpoint.id,
    format: 'http',
    dataBase64: Buffer.from(message).toString('base64'),
    sourceName: 'merchant-4711.http',
  })
  await expect(rows(page)).toHaveCount(2)
  const search = page.getByTestId('filter-text')
  await expect(search).toHaveAttribute('placeholder', /from:file.*\(\? lists all\)$/)
  for (const width of [900, 1181]) {
    await page.setViewportSize({ width, height: 800 })
    // The placeholder reads whole, up to the pointer to the help, where the list is narrowest beside the detail.
    const [textWidth, room] = await search.evaluate((input: HTMLInputElement) => {
      const context = document.createElement('canvas').getContext('2d')
      const style = getComputedStyle(input)
      if (context === null) throw new Error('no canvas')
      context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
      return [context.measureText(input.placeholder).width, input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)]
    })
    expect(textWidth, `at ${width} px`).toBeLessThanOrEqual(room)
  }
  await page.setViewportSize({ width: 900, height: 800 })

  await page.getByTestId('query-help-button').click()
  const help = page.getByTestId('query-help')
  await expect(help.getByRole('columnheader', { name: 'In one field (click one to try it)' })).toBeVisible()
  const fromExample = help.getByTestId('query-help-example').filter({ hasText: /^from:/ })
  // Shown without scrolling the panel, in a 900 × 800 window.
  await expect(fromExample).toBeInViewport()
  await fromExample.click()

  await expect(help).toHaveCount(0)
  await expect(search).toBeFocused()
  await expect(search).toHaveValue('from:merchant.bundle')
  const selected = await search.evaluate((input: HTMLInputElement) => input.value.slice(input.selectionStart ?? 0, input.selectionEnd ?? 0))
  expect(selected).toBe('merchant.bundle')
  // Not searched yet: the sample value is there to be typed over.
  await expect(page.getByTestId('filter-query-error')).toHaveCount(0)
  await expect(rows(page)).toHaveCount(2)

  await page.keyboard.type('merchant-4711')
  await expect(search).toHaveValue('from:merchant-4711')
  await page.keyboard.press('Enter')
  await expect(rows(page)).toHaveCount(1)
  await expect(rows(page).getByTestId('capture-target')).toHaveText('/imported')

  // A second example is added after what the box holds.
  await page.getByTestId('query-help-button').click()
  await help
    .getByTestId('query-help-example')
    .filter({ hasText: /^-term$/ })
    .click()
  await expect(search).toHaveValue('from:merchant-4711 -term')
  await page.keyboard.type('"A-2"')
  await page.keyboard.press('Enter')
  await expect(search).toHaveValue('from:merchant-4711 "A-2"')
})
