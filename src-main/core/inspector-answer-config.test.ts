/** setAnswerConfig through the procedures: a partial change keeps the other parts. */
import { describe, expect } from 'vitest'
import { useInspector } from '../test-support/inspector-fixture'

const test = useInspector()

describe('setAnswerConfig', () => {
  const rule = { id: 'r1', name: 'refunds fail', enabled: true, match: { pathPattern: '/refunds/**' }, answer: { kind: 'respond', status: 503 } }

  test('accepts only `rules` (or any one part) and keeps the rest', async ({ inspector, endpoint }) => {
    const { procedures } = inspector
    const endpointId = endpoint.id
    await procedures.setAnswerConfig({
      endpointId,
      config: {
        defaultAnswer: { kind: 'respond', status: 202 },
        rules: [],
        sequence: null,
        failureRate: { enabled: true, percent: 10, answer: { kind: 'respond', status: 500 } },
      },
    })

    const changed = await procedures.setAnswerConfig({ endpointId, config: { rules: [rule] } })
    expect(changed.config.rules.map((candidate) => candidate.id)).toEqual(['r1'])
    expect(changed.config.defaultAnswer).toMatchObject({ kind: 'respond', status: 202 })
    expect(changed.config.failureRate).toMatchObject({ enabled: true, percent: 10 })

    // null still means "none"; an unknown field is still refused, naming it.
    expect((await procedures.setAnswerConfig({ endpointId, config: { failureRate: null } })).config.failureRate).toBeNull()
    await expect(procedures.setAnswerConfig({ endpointId, config: { rulez: [] } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('rulez'),
    })
    await expect(procedures.setAnswerConfig({ endpointId, config: 'nope' })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    expect((await procedures.getAnswerConfig({ endpointId })).config.rules).toHaveLength(1)
  })
})

describe('the answer a capture records', () => {
  test('is what went on the wire for a HEAD request: the headers, and no body', async ({ inspector, endpoint }) => {
    await inspector.procedures.setAnswerConfig({
      endpointId: endpoint.id,
      config: { defaultAnswer: { kind: 'respond', status: 200, body: { text: 'OK' } } },
    })
    const sent = await fetch(`${inspector.receiverUrl}/${endpoint.slug}/probe`, { method: 'HEAD' })
    expect(sent.status).toBe(200)
    expect(await sent.text()).toBe('')
    const [head] = (await inspector.procedures.listCaptures({ endpointId: endpoint.id })).items
    expect(head?.response).toMatchObject({ status: 200, bodySize: 0 })
    // Its Content-Length still names the body a GET would have got, as HTTP wants and as sent.
    expect(head?.response.headers).toContainEqual(['Content-Length', '2'])
  })
})
