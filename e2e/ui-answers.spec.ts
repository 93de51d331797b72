/**
 * How the receiver answers, configured in the real UI: a retry sequence seen in the list and the
 * detail, the provider's acknowledgement warning (while editing, before Save), and validation messages.
 */
import type { Page } from '@playwright/test'
import { loadVectors, type VectorCase } from '../src-main/test-support/vectors'
import { expect, test, type InspectorFixture } from './fixtures/inspector'

const IXOPAY = loadVectors('ixopay.json')[0] as VectorCase

function sendIxopay(inspector: InspectorFixture, slug: string): Promise<number> {
  return inspector.sendCallback({ slug, path: IXOPAY.path, method: IXOPAY.method, headers: Object.entries(IXOPAY.headers), body: IXOPAY.body })
}

async function openAnswers(page: Page, slug: string) {
  await page.locator(`[data-endpoint-slug="${slug}"] [data-testid=endpoint-answers]`).click()
  const dialog = page.getByTestId('answer-settings-dialog')
  await expect(dialog.getByTestId('answers-form')).toBeVisible()
  return dialog
}

/**
 * Each test drives some forty UI steps against the app. On the CI machine (two cores shared by two
 * workers, each with Chromium and an app) a step can take seconds: with both cores busy the first
 * test took 43 s, of the 60 s a test gets by default. Three times that leaves room; nothing here waits on
 * a fixed time.
 */
test.describe.configure({ timeout: 180_000 })

test('"500 twice, then 200 OK" configured in the UI: the same IXOPAY callback sent three times answers 500, 500, 200', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'sequence')
  const dialog = await openAnswers(page, endpoint.slug)

  // The button makes the retry test it names, ready to save.
  await dialog.getByTestId('sequence-add').click()
  await expect(dialog.getByTestId('sequence-step')).toHaveCount(3)
  await expect(dialog.getByTestId('sequence-step-1-status')).toHaveValue('500')
  await expect(dialog.getByTestId('sequence-step-2-status')).toHaveValue('500')
  await expect(dialog.getByTestId('sequence-step-3-status')).toHaveValue('200')
  await expect(dialog.getByTestId('sequence-step-3-body')).toHaveValue('OK')
  await dialog.getByTestId('answers-save').click()
  await expect(dialog.getByTestId('answers-saved')).toBeVisible()
  await dialog.getByTestId('answers-close').click()

  const saved = await inspector.app.call<{ config: { sequence: { steps: Array<{ status: number }> } } }>('getAnswerConfig', { endpointId: endpoint.id })
  expect(saved.config.sequence.steps.map((step) => step.status)).toEqual([500, 500, 200])

  expect(await sendIxopay(inspector, endpoint.slug)).toBe(500)
  expect(await sendIxopay(inspector, endpoint.slug)).toBe(500)
  expect(await sendIxopay(inspector, endpoint.slug)).toBe(200)

  // Newest first.
  const rows = page.getByTestId('capture-row')
  await expect(rows).toHaveCount(3)
  await expect(rows.getByTestId('capture-status')).toHaveText(['200', '500', '500'])
  await expect(rows.getByTestId('capture-answer-choice')).toHaveText(['3/3', '2/3', '1/3'])

  await rows.nth(1).click()
  await expect(page.getByTestId('detail-answer-choice')).toHaveText('Sequence step 2 of 3')
  await rows.nth(0).click()
  await expect(page.getByTestId('detail-answer-choice')).toHaveText('Sequence step 3 of 3')
  await expect(page.getByTestId('detail-answered')).toContainText('200 OK')

  // Reset counters: the same delivery starts the sequence again.
  const again = await openAnswers(page, endpoint.slug)
  await again.getByTestId('sequence-reset').click()
  await expect(again.getByTestId('sequence-reset-state')).toContainText('Counters reset')
  await again.getByTestId('answers-close').click()
  expect(await sendIxopay(inspector, endpoint.slug)).toBe(500)
  await expect(rows.first().getByTestId('capture-answer-choice')).toHaveText('1/3')
})

