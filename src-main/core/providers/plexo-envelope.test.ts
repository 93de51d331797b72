import { createHash, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { PLEXO_CERTS, canonicalJson } from '../../test-support/provider-spec'
import { analyzeDelivery } from './index'
import { plexoSigningKey, analyzePlexoBody } from '../../test-support/plexo-envelope'

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
  const { privateKey, fingerprint } = plexoSigningKey(certificate)
  const now = new Date('2026-06-01T00:00:00Z')
  /** An envelope signed as providers.md says, over the canonical JSON of `Object`, with `expiry` members. */
  const analyze = (expiry: Record<string, unknown>) => {
    const inner = { Fingerprint: fingerprint, Object: { Client: 'Shop', TransactionId: 'tx-1', Amount: 100.5, CurrentState: 0 }, ...expiry }
    const body = JSON.stringify({ Object: inner, Signature: sign('sha512', Buffer.from(canonicalJson(inner)), privateKey).toString('base64') })
    return analyzePlexoBody(body, certificate, now).verdict
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
  const { privateKey, fingerprint } = plexoSigningKey(certificate)
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

/**
 * plexo-dotnet's SignatureHelper (Sign and Verify) serialises the object, parses it again with
 * JObject.Parse (numbers with a decimal point or exponent become doubles) and serialises that: a
 * decimal Amount sent as 1500.00 is signed as 1500.0, 100.50 as 100.5 (PHPClient writes the
 * double 1500 as 1500: plexo-php.test.ts). So plexo-dotnet's signed text holds
 * each such number as the shortest double, with ".0" when it is whole, whatever the body wrote.
 * Written out here from that description (not from plexo.ts), over amounts drawn from a seed.
 */
describe('Plexo legacy envelope whose numbers are written with trailing zeros (decimal amounts)', () => {
  const certificate = PLEXO_CERTS[0]!
  const { privateKey, fingerprint } = plexoSigningKey(certificate)
  const now = new Date('2026-06-01T00:00:00Z')
  const expiry = now.getTime() / 1000 + 600
  /** How the SDKs write a number that has a decimal point or exponent: the double, ".0" when whole. */
  const asDouble = (written: string): string => {
    const text = String(Number(written))
    return /[.e]/.test(text) ? text : `${text}.0`
  }
  /** The envelope as sent: `Amount` written `written`; signed over the SDKs' reading of `signedAmount`. */
  const envelope = (written: string, signedAmount: string): string => {
    const canonical = `{"Fingerprint":"${fingerprint}","Object":{"Amount":${asDouble(signedAmount)},"Client":"Shop","Installments":1,"TransactionId":"tx-1"},"UTCUnixTimeExpiration":${expiry}}`
    const signature = sign('sha512', Buffer.from(canonical), privateKey).toString('base64')
    return `{"Object":{"Fingerprint":"${fingerprint}","Object":{"Client":"Shop","TransactionId":"tx-1","Amount":${written},"Installments":1},"UTCUnixTimeExpiration":${expiry}},"Signature":"${signature}"}`
  }
  const verdictOf = (body: string) => analyzePlexoBody(body, certificate, now).verdict

  /** Amounts of a seeded draw (SHA-256 in counter mode: the same 60 on every run), as a decimal(18,2) prints them. */
  const amounts = Array.from({ length: 60 }, (_, index) => {
    const cents = createHash('sha256').update(`plexo-amounts/${index}`).digest().readUInt32BE(0) % 10_000_000
    return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
  })

  it('is valid when the body writes 1500.00 or 100.50 and Plexo signed 1500.0 or 100.5', () => {
    expect(verdictOf(envelope('1500.00', '1500.00'))).toMatchObject({ status: 'valid' })
    expect(verdictOf(envelope('100.50', '100.50'))).toMatchObject({ status: 'valid' })
    expect(verdictOf(envelope('1E3', '1E3'))).toMatchObject({ status: 'valid' })
    const wrong = amounts.filter((amount) => verdictOf(envelope(amount, amount)).status !== 'valid')
    expect(wrong).toEqual([])
  })

  it('is still not valid when the amount itself changed', () => {
    const wrong = amounts.filter((amount) => verdictOf(envelope(amount, (Number(amount) + 0.01).toFixed(2))).status === 'valid')
    expect(wrong).toEqual([])
    expect(verdictOf(envelope('1500.00', '1500.01'))).toMatchObject({ status: 'invalid', reason: 'body-changed' })
  })

  it('stays valid when the signer wrote the number as the body does', () => {
    // A signer that kept the text (the lexeme) as written: 100.50 signed as 100.50.
    const canonical = `{"Fingerprint":"${fingerprint}","Object":{"Amount":100.50,"Client":"Shop"},"UTCUnixTimeExpiration":${expiry}}`
    const signature = sign('sha512', Buffer.from(canonical), privateKey).toString('base64')
    const body = `{"Object":{"Fingerprint":"${fingerprint}","Object":{"Client":"Shop","Amount":100.50},"UTCUnixTimeExpiration":${expiry}},"Signature":"${signature}"}`
    expect(verdictOf(body)).toMatchObject({ status: 'valid' })
  })
})

/**
 * Both plexouy SDKs write U+2028 and U+2029 escaped in the signed text: Newtonsoft's string writer
 * always escapes them (and U+0085), and PHPClient's json_encode does unless JSON_UNESCAPED_LINE_TERMINATORS,
 * which it does not pass. JSON.stringify leaves them raw.
 */
describe('Plexo legacy envelope with a line or paragraph separator in a string', () => {
  const certificate = PLEXO_CERTS[1]!
  const { privateKey, fingerprint } = plexoSigningKey(certificate)
  const now = new Date('2026-06-01T00:00:00Z')
  const expiry = now.getTime() / 1000 + 600
  const verdictOf = (client: string, signedClient: string) => {
    const canonical = `{"Fingerprint":"${fingerprint}","Object":{"Amount":10,"Client":${signedClient}},"UTCUnixTimeExpiration":${expiry}}`
    const signature = sign('sha512', Buffer.from(canonical), privateKey).toString('base64')
    const body = `{"Object":{"Fingerprint":"${fingerprint}","Object":{"Client":${client},"Amount":10},"UTCUnixTimeExpiration":${expiry}},"Signature":"${signature}"}`
    return analyzePlexoBody(body, certificate, now).verdict
  }

  it('is valid when the SDKs signed it escaped, however the body writes it', () => {
    // The body writes the separators raw, or escaped (JSON allows both); the SDKs sign "\u2028".
    expect(verdictOf('"Shop\u2028Line\u2029End"', '"Shop\\u2028Line\\u2029End"')).toMatchObject({ status: 'valid' })
    expect(verdictOf('"Shop\\u2028Line\\u2029End"', '"Shop\\u2028Line\\u2029End"')).toMatchObject({ status: 'valid' })
  })

  it('is not valid when the text itself differs', () => {
    expect(verdictOf('"Shop\u2028Lime"', '"Shop\\u2028Line"')).toMatchObject({ status: 'invalid' })
  })

  // Newtonsoft also escapes U+0085 (next line); PHP's json_encode leaves it raw.
  it('is valid with a next-line character escaped as plexo-dotnet writes it, or raw as PHPClient does', () => {
    expect(verdictOf('"Shop\u0085Line"', '"Shop\\u0085Line"')).toMatchObject({ status: 'valid' })
    expect(verdictOf('"Shop\\u0085Line"', '"Shop\u0085Line"')).toMatchObject({ status: 'valid' })
    expect(verdictOf('"Shop\u0085Lime"', '"Shop\\u0085Line"')).toMatchObject({ status: 'invalid' })
  })
})

/**
 * plexo-dotnet's SignatureHelper sorts members with `OrderBy(p => p.Name)`: .NET's default string
 * comparison is the culture's, not ordinal, so letters compare without regard to case. For
 * FieldInformation's names (plexo-dotnet-models FieldType) "CommerceRUT" then comes after
 * "CommerceReferenceId" (u after e), where ordinal order puts it first (U before e).
 */
describe('Plexo legacy envelope whose member names sort differently by culture and ordinal', () => {
  const certificate = PLEXO_CERTS[0]!
  const { privateKey, fingerprint } = plexoSigningKey(certificate)
  const now = new Date('2026-06-01T00:00:00Z')
  const expiry = now.getTime() / 1000 + 600
  const fields = '{"CommerceRUT":"211234560019","CommerceReferenceId":"ref-1","CVC":"x","City":"Montevideo"}'
  const verdictOf = (signedFields: string, sentFields = fields) => {
    const canonical = `{"Fingerprint":"${fingerprint}","Object":{"Amount":10,"FieldInformation":${signedFields}},"UTCUnixTimeExpiration":${expiry}}`
    const signature = sign('sha512', Buffer.from(canonical), privateKey).toString('base64')
    const body = `{"Object":{"Fingerprint":"${fingerprint}","Object":{"FieldInformation":${sentFields},"Amount":10},"UTCUnixTimeExpiration":${expiry}},"Signature":"${signature}"}`
    return analyzePlexoBody(body, certificate, now).verdict
  }

  it('is valid signed in .NET culture order (case-blind), and in ordinal order', () => {
    expect(verdictOf('{"City":"Montevideo","CommerceReferenceId":"ref-1","CommerceRUT":"211234560019","CVC":"x"}')).toMatchObject({ status: 'valid' })
    expect(verdictOf('{"CVC":"x","City":"Montevideo","CommerceRUT":"211234560019","CommerceReferenceId":"ref-1"}')).toMatchObject({ status: 'valid' })
  })

  it('is not valid when a value differs, in either order', () => {
    const changed = '{"CommerceRUT":"211234560019","CommerceReferenceId":"ref-2","CVC":"x","City":"Montevideo"}'
    expect(verdictOf('{"City":"Montevideo","CommerceReferenceId":"ref-1","CommerceRUT":"211234560019","CVC":"x"}', changed).status).toBe('invalid')
    expect(verdictOf('{"CVC":"x","City":"Montevideo","CommerceRUT":"211234560019","CommerceReferenceId":"ref-1"}', changed).status).toBe('invalid')
  })
})

/**
 * Newtonsoft leaves out a null property of a class (NullValueHandling.Ignore) but writes a
 * dictionary's null value (JsonSerializerInternalWriter.SerializeDictionary has no null check),
 * and the JObject it re-reads keeps it: a FieldInformation entry sent as null is signed as null.
 */
describe('Plexo legacy envelope with a null dictionary value plexo-dotnet signed', () => {
  const certificate = PLEXO_CERTS[1]!
  const { privateKey, fingerprint } = plexoSigningKey(certificate)
  const now = new Date('2026-06-01T00:00:00Z')
  const expiry = now.getTime() / 1000 + 600
  const verdictOf = (sentFields: string, signedFields: string) => {
    // .NET's culture order (CommerceReferenceId before CommerceRUT) and its double 1500.0.
    const canonical = `{"Fingerprint":"${fingerprint}","Object":{"Amount":1500.0,"FieldInformation":${signedFields}},"UTCUnixTimeExpiration":${expiry}}`
    const signature = sign('sha512', Buffer.from(canonical), privateKey).toString('base64')
    const body = `{"Object":{"Fingerprint":"${fingerprint}","Object":{"FieldInformation":${sentFields},"Amount":1500.00},"UTCUnixTimeExpiration":${expiry}},"Signature":"${signature}"}`
    return analyzePlexoBody(body, certificate, now).verdict
  }

  it('is valid with the null value kept in the signed text', () => {
    expect(verdictOf('{"CommerceRUT":null,"CommerceReferenceId":"ref-1"}', '{"CommerceReferenceId":"ref-1","CommerceRUT":null}')).toMatchObject({
      status: 'valid',
      variant: expect.stringContaining('null members kept'),
    })
  })

  it('is not valid when the null replaced a value, or a value the null', () => {
    expect(verdictOf('{"CommerceRUT":null,"CommerceReferenceId":"ref-1"}', '{"CommerceReferenceId":"ref-1","CommerceRUT":"211234560019"}').status).toBe(
      'invalid',
    )
    expect(verdictOf('{"CommerceRUT":"211234560019","CommerceReferenceId":"ref-1"}', '{"CommerceReferenceId":"ref-1","CommerceRUT":null}').status).toBe(
      'invalid',
    )
    expect(verdictOf('{"CommerceRUT":null,"CommerceReferenceId":null}', '{"CommerceReferenceId":"ref-1","CommerceRUT":null}').status).toBe('invalid')
  })
})
