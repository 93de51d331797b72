import { X509Certificate, sign } from 'node:crypto'
import forge from 'node-forge'
import { describe, expect, it } from 'vitest'
import { PLEXO_CERTS, canonicalJson } from '../../test-support/provider-spec'
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

describe('Plexo legacy envelope expiry (providers.md §3.2: valid only while now ≤ UTCUnixTimeExpiration)', () => {
  const certificate = PLEXO_CERTS[0]!
  const privateKey = forge.pki.privateKeyToPem(certificate.signer.privateKey)
  const fingerprint = new X509Certificate(certificate.pem).fingerprint.replaceAll(':', '')
  const now = new Date('2026-06-01T00:00:00Z')
  /** An envelope signed as providers.md says, over the canonical JSON of `Object`, with `expiry` members. */
  const analyze = (expiry: Record<string, unknown>) => {
    const inner = { Fingerprint: fingerprint, Object: { Client: 'Shop', TransactionId: 'tx-1', Amount: 100.5, CurrentState: 0 }, ...expiry }
    const body = JSON.stringify({ Object: inner, Signature: sign('sha512', Buffer.from(canonicalJson(inner)), privateKey).toString('base64') })
    return analyzeDelivery(
      { method: 'POST', target: '/plexo', headers: [['Content-Type', 'application/json']], body: Buffer.from(body) },
      { now, keys: [{ kind: 'certificate', provider: 'plexo', pem: certificate.pem }] },
    ).verdict
  }

  it('is valid before the expiry and expired after it', () => {
    expect(analyze({ UTCUnixTimeExpiration: now.getTime() / 1000 })).toMatchObject({ status: 'valid' })
    expect(analyze({ UTCUnixTimeExpiration: now.getTime() / 1000 - 1 })).toMatchObject({ status: 'invalid', reason: 'expired' })
  })

  it('is not valid without an expiry, however well signed: the SDKs read a missing one as 0', () => {
    expect(analyze({})).toMatchObject({ status: 'invalid', reason: 'expired', message: expect.stringContaining('no UTCUnixTimeExpiration') })
  })

  it('is not valid with an expiry that is not a number (null, text)', () => {
    for (const value of [null, '9999999999', 'never']) {
      expect(analyze({ UTCUnixTimeExpiration: value }), String(value)).toMatchObject({
        status: 'invalid',
        reason: 'malformed-body',
        message: expect.stringContaining('the expiry cannot be checked'),
      })
    }
  })
})

describe('Plexo legacy envelope with a member written twice (read as the SDKs decode JSON: the last copy)', () => {
  const certificate = PLEXO_CERTS[1]!
  const privateKey = forge.pki.privateKeyToPem(certificate.signer.privateKey)
  const fingerprint = new X509Certificate(certificate.pem).fingerprint.replaceAll(':', '')
  const signed = {
    Fingerprint: fingerprint,
    Object: { Client: 'Shop', TransactionId: 'tx-1', Amount: 100.5, CurrentState: 0 },
    UTCUnixTimeExpiration: 1_900_000_000,
  }
  const forged = { ...signed, Object: { ...signed.Object, Amount: 1 } }
  const signature = sign('sha512', Buffer.from(canonicalJson(signed)), privateKey).toString('base64')
  const analyze = (body: string) =>
    analyzeDelivery(
      { method: 'POST', target: '/plexo', headers: [['Content-Type', 'application/json']], body: Buffer.from(body) },
      { now: new Date('2026-06-01T00:00:00Z'), keys: [{ kind: 'certificate', provider: 'plexo', pem: certificate.pem }] },
    )

  it('is not valid when the signed Object comes first and another one last (what JSON.parse and json_decode return)', () => {
    const analysis = analyze(`{"Object":${JSON.stringify(signed)},"Object":${JSON.stringify(forged)},"Signature":"${signature}"}`)
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'body-changed' })
    // The summary shows the object the SDKs read, not the signed copy before it.
    expect(analysis.summary.amount?.amountDisplay).toContain('1')
    expect(analysis.summary.amount?.amountDisplay).not.toContain('100.5')
  })

  it('is not valid when the good Signature comes first and another one last', () => {
    const analysis = analyze(`{"Object":${JSON.stringify(signed)},"Signature":"${signature}","Signature":"${Buffer.alloc(256, 1).toString('base64')}"}`)
    expect(analysis.verdict.status).toBe('invalid')
  })
})
