/**
 * The capture list's header names the endpoint in full where the window has room for it: at
 * 1181 px (the list at its narrowest beside the detail) the name was cut to "SH…" because it got
 * only what the actions left over. Now the actions go under the name when both do not fit, and
 * every action stays inside the list. Checked at 900 (stacked), 1181, 1400 and 1920 px.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/inspector'

/** How the header's parts sit: the name's cut, each action inside the list, and the header's height. */
function headerLayout(page: Page) {
  return page.getByTestId('capture-list').evaluate((list) => {
    const toolbar = list.querySelector<HTMLElement>('.list-toolbar')
    const scope = list.querySelector<HTMLElement>('[data-testid=list-scope]')
    if (!toolbar || !scope) throw new Error('no list header')
    const listBox = list.getBoundingClientRect()
    const actions = [...toolbar.querySelectorAll<HTMLElement>('button, label')].map((element) => element.getBoundingClientRect())
    return {
      nameCut: scope.scrollWidth > scope.clientWidth,
      actionsInside: actions.every((box) => box.left >= listBox.left && box.right <= listBox.right),
      actionCount: actions.length,
      toolbarHeight: toolbar.getBoundingClientRect().height,
    }
  })
}

test('the list header shows the whole endpoint name at 900, 1181, 1400 and 1920 px', async ({ page, inspector }) => {
  const slug = `shop-${Date.now().toString(36)}`
  await inspector.app.call('createEndpoint', { name: 'SHOP checkout', slug })
  expect(await inspector.sendCallback({ slug, path: '/orders', body: '{}' })).toBe(200)
  await inspector.openUi(page)
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  await expect(page.getByTestId('list-scope')).toHaveText('SHOP checkout')
  await expect(page.getByTestId('clear-endpoint')).toBeVisible()

  for (const width of [900, 1181, 1400, 1920]) {
    await page.setViewportSize({ width, height: 900 })
    await expect.poll(() => headerLayout(page), { message: `at ${width} px` }).toMatchObject({ nameCut: false, actionsInside: true, actionCount: 5 })
    // Where the name and the actions fit on one line, they share it (the header is not taller than before).
    if (width !== 1181) expect((await headerLayout(page)).toolbarHeight, `at ${width} px`).toBeLessThanOrEqual(41)
  }
})
