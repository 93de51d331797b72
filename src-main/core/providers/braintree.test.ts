/**
 * Braintree bt_signature, checked against the braintree npm SDK as the independent
 * implementation: its `webhookTesting.sampleNotification` signs, our verifier must accept; our
 * signer signs, its `webhookNotification.parse` must accept; then one byte of bt_payload, the
 * signature, the private key or the public key changed: both refuse, and our reason says which.
 * The SDK needs only a gateway configured with the key pair (no network).
 */
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { ProviderKey } from '../../shared/providers'
import {
  braintreeNotificationBody,
  braintreeProvider,
  braintreePayloadFor,
  decodeBraintreePayload,
  looksLikeBraintree,
  parseBraintree,
  parseBraintreeSignature,
  resignBraintreeBody,
  signBraintreePayload,
  verifyBraintree,
  type BraintreeKeyPair,
} from './braintree'
import { parseXmlTree, xmlChildText } from './braintree-xml'
import { validateKey } from './key-validation'
import { SigningDraft } from './signing-draft'
import type { Delivery } from './verification'

/** The part of the braintree SDK these tests use (it ships no type declarations). */
interface BraintreeSdk {
  BraintreeGateway: new (config: { environment: unknown; merchantId: string; publicKey: string; privateKey: string }) => BraintreeGatewayLike
  Environment: { Sandbox: unknown }
}
interface BraintreeGatewayLike {
  webhookTesting: { sampleNotification(kind: string, id: string): { bt_signature: string; bt_payload: string } }
  webhookNotification: { parse(signature: string, payload: string): Promise<SdkNotification> }
}
interface SdkNotification {
  kind: string
  subscription?: { id: string; price?: string }
  transaction?: { id: string; amount: string; status: string }
  dispute?: { id: string }
}

const braintree = createRequire(import.meta.url)('braintree') as BraintreeSdk
const ROUNDS = 4
const KINDS = ['subscription_charged_successfully', 'transaction_settled', 'dispute_opened', 'subscription_went_past_due', 'check']

function randomKeyPair(): { publicKey: string; privateKey: string } {
  // Braintree keys are 16 and 32 lower-case alphanumerics.
  return { publicKey: randomBytes(8).toString('hex'), privateKey: randomBytes(16).toString('hex') }
}

function gatewayFor(pair: { publicKey: string; privateKey: string }): BraintreeGatewayLike {
  return new braintree.BraintreeGateway({ environment: braintree.Environment.Sandbox, merchantId: 'merchant', ...pair })
}

function pairOf(pair: { publicKey: string; privateKey: string }, fingerprint = 'fp-1'): BraintreeKeyPair {
  return { ...pair, fingerprint, label: 'test pair' }
}

function formBody(signature: string, payload: string): Buffer {
  return Buffer.from(`bt_signature=${encodeURIComponent(signature)}&bt_payload=${encodeURIComponent(payload)}`)
}

function delivery(body: Buffer): Delivery {
  return { method: 'POST', target: '/hooks/braintree', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body }
}

/** Changes one base64 character of the payload to another base64 character (the byte it encodes changes). */
function tamperPayload(payload: string, index = 20): string {
  const char = payload[index] === 'A' ? 'B' : 'A'
  return `${payload.slice(0, index)}${char}${payload.slice(index + 1)}`
}

function flipHex(hex: string, index = 4): string {
  return `${hex.slice(0, index)}${hex[index] === '0' ? '1' : '0'}${hex.slice(index + 1)}`
}

async function sdkAccepts(pair: { publicKey: string; privateKey: string }, signature: string, payload: string): Promise<SdkNotification | string> {
  try {
    return await gatewayFor(pair).webhookNotification.parse(signature, payload)
  } catch (error: unknown) {
    return error instanceof Error ? error.message || error.name : String(error)
  }
}

