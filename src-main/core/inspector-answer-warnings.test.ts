/**
 * previewAnswerWarnings through the procedures: the warnings an unsaved draft would get, against
 * the providers the endpoint really receives from (its pin, else its recognised captures).
 */
import { describe, expect } from 'vitest'
import type { Endpoint } from '../shared/views'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { loadVectors } from '../test-support/vectors'

const test = useInspector()

const [ixopay] = loadVectors('ixopay.json')
const [stripe] = loadVectors('stripe.json')

async function sendVector(endpoint: Endpoint, vector: typeof ixopay): Promise<void> {
  if (!vector) throw new Error('no vector')
  const response = await send(`${endpoint.url}${vector.path}`, { method: vector.method, headers: Object.entries(vector.headers), body: vector.body })
  expect(response.status).toBe(200)
}

const status500 = { defaultAnswer: { kind: 'respond', status: 500 } }
const IXOPAY_RETRIES = 'Default answer: IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK'

describe('previewAnswerWarnings', () => {
  test('checks nothing, and says so, before any provider is known', async ({ inspector, endpoint }) => {
    expect(await inspector.procedures.previewAnswerWarnings({ endpointId: endpoint.id, config: status500 })).toEqual({
      endpointId: endpoint.id,
      warnings: [],
      providers: [],
      providerSource: 'none',
    })
  })

  test("judges the draft against the endpoint's IXOPAY callbacks without saving it", async ({ inspector, endpoint }) => {
    const { procedures } = inspector
    await sendVector(endpoint, ixopay)

    const draft = await procedures.previewAnswerWarnings({ endpointId: endpoint.id, config: status500 })
    expect(draft.warnings).toEqual([IXOPAY_RETRIES])
    expect(draft.providers).toEqual([{ id: 'ixopay', variant: 'json-api', name: 'IXOPAY', expects: 'HTTP 200 with body OK' }])
    expect(draft.providerSource).toBe('recent-captures')
    // Fixed: 200 with body OK is IXOPAY's acknowledgement.
    const fixed = await procedures.previewAnswerWarnings({
      endpointId: endpoint.id,
      config: { defaultAnswer: { kind: 'respond', status: 200, body: { text: 'OK' } } },
    })
    expect(fixed.warnings).toEqual([])

    // Nothing was saved: the endpoint still answers with the provider default, without warnings.
    const saved = await procedures.getAnswerConfig({ endpointId: endpoint.id })
    expect(saved.config.defaultAnswer).toBe('provider-default')
    expect(saved.warnings).toEqual([])
    // And the saved configuration gets the very same warnings once stored.
    expect((await procedures.setAnswerConfig({ endpointId: endpoint.id, config: status500 })).warnings).toEqual([IXOPAY_RETRIES])
  })

  test('checks every provider the endpoint receives from, not only the latest', async ({ inspector, endpoint }) => {
    await sendVector(endpoint, ixopay)
    await sendVector(endpoint, stripe)
    const preview = await inspector.procedures.previewAnswerWarnings({
      endpointId: endpoint.id,
      config: { defaultAnswer: { kind: 'respond', status: 200 } },
    })
    expect(preview.providers.map((provider) => provider.id)).toEqual(['stripe', 'ixopay'])
    // Stripe takes any 2xx; the IXOPAY callbacks would still be retried.
    expect(preview.warnings).toEqual([IXOPAY_RETRIES])
  })

  test('checks against the pinned provider when there is one', async ({ inspector, endpoint }) => {
    const { procedures } = inspector
    await sendVector(endpoint, stripe)
    await procedures.setProviderSettings({ endpointId: endpoint.id, pinnedProvider: 'ixopay' })
    const preview = await procedures.previewAnswerWarnings({ endpointId: endpoint.id, config: status500 })
    expect(preview.providerSource).toBe('pinned')
    expect(preview.providers.map((provider) => provider.id)).toEqual(['ixopay'])
    expect(preview.warnings).toEqual([IXOPAY_RETRIES])
  })

  test('refuses an invalid draft as setAnswerConfig would, naming the problem, and an unknown endpoint', async ({ inspector, endpoint }) => {
    const { procedures } = inspector
    await expect(
      procedures.previewAnswerWarnings({ endpointId: endpoint.id, config: { defaultAnswer: { kind: 'respond', status: 600 } } }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('600'),
    })
    await expect(procedures.previewAnswerWarnings({ endpointId: 'nope', config: status500 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
