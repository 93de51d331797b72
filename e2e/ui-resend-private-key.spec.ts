/**
 * Re-signing an RSA-signed callback from the UI: CHIP signs with its private key, which
 * the app never stores, so the resend dialog asks for it. A CHIP callback is captured, its amount
 * edited, re-signed with the pasted key and sent to a merchant server that accepts only valid
 * CHIP signatures.
 */
import { generateKeyPairSync } from 'node:crypto'
import { analyzeDelivery, signChip } from '../src-main/core/providers/index'
import { startLoopbackTarget } from '../src-main/test-support/loopback-target'
import { expect, test } from './fixtures/inspector'
import { saveScreenshot } from './fixtures/screenshots'

test('a CHIP callback edited and re-signed with a private key pasted in the resend dialog passes the merchant check', async ({ page, inspector }) => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const chipKey = { kind: 'rsa-public-key', provider: 'chip', pem: publicPem } as const
  const target = await startLoopbackTarget((request, response) => {
    const analysis = analyzeDelivery(
      { method: request.method, target: request.target, headers: request.headers, body: request.body },
      { now: new Date(), keys: [chipKey], pinnedProvider: 'chip' },
    )
    const isValid = analysis.verdict.status === 'valid'
    response.writeHead(isValid ? 200 : 401, { 'content-type': 'text/plain' }).end(isValid ? 'OK' : `rejected: ${analysis.verdict.message}`)
  })
  try {
    const endpoint = await inspector.openOwnEndpoint(page, 'chip-resign')
    await inspector.app.call('addKey', { endpointId: endpoint.id, key: chipKey })
    const body = JSON.stringify({
      id: 'pur_e2e_1',
      event_type: 'purchase.paid',
      status: 'paid',
      reference: 'order-7',
      purchase: { total: 1999, currency: 'EUR' },
    })
    const status = await inspector.sendCallback({
      slug: endpoint.slug,
      path: '/callbacks/chip',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Signature', signChip(body, privatePem)],
      ],
      body,
    })
    expect(status).toBe(200)
    await page.getByTestId('capture-row').first().click()
    await expect(page.getByTestId('capture-detail')).toBeVisible()

    await page.getByTestId('resend-capture').click()
    const dialog = page.getByTestId('resend-dialog')
    await dialog.getByTestId('resend-target').fill(`${target.url}/callbacks/chip`)
    await dialog.getByTestId('resend-mode').getByText('Edit', { exact: true }).click()
    await dialog.getByTestId('resend-body').fill(body.replace('1999', '2999'))
    await expect(dialog.getByTestId('resend-private-key')).toHaveCount(0)
    await dialog.getByTestId('resend-resign').check()

    // Without the private key the signature cannot be remade: the preview says so.
    const keyField = dialog.getByTestId('resend-private-key')
    await expect(keyField).toBeVisible()
    await expect(dialog.getByTestId('resign-skipped')).toBeVisible()
    await keyField.fill(publicPem)
    await expect(dialog.getByText('this is a public key or a certificate')).toBeVisible()
    await keyField.fill(privatePem)
    await expect(dialog.getByTestId('resign-change').filter({ hasText: 'X-Signature' })).toHaveCount(1)
    await saveScreenshot(page, 'resend-private-key')

    await dialog.getByTestId('resend-send').click()
    await expect(dialog.getByTestId('resend-result').getByTestId('replay-status')).toContainText('200 OK')
    expect(target.received).toHaveLength(1)
    expect(target.received[0]?.body.toString()).toContain('2999')
  } finally {
    await target.close()
  }
})
