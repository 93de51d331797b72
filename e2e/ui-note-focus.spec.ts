/**
 * Adding a note puts the caret in the note: what the user types is the note, never page
 * shortcuts ('b' copied the body, 'r' opened Resend while the editor sat unfocused).
 */
import { expect, test } from './fixtures/inspector'

test('"Add a note" focuses the editor, and typing there fires no shortcut', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'note-focus')
  await inspector.sendCallback({ slug: endpoint.slug, path: '/note', headers: [['Content-Type', 'application/json']], body: '{"n":1}' })
  await page.getByTestId('capture-row').filter({ hasText: '/note' }).click()

  await page.getByTestId('note-add').click()
  const editor = page.getByTestId('note-editor')
  await expect(editor).toBeFocused()
  const text = '<b>merchant</b> says refund, resend? j/k c'
  await page.keyboard.type(text)
  await expect(editor).toHaveValue(text)
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await page.getByTestId('note-save').click()
  await expect(page.getByTestId('note-text')).toHaveText(text)

  // Editing again: focused, caret after the existing text.
  await page.getByTestId('note-edit').click()
  await expect(editor).toBeFocused()
  await page.keyboard.type(' b')
  await expect(editor).toHaveValue(`${text} b`)
  await expect(page.getByRole('dialog')).toHaveCount(0)
})

test('a note is saved with Ctrl+Enter, and focus stays on the note, not on the page', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'note-keys')
  await inspector.sendCallback({ slug: endpoint.slug, path: '/note-keys', headers: [['Content-Type', 'application/json']], body: '{"n":2}' })
  await page.getByTestId('capture-row').filter({ hasText: '/note-keys' }).click()

  await page.getByTestId('note-add').click()
  await page.keyboard.type('refund pending')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('note-text')).toHaveText('refund pending')
  // Save went away with the editor: focus is on "Edit note", so Enter opens the editor again.
  await expect(page.getByTestId('note-edit')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('note-editor')).toBeFocused()
  await page.getByTestId('note-cancel').click()
  await expect(page.getByTestId('note-edit')).toBeFocused()
  await expect(page.getByTestId('note-text')).toHaveText('refund pending')
})

test('the note editor counts characters as the API does, so an emoji note is not "too long"', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'note-count')
  await inspector.sendCallback({ slug: endpoint.slug, path: '/emoji', headers: [['Content-Type', 'application/json']], body: '{"n":1}' })
  const [capture] = (await inspector.app.call<{ items: Array<{ id: string }> }>('listCaptures', { endpointId: endpoint.id })).items
  // 5,001 characters, 10,002 UTF-16 units: the API takes it (a note is at most 10,000 characters).
  await inspector.app.call('setCaptureNote', { id: capture!.id, note: '😀'.repeat(5001) })
  await page.getByTestId('capture-row').filter({ hasText: '/emoji' }).click()

  await page.getByTestId('note-edit').click()
  // Before: "10,002 / 10,000", and the editor's maxLength (in UTF-16 units) refused any more.
  await expect(page.getByTestId('note-editor-count')).toContainText('5,001 / 10,000 characters')
  await page.keyboard.type(' ok')
  await expect(page.getByTestId('note-editor')).toHaveValue(`${'😀'.repeat(5001)} ok`)
  await page.getByTestId('note-save').click()
  await expect(page.getByTestId('note-text')).toContainText('😀 ok')

  // Past the limit: said at the count, and not sent.
  await page.getByTestId('note-edit').click()
  await page.getByTestId('note-editor').fill('x'.repeat(10_001))
  await expect(page.getByTestId('note-editor-count')).toContainText('10,001 / 10,000 characters: too long to save')
  await expect(page.getByTestId('note-save')).toBeDisabled()
})
