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
