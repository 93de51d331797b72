import { describe, expect, it } from 'vitest'
import type { Endpoint } from '@shared/views'
import { perEndpointPolicyOf } from './endpoint-retention'

const endpoint = (id: string) => ({ id, name: id }) as Endpoint
const typed = (maxCaptures: string) => ({ maxCaptures, maxMiB: '', maxAgeDays: '' })

describe('perEndpointPolicyOf', () => {
  it('saves the caps typed for each endpoint, and keeps saved caps of endpoints the form does not show', () => {
    const policy = perEndpointPolicyOf({ a: typed('5'), b: typed('') }, { c: { maxCaptures: 7 } }, [endpoint('a'), endpoint('b'), endpoint('c')])
    expect(policy).toEqual({ a: { maxCaptures: 5, maxBytes: null, maxAgeDays: null }, c: { maxCaptures: 7 } })
  })

  it('leaves out the caps of an endpoint deleted while the dialog was open (the app refuses caps for unknown endpoints)', () => {
    const policy = perEndpointPolicyOf({ a: typed('5'), gone: typed('3') }, { gone: { maxCaptures: 3 }, alsoGone: { maxCaptures: 1 } }, [endpoint('a')])
    expect(policy).toEqual({ a: { maxCaptures: 5, maxBytes: null, maxAgeDays: null } })
  })

  it('is invalid when a typed cap of an existing endpoint is not a limit', () => {
    expect(perEndpointPolicyOf({ a: typed('-3') }, undefined, [endpoint('a')])).toBe('invalid')
  })
})
