/**
 * A signature header sent twice, through the real receiver: the capture keeps both header lines
 * (raw pairs, not Node's joined `req.headers`), and the verdict reads them as two copies, never
 * valid (providers/repeated-signature-headers.test.ts has the cases per provider).
 */
import { describe, expect } from 'vitest'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { keysForVector, loadVectors } from '../test-support/vectors'

const test = useInspector({ scope: 'file' })

describe('a signature header sent twice, through the receiver', () => {
  test('IXOPAY: both X-Signature lines are captured, and the right one first is invalid, saying it came twice', async ({ inspector }) => {
    const { procedures } = inspector
    const vectors = loadVectors('ixopay.json')
    const valid = vectors.find((vector) => vector.name === 'ixopay-json-sha512-ok-valid')
    const other = vectors.find((vector) => vector.name === 'ixopay-json-md5-legacy-valid')
    if (!valid || !other) throw new Error('missing vectors')
    const endpoint = await procedures.createEndpoint({ name: 'ixopay twice' })
    await procedures.setProviderSettings({ endpointId: endpoint.id, signedPath: { mode: 'without-endpoint-prefix' } })
    for (const key of keysForVector(valid, 'ixopay')) await procedures.addKey({ endpointId: endpoint.id, key })
    const headers = Object.entries(valid.headers)
    const signatureName = headers.find(([name]) => name.toLowerCase() === 'x-signature')?.[0] ?? 'X-Signature'
    const otherSignature = Object.entries(other.headers).find(([name]) => name.toLowerCase() === 'x-signature')?.[1] ?? ''

    await send(`${endpoint.url}${valid.path}`, { method: 'POST', headers: [...headers, [signatureName, otherSignature]], body: valid.body })
    const [summary] = (await procedures.listCaptures({ endpointId: endpoint.id })).items
    const detail = await procedures.getCapture({ id: summary!.id })
    const signatureLines = detail.request.headers.filter(([name]) => name.toLowerCase() === 'x-signature').map(([, value]) => value)
    expect(signatureLines).toEqual([valid.headers[signatureName], otherSignature])
    expect(summary!.recognition?.verdict.status).toBe('invalid')
    expect(detail.analysis?.verdict.message).toContain('X-Signature came 2 times: the first copies verify')
    expect(detail.analysis?.explanation.notes.join('\n')).toContain("IXOPAY's PHP SDK reads them from $_SERVER")
  })
})
