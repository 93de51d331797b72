/**
 * A Stripe or Paddle signature whose timestamp is ahead of the arrival is valid, as stripe-node and
 * Paddle's SDK check only how old it is. The verdict said "timestamp 600 s in the future (tolerance
 * 300 s)", which read as a contradiction; it now says why such a timestamp passes.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import { analyzeDelivery } from './index'

const ARRIVAL = 1_772_366_400
const body = '{"id":"evt_1","type":"x","data":{}}'
const hex = (secret: string, text: string): string => createHmac('sha256', secret).update(text).digest('hex')

function verdictAt(provider: 'stripe' | 'paddle', secret: string, headers: HeaderPairs): { status: string; message: string } {
  return analyzeDelivery(
    { method: 'POST', target: '/in', headers, body: Buffer.from(body) },
    { now: new Date(ARRIVAL * 1000), keys: [{ kind: 'hmac-secret', provider, value: secret }], pinnedProvider: provider },
  ).verdict
}

describe('a timestamp ahead of the arrival', () => {
  it('Stripe: valid, saying stripe-node bounds only the age', () => {
    const secret = 'whsec_test_secret'
    const at = (t: number): HeaderPairs => [['Stripe-Signature', `t=${t},v1=${hex(secret, `${t}.${body}`)}`]]
    expect(verdictAt('stripe', secret, at(ARRIVAL + 600))).toEqual({
      status: 'valid',
      variant: 'v1',
      message:
        "a v1 signature matches; timestamp 600 s in the future (stripe-node bounds only its age (at most 300 s old), so it accepts a timestamp ahead of the arrival: the sender's clock is ahead of this machine's)",
    })
    expect(verdictAt('stripe', secret, at(ARRIVAL - 10)).message).toBe('a v1 signature matches; timestamp 10 s old (tolerance 300 s)')
  })

  it('Paddle: valid, saying its SDK bounds only the age', () => {
    const secret = 'pdl_ntfset_01_test'
    const at = (ts: number): HeaderPairs => [['Paddle-Signature', `ts=${ts};h1=${hex(secret, `${ts}:${body}`)}`]]
    const verdict = verdictAt('paddle', secret, at(ARRIVAL + 600))
    expect(verdict.status).toBe('valid')
    expect(verdict.message).toBe(
      "an h1 signature matches; timestamp 600 s in the future (Paddle's SDK bounds only its age (at most 5 s old), so it accepts a timestamp ahead of the arrival: the sender's clock is ahead of this machine's)",
    )
  })
})
