/**
 * The Signature panel's attempts (each with its signed string) explain a signature that did not
 * verify; on a valid capture they start closed, so the body is not a screen or two further down.
 */
import { loadVectors, type VectorCase } from '../src-main/test-support/vectors'
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

const GITHUB = loadVectors('github.json')[0] as VectorCase
const IXOPAY = loadVectors('ixopay.json').find((vector) => vector.name === 'ixopay-json-sha512-ok-valid') as VectorCase

test('signature attempts start closed on a valid capture and open on an invalid one', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'attempts')
  if (typeof GITHUB.secretOrKey !== 'string') throw new Error('the GitHub vector carries no secret')
  await inspector.app.call('addKey', { endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'github', value: GITHUB.secretOrKey } })
  const headers = Object.entries(GITHUB.headers)
  await inspector.sendCallback({ slug: endpoint.slug, path: '/valid', method: GITHUB.method, headers, body: GITHUB.body })
  await inspector.sendCallback({ slug: endpoint.slug, path: '/tampered', method: GITHUB.method, headers, body: GITHUB.body.replace('}', ',"x":1}') })

  const signature = page.getByTestId('signature-panel')
  const attempts = signature.getByTestId('signature-attempts-disclosure')

  await row(page, '/valid').click()
  await expect(signature.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'valid')
  await expect(attempts).toHaveJSProperty('open', false)
  await expect(signature.getByTestId('signed-string').first()).toBeHidden()
  // One click shows them.
  await attempts.locator('summary').click()
  await expect(signature.getByTestId('signed-string').first()).toBeVisible()

  await row(page, '/tampered').click()
  await expect(signature.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'invalid')
  // The reason in words (it read "Invalid: signature-mismatch", the API's code); the code stays for scripts.
  await expect(signature.getByTestId('signature-verdict')).toContainText('Invalid: signature mismatch')
  await expect(signature.getByTestId('signature-verdict')).toHaveAttribute('data-reason', 'signature-mismatch')
  await expect(attempts).toHaveJSProperty('open', true)
  await expect(signature.getByTestId('signed-string').first()).toBeVisible()
})

test('an attempt made without a key reads "not checked", not "no match"', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'attempts-no-key')
  if (typeof IXOPAY.secretOrKey !== 'string') throw new Error('the IXOPAY vector carries no secret')
  // The vector was signed for its path without this endpoint's prefix.
  await inspector.app.call('setProviderSettings', { endpointId: endpoint.id, signedPath: { mode: 'without-endpoint-prefix' } })
  await inspector.sendCallback({ slug: endpoint.slug, path: IXOPAY.path, method: IXOPAY.method, headers: Object.entries(IXOPAY.headers), body: IXOPAY.body })

  const signature = page.getByTestId('signature-panel')
  await page.getByTestId('capture-row').click()
  await expect(signature.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'no-key')
  // Nothing was computed: "✗ no match" read as if the signature had been checked and failed.
  await expect(signature.getByTestId('signature-attempt-result')).toHaveText(['– not checked'])

  await inspector.app.call('addKey', { endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: IXOPAY.secretOrKey } })
  await expect(signature.getByTestId('signature-verdict')).toHaveAttribute('data-verdict', 'valid')
  await signature.getByTestId('signature-attempts-disclosure').locator('summary').click()
  await expect(signature.getByTestId('signature-attempt-result').first()).toHaveText('✓ matched')
})
