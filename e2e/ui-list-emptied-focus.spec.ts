/**
 * A list emptied from elsewhere (another window or a script: clearEndpoint, deleteCaptures) while
 * the keyboard is on it keeps focus in the list: the empty state takes it, where focus fell to
 * <body> and the next Tab started again at the top of the page.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/inspector'

const bodyHasFocus = (page: Page) => page.evaluate(() => document.activeElement === document.body)

test('cleared or deleted through the API while a row has keyboard focus: focus stays in the list', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'emptied-focus')
  const rows = page.getByTestId('capture-row')
  const list = page.getByTestId('capture-scroll')
  const empty = page.getByTestId('captures-empty')

  // endpoint-cleared: two captures, the second one reached with j.
  for (const path of ['/one', '/two']) await inspector.sendCallback({ slug: endpoint.slug, path, body: '{}' })
  await expect(rows).toHaveCount(2)
  await rows.first().click()
  await page.keyboard.press('j')
  await expect(list).toBeFocused()
  await inspector.app.call('clearEndpoint', { id: endpoint.id })
  await expect(empty).toBeVisible()
  await expect(empty).toBeFocused()
  expect(await bodyHasFocus(page)).toBe(false)
  // The next Tab goes on from there: into the empty state's first control, not the top of the page.
  await page.keyboard.press('Tab')
  await expect(empty.getByRole('button', { name: 'Copy URL' })).toBeFocused()

  // capture-deleted: the last capture deleted by a script.
  await inspector.sendCallback({ slug: endpoint.slug, path: '/three', body: '{}' })
  await expect(rows).toHaveCount(1)
  await rows.first().click()
  await expect(list).toBeFocused()
  const [capture] = (await inspector.app.call<{ items: Array<{ id: string }> }>('listCaptures', { endpointId: endpoint.id })).items
  await inspector.app.call('deleteCaptures', { ids: [capture?.id] })
  await expect(empty).toBeFocused()
  expect(await bodyHasFocus(page)).toBe(false)
})
