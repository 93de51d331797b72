/**
 * Provider names and variants are shown as they are written: "PayEx", "GoCardless", "payex-v1".
 * Tags were upper-cased by CSS, so the detail's variant read "PAYEX-V1" and the resend preview's
 * re-signed provider read "GOCARDLESS". `innerText` is what is drawn (it applies text-transform);
 * `textContent` would pass either way.
 */
import { readFileSync } from 'node:fs'
import { loadVectors, type VectorCase } from '../src-main/test-support/vectors'
import { startLoopbackTarget } from '../src-main/test-support/loopback-target'
import { expect, test, type InspectorFixture } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

const PAYEX = loadVectors('swedbankpay.json')[0] as VectorCase
// The repository's own vectors (the shared folder beside it has no GoCardless file).
const GOCARDLESS = (
  JSON.parse(readFileSync(new URL('../src-main/test-support/vectors/gocardless.json', import.meta.url), 'utf8')) as VectorCase[]
)[0] as VectorCase

function sendVector(inspector: InspectorFixture, slug: string, vector: VectorCase): Promise<number> {
  return inspector.sendCallback({ slug, path: vector.path, method: vector.method, headers: Object.entries(vector.headers), body: vector.body })
}

test('provider tags show PayEx, GoCardless and payex-v1 in their own case', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'provider-case')
  if (typeof GOCARDLESS.secretOrKey !== 'string') throw new Error('the GoCardless vector carries no shared secret')
  await inspector.app.call('addKey', { endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'gocardless', value: GOCARDLESS.secretOrKey } })
  expect(await sendVector(inspector, endpoint.slug, PAYEX)).toBe(200)
  expect(await sendVector(inspector, endpoint.slug, GOCARDLESS)).toBe(200)

  const payexRow = row(page, '/swedbank/callback')
  const gocardlessRow = row(page, '/gocardless/webhooks')
  await expect(payexRow.getByTestId('provider-badge')).toHaveJSProperty('innerText', 'PayEx')
  await expect(gocardlessRow.getByTestId('provider-badge')).toHaveJSProperty('innerText', 'GoCardless')

  await payexRow.click()
  await expect(page.getByTestId('summary-provider').locator('.tag')).toHaveJSProperty('innerText', 'payex-v1')

  const target = await startLoopbackTarget()
  try {
    await gocardlessRow.click()
    await page.getByTestId('resend-capture').click()
    const dialog = page.getByTestId('resend-dialog')
    await dialog.getByTestId('resend-target').fill(`${target.url}/gocardless/webhooks`)
    await dialog.getByTestId('resend-resign').check()
    await expect(dialog.getByTestId('resign-provider')).toHaveJSProperty('innerText', 'GoCardless')
  } finally {
    await target.close()
  }
})
