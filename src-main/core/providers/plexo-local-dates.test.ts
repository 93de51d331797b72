import { randomBytes, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { PLEXO_CERTS } from '../../test-support/provider-spec'
import { plexoSigningKey, analyzePlexoBody } from '../../test-support/plexo-envelope'

/**
 * plexo-dotnet's SignatureHelper (Sign and Verify) serialises with DateTimeZoneHandling.Local, reads
 * its text back with JObject.Parse (a string shaped yyyy-MM-ddTHH:mm:ss[.fffffff][Z|±hh:mm] becomes
 * a DateTime), turns each DateTime into local time (UTC or offset times to the same instant, times
 * without a zone taken as local) and writes it with the machine's offset, trailing zeros of the
 * fraction dropped. The signed texts below are written out by hand from that description, for
 * machines in Montevideo (UTC-03:00 all year), Madrid (UTC+01:00 in winter, +02:00 in summer) and
 * Kathmandu (UTC+05:45), not from plexo-local-dates.ts.
 */
describe('Plexo legacy envelope whose dates plexo-dotnet signed in its local time', () => {
  const certificate = PLEXO_CERTS[0]!
  const { privateKey, fingerprint } = plexoSigningKey(certificate)
  const now = new Date('2026-06-01T00:00:00Z')
  const expiry = now.getTime() / 1000 + 600
  /** An envelope whose body carries the dates `bodyFields` (Created, then a TransactionDateTime field) and whose signature covers `signedFields`. */
  const verdictOf = (bodyFields: [string, string], signedFields: [string, string], amount = '10') => {
    // Members in .NET's order (its culture's; here the same as ordinal).
    const canonical = `{"Fingerprint":"${fingerprint}","Object":{"Amount":10,"Client":"Shop","Created":"${signedFields[0]}","FieldInformation":{"TransactionDateTime":"${signedFields[1]}"}},"UTCUnixTimeExpiration":${expiry}}`
    const signature = sign('sha512', Buffer.from(canonical), privateKey).toString('base64')
    const body = `{"Object":{"Fingerprint":"${fingerprint}","Object":{"Client":"Shop","Created":"${bodyFields[0]}","Amount":${amount},"FieldInformation":{"TransactionDateTime":"${bodyFields[1]}"}},"UTCUnixTimeExpiration":${expiry}},"Signature":"${signature}"}`
    return analyzePlexoBody(body, certificate, now).verdict
  }

  it('is valid when the body writes UTC, another offset or no zone, and a Montevideo server signed local time', () => {
    const verdict = verdictOf(['2024-05-01T12:00:00Z', '2024-05-01T17:30:00+05:30'], ['2024-05-01T09:00:00-03:00', '2024-05-01T09:00:00-03:00'])
    expect(verdict).toMatchObject({ status: 'valid', message: expect.stringContaining('UTC-03:00, as in America/Montevideo') })
    expect(verdict.status === 'valid' && verdict.message).toContain(`the body's "2024-05-01T12:00:00Z" was signed as "2024-05-01T09:00:00-03:00"`)
    // A time without a zone is taken as the machine's wall time; a fraction loses its trailing zeros.
    expect(verdictOf(['2024-05-01T12:00:00.1200000', '2024-05-01T12:00:00Z'], ['2024-05-01T12:00:00.12-03:00', '2024-05-01T09:00:00-03:00'])).toMatchObject({
      status: 'valid',
    })
  })

  it('is valid for a server in a zone with summer time (two offsets in one envelope) or a quarter-hour offset', () => {
    const madrid = verdictOf(['2024-01-15T10:00:00Z', '2024-07-15T10:00:00Z'], ['2024-01-15T11:00:00+01:00', '2024-07-15T12:00:00+02:00'])
    expect(madrid).toMatchObject({ status: 'valid', message: expect.stringContaining('UTC+01:00 and UTC+02:00') })
    const kathmandu = verdictOf(['2024-05-01T12:00:00Z', '2024-05-01T00:00:00-03:00'], ['2024-05-01T17:45:00+05:45', '2024-05-01T08:45:00+05:45'])
    expect(kathmandu).toMatchObject({ status: 'valid', message: expect.stringContaining('UTC+05:45') })
  })

  it('is not valid when a date names another instant, in whatever form, or another member changed', () => {
    const signed: [string, string] = ['2024-05-01T09:00:00-03:00', '2024-05-01T09:00:00-03:00']
    // The same wall time in UTC is another instant; so is any whole or half hour away, in any offset.
    expect(verdictOf(['2024-05-01T09:00:00Z', '2024-05-01T12:00:00Z'], signed).status).toBe('invalid')
    const shifted = []
    for (let minutes = -14 * 60; minutes <= 14 * 60; minutes += 30) {
      if (minutes === 0) continue
      const moved = new Date(Date.parse('2024-05-01T12:00:00Z') + minutes * 60_000).toISOString().replace('.000Z', 'Z')
      if (verdictOf([moved, '2024-05-01T12:00:00Z'], signed).status !== 'invalid') shifted.push(moved)
      // Without a zone, 09:00 is the wall time the Montevideo signer wrote (valid, as the SDK reads it); every other one is not.
      const wallTime = moved.replace('Z', '')
      if (wallTime !== '2024-05-01T09:00:00' && verdictOf(['2024-05-01T12:00:00Z', wallTime], signed).status !== 'invalid')
        shifted.push(`${wallTime} without a zone`)
    }
    expect(shifted).toEqual([])
    // A time without a zone is a wall time: signed as 09:00-03:00, a body's 12:00 without a zone is not it.
    expect(verdictOf(['2024-05-01T12:00:00', '2024-05-01T12:00:00Z'], signed).status).toBe('invalid')
    expect(verdictOf(['2024-05-01T09:00:00', '2024-05-01T12:00:00Z'], signed).status).toBe('valid')
    expect(verdictOf(['2024-05-01T12:00:00Z', '2024-05-01T12:00:00Z'], signed, '11')).toMatchObject({ status: 'invalid', reason: 'body-changed' })
  })

  it('does not try the dates in every time zone for a signature no certificate made (a flood of forged ones stays cheap)', () => {
    const analysisOf = (signature: Buffer) => {
      const body = `{"Object":{"Fingerprint":"${fingerprint}","Object":{"Client":"Shop","Created":"2024-05-01T12:00:00Z","Amount":10},"UTCUnixTimeExpiration":${expiry}},"Signature":"${signature.toString('base64')}"}`
      return analyzePlexoBody(body, certificate, now)
    }
    const forged = analysisOf(randomBytes(256))
    expect(forged.verdict.status).toBe('invalid')
    expect(forged.explanation.notes.join('\n')).toContain("the dates were not tried in the signer's local time")
    expect(forged.explanation.notes.join('\n')).not.toContain('the dates were also tried')
    // Made by the certificate's key over other bytes: the dates are tried, as a changed date may be all that differs.
    const otherBytes = analysisOf(sign('sha512', Buffer.from('{"other":1}'), privateKey))
    expect(otherBytes.verdict.status).toBe('invalid')
    expect(otherBytes.explanation.notes.join('\n')).toContain('the dates were also tried')
  })
})

describe('Plexo legacy envelope with local-time dates and a null dictionary value', () => {
  const certificate = PLEXO_CERTS[1]!
  const { privateKey, fingerprint } = plexoSigningKey(certificate)
  const now = new Date('2026-06-01T00:00:00Z')
  const expiry = now.getTime() / 1000 + 600
  /** Signed in Montevideo: the date in local time, the dictionary's null kept (Newtonsoft writes it), 1500.00 as 1500.0. */
  const verdictOf = (sentDate: string, sentReference: string) => {
    const canonical = `{"Fingerprint":"${fingerprint}","Object":{"Amount":1500.0,"FieldInformation":{"CommerceReferenceId":null,"TransactionDateTime":"2024-05-01T09:00:00-03:00"}},"UTCUnixTimeExpiration":${expiry}}`
    const signature = sign('sha512', Buffer.from(canonical), privateKey).toString('base64')
    const body = `{"Object":{"Fingerprint":"${fingerprint}","Object":{"Amount":1500.00,"FieldInformation":{"TransactionDateTime":"${sentDate}","CommerceReferenceId":${sentReference}}},"UTCUnixTimeExpiration":${expiry}},"Signature":"${signature}"}`
    return analyzePlexoBody(body, certificate, now).verdict
  }

  it('is valid, and not when the date or the null changed', () => {
    expect(verdictOf('2024-05-01T12:00:00Z', 'null')).toMatchObject({
      status: 'valid',
      variant: expect.stringContaining('null members kept, dates in the signer'),
    })
    expect(verdictOf('2024-05-01T12:00:01Z', 'null').status).toBe('invalid')
    expect(verdictOf('2024-05-01T12:00:00Z', '"ref-1"').status).toBe('invalid')
  })
})
