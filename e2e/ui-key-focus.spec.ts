/**
 * "Add a key…" in the Signature panel goes away once the key it asked for turns the verdict; focus
 * went with it to <body> (a keyboard user was sent back to the top of the page). Now the verdict
 * banner, which says the new verdict, takes focus: whether the dialog closed before the verdict
 * changed (focus had gone back to the button) or after (the button was already gone).
 */
import type { Page } from '@playwright/test'
import { loadVectors, type VectorCase } from '../src-main/test-support/vectors'
import { expect, test, type InspectorFixture } from './fixtures/inspector'

const GITHUB = loadVectors('github.json')[0] as VectorCase

async function openUnverifiedCapture(page: Page, inspector: InspectorFixture, prefix: string): Promise<void> {
  const endpoint = await inspector.openOwnEndpoint(page, prefix)
  await inspector.sendCallback({ slug: endpoint.slug, path: GITHUB.path, method: GITHUB.method, headers: Object.entries(GITHUB.headers), body: GITHUB.body })
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'no-key')
  await page.getByTestId('signature-open-keys').click()
  await expect(page.getByTestId('key-secret')).toBeFocused()
  await page.getByTestId('key-secret').fill(GITHUB.secretOrKey as string)
}

test('closed after the key turned the verdict: focus goes to the verdict, not to <body>', async ({ page, inspector }) => {
  await openUnverifiedCapture(page, inspector, 'key-focus-after')
  await page.getByTestId('key-add').click()
  await expect(page.getByTestId('key-added')).toBeVisible()
  // The panel behind the dialog has the new verdict, and no "Add a key…" any more.
  await expect(page.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'valid')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('provider-settings-dialog')).toHaveCount(0)
  await expect(page.getByTestId('signature-verdict')).toBeFocused()
})

test('closed before the verdict changed: focus goes back to "Add a key…", then to the verdict once it changes', async ({ page, inspector }) => {
  await openUnverifiedCapture(page, inspector, 'key-focus-before')
  // The capture's new verdict is held back until the dialog has closed.
  let release: () => void = () => undefined
  const released = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/api/getCapture', async (route) => {
    await released
    await route.continue()
  })
  await page.getByTestId('key-add').click()
  await expect(page.getByTestId('key-added')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('signature-open-keys')).toBeFocused()
  release()
  await expect(page.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'valid')
  await expect(page.getByTestId('signature-verdict')).toBeFocused()
})
