/**
 * A delivery whose arrival is unknown (an import from curl, raw HTTP or a pasted body: its time is
 * the import's) is judged with no tolerance: its signature still has to match, but a timestamp a day
 * older than the import says nothing about the sender. Every time-bound scheme: Stripe and Paddle
 * (timestamped-hmac-header.ts), Standard Webhooks.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { ProviderKey } from '../../shared/providers'
import { analyzeDelivery, signStandardWebhook } from './index'
import { signPaddle } from './paddle'
import { signStripe } from './stripe'
import { ARRIVAL_UNKNOWN_TIMING } from './verification'

const now = new Date('2026-12-07T12:00:00Z')
const dayOld = Math.floor(now.getTime() / 1000) - 86_400
const body = '{"id":"evt_1","type":"charge.refunded"}'
const whsec = `whsec_${randomBytes(24).toString('base64')}`

interface Scheme {
  name: string
  keys: ProviderKey[]
  signed(timestamp: number, secret: string): HeaderPairs
  secret: string
}

const schemes: Scheme[] = [
  {
    name: 'Stripe',
    secret: 'whsec_stripe_arrival',
    keys: [{ kind: 'hmac-secret', provider: 'stripe', value: 'whsec_stripe_arrival' }],
    signed: (timestamp, secret) => [['Stripe-Signature', signStripe({ secret, body, timestamp }).header]],
  },
  {
    name: 'Paddle',
    secret: 'pdl_ntfset_arrival',
    keys: [{ kind: 'hmac-secret', provider: 'paddle', value: 'pdl_ntfset_arrival' }],
    signed: (timestamp, secret) => [['Paddle-Signature', signPaddle({ secret, body, timestamp }).header]],
  },
  {
    name: 'Standard Webhooks',
    secret: whsec,
    keys: [{ kind: 'hmac-secret', provider: 'standard-webhooks', value: whsec }],
    signed: (timestamp, secret) => signStandardWebhook({ id: 'msg_1', timestamp, body, secret }).headers,
  },
]

describe.each(schemes)('$name, a day-old timestamp', (scheme) => {
  const judge = (headers: HeaderPairs, arrivalUnknown: boolean) =>
    analyzeDelivery(
      { method: 'POST', target: '/hook', headers: [['Content-Type', 'application/json'], ...headers], body: Buffer.from(body) },
      { now, keys: scheme.keys, arrivalUnknown },
    )

  it('is stale when it arrived now', () => {
    expect(judge(scheme.signed(dayOld, scheme.secret), false).verdict).toMatchObject({ status: 'invalid', reason: 'stale-timestamp' })
  })

  it('is valid, its timestamp not checked, when its arrival is unknown', () => {
    const analysis = judge(scheme.signed(dayOld, scheme.secret), true)
    expect(analysis.verdict.status).toBe('valid')
    expect(analysis.verdict.message).toContain(ARRIVAL_UNKNOWN_TIMING)
    expect(analysis.explanation.timestamp).toMatchObject({ toleranceSeconds: null, withinTolerance: true })
  })

  it('still has to match: signed with another secret it is a mismatch, not valid', () => {
    const other = scheme.name === 'Standard Webhooks' ? `whsec_${randomBytes(24).toString('base64')}` : `${scheme.secret}_other`
    expect(judge(scheme.signed(dayOld, other), true).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
  })
})
