/**
 * A merchant sends support a redacted HAR of an IXOPAY callback: redaction removed X-Signature,
 * the header IXOPAY is recognised by, and the import listed it as "Unknown sender". It is listed
 * and shown as IXOPAY, the provider the exporting app recognised, and its verdict says the
 * signature was removed by the export, not that it is valid.
 */
import { loadVectors, type VectorCase } from '../src-main/test-support/vectors'
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'
import { importFile } from './fixtures/import-dialog'

const IXOPAY = loadVectors('ixopay.json')[0] as VectorCase

test('a redacted HAR of an IXOPAY callback is imported as IXOPAY, its verdict saying the signature was removed', async ({ page, inspector }) => {
  const source = await inspector.openOwnEndpoint(page, 'merchant-ixopay')
  const sent = await inspector.sendCallback({
    slug: source.slug,
    path: IXOPAY.path,
    method: IXOPAY.method,
    headers: Object.entries(IXOPAY.headers),
    body: IXOPAY.body,
  })
  expect(sent).toBe(200)
  const exported = await inspector.app.call<{ dataBase64: string; fileName: string }>('exportCaptures', {
    endpointId: source.id,
    format: 'har',
    redact: true,
  })

  const support = await inspector.app.call<{ id: string; slug: string }>('createEndpoint', { name: 'E2E support', slug: `support-${Date.now().toString(36)}` })
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${support.slug}"] [data-testid=endpoint-select]`).click()
  await importFile(page, { name: exported.fileName, mimeType: 'application/json', buffer: Buffer.from(exported.dataBase64, 'base64') }, 'Imported 1 capture.')

  const imported = row(page, '/callbacks/ixopay')
  await expect(imported.getByTestId('provider-badge')).toHaveText('IXOPAY')
  await expect(imported.getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'changed-before-export')

  await imported.click()
  await expect(page.getByTestId('summary-provider')).toContainText('IXOPAY')
  await expect(page.getByTestId('summary-detected-by')).toHaveText(
    'Named when it was imported (its “Sent by”, or the provider its exporting app recognised), not detected',
  )
  const verdict = page.getByTestId('signature-verdict')
  await expect(verdict).toHaveAttribute('data-verdict', 'invalid')
  await expect(verdict).toContainText('the exporting app removed X-Signature when it redacted the file, so there is no signature to check')
})
