/**
 * Keyboard use of the inspector: a skip link to the list, j/k and Enter, "/" for search, "?" for
 * the shortcuts, r/c/b on the open capture, Delete that asks first; shortcuts never fire while
 * typing or inside a dialog; dialogs open on their first field and give focus back when they close.
 * Also: a new token pasted into an open tab takes effect.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/inspector'

const selectedPath = (page: Page) => page.locator('[data-testid=capture-row][aria-selected=true] [data-testid=capture-target]')

test('skip link, j/k, Enter, /, ?, r, c, b and Delete, with focus where it belongs', async ({ page, inspector, context }) => {
  test.setTimeout(180_000)
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const endpoint = await inspector.openOwnEndpoint(page, 'keys')
  for (const path of ['/one', '/two', '/three']) {
    await inspector.sendCallback({ slug: endpoint.slug, path, headers: [['Content-Type', 'application/json']], body: `{"path":"${path}"}` })
  }
  await expect(page.getByTestId('capture-row')).toHaveCount(3)
  const list = page.getByTestId('capture-scroll')

  // The skip link is the first Tab stop and lands on the list.
  await page.reload()
  await expect(page.getByTestId('capture-row')).toHaveCount(3)
  await page.keyboard.press('Tab')
  await expect(page.getByTestId('skip-to-captures')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(list).toBeFocused()

  // j/k move (newest first), Enter goes into the details, Escape comes back.
  await page.keyboard.press('j')
  await expect(selectedPath(page)).toHaveText('/three')
  await page.keyboard.press('j')
  await expect(selectedPath(page)).toHaveText('/two')
  await page.keyboard.press('ArrowDown')
  await expect(selectedPath(page)).toHaveText('/one')
  await page.keyboard.press('k')
  await expect(selectedPath(page)).toHaveText('/two')
  await expect(page.getByTestId('detail-request-line')).toContainText('/two')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('detail-pane')).toBeFocused()
  // j/k work from anywhere on the page, not only in the list.
  await page.keyboard.press('k')
  await expect(selectedPath(page)).toHaveText('/three')
  await expect(list).toBeFocused()
  await page.keyboard.press('Enter')
  await page.keyboard.press('Escape')
  await expect(list).toBeFocused()

  // "/" focuses search; typing there is text, not shortcuts (which would have kept it out).
  await page.keyboard.press('/')
  const search = page.getByTestId('filter-text')
  await expect(search).toBeFocused()
  await page.keyboard.type('j/k?')
  await expect(search).toHaveValue('j/k?')
  await expect(page.getByTestId('shortcuts-dialog')).toHaveCount(0)
  await search.fill('')
  await expect(page.getByTestId('capture-row')).toHaveCount(3)
  await list.focus()
  if ((await selectedPath(page).count()) === 0) await page.keyboard.press('j')
  await expect(selectedPath(page)).toHaveText('/three')

  // "?" lists the shortcuts; keys inside the dialog are its own; focus comes back to the list.
  await page.keyboard.press('?')
  const help = page.getByTestId('shortcuts-dialog')
  await expect(help).toBeVisible()
  await expect(help.getByTestId('shortcut-row').filter({ hasText: 'Resend' })).toContainText('r')
  await page.keyboard.press('j')
  await expect(selectedPath(page)).toHaveText('/three')
  await page.keyboard.press('Escape')
  await expect(help).toBeHidden()
  await expect(list).toBeFocused()

  // r opens the Resend dialog on its first field; closing it gives focus back.
  await page.keyboard.press('r')
  const resend = page.getByTestId('resend-dialog')
  await expect(resend).toBeVisible()
  await expect(resend.getByRole('textbox', { name: 'Target URL' })).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(resend).toBeHidden()
  await expect(list).toBeFocused()

  // c and b copy the open capture.
  await page.keyboard.press('c')
  await expect(page.getByTestId('toast')).toContainText('Copied the capture as a curl command')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`/${endpoint.slug}/three`)
  await page.keyboard.press('b')
  await expect(page.getByTestId('toast')).toContainText('Copied the body')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('{"path":"/three"}')

  // Delete asks first, on Cancel: Delete then Enter (a double press) erases nothing; Escape keeps
  // the capture too. Tab to Delete and Enter confirm; the next capture opens.
  await page.keyboard.press('Delete')
  const confirm = page.getByTestId('confirm-dialog')
  await expect(confirm).toContainText('Delete this capture?')
  await expect(confirm.getByTestId('confirm-cancel')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(confirm).toHaveCount(0)
  await expect(page.getByTestId('capture-row')).toHaveCount(3)
  await page.keyboard.press('Delete')
  await expect(confirm.getByTestId('confirm-cancel')).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('capture-row')).toHaveCount(3)
  await expect(list).toBeFocused()
  await page.keyboard.press('Delete')
  await page.keyboard.press('Tab')
  await expect(confirm.getByTestId('confirm-button')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('capture-row')).toHaveCount(2)
  await expect(selectedPath(page)).toHaveText('/two')
  await expect(list).toBeFocused()
})

test('the detail Delete button asks first and focus is not lost; a dialog opened by a button gives focus back to it', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'focus')
  await inspector.sendCallback({ slug: endpoint.slug, path: '/a', body: '{}' })
  await inspector.sendCallback({ slug: endpoint.slug, path: '/b', body: '{}' })
  await page.getByTestId('capture-row').first().click()

  const resendButton = page.getByTestId('resend-capture')
  await resendButton.click()
  await expect(page.getByTestId('resend-dialog').getByRole('textbox', { name: 'Target URL' })).toBeFocused()
  await page.getByTestId('resend-dialog').getByTestId('dialog-close').click()
  await expect(resendButton).toBeFocused()

  await page.getByTestId('delete-capture').click()
  await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByTestId('capture-row')).toHaveCount(2)
  await expect(page.getByTestId('delete-capture')).toBeFocused()
  await page.getByTestId('delete-capture').click()
  await page.getByTestId('confirm-button').click()
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  // The button that opened the confirm went with its capture: focus goes to the list, not <body>.
  await expect(page.getByTestId('capture-scroll')).toBeFocused()
})

test('a new token pasted into an open tab takes effect', async ({ page, inspector }) => {
  const ui = new URL(inspector.app.ready.ui)
  await page.goto(`${ui.origin}/#token=not-the-token`)
  await expect(page.getByTestId('missing-token')).toBeVisible()
  // A fragment-only change: the page does not load again by itself.
  await page.evaluate((hash) => {
    window.location.hash = hash
  }, ui.hash)
  await expect(page.getByTestId('app')).toBeVisible()
  await expect(page.getByTestId('endpoint-item').first()).toBeVisible()
  expect(page.url()).not.toContain('token=')
})

test('↓ in the search box goes to the results: the first match opens and the list has the keys', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'search-down')
  const sent: Array<[path: string, reference: string]> = [
    ['/a', 'order-1'],
    ['/b', 'order-2'],
    ['/c', 'refund-3'],
    ['/d', 'order-4'],
  ]
  for (const [path, reference] of sent) {
    await inspector.sendCallback({ slug: endpoint.slug, path, headers: [['Content-Type', 'application/json']], body: `{"ref":"${reference}"}` })
  }
  await expect(page.getByTestId('capture-row')).toHaveCount(4)

  await page.keyboard.press('/')
  await expect(page.getByTestId('filter-text')).toBeFocused()
  await page.keyboard.type('order')
  await expect(page.getByTestId('capture-row')).toHaveCount(3)
  await page.keyboard.press('ArrowDown')
  await expect(page.getByTestId('capture-scroll')).toBeFocused()
  await expect(selectedPath(page)).toHaveText('/d')
  await expect(page.getByTestId('detail-request-line')).toContainText('/d')
  await page.keyboard.press('ArrowDown')
  await expect(selectedPath(page)).toHaveText('/b')

  // Back to the box with /, a new query: ↓ opens its first match, not the capture open before.
  await page.keyboard.press('/')
  await page.getByTestId('filter-text').fill('refund')
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  await page.keyboard.press('ArrowDown')
  await expect(selectedPath(page)).toHaveText('/c')
  await expect(page.getByTestId('capture-scroll')).toBeFocused()
})
