/** Endpoint management and the refusal view in the real UI, against the headless app. */
import { expect, test } from './fixtures/inspector'

test('create (with validation and conflicts), rename, clear and delete an endpoint', async ({ page, inspector }) => {
  const slug = `shop-${Date.now().toString(36)}`
  await inspector.openUi(page)
  await page.getByTestId('new-endpoint').click()
  await page.getByTestId('endpoint-name-input').fill('Shop Callbacks')
  await expect(page.getByTestId('endpoint-slug-input')).toHaveValue('shop-callbacks')

  await page.getByTestId('endpoint-slug-input').fill('Not A Slug-')
  await expect(page.getByTestId('slug-error')).toBeVisible()
  // Another endpoint's slug is refused as it is typed (ui-endpoint-slug-taken has the details).
  await page.getByTestId('endpoint-slug-input').fill('default')
  await expect(page.getByTestId('slug-error')).toContainText('"default" is already used')

  await page.getByTestId('endpoint-slug-input').fill(slug)
  await page.getByTestId('endpoint-form-submit').click()
  const item = page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"]`)
  await expect(item.getByTestId('endpoint-name')).toHaveText('Shop Callbacks')
  await expect(item.getByTestId('endpoint-url')).toHaveText(`${inspector.app.ready.receiver}/${slug}`)
  await expect(page.getByTestId('captures-empty')).toContainText(`${inspector.app.ready.receiver}/${slug}`)

  expect(await inspector.sendCallback({ slug, path: '/a', body: 'one' })).toBe(200)
  expect(await inspector.sendCallback({ slug, path: '/b', body: 'two' })).toBe(200)
  await expect(item.getByTestId('endpoint-count')).toHaveText('2')

  await item.getByTestId('edit-endpoint').click()
  await page.getByTestId('endpoint-name-input').fill('Shop (renamed)')
  await page.getByTestId('endpoint-form-submit').click()
  await expect(item.getByTestId('endpoint-name')).toHaveText('Shop (renamed)')

  await page.getByTestId('clear-endpoint').click()
  await page.getByTestId('confirm-button').click()
  await expect(page.getByTestId('captures-empty')).toBeVisible()
  await expect(item.getByTestId('endpoint-count')).toHaveText('0')

  await item.getByTestId('delete-endpoint').click()
  await expect(page.getByTestId('confirm-dialog')).toContainText(`${inspector.app.ready.receiver}/${slug}`)
  await page.getByTestId('confirm-button').click()
  await expect(item).toHaveCount(0)
})

test('a refused (too large) request is listed and explained', async ({ page, inspector }) => {
  const slug = `big-${Date.now().toString(36)}`
  await inspector.app.call('createEndpoint', { name: 'Big', slug })
  const status = await inspector.app.call<{ maxBodyBytes: number }>('getStatus')
  await inspector.openUi(page)
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()

  const answered = await inspector.sendCallback({ slug, path: '/too-big', body: Buffer.alloc(status.maxBodyBytes + 1, 0x61) })
  expect(answered).toBe(413)
  const refused = page.locator('[data-testid=capture-row][data-outcome=refused]')
  await expect(refused).toContainText('413')
  await expect(refused).toContainText('refused')
  await refused.click()
  await expect(page.getByTestId('detail-refusal')).toContainText('413')
  // The limit in words a user reads ("10485760 bytes" before); getStatus keeps the exact figure.
  expect(status.maxBodyBytes).toBe(10 * 1024 * 1024)
  await expect(page.getByTestId('detail-refusal')).toContainText('The body is larger than this inspector accepts (10 MiB).')
  await expect(page.getByTestId('detail-refusal')).not.toContainText(String(status.maxBodyBytes))
  await expect(page.getByTestId('detail-refusal')).toContainText(`${(status.maxBodyBytes + 1).toLocaleString('en-US')} bytes`)
  // No body was stored: the facts said "0 bytes" and showed the SHA-256 of an empty body, beside
  // "Bytes received: 10,485,761 bytes".
  await expect(page.getByTestId('detail-body-size')).toHaveText('not stored (refused)')
  await expect(page.getByTestId('detail-body-sha256')).toHaveCount(0)
})

test('a new endpoint named like an existing one is offered a free slug, not the existing URL', async ({ page, inspector }) => {
  const slug = `dup-${Date.now().toString(36)}`
  await inspector.app.call('createEndpoint', { name: slug, slug })
  await inspector.openUi(page)
  await page.getByTestId('new-endpoint').click()
  await page.getByTestId('endpoint-name-input').fill(slug)
  // Before: the form proposed "<slug>" with the existing endpoint's URL, and Create failed with a conflict.
  await expect(page.getByTestId('endpoint-slug-input')).toHaveValue(`${slug}-2`)
  await page.getByTestId('endpoint-name-input').press('Enter')
  await expect(page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}-2"]`)).toHaveCount(1)
})
