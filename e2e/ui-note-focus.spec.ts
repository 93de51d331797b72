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