function randomNotificationXml(): { xml: string; id: string; amount: string } {
  const id = randomBytes(4).toString('hex')
  const amount = `${Math.floor(Math.random() * 10_000)}.${String(Math.floor(Math.random() * 100)).padStart(2, '0')}`
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<notification>
  <timestamp type="datetime">2026-03-20T21:20:38Z</timestamp>
  <kind>transaction_settled</kind>
  <subject>
    <transaction>
      <id>${id}</id>
      <status>settled</status>
      <type>sale</type>
      <currency-iso-code>EUR</currency-iso-code>
      <amount>${amount}</amount>
      <order-id>order-${randomBytes(3).toString('hex')} &amp; ü</order-id>
      <credit-card><bin>411111</bin><last-4>1111</last-4></credit-card>
    </transaction>
  </subject>
</notification>
`
  return { xml, id, amount }
}

describe('Braintree bt_signature against the braintree SDK', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: SDK samples verify; payload / signature / private key / public key changes are refused by both`, async () => {
      const pair = randomKeyPair()
      const keys = [pairOf(pair)]
      for (const kind of KINDS) {
        const sample = gatewayFor(pair).webhookTesting.sampleNotification(kind, `id_${round}`)
        const valid = verifyBraintree(delivery(formBody(sample.bt_signature, sample.bt_payload)), keys)
        expect(valid.verdict).toMatchObject({ status: 'valid', variant: 'bt_payload as sent' })
        const parsed = await sdkAccepts(pair, sample.bt_signature, sample.bt_payload)
        expect(typeof parsed === 'object' ? parsed.kind : parsed).toBe(kind)
        expect(parseBraintree(delivery(formBody(sample.bt_signature, sample.bt_payload))).eventType).toBe(kind)

        const tampered = tamperPayload(sample.bt_payload)
        expect(verifyBraintree(delivery(formBody(sample.bt_signature, tampered)), keys).verdict).toMatchObject({
          status: 'invalid',
          reason: 'signature-mismatch',
        })
        expect(await sdkAccepts(pair, sample.bt_signature, tampered)).toMatch(/modified/)

        const [publicKey = '', mac = ''] = sample.bt_signature.split('|')
        const flipped = `${publicKey}|${flipHex(mac)}`
        expect(verifyBraintree(delivery(formBody(flipped, sample.bt_payload)), keys).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
        expect(await sdkAccepts(pair, flipped, sample.bt_payload)).toMatch(/modified/)

        const wrongPrivate = { ...pair, privateKey: flipHex(pair.privateKey, 0) }
        expect(verifyBraintree(delivery(formBody(sample.bt_signature, sample.bt_payload)), [pairOf(wrongPrivate)]).verdict).toMatchObject({
          status: 'invalid',
          reason: 'signature-mismatch',
        })
        expect(await sdkAccepts(wrongPrivate, sample.bt_signature, sample.bt_payload)).toMatch(/modified/)

        const wrongPublic = { ...pair, publicKey: flipHex(pair.publicKey, 0) }
        expect(verifyBraintree(delivery(formBody(sample.bt_signature, sample.bt_payload)), [pairOf(wrongPublic)]).verdict).toMatchObject({
          status: 'invalid',
          reason: 'wrong-key',
        })
        expect(await sdkAccepts(wrongPublic, sample.bt_signature, sample.bt_payload)).toMatch(/no matching public key/)
      }
    })
  }

  it('our signer is accepted by the SDK over random notifications, with and without line-wrapped payloads', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const pair = randomKeyPair()
      const { xml, id, amount } = randomNotificationXml()
      const body = braintreeNotificationBody(pair, xml)
      const form = new URLSearchParams(body.toString())
      const parsed = await sdkAccepts(pair, form.get('bt_signature') ?? '', form.get('bt_payload') ?? '')
      expect(typeof parsed === 'object' ? parsed.transaction : parsed).toMatchObject({ id, amount })
      expect(verifyBraintree(delivery(body), [pairOf(pair)]).verdict.status).toBe('valid')

      // Braintree's servers wrap the base64 at 60 characters with a final newline (Ruby's encode64).
      const wrapped = `${(
        Buffer.from(xml)
          .toString('base64')
          .match(/.{1,60}/g) ?? []
      ).join('\n')}\n`
      const signature = signBraintreePayload(pair, wrapped)
      expect(typeof (await sdkAccepts(pair, signature, wrapped))).toBe('object')
      expect(verifyBraintree(delivery(formBody(signature, wrapped)), [pairOf(pair)]).verdict.status).toBe('valid')

      // Signed without the final newline, sent with it: the SDK and we accept the second variant.
      const unterminated = braintreePayloadFor(xml).trimEnd()
      const signedShort = signBraintreePayload(pair, unterminated)
      expect(typeof (await sdkAccepts(pair, signedShort, `${unterminated}`))).toBe('object')
      const sdkSample = gatewayFor(pair).webhookTesting.sampleNotification('check', 'x')
      expect(verifyBraintree(delivery(formBody(sdkSample.bt_signature, sdkSample.bt_payload.trimEnd())), [pairOf(pair)]).verdict).toMatchObject({
        status: 'valid',
        variant: 'bt_payload with a final newline',
      })
    }
  })

  it('several pairs in bt_signature: the pair for the configured public key is checked, as in the SDK', async () => {
    const pair = randomKeyPair()
    const other = randomKeyPair()
    const sample = gatewayFor(pair).webhookTesting.sampleNotification('check', 'x')
    const both = `${signBraintreePayload(other, sample.bt_payload)}&${sample.bt_signature}`
    expect(parseBraintreeSignature(both).map((entry) => entry.publicKey)).toEqual([other.publicKey, pair.publicKey])
    expect(typeof (await sdkAccepts(pair, both, sample.bt_payload))).toBe('object')
    const result = verifyBraintree(delivery(formBody(both, sample.bt_payload)), [pairOf(other, 'fp-other'), pairOf(pair, 'fp-right')])
    expect(result.verdict.status).toBe('valid')
    expect(result.explanation.keyFingerprint).toBe('fp-other')
  })

  it('re-signing replaces bt_signature and keeps every byte of bt_payload', async () => {
    const original = randomKeyPair()
    const mine = randomKeyPair()
    const sample = gatewayFor(original).webhookTesting.sampleNotification('subscription_went_active', 'sub_1')
    const body = Buffer.from(`${formBody(sample.bt_signature, sample.bt_payload).toString()}&extra=1`)
    const resigned = resignBraintreeBody(body, mine)
    expect(resigned).not.toBeNull()
    const text = resigned?.toString() ?? ''
    expect(text).toContain(`bt_payload=${encodeURIComponent(sample.bt_payload)}&extra=1`)
    const form = new URLSearchParams(text)
    expect(typeof (await sdkAccepts(mine, form.get('bt_signature') ?? '', form.get('bt_payload') ?? ''))).toBe('object')
    expect(verifyBraintree(delivery(resigned ?? Buffer.alloc(0)), [pairOf(mine)]).verdict.status).toBe('valid')
    expect(resignBraintreeBody(Buffer.from('a=1'), mine)).toBeNull()
  })

  it('says no-key, missing and malformed with the reason', () => {
    const pair = randomKeyPair()
    const sample = gatewayFor(pair).webhookTesting.sampleNotification('check', 'x')
    const noKey = verifyBraintree(delivery(formBody(sample.bt_signature, sample.bt_payload)), [])
    expect(noKey.verdict.status).toBe('no-key')
    expect(noKey.explanation.attempts[0]?.signedString).toBe(sample.bt_payload)
    expect(verifyBraintree(delivery(Buffer.from(`bt_payload=${encodeURIComponent(sample.bt_payload)}`)), [pairOf(pair)]).verdict).toMatchObject({
      status: 'invalid',
      reason: 'missing-header',
    })
    expect(verifyBraintree(delivery(Buffer.from(`bt_signature=${encodeURIComponent(sample.bt_signature)}`)), [pairOf(pair)]).verdict).toMatchObject({
      status: 'invalid',
      reason: 'malformed-body',
    })
    // A '+' sent unencoded reads as a space: refused as the SDK does, with the likely cause.
    const unencoded = Buffer.from(`bt_signature=${encodeURIComponent(sample.bt_signature)}&bt_payload=ab+cd`)
    const verdict = verifyBraintree(delivery(unencoded), [pairOf(pair)]).verdict
    expect(verdict).toMatchObject({ status: 'invalid', reason: 'malformed-body' })
    expect(verdict.message).toContain("'+'")
    expect(verifyBraintree(delivery(formBody('no-pipe-here', sample.bt_payload)), [pairOf(pair)]).verdict).toMatchObject({
      status: 'invalid',
      reason: 'malformed-signature',
    })
  })
})

