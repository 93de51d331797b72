/**
 * A merchant's unredacted bundle in which a configured secret had to be removed from a compressed
 * body (exported decompressed): imported by support, the capture says where its body and
 * signature are shown that these are not the bytes the provider sent, and why its signature fails.
 */
import { createHmac } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'
import { importFile } from './fixtures/import-dialog'

const SECRET = 'github-webhook-secret-e2e-41b7'

test('an imported capture changed before export says so at its body and signature', async ({ page, inspector }) => {
  const source = await inspector.openOwnEndpoint(page, 'merchant')
  await inspector.app.call('addKey', { endpointId: source.id, key: { kind: 'hmac-secret', provider: 'github', value: SECRET } })
  const deliver = async (path: string, body: Buffer, extra: Array<[string, string]>) =>
    inspector.sendCallback({
      slug: source.slug,
      path,
      headers: [
        ['Content-Type', 'application/json'],
        ['X-GitHub-Event', 'push'],
        ['X-GitHub-Delivery', '72d3162e-cc78-11e3-81ab-4c9367dc0958'],
        ['X-Hub-Signature-256', `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`],
        ...extra,
      ],
      body,
    })
  expect(
    await deliver('/hooks/compressed', gzipSync(JSON.stringify({ ref: 'refs/heads/main', hook: { config: { secret: SECRET } } })), [
      ['Content-Encoding', 'gzip'],
    ]),
  ).toBe(200)
  expect(await deliver('/hooks/plain', Buffer.from('{"ref":"refs/heads/main"}'), [])).toBe(200)
  const exported = await inspector.app.call<{ dataBase64: string; fileName: string }>('exportCaptures', { endpointId: source.id, format: 'bundle' })

  const support = await inspector.app.call<{ id: string; slug: string }>('createEndpoint', { name: 'E2E support', slug: `support-${Date.now().toString(36)}` })
  await inspector.app.call('addKey', { endpointId: support.id, key: { kind: 'hmac-secret', provider: 'github', value: SECRET } })
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${support.slug}"] [data-testid=endpoint-select]`).click()
  await importFile(page, { name: exported.fileName, mimeType: 'application/json', buffer: Buffer.from(exported.dataBase64, 'base64') }, 'Imported 2 captures.')

  // In the list, its verdict cell says it was changed, not "✗ invalid" (the sender did nothing wrong).
  const changedBadge = row(page, '/hooks/compressed').getByTestId('verdict-badge')
  await expect(changedBadge).toHaveAttribute('data-verdict', 'changed-before-export')
  await expect(changedBadge).toHaveAttribute(
    'title',
    /Changed before export \(configured secrets removed, body decompressed\).*the exporting app found it valid/,
  )
  await expect(row(page, '/hooks/plain').getByTestId('verdict-badge')).toHaveAttribute('data-verdict', 'valid')

  // The filter bar's signature select files it where the list does: under "changed before export", not "invalid".
  const verdictFilter = page.getByTestId('filter-verdict')
  await verdictFilter.selectOption('invalid')
  await expect(page.getByTestId('capture-count')).toHaveText('0 of 2 captures')
  await verdictFilter.selectOption({ label: 'changed before export' })
  await expect(page.getByTestId('capture-count')).toHaveText('1 of 2 captures')
  await expect(row(page, '/hooks/compressed')).toHaveCount(1)
  await verdictFilter.selectOption('')
  await expect(page.getByTestId('capture-count')).toHaveText('2 captures')

  await row(page, '/hooks/compressed').click()
  const notice = page.getByTestId('changed-before-export')
  await expect(notice).toHaveAttribute('data-reason', 'secrets-removed')
  await expect(notice).toContainText(
    'Changed before export: configured secrets removed, body decompressed. This is not the body the provider sent; its signature cannot verify.',
  )
  await expect(page.getByTestId('changed-before-export-verdict')).toContainText('a failed check comes from the export, not from the sender')
  await expect(page.getByTestId('changed-before-export-verdict')).toContainText('The exporting app checked the bytes it received: valid')
  // The verdict itself is the one computed now on the changed bytes; the notice above it says why.
  await expect(page.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'invalid')
  await expect(page.getByTestId('detail-body').getByTestId('changed-before-export-body')).toContainText('This is not the body the provider sent')
  await notice.getByText('What the file lists as changed').click()
  await expect(page.getByTestId('changed-before-export-changes')).toContainText(
    'body: configured secret removed; it was compressed (gzip): exported decompressed',
  )

  // The capture the exporter did not touch is shown as received, verified.
  await row(page, '/hooks/plain').click()
  await expect(page.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'valid')
  await expect(page.getByTestId('changed-before-export')).toHaveCount(0)
  await expect(page.getByTestId('changed-before-export-body')).toHaveCount(0)
})
