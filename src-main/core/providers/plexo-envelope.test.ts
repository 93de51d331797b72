import { describe, expect, it } from 'vitest'
import { analyzeDelivery } from './index'

/** A legacy envelope as Plexo sends it, minus its Signature (removed by whoever relayed it). */
const stripped = JSON.stringify({
  Object: { Fingerprint: 'A1B2C3', Object: { Client: 'Shop', TransactionId: 'tx-1', Amount: 100.5 }, UTCUnixTimeExpiration: 1_900_000_000 },
})

describe('Plexo legacy envelope without its Signature', () => {
  it('is invalid (signature missing) on an endpoint pinned to Plexo, not "unsigned by design"', () => {
    const analysis = analyzeDelivery(
      { method: 'POST', target: '/plexo', headers: [['Content-Type', 'application/json']], body: Buffer.from(stripped) },
      { now: new Date(), keys: [], pinnedProvider: 'plexo' },
    )
    expect(analysis.provider).toMatchObject({ id: 'plexo', variant: 'legacy-envelope' })
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'missing-header', message: expect.stringContaining('signature missing') })
  })

  it('is recognised as the envelope, and invalid, without pinning too', () => {
    const analysis = analyzeDelivery(
      { method: 'POST', target: '/plexo', headers: [['Content-Type', 'application/json']], body: Buffer.from(stripped) },
      { now: new Date(), keys: [] },
    )
    expect(analysis.provider).toMatchObject({ id: 'plexo', variant: 'legacy-envelope' })
    expect(analysis.verdict.status).toBe('invalid')
  })
})
