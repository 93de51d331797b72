/**
 * Keyboard use of the form parts that add and remove things: the Answers dialog's rules, sequence
 * steps, failure rate and answer headers, and the resend editor's headers. A Remove (or "+ Add a
 * sequence", which the sequence replaces) left focus on <body>, so the next Tab started again at the
 * top of the page; "+ Add rule" kept focus on itself, below the new rule's fields. Focus now goes
 * to the new part's first field, and after a removal to the part that took its place, else to Add.
 */
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/inspector'

/** Presses Enter on a button reached from the keyboard (focused, not clicked). */
async function press(page: Page, button: ReturnType<Page['getByTestId']>) {
  await button.focus()
  await page.keyboard.press('Enter')
}

test('Answers: adding, moving and removing rules, steps, a failure rate and headers keeps focus in the form', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'answers-focus')
  await page.locator(`[data-endpoint-slug="${endpoint.slug}"] [data-testid=endpoint-answers]`).click()
  const dialog = page.getByTestId('answer-settings-dialog')
  await expect(dialog.getByTestId('answers-form')).toBeVisible()
  const rules = dialog.getByTestId('rule')

  await press(page, dialog.getByTestId('rule-add'))
  await expect(rules.nth(0).getByTestId('rule-name')).toBeFocused()
  await page.keyboard.type(' first')
  await press(page, dialog.getByTestId('rule-add'))
  await expect(rules.nth(1).getByTestId('rule-name')).toBeFocused()

  // Moved down, the rule keeps focus, on ↑ once ↓ can go no further.
  await press(page, rules.nth(0).getByTestId('rule-down'))
  await expect(rules.nth(1).getByTestId('rule-name')).toHaveValue('Rule 1 first')
  await expect(rules.nth(1).getByTestId('rule-up')).toBeFocused()

  // Removed: the rule that takes its place, then the one before, then "+ Add rule".
  await press(page, rules.nth(0).getByTestId('rule-remove'))
  await expect(rules).toHaveCount(1)
  await expect(rules.nth(0).getByTestId('rule-name')).toBeFocused()
  await press(page, rules.nth(0).getByTestId('rule-remove'))
  await expect(rules).toHaveCount(0)
  await expect(dialog.getByTestId('rule-add')).toBeFocused()

  // The sequence replaces its Add button, and gives it back when removed.
  await press(page, dialog.getByTestId('sequence-add'))
  await expect(dialog.getByTestId('sequence-enabled')).toBeFocused()
  const steps = dialog.getByTestId('sequence-step')
  await expect(steps).toHaveCount(3)
  await press(page, dialog.getByTestId('sequence-step-add'))
  await expect(steps).toHaveCount(4)
  await expect(steps.nth(3).locator('select').first()).toBeFocused()
  await press(page, steps.nth(3).getByTestId('sequence-step-remove'))
  await expect(steps).toHaveCount(3)
  await expect(steps.nth(2).locator('select').first()).toBeFocused()
  await press(page, dialog.getByTestId('sequence-remove'))
  await expect(dialog.getByTestId('sequence-add')).toBeFocused()

  await press(page, dialog.getByTestId('failure-rate-add'))
  await expect(dialog.getByTestId('failure-rate-percent')).toBeFocused()
  await press(page, dialog.getByTestId('failure-rate-remove'))
  await expect(dialog.getByTestId('failure-rate-add')).toBeFocused()

  // A custom default answer's headers.
  await dialog.getByTestId('default-custom').check()
  const headers = dialog.getByTestId('default-answer-editor-headers')
  await press(page, headers.getByTestId('default-answer-editor-headers-add'))
  await expect(headers.getByTestId('default-answer-editor-headers-name').nth(0)).toBeFocused()
  await page.keyboard.type('X-One')
  await press(page, headers.getByTestId('default-answer-editor-headers-add'))
  await expect(headers.getByTestId('default-answer-editor-headers-name').nth(1)).toBeFocused()
  await press(page, headers.getByRole('button', { name: 'Remove header X-One' }))
  await expect(headers.getByTestId('default-answer-editor-headers-name')).toHaveCount(1)
  await expect(headers.getByTestId('default-answer-editor-headers-name').nth(0)).toBeFocused()
  await press(page, headers.getByRole('button', { name: /^Remove header/ }))
  await expect(headers.getByTestId('default-answer-editor-headers-add')).toBeFocused()
})

test('the resend editor: a header removed or added leaves focus on the header list', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'resend-focus')
  await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/edit-me',
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Trace', 'abc'],
    ],
    body: '{"a":1}',
  })
  await page.getByTestId('capture-row').first().click()
  await page.getByTestId('resend-capture').click()
  const dialog = page.getByTestId('resend-dialog')
  await dialog.getByTestId('resend-mode').getByText('Edit', { exact: true }).click()
  const names = dialog.getByTestId('header-edit-name')
  const count = await names.count()
  expect(count).toBeGreaterThan(2)
  await press(page, dialog.getByTestId('header-edit-remove').nth(1))
  await expect(names).toHaveCount(count - 1)
  await expect(names.nth(1)).toBeFocused()
  await press(page, dialog.getByTestId('header-edit-add'))
  await expect(names).toHaveCount(count)
  await expect(names.nth(count - 1)).toBeFocused()
  await press(page, dialog.getByTestId('header-edit-remove').nth(count - 1))
  await expect(names.nth(count - 2)).toBeFocused()
})
