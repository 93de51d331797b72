/**
 * Dialogs whose content is fetched after they open (Keys & provider, Answers, Storage) still open
 * on their first field: on a first open the field arrives after "Loading…", and focus must follow
 * it unless the user has already moved it.
 */
import { expect, test } from './fixtures/inspector'

test('Keys & provider, Answers and Storage open on their first field once it has loaded', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'dialog-focus')
  const card = page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${endpoint.slug}"]`)

  await card.getByTestId('endpoint-keys').click()
  await expect(page.getByTestId('pinned-provider')).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(card.getByTestId('endpoint-keys')).toBeFocused()

  await card.getByTestId('endpoint-answers').click()
  await expect(page.getByTestId('default-provider')).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(card.getByTestId('endpoint-answers')).toBeFocused()

  await page.getByTestId('open-storage-settings').click()
  await expect(page.getByTestId('durability-sync')).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('open-storage-settings')).toBeFocused()
})

test('a dialog that is still loading leaves focus alone once the user has pressed a key in it', async ({ page, inspector }) => {
  await inspector.openUi(page)
  // Hold the settings back, so there is time to move focus before the form exists.
  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/api/getStorageSettings', async (route) => {
    await released
    await route.continue()
  })
  await page.getByTestId('open-storage-settings').click()
  await page.keyboard.press('Tab')
  const focusedBefore = await page.evaluateHandle(() => document.activeElement)
  release()
  await expect(page.getByTestId('durability-sync')).toBeVisible()
  expect(await page.evaluate((before) => document.activeElement === before, focusedBefore)).toBe(true)
})

test('the simulator opens on its template list once the templates have loaded, not on the target below it', async ({ page, inspector }) => {
  await inspector.openUi(page)
  // Hold the templates back: the list is disabled until they arrive (a first open on a slow machine).
  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/api/listSimulatorTemplates', async (route) => {
    await released
    await route.continue()
  })
  await page.getByTestId('open-simulator').click()
  const dialog = page.getByTestId('simulator-dialog')
  await expect(dialog.getByTestId('simulator-template')).toBeDisabled()
  await expect(dialog.getByTestId('simulator-target-endpoint')).not.toBeFocused()
  release()
  await expect(dialog.getByTestId('simulator-template')).toBeEnabled()
  await expect(dialog.getByTestId('simulator-template')).toBeFocused()
})