test('the IXOPAY warning appears when the default answer is not 200 OK, and bad input is caught', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'warning')
  // The endpoint must know it receives IXOPAY for the warning to apply.
  await sendIxopay(inspector, endpoint.slug)
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  await expect(page.getByTestId('capture-row').getByTestId('capture-status')).toHaveText('200')
  await page.getByTestId('capture-row').click()
  await expect(page.getByTestId('detail-answer-choice')).toHaveText('Provider default (IXOPAY)')

  const dialog = await openAnswers(page, endpoint.slug)
  await expect(dialog.getByTestId('answer-warnings')).toHaveCount(0)
  await expect(dialog.getByTestId('answer-warnings-basis')).toContainText('IXOPAY (expects HTTP 200 with body OK)')
  // The provider default says what it sends here, not a list of every provider.
  await expect(dialog.getByTestId('default-provider-hint')).toHaveText('(as each provider expects, here IXOPAY: HTTP 200 with body OK; unknown senders: 200)')
  await dialog.getByTestId('default-custom').check()
  const editor = dialog.getByTestId('default-answer-editor')

  // While editing, before Save: the draft's warning, gone again once the draft is fixed.
  await editor.getByTestId('default-answer-editor-status').fill('500')
  await expect(dialog.getByTestId('answer-warning')).toHaveText([
    'Default answer: IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK',
  ])
  await expect(dialog.getByTestId('answer-warnings')).toHaveAttribute('data-stale', 'false')
  // Half-typed, the draft cannot be checked: the last warnings stay, marked as the last checked draft's.
  await editor.getByTestId('default-answer-editor-status').fill('2')
  await expect(dialog.getByTestId('answer-warnings')).toHaveAttribute('data-stale', 'true')
  await expect(dialog.getByTestId('answer-warnings-basis')).toContainText('Fix the marked fields to check the latest changes.')
  await editor.getByTestId('default-answer-editor-status').fill('200')
  await expect(dialog.getByTestId('answer-warnings')).toHaveCount(0)
  await expect(dialog.getByTestId('answer-warnings-basis')).toContainText('Every answer here counts as success for IXOPAY')
  const unsaved = await inspector.app.call<{ config: { defaultAnswer: unknown } }>('getAnswerConfig', { endpointId: endpoint.id })
  expect(unsaved.config.defaultAnswer).toBe('provider-default')

  // Validation as you type.
  await editor.getByTestId('default-answer-editor-status').fill('600')
  await expect(editor.getByTestId('default-answer-editor-status-error')).toContainText('200 to 599')
  await editor.getByTestId('default-answer-editor-status').fill('202')
  await expect(editor.getByTestId('default-answer-editor-status-error')).toHaveCount(0)
  await editor.getByTestId('default-answer-editor-body-mode').selectOption('json')
  await editor.getByTestId('default-answer-editor-body').fill('{"ok": ')
  await expect(editor.getByTestId('default-answer-editor-body-error')).toContainText('Not valid JSON')
  await dialog.getByTestId('answers-save').click()
  await expect(dialog.getByTestId('answers-problems')).toBeVisible()
  await editor.getByTestId('default-answer-editor-body').fill('{"ok": true}')
  await expect(editor.getByTestId('default-answer-editor-body-error')).toHaveCount(0)
  await dialog.getByTestId('answers-save').click()
  await expect(dialog.getByTestId('answers-saved')).toBeVisible()

  await expect(dialog.getByTestId('answer-warning').first()).toContainText('IXOPAY')
  await expect(dialog.getByTestId('answer-warning').first()).toContainText('200')

  // Back to the provider default: the warning goes away.
  await dialog.getByTestId('default-provider').check()
  await dialog.getByTestId('answers-save').click()
  await expect(dialog.getByTestId('answers-saved')).toBeVisible()
  await expect(dialog.getByTestId('answer-warnings')).toHaveCount(0)
})

test('the failure rate reads as one line: "Answer 30 % of deliveries with:", its percent field only as wide as a percentage', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'rate')
  const dialog = await openAnswers(page, endpoint.slug)
  await dialog.getByTestId('failure-rate-add').click()
  // No callback yet: the provider default lists the common cases, and the check says nothing is known.
  await expect(dialog.getByTestId('default-provider-hint')).toContainText('Adyen classic: [accepted]')
  await expect(dialog.getByTestId('answer-warnings-basis')).toContainText('No provider recognised on this endpoint yet')
  const percent = dialog.getByTestId('failure-rate-percent')
  await expect(percent).toHaveValue('30')
  const field = await percent.boundingBox()
  const label = await dialog.getByTestId('failure-rate-section').locator('label.inline-field').boundingBox()
  expect(field?.width).toBeLessThan(100)
  // One line of text: the label is no taller than its input.
  expect(label?.height).toBeLessThanOrEqual((field?.height ?? 0) + 2)
})

test('a Save refused for a field high up in a long form says why beside Save, not out of sight below', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'refused')
  const dialog = await openAnswers(page, endpoint.slug)
  // A long form: a rule and a sequence below the default answer.
  await dialog.getByTestId('rule-add').click()
  await dialog.getByTestId('sequence-add').click()
  await dialog.getByTestId('default-custom').check()
  const delay = dialog.getByTestId('default-answer-editor-delay')
  await delay.fill('130')
  await expect(delay).toBeInViewport()
  await dialog.getByTestId('answers-save').click()
  const problems = dialog.getByTestId('answers-problems')
  await expect(problems).toContainText('Default answer: A delay is 0 to 120 seconds.')
  await expect(problems).toBeInViewport()
  await expect(dialog.getByTestId('answers-saved')).toHaveCount(0)
})

test('a new rule says it answers every callback until it has a condition', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'rule')
  const dialog = await openAnswers(page, endpoint.slug)
  await dialog.getByTestId('rule-add').click()
  await expect(dialog.getByTestId('rule-matches-all')).toContainText('this rule answers every callback')
  // Disabled, it answers nothing; with a condition, only what matches.
  await dialog.getByTestId('rule-enabled').uncheck()
  await expect(dialog.getByTestId('rule-matches-all')).toHaveCount(0)
  await dialog.getByTestId('rule-enabled').check()
  await expect(dialog.getByTestId('rule-matches-all')).toBeVisible()
  await dialog.getByTestId('rule-path').fill('/refunds/**')
  await expect(dialog.getByTestId('rule-matches-all')).toHaveCount(0)
})

test("a callback arriving while the dialog is open brings its provider's warnings", async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'arrives')
  const dialog = await openAnswers(page, endpoint.slug)
  await dialog.getByTestId('default-custom').check()
  // The draft is checked (and found to have no provider to judge it) before the callback comes.
  const checked = page.waitForResponse((response) => response.url().endsWith('/previewAnswerWarnings') && response.ok())
  await dialog.getByTestId('default-answer-editor-status').fill('500')
  await checked
  await expect(dialog.getByTestId('answer-warnings-basis')).toContainText('No provider recognised on this endpoint yet')
  await expect(dialog.getByTestId('answer-warnings')).toHaveCount(0)

  expect(await sendIxopay(inspector, endpoint.slug)).toBe(200)
  await expect(dialog.getByTestId('answer-warning')).toHaveText([
    'Default answer: IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK',
  ])
  await expect(dialog.getByTestId('answer-warnings-basis')).toContainText('Checked against IXOPAY')
  // The draft is still the one being edited.
  await expect(dialog.getByTestId('default-answer-editor-status')).toHaveValue('500')
})