describe('Braintree recognition, summary and the derived XML view', () => {
  it('recognises the form, and not other forms', () => {
    const pair = randomKeyPair()
    const sample = gatewayFor(pair).webhookTesting.sampleNotification('check', 'x')
    expect(looksLikeBraintree(delivery(formBody(sample.bt_signature, sample.bt_payload)))).toBe(true)
    expect(looksLikeBraintree(delivery(Buffer.from('id=tr_12345')))).toBe(false)
    expect(looksLikeBraintree(delivery(Buffer.from('{"bt_signature":1}')))).toBe(false)
    // A JSON or XML body is never a form, even when its text holds both parameters.
    expect(looksLikeBraintree(delivery(Buffer.from(' {"note":"x&bt_signature=a|b&bt_payload=c"}')))).toBe(false)
    expect(looksLikeBraintree(delivery(Buffer.from('<a>&bt_signature=a|b&bt_payload=c</a>')))).toBe(false)
  })

  it('summarises a subscription charge with its amount exactly as sent', () => {
    const pair = randomKeyPair()
    const sample = gatewayFor(pair).webhookTesting.sampleNotification('subscription_charged_successfully', 'sub_42')
    const summary = parseBraintree(delivery(formBody(sample.bt_signature, sample.bt_payload)))
    expect(summary).toMatchObject({
      eventType: 'subscription_charged_successfully',
      providerObjectId: 'sub_42',
      bodyFormat: 'form',
      amount: { raw: '49.99', amountDisplay: '49.99', currency: null, unit: 'decimal' },
    })
    expect(summary.fields.find((field) => field.label === 'Payload')?.value).toContain('derived')
    expect(summary.fields.find((field) => field.label === 'transactions[0]')?.value).toBe('sub_42 · submitted_for_settlement · 49.99')
  })

  it('summarises a transaction: status, amount and currency as sent, order id, masked card', () => {
    const pair = randomKeyPair()
    const { xml, id, amount } = randomNotificationXml()
    const summary = parseBraintree(delivery(braintreeNotificationBody(pair, xml)))
    expect(summary).toMatchObject({ eventType: 'transaction_settled', providerObjectId: id, status: 'settled', maskedCard: '411111******1111' })
    expect(summary.amount).toMatchObject({ raw: amount, amountDisplay: `${amount} EUR`, currency: 'EUR' })
    expect(summary.merchantReference).toMatch(/^order-[0-9a-f]{6} & ü$/)
    const view = decodeBraintreePayload(braintreeNotificationBody(pair, xml))
    expect(view).toEqual({ ok: true, xml })
  })

  it('an amount with a trailing zero or no decimals is shown as sent', () => {
    const pair = randomKeyPair()
    for (const amount of ['10.10', '100', '0.5']) {
      const xml = `<notification><kind>transaction_settled</kind><subject><transaction><id>t</id><amount>${amount}</amount><currency-iso-code>USD</currency-iso-code></transaction></subject></notification>`
      expect(parseBraintree(delivery(braintreeNotificationBody(pair, xml))).amount?.amountDisplay).toBe(`${amount} USD`)
    }
  })

  it('reports a payload that is not base64 or not well-formed XML, without throwing', () => {
    const pair = randomKeyPair()
    expect(parseBraintree(delivery(Buffer.from('bt_signature=a%7Cb&bt_payload=%25%25'))).problems[0]).toContain('not base64')
    const broken = parseBraintree(delivery(braintreeNotificationBody(pair, '<notification><kind>x</notification>')))
    expect(broken.problems[0]).toContain('not well-formed')
    const doctype = parseBraintree(delivery(braintreeNotificationBody(pair, '<!DOCTYPE x [<!ENTITY a "b">]><notification/>')))
    expect(doctype.problems[0]).toContain('DOCTYPE')
  })

  it('the XML reader reads nested elements, attributes, nil and CDATA, and caps depth', () => {
    const tree = parseXmlTree('<a x="1"><b nil="true"/><c><![CDATA[<raw>]]></c><d>&lt;&#65;&#x42;</d></a>')
    expect(tree.ok).toBe(true)
    if (!tree.ok) return
    expect(tree.root.attributes).toEqual({ x: '1' })
    expect(xmlChildText(tree.root, 'b')).toBeNull()
    expect(xmlChildText(tree.root, 'c')).toBe('<raw>')
    expect(xmlChildText(tree.root, 'd')).toBe('<AB')
    expect(parseXmlTree(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`)).toMatchObject({ ok: false })
    expect(parseXmlTree('<a></b>')).toMatchObject({ ok: false })
  })
})

describe('Braintree re-signing (resend) through the provider module', () => {
  const step = braintreeProvider.resign?.signatureForm
  const context = { now: new Date(), nowSeconds: Math.floor(Date.now() / 1000), plexoLifetimeSeconds: 0 }
  const draftOf = (body: Buffer): SigningDraft =>
    new SigningDraft({ method: 'POST', url: 'http://127.0.0.1:4100/bt', target: '/bt', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body })

  it('recomputes bt_signature with the endpoint key pair; the SDK accepts the result', async () => {
    const original = randomKeyPair()
    const mine = randomKeyPair()
    const sample = gatewayFor(original).webhookTesting.sampleNotification('transaction_settled', 't1')
    const draft = draftOf(formBody(sample.bt_signature, sample.bt_payload))
    const key: ProviderKey = { kind: 'hmac-secret', provider: 'braintree', value: mine.privateKey, apiKey: mine.publicKey }
    step?.apply(draft, [key], context)
    expect(draft.bodyChanged).toBe(true)
    expect(draft.changes[0]).toMatchObject({ scheme: 'braintree-hmac-sha1', location: 'body', name: 'bt_signature', before: sample.bt_signature })
    const form = new URLSearchParams(draft.body.toString())
    expect(form.get('bt_payload')).toBe(sample.bt_payload)
    expect(typeof (await sdkAccepts(mine, form.get('bt_signature') ?? '', form.get('bt_payload') ?? ''))).toBe('object')
  })

  it('skips, saying why, without a key or without its public key; leaves other bodies alone', () => {
    const sample = gatewayFor(randomKeyPair()).webhookTesting.sampleNotification('check', 'x')
    const body = formBody(sample.bt_signature, sample.bt_payload)
    const noKey = draftOf(body)
    step?.apply(noKey, [], context)
    expect(noKey.bodyChanged).toBe(false)
    expect(noKey.skipped[0]?.scheme).toBe('braintree-hmac-sha1')
    const noPublic = draftOf(body)
    step?.apply(noPublic, [{ kind: 'hmac-secret', provider: 'braintree', value: 'a'.repeat(32) }], context)
    expect(noPublic.bodyChanged).toBe(false)
    expect(noPublic.skipped[0]?.reason).toContain('public key')
    const other = draftOf(Buffer.from('{"a":1}'))
    step?.apply(other, [{ kind: 'hmac-secret', provider: 'braintree', value: 'a'.repeat(32), apiKey: 'p' }], context)
    expect(other.skipped).toEqual([])
    expect(other.bodyChanged).toBe(false)
  })
})

describe('Braintree simulation', () => {
  const simulation = braintreeProvider.simulate
  const xml =
    '<notification><timestamp type="datetime">2026-03-20T21:20:38Z</timestamp><kind>transaction_settled</kind><subject><transaction><id>t42</id><amount>10.10</amount><currency-iso-code>EUR</currency-iso-code></transaction></subject></notification>'
  const input = (keys: ProviderKey[]) => ({
    body: { bt_payload_xml: xml },
    serialise: () => Buffer.from('ignored'),
    headers: [['Content-Type', 'application/x-www-form-urlencoded']] as Array<[string, string]>,
    target: '/bt',
    keys,
    keyKind: 'hmac-secret' as const,
    now: new Date(),
  })

  it('makes the form from the template XML, signed with a generated pair whose public key is returned; the SDK parses it', async () => {
    const result = simulation?.sign(input([]))
    expect(result?.key).toMatchObject({ generated: true })
    const pair = { publicKey: result?.key.publicKeyId ?? '', privateKey: result?.key.generatedSecret ?? '' }
    expect(pair.publicKey).toMatch(/^[a-z0-9]{16}$/)
    expect(result?.verificationKey).toEqual({ kind: 'hmac-secret', provider: 'braintree', value: pair.privateKey, apiKey: pair.publicKey })
    const form = new URLSearchParams(result?.body.toString() ?? '')
    const parsed = await sdkAccepts(pair, form.get('bt_signature') ?? '', form.get('bt_payload') ?? '')
    expect(typeof parsed === 'object' ? parsed.transaction : parsed).toMatchObject({ id: 't42', amount: '10.10' })
    expect(parseBraintree(delivery(result?.body ?? Buffer.alloc(0))).amount?.amountDisplay).toBe('10.10 EUR')
  })

  it("signs with the endpoint's key pair when it has one", () => {
    const pair = randomKeyPair()
    const key: ProviderKey = { kind: 'hmac-secret', provider: 'braintree', value: pair.privateKey, apiKey: pair.publicKey }
    const result = simulation?.sign(input([key]))
    expect(result?.key).toMatchObject({ generated: false, generatedSecret: null, publicKeyId: pair.publicKey })
    expect(verifyBraintree(delivery(result?.body ?? Buffer.alloc(0)), [pairOf(pair)]).verdict.status).toBe('valid')
  })
})

describe('a Braintree key', () => {
  it('without its public key is kept, with a warning that captures stay "no key" until the public key is added', () => {
    const alone = validateKey({ kind: 'hmac-secret', provider: 'braintree', value: 'a'.repeat(32) })
    expect(alone.ok && alone.warnings.some((warning) => warning.startsWith('no public key'))).toBe(true)
    const pair = validateKey({ kind: 'hmac-secret', provider: 'braintree', value: 'a'.repeat(32), apiKey: 'b'.repeat(16) })
    expect(pair.ok && pair.warnings).toEqual([])
  })
})
