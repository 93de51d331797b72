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

  it('refuses control characters and text-direction overrides, naming the one found, and keeps other scripts', () => {
    expect(describeInvalidEndpointName('Stripe\u202Eevil')).toBe('a name cannot contain control characters or text-direction overrides (it has U+202E)')
    expect(describeInvalidEndpointName('Shop\u0000')).toBe('a name cannot contain control characters or text-direction overrides (it has U+0000)')
    for (const name of ['a\nb', 'a\tb', 'a\u007fb', 'a\u0085b', 'a\u2028b', 'a\u2066b', 'a\u2069b', 'a\u202Ab'])
      expect(describeInvalidEndpointName(name)).not.toBeNull()
    for (const name of ['متجر الاختبار', 'Zahlungen – Test', '決済テスト', 'Café 🧾']) expect(describeInvalidEndpointName(name)).toBeNull()
  })

  it('is the rule createEndpoint applies, after trimming', () => {
    for (const name of ['  Crème brûlée  ', '   ', 'Stripe\u202Eevil', ` ${'n'.repeat(MAX_ENDPOINT_NAME_CHARS)} `, 'n'.repeat(MAX_ENDPOINT_NAME_CHARS + 1)]) {
      const parsed = procedureInputs.createEndpoint.safeParse({ name })
      expect({ name, accepted: parsed.success }).toEqual({ name, accepted: describeInvalidEndpointName(name.trim()) === null })
      if (!parsed.success) expect(parsed.error.issues[0]?.message).toBe(describeInvalidEndpointName(name.trim()))
    }
  })
})
