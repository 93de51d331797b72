/**
 * The endpoint form says that a slug belongs to another endpoint as it is typed, in the core's
 * words, and Save puts focus on the field at fault. Before, the conflict came back only from the
 * core after Save: Save was disabled while it ran, so focus fell to <body>, and the core's message
 * stayed under the field after the slug was changed (beside "Use lower-case letters…" for a slug
 * that no longer had anything to do with it): now no request is made for it.
 */
import { expect, test } from './fixtures/inspector'

test('a slug already in use is refused as typed, and Save focuses the slug field', async ({ page, inspector }) => {
  const stamp = Date.now().toString(36)
  await inspector.app.call('createEndpoint', { name: 'Taken CHIP', slug: `chip-${stamp}` })
  const plexo = await inspector.openOwnEndpoint(page, 'slugtaken')
  const item = page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${plexo.slug}"]`)
  await item.getByTestId('edit-endpoint').click()

  const slug = page.getByTestId('endpoint-slug-input')
  await slug.fill(`chip-${stamp}`)
  await expect(page.getByTestId('slug-error')).toHaveText(`The slug "chip-${stamp}" is already used by endpoint "Taken CHIP".`)
  await expect(slug).toHaveAttribute('aria-invalid', 'true')

  // Save refuses it without leaving the dialog, and focus is on the slug, ready to be edited.
  await page.getByTestId('endpoint-form-submit').click()
  await expect(page.getByTestId('endpoint-form')).toBeVisible()
  await expect(slug).toBeFocused()

  // Its own slug, or a free one, is fine; an invalid one says only what is wrong with it now.
  await slug.fill(plexo.slug)
  await expect(page.getByTestId('slug-error')).toHaveCount(0)
  await slug.fill('Not A Slug')
  await expect(page.getByTestId('slug-error')).toHaveText('Use lower-case letters, digits and dashes, not starting or ending with a dash.')
  await expect(page.getByTestId('endpoint-form-error')).toHaveCount(0)
  await slug.fill(`plexo-${stamp}`)
  await page.getByTestId('endpoint-form-submit').click()
  await expect(page.locator(`[data-testid=endpoint-item][data-endpoint-slug="plexo-${stamp}"]`)).toBeVisible()
})
