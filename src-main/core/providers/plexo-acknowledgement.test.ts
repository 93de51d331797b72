import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { describeProviderExpectation, providerAcknowledgement, providerJudgement } from '../responses/provider-acknowledgements'

/**
 * A legacy Plexo callback is acknowledged with a ClientSignedResponse (providers.md §3.2; PHPClient
 * `doc/examples/callback.md`): the same envelope, Object.Object = {Client, ResultCode: 0}, signed
 * with the merchant's private key; on an error PHPClient answers {ResultCode, ErrorMessage} instead.
 * The responses here are signed as the SDKs sign (RSA SHA-512 over the sorted inner envelope) with
 * a key this test makes.
 */
describe("Plexo's legacy acknowledgement in Answers", () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const fingerprint = createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .toUpperCase()
  const expiry = Math.floor(Date.parse('2026-06-01T00:00:00Z') / 1000) + 600
  /** A ClientSignedResponse whose Object.Object is `object` (members already in sorted order). */
  const response = (object: string) => {
    const signed = `{"Fingerprint":"${fingerprint}","Object":${object},"UTCUnixTimeExpiration":${expiry}}`
    return `{"Object":${signed},"Signature":"${sign('sha512', Buffer.from(signed), privateKey).toString('base64')}"}`
  }
  const judge = (status: number, bodyText: string) => providerJudgement('plexo', 'legacy-envelope', { status, bodyText, delayMs: 0 })?.judgement

  it('takes a ClientSignedResponse with ResultCode 0 as the acknowledgement', () => {
    expect(judge(200, response('{"Client":"Shop","ResultCode":0}'))).toBe('success')
  })

  it("does not take an error response, or a body that only has the envelope's member names, as one", () => {
    expect(judge(200, response('{"Client":"Shop","ErrorMessage":"Error interno.","ResultCode":1}'))).toBe('failure')
    expect(judge(200, '{"Object":1,"Signature":2}')).toBe('uncertain')
    expect(judge(200, '{"Object":{"Client":"Shop","ResultCode":0},"Signature":"c2ln"}')).toBe('uncertain')
    expect(judge(500, response('{"Client":"Shop","ResultCode":0}'))).toBe('failure')
  })

  it('says the default answer is unsigned because the inspector has no merchant private key, not a signature it fakes', () => {
    expect(providerAcknowledgement('plexo', 'legacy-envelope')).toMatchObject({ status: 200, body: null })
    const expects = describeProviderExpectation('plexo', 'legacy-envelope')?.expects ?? ''
    expect(expects).toContain("signed for each callback with the merchant's private key, which the inspector does not hold")
    expect(expects).toContain('answers 200 with an empty body')
  })
})
