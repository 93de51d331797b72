/**
 * The Answers dialog never throws away unsaved work: Escape or Close with unsaved
 * rules or sequence steps asks "Discard unsaved changes?"; keeping editing keeps them, and saved
 * work closes without a question.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/inspector'
import { saveScreenshot } from './fixtures/screenshots'

async function openAnswers(page: Page, slug: string) {
  await page.locator(`[data-endpoint-slug="${slug}"] [data-testid=endpoint-answers]`).click()
  const dialog = page.getByTestId('answer-settings-dialog')
  await expect(dialog.getByTestId('answers-form')).toBeVisible()
  return dialog
}

test('Escape and Close with unsaved rules or steps ask first; Cancel keeps the work, Discard drops it', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'unsaved')
  const dialog = await openAnswers(page, endpoint.slug)
  const confirm = page.getByTestId('confirm-dialog')

  // Nothing changed: Close closes at once.
  await dialog.getByTestId('answers-close').click()
  await expect(dialog).toBeHidden()

  // A sequence (three steps) with a fourth added, unsaved: Escape asks, and Cancel keeps the dialog and the steps.
  const again = await openAnswers(page, endpoint.slug)
  await again.getByTestId('sequence-add').click()
  await again.getByTestId('sequence-step-add').click()
  await expect(again.getByTestId('sequence-step')).toHaveCount(4)
  await page.keyboard.press('Escape')
  await expect(confirm).toBeVisible()
  await expect(confirm).toContainText('Discard unsaved changes?')
  await saveScreenshot(page, 'answers-discard-question')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(confirm).toBeHidden()
  await expect(again).toBeVisible()
  await expect(again.getByTestId('sequence-step')).toHaveCount(4)

  // Escape inside the question also means "keep editing".
  await again.getByTestId('answers-close').click()
  await expect(confirm).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(confirm).toBeHidden()
  await expect(again.getByTestId('sequence-step')).toHaveCount(4)

  // Save: closing no longer asks.
  await again.getByTestId('answers-save').click()
  await expect(again.getByTestId('answers-saved')).toBeVisible()
  await again.getByTestId('answers-close').click()
  await expect(again).toBeHidden()
  await expect(confirm).toHaveCount(0)

  // An unsaved rule: Close asks, Discard closes, and nothing of it was stored.
  const third = await openAnswers(page, endpoint.slug)
  await third.getByTestId('rule-add').click()
  await third.getByTestId('rule-name').first().fill('refunds fail')
  await third.getByTestId('answers-close').click()
  await confirm.getByTestId('confirm-button').click()
  await expect(third).toBeHidden()
  const saved = await inspector.app.call<{ config: { rules: unknown[]; sequence: { steps: unknown[] } | null } }>('getAnswerConfig', {
    endpointId: endpoint.id,
  })
  expect(saved.config.rules).toEqual([])
  expect(saved.config.sequence?.steps).toHaveLength(4)
})
