/**
 * A detail section the user collapsed (to get past a long Signature panel to the body, say) stays
 * collapsed on the next capture and after a reload, until they open it again.
 */
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

test('a collapsed detail section stays collapsed on the next capture and after a reload', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'sections')
  for (const path of ['/first', '/second']) {
    await inspector.sendCallback({ slug: endpoint.slug, path, headers: [['Content-Type', 'application/json']], body: `{"path":"${path}"}` })
  }
  const headersToggle = page.getByTestId('detail-headers').getByRole('button', { name: /Request headers/ })
  const signatureToggle = page.getByTestId('signature-panel').getByRole('button', { name: /Signature/ })

  await row(page, '/first').click()
  await expect(headersToggle).toHaveAttribute('aria-expanded', 'true')
  await headersToggle.click()
  await expect(headersToggle).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByTestId('request-headers')).toHaveCount(0)

  await row(page, '/second').click()
  await expect(page.getByTestId('detail-request-line')).toContainText('/second')
  await expect(headersToggle).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByTestId('request-headers')).toHaveCount(0)
  // Only the section that was collapsed.
  await expect(signatureToggle).toHaveAttribute('aria-expanded', 'true')

  await page.reload()
  await row(page, '/first').click()
  await expect(page.getByTestId('detail-request-line')).toContainText('/first')
  await expect(headersToggle).toHaveAttribute('aria-expanded', 'false')

  // Opened again, it stays open on the next capture.
  await headersToggle.click()
  await row(page, '/second').click()
  await expect(page.getByTestId('detail-request-line')).toContainText('/second')
  await expect(headersToggle).toHaveAttribute('aria-expanded', 'true')
  await expect(page.getByTestId('request-headers')).toBeVisible()
})
