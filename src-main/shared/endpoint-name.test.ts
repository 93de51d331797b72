import { describe, expect, it } from 'vitest'
import { procedureInputs } from './contract'
import { describeInvalidEndpointName, MAX_ENDPOINT_NAME_CHARS } from './endpoint-name'

describe('describeInvalidEndpointName', () => {
  it('takes 1 to 100 characters and words the problem as the API does', () => {
    expect(describeInvalidEndpointName('Stripe test mode')).toBeNull()
    expect(describeInvalidEndpointName('n'.repeat(MAX_ENDPOINT_NAME_CHARS))).toBeNull()
    expect(describeInvalidEndpointName('')).toBe('a name cannot be empty')
    expect(describeInvalidEndpointName('n'.repeat(MAX_ENDPOINT_NAME_CHARS + 1))).toBe('a name is at most 100 characters')
  })

  it('is the rule createEndpoint applies, after trimming', () => {
    for (const name of ['  Crème brûlée  ', '   ', ` ${'n'.repeat(MAX_ENDPOINT_NAME_CHARS)} `, 'n'.repeat(MAX_ENDPOINT_NAME_CHARS + 1)]) {
      const parsed = procedureInputs.createEndpoint.safeParse({ name })
      expect({ name, accepted: parsed.success }).toEqual({ name, accepted: describeInvalidEndpointName(name.trim()) === null })
      if (!parsed.success) expect(parsed.error.issues[0]?.message).toBe(describeInvalidEndpointName(name.trim()))
    }
  })
})
