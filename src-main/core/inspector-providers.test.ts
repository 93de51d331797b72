/**
 * Every shared vector through the real receiver and the real verifier: sent over HTTP to an
 * endpoint, captured byte for byte, recognised and verified with the endpoint's keys, with the
 * inspector's clock at the vector's `verifyAt`.
 */
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import type { CaptureDetail } from '../shared/views'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { keysForVector, loadVectors, PROVIDER_BY_FILE, vectorFiles } from '../test-support/vectors'

// One app for every vector (each gets its own endpoint); its clock is set per vector.
let clock = new Date()
const test = useInspector({ scope: 'file', deps: { now: () => clock } })

describe('provider vectors through the receiver', () => {
  let caseNumber = 0
  for (const file of vectorFiles()) {
    const provider = PROVIDER_BY_FILE[file]
    if (!provider) continue
    for (const vector of loadVectors(file)) {
      test(`${file}: ${vector.name}`, async ({ inspector }) => {
        const { procedures } = inspector
        const endpoint = await procedures.createEndpoint({ name: `vector ${++caseNumber}` })
        // The vectors are signed over their own path; the endpoint prefix is not part of it.
        await procedures.setProviderSettings({ endpointId: endpoint.id, signedPath: { mode: 'without-endpoint-prefix' } })
        for (const key of keysForVector(vector, provider)) await procedures.addKey({ endpointId: endpoint.id, key })
        clock = vector.params?.verifyAt !== undefined ? new Date(vector.params.verifyAt * 1000) : new Date()
        if (vector.params?.toleranceSeconds !== undefined) {
          await procedures.setProviderSettings({ endpointId: endpoint.id, toleranceSeconds: vector.params.toleranceSeconds })
        }

        const status = (
          await send(`${endpoint.url}${vector.path}`, {
            method: vector.method,
            headers: Object.entries(vector.headers),
            body: Buffer.from(vector.body, 'utf8'),
          })
        ).status
        expect(status).toBeLessThan(300)
        const [summary] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
        const detail: CaptureDetail = await procedures.getCapture({ id: summary!.id })
        expect(Buffer.from(detail.request.bodyBase64, 'base64').toString('utf8')).toBe(vector.body)
        if (vector.scheme === 'none' && !vector.expected.valid) {
          // An unsigned body without the provider's shape is not taken for that provider.
          expect(summary!.recognition?.provider.id).toBe('unknown')
          return
        }
        expect(summary!.recognition?.provider.id).toBe(provider)
        const verdict = summary!.recognition!.verdict.status
        if (vector.scheme === 'none') {
          // Unsigned by design: "valid" in the vector means recognised with a valid shape.
          expect(verdict).toBe('unsigned')
          expect(detail.analysis!.summary.problems.length === 0).toBe(vector.expected.valid)
        } else {
          expect(verdict).toBe(vector.expected.valid ? 'valid' : 'invalid')
        }
        expect(detail.analysis?.verdict.status).toBe(verdict)
      })
    }
  }

  test('turns "no key" into "valid" when the right secret is entered, without resending', async ({ inspector, dataDir }) => {
    const { procedures } = inspector
    const [vector] = loadVectors('ixopay.json')
    const endpoint = await procedures.createEndpoint({ name: 'ixopay keys' })
    await procedures.setProviderSettings({ endpointId: endpoint.id, signedPath: { mode: 'without-endpoint-prefix' } })
    clock = new Date()
    await send(`${endpoint.url}${vector!.path}`, { method: 'POST', headers: Object.entries(vector!.headers), body: vector!.body })
    let [capture] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
    expect(capture!.recognition?.verdict.status).toBe('no-key')

    await expect(procedures.addKey({ endpointId: endpoint.id, key: { kind: 'rsa-public-key', provider: 'chip', pem: 'not a pem' } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    })
    const view = await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'hmac-secret', provider: 'ixopay', value: vector!.secretOrKey as string } })
    // The secret never comes back: only a masked descriptor and a fingerprint.
    expect(JSON.stringify(view)).not.toContain(vector!.secretOrKey as string)
    expect(view.keys[0]!.descriptor.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    ;[capture] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
    expect(capture!.recognition?.verdict.status).toBe('valid')
    const detail = await procedures.getCapture({ id: capture!.id })
    expect(detail.analysis?.explanation.attempts.some((attempt) => attempt.signedString?.includes('/callbacks/ixopay?orderId=1001'))).toBe(true)
    expect(JSON.stringify(detail)).not.toContain(vector!.secretOrKey as string)

    // Headless keeps keys in a folder and file only the user can read.
    expect((await stat(join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700)
    expect((await stat(join(dataDir, 'secrets', 'keys.json'))).mode & 0o777).toBe(0o600)

    await procedures.removeKey({ endpointId: endpoint.id, keyId: view.keys[0]!.id })
    ;[capture] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
    expect(capture!.recognition?.verdict.status).toBe('no-key')
  })
})
