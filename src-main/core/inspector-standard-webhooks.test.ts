/**
 * Standard Webhooks v1a through the real inspector and the contract's input schemas: a simulated v1a
 * delivery is captured as "no key configured", entering the simulator's whpk_ public key turns it
 * "valid" without resending, and a resend re-signed with the user's own whsk_ key verifies with
 * that key's public half. Keys reach callers only as descriptors.
 */
import { generateKeyPairSync } from 'node:crypto'
import { describe, expect } from 'vitest'
import { procedureInputs } from '../shared/contract'
import { InspectorError } from '../shared/errors'
import { useInspector } from '../test-support/inspector-fixture'

const test = useInspector({ deps: { now: () => new Date() } })

describe('Standard Webhooks v1a in the inspector', () => {
  test("simulate v1a → no key → enter the whpk_ key → valid; resend re-signed with the user's whsk_ → valid", async ({ inspector }) => {
    const { procedures } = inspector
    const endpoint = await procedures.createEndpoint({ name: 'v1a' })
    const simulated = await procedures.simulateCallback(
      procedureInputs.simulateCallback.parse({ templateId: 'standard-webhooks-invoice-paid-v1a', targetUrl: endpoint.url }),
    )
    expect(simulated.key).toMatchObject({ kind: 'ed25519-key-pair', generated: true })
    const captures = () => procedures.listCaptures({ endpointId: endpoint.id }).then((page) => page.items)
    const [captured] = await captures()
    expect(captured?.recognition?.verdict).toMatchObject({ status: 'no-key', message: expect.stringContaining('whpk_') })

    // A private key where the public key belongs is refused; the public key is accepted.
    const user = generateKeyPairSync('ed25519')
    const whsk = `whsk_${Buffer.from(user.privateKey.export({ format: 'jwk' }).d ?? '', 'base64url').toString('base64')}`
    const refused = procedures.addKey({ endpointId: endpoint.id, key: { kind: 'ed25519-public-key', provider: 'standard-webhooks', value: whsk } })
    await expect(refused).rejects.toThrow(InspectorError)
    await expect(refused).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('private key') })
    const view = await procedures.addKey({
      endpointId: endpoint.id,
      key: { kind: 'ed25519-public-key', provider: 'standard-webhooks', value: simulated.key.publicKeyWhpk },
    })
    expect(view.keys.map((key) => key.descriptor)).toEqual([expect.objectContaining({ fingerprint: simulated.key.fingerprint, masked: 'ed25519 public key' })])
    expect(JSON.stringify(view)).not.toContain(simulated.key.publicKeyWhpk)
    const [reverified] = await captures()
    expect(reverified?.recognition?.verdict.status).toBe('valid')
    const detail = await procedures.getCapture({ id: captured?.id ?? '' })
    expect(detail.analysis?.verdict).toMatchObject({ status: 'valid', variant: 'v1a (ed25519)' })
    expect(detail.analysis?.explanation.keyFingerprint).toBe(simulated.key.fingerprint)

    // The receiving side trusts the user's key too; a re-signed resend (edited body) verifies with it.
    const userWhpk = `whpk_${Buffer.from(user.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64')}`
    await procedures.addKey({ endpointId: endpoint.id, key: { kind: 'ed25519-public-key', provider: 'standard-webhooks', value: userWhpk } })
    const record = await procedures.replayCapture(
      // Parsed as the API parses it, so the schema's acceptance of ed25519 private keys is tested too.
      procedureInputs.replayCapture.parse({
        captureId: captured?.id,
        targetUrl: endpoint.url,
        edits: { body: { encoding: 'utf8', text: '{"type":"invoice.paid","data":{"id":"inv_edited"}}' } },
        resign: true,
        privateKeys: [{ kind: 'ed25519-private-key', provider: 'standard-webhooks', value: whsk }],
      }),
    )
    expect(record.resign?.changes.map((change) => change.scheme)).toContain('standard-webhooks-v1a')
    expect(JSON.stringify(record)).not.toContain(whsk.slice(5, 25))
    const resent = (await captures()).find((capture) => capture.id !== captured?.id)
    expect(resent?.recognition?.verdict.status).toBe('valid')

    // The API refuses a private key of the wrong shape before the core sees it.
    const badShape = procedureInputs.replayCapture.safeParse({
      captureId: 'c',
      targetUrl: endpoint.url,
      resign: true,
      privateKeys: [{ kind: 'ed25519-private-key', provider: 'standard-webhooks', value: userWhpk }],
    })
    expect(badShape.success).toBe(false)
    expect(JSON.stringify(badShape.error?.issues)).toContain('whsk_')
  })
})
