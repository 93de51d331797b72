import { sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { PLEXO_CERTS } from '../../test-support/provider-spec'
import { plexoSigningKey, analyzePlexoBody } from '../../test-support/plexo-envelope'

/**
 * plexo-dotnet reads its own text back with JObject.Parse (a number with a point or an exponent
 * becomes a double, an integer an Int64) and writes each double with Newtonsoft's
 * `JsonConvert.ToString(double)`: `ToString("R")`, then ".0" when there is neither a point nor an
 * E. On .NET Core 3.0 and later "R" gives the shortest digits and E notation only when the first
 * digit's place passes 17 or is below -3 (dotnet/runtime Number.Formatting: DoublePrecision = 17);
 * on .NET Framework, 15 digits when they read back the same (E notation past place 15), else 17.
 * The signed texts below are written out by hand from that description, not from plexo-signed-text.ts.
 */
describe('Plexo legacy envelope with numbers from 1e15 on, below 1e-4, or -0', () => {
  const certificate = PLEXO_CERTS[1]!
  const { privateKey, fingerprint } = plexoSigningKey(certificate)
  const now = new Date('2026-06-01T00:00:00Z')
  const expiry = now.getTime() / 1000 + 600
  /** The body writes `Amount` as `written`; the signature covers `signedAmount` (the text after "Amount":). */
  const verdictOf = (written: string, signedAmount: string) => {
    const canonical = `{"Fingerprint":"${fingerprint}","Object":{"Amount":${signedAmount},"Client":"Shop"},"UTCUnixTimeExpiration":${expiry}}`
    const signature = sign('sha512', Buffer.from(canonical), privateKey).toString('base64')
    const body = `{"Object":{"Fingerprint":"${fingerprint}","Object":{"Client":"Shop","Amount":${written}},"UTCUnixTimeExpiration":${expiry}},"Signature":"${signature}"}`
    return analyzePlexoBody(body, certificate, now).verdict
  }

  // [as the body writes it, as .NET Core signs it, as .NET Framework signs it]
  const cases: Array<[string, string, string]> = [
    ['1000000000000000.00', '1000000000000000.0', '1E+15'],
    ['2.5E16', '25000000000000000.0', '2.5E+16'],
    ['123456789012345678.5', '1.2345678901234568E+17', '1.2345678901234568E+17'],
    ['0.00001', '1E-05', '1E-05'],
    ['-1.25e-7', '-1.25E-07', '-1.25E-07'],
    ['0.7999999999999999', '0.7999999999999999', '0.79999999999999993'],
  ]

  it('is valid signed as either runtime writes the double', () => {
    const wrong = cases.flatMap(([written, core, framework]) =>
      [core, framework].filter((signed) => verdictOf(written, signed).status !== 'valid').map((signed) => `${written} signed as ${signed}`),
    )
    expect(wrong).toEqual([])
    // An integer is an Int64: -0 is signed as 0.
    expect(verdictOf('-0', '0')).toMatchObject({ status: 'valid' })
  })

  it('is not valid when the number differs', () => {
    expect(verdictOf('1000000000000001.00', '1000000000000000.0').status).toBe('invalid')
    expect(verdictOf('1000000000000001.00', '1E+15').status).toBe('invalid')
    expect(verdictOf('0.00002', '1E-05').status).toBe('invalid')
    expect(verdictOf('0.7999999999999998', '0.79999999999999993').status).toBe('invalid')
    expect(verdictOf('1', '0')).toMatchObject({ status: 'invalid', reason: 'body-changed' })
    // A signed 1E+15 is a double: the integer 1000000000000000 is written as its digits, not 1E+15.
    expect(verdictOf('1000000000000000', '1E+15').status).toBe('invalid')
  })
})
