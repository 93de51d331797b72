/**
 * The endpoint sidebar from the keyboard (WAI-ARIA roving focus): the endpoint list is one Tab
 * stop, ↑ ↓ Home End move between endpoints, and the card focused there has its actions as one
 * more Tab stop, ← → Home End between them. Before, every card put its eight buttons in the Tab
 * order: with six endpoints the capture list was about fifty Tabs away.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/inspector'

const card = (page: Page, slug: string) => page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"]`)
const focusedTestId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName)

test('the endpoint list and the focused card’s actions are one Tab stop each, arrows move inside', async ({ page, inspector }) => {
  const stamp = Date.now().toString(36)
  const slugs = ['a', 'b', 'c', 'd'].map((letter) => `kb-${letter}-${stamp}`)
  for (const slug of slugs) await inspector.app.call('createEndpoint', { name: `Keyboard ${slug}`, slug })
  await page.goto(inspector.app.ready.ui)
  await card(page, slugs[1]!).getByTestId('endpoint-select').click()
  await expect(card(page, slugs[1]!).getByTestId('endpoint-select')).toHaveAttribute('aria-current', 'true')

  // From "+ New": the endpoint shown, its actions, then out of the sidebar, however many endpoints there are.
  await page.getByTestId('new-endpoint').focus()
  await page.keyboard.press('Tab')
  await expect(card(page, slugs[1]!).getByTestId('endpoint-select')).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(card(page, slugs[1]!).getByTestId('copy-endpoint-url')).toBeFocused()
  await page.keyboard.press('Tab')
  expect(await focusedTestId(page)).not.toMatch(/^(endpoint-|copy-endpoint|edit-endpoint|delete-endpoint|forward-endpoint|check-public-url)/)
  expect(await page.evaluate(() => document.activeElement?.closest('[data-testid=sidebar]') === null)).toBe(true)

  // The actions: → ← End Home, and Shift+Tab back to the endpoint.
  await card(page, slugs[1]!).getByTestId('copy-endpoint-url').focus()
  await page.keyboard.press('ArrowRight')
  await expect(card(page, slugs[1]!).getByTestId('edit-endpoint')).toBeFocused()
  await page.keyboard.press('End')
  await expect(card(page, slugs[1]!).getByTestId('check-public-url')).toBeFocused()
  await page.keyboard.press('ArrowLeft')
  await expect(card(page, slugs[1]!).getByTestId('forward-endpoint')).toBeFocused()
  await page.keyboard.press('Shift+Tab')
  await expect(card(page, slugs[1]!).getByTestId('endpoint-select')).toBeFocused()
  // Tab comes back to the action used last.
  await page.keyboard.press('Tab')
  await expect(card(page, slugs[1]!).getByTestId('forward-endpoint')).toBeFocused()
  await page.keyboard.press('Shift+Tab')

  // ↓ ↑ Home End between endpoints; Tab then reaches the focused card's actions, Enter shows it.
  await page.keyboard.press('ArrowDown')
  await expect(card(page, slugs[2]!).getByTestId('endpoint-select')).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('ArrowUp')
  await expect(card(page, slugs[0]!).getByTestId('endpoint-select')).toBeFocused()
  await page.keyboard.press('Home')
  await expect(page.getByTestId('endpoint-all')).toBeFocused()
  await page.keyboard.press('End')
  const last = page.getByTestId('endpoint-item').last()
  await expect(last.getByTestId('endpoint-select')).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(last.getByTestId('copy-endpoint-url')).toBeFocused()
  await page.keyboard.press('Shift+Tab')
  await page.keyboard.press('Enter')
  await expect(last.getByTestId('endpoint-select')).toHaveAttribute('aria-current', 'true')
  await expect(last.getByTestId('endpoint-select')).toBeFocused()

  // The other cards' buttons are out of the Tab order (still there for the mouse).
  const tabbable = await page.getByTestId('sidebar').evaluate((sidebar) =>
    Array.from(sidebar.querySelectorAll<HTMLElement>('button'))
      .filter((button) => button.tabIndex >= 0)
      .map((button) => button.dataset['testid']),
  )
  expect(tabbable).toEqual(['new-endpoint', 'endpoint-select', 'copy-endpoint-url'])
})
