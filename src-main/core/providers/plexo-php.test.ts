import { sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { PLEXO_CERTS } from '../../test-support/provider-spec'
import { plexoSigningKey, analyzePlexoBody } from '../../test-support/plexo-envelope'

/**
 * plexouy/PHPClient's SignedMessage::getSignatureBaseString: json_decode($body, true), the inner
 * envelope rebuilt as [Fingerprint (strtoupper), UTCUnixTimeExpiration, Object], ksortRecursive
 * (ksort SORT_REGULAR at each level, but not an array whose first key is the integer 0) and
 * json_encode(JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES). The signed texts below are written
 * out by hand from PHP's rules (integer keys sort as numbers; an array keyed 0…n-1 is a list; nulls
 * stay; 1500.00 is the double 1500, written "1500"; 1e17 "1.0e+17"; 0.00001 "1.0e-5"; a 20-digit
 * integer a double), and were checked once against PHPClient itself on PHP 8.2.
 */
describe('Plexo legacy envelope signed by PHPClient', () => {
  const certificate = PLEXO_CERTS[0]!
  const { privateKey, fingerprint } = plexoSigningKey(certificate)
  const now = new Date('2026-06-01T00:00:00Z')
  const expiry = now.getTime() / 1000 + 600
  /** The body's inner Object is `object`; the signature covers `signedObject` in PHPClient's text. */
  const verdictOf = (object: string, signedObject: string) => {
    const signedText = `{"Fingerprint":"${fingerprint}","Object":${signedObject},"UTCUnixTimeExpiration":${expiry}}`
    const signature = sign('sha512', Buffer.from(signedText), privateKey).toString('base64')
    // PHPClient sends the Fingerprint as it has it; it signs it upper-case.
    const body = `{"Object":{"Fingerprint":"${fingerprint.toLowerCase()}","Object":${object},"UTCUnixTimeExpiration":${expiry}},"Signature":"${signature}"}`
    return analyzePlexoBody(body, certificate, now).verdict
  }

  const sent =
    '{"Client":"Shop","Amount":1500.00,"Note":null,"FieldInformation":{"10":"a","9":"b","2":"c"},"Big":12345678901234567890,"Tiny":0.00001,"Huge":1e17}'
  const signed =
    '{"Amount":1500,"Big":1.2345678901234567e+19,"Client":"Shop","FieldInformation":{"2":"c","9":"b","10":"a"},"Huge":1.0e+17,"Note":null,"Tiny":1.0e-5}'

  it('is valid with integer keys in numeric order, PHP numbers and null members kept', () => {
    expect(verdictOf(sent, signed)).toMatchObject({ status: 'valid', variant: expect.stringContaining('as PHPClient writes it') })
  })

  it('is valid where PHP makes an object keyed 1, 0 a list, or leaves one whose first key is 0 unsorted', () => {
    expect(verdictOf('{"Client":"Shop","Lines":{"1":"x","0":"y"}}', '{"Client":"Shop","Lines":["y","x"]}')).toMatchObject({ status: 'valid' })
    expect(verdictOf('{"0":"y","b":{"z":1,"a":2},"a":1}', '{"0":"y","b":{"a":2,"z":1},"a":1}')).toMatchObject({ status: 'valid' })
  })

  it("is valid in PHP 8's and PHP 7's order of an integer key and a word", () => {
    expect(verdictOf('{"Client":"Shop","Codes":{"a":1,"5":2}}', '{"Client":"Shop","Codes":{"5":2,"a":1}}')).toMatchObject({
      status: 'valid',
      variant: expect.stringContaining("PHP 8's key order"),
    })
    expect(verdictOf('{"Client":"Shop","Codes":{"5":2,"a":1}}', '{"Client":"Shop","Codes":{"a":1,"5":2}}')).toMatchObject({
      status: 'valid',
      variant: expect.stringContaining("PHP 7's key order"),
    })
  })

  it('is not valid when a value, a key or a pairing changed', () => {
    const changed = [
      sent.replace('"9":"b"', '"9":"B"'),
      sent.replace('"10":"a"', '"11":"a"'),
      sent.replace('"10":"a","9":"b"', '"10":"b","9":"a"'),
      sent.replace('1500.00', '1500.01'),
      sent.replace('"Note":null,', ''),
      sent.replace('"Note":null', '"Note":"null"'),
      sent.replace('1e17', '1e16'),
    ]
    expect(changed.filter((object) => verdictOf(object, signed).status !== 'invalid')).toEqual([])
    expect(verdictOf('{"Client":"Shop","Lines":{"1":"y","0":"x"}}', '{"Client":"Shop","Lines":["y","x"]}').status).toBe('invalid')
  })
})
