/**
 * The existing Adyen verifier against Adyen's own npm library (@adyen/api-library `hmacValidator`)
 * as the independent implementation, over fresh hex keys and random notifications:
 * - classic notifications: `validateHMAC(NotificationRequestItem, key)` per item, and
 *   `calculateHmac(item, key)` equal to `signAdyenItem`;
 * - Balance Platform / Management webhooks: `validateHMACSignature(key, HmacSignature, body)`, and
 *   `calculateHmac(body, key)` equal to `signAdyenPayload`.
 * Each round checks the valid notification and one-byte changes (a signed field, the body, the
 * signature) and a wrong key; the inspector's verdict must agree with the library's every time.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import { hmacValidator as HmacValidator } from '@adyen/api-library'
import type { NotificationRequestItem } from '@adyen/api-library/lib/src/typings/notification/models'
import { describe, expect, it } from 'vitest'
import type { ProviderKey } from '../../shared/providers'
import { signAdyenItem, signAdyenPayload, verifyAdyen } from './adyen'
import type { Delivery } from './verification'

const ROUNDS = 8
const validator = new HmacValidator()

const EVENT_CODES = ['AUTHORISATION', 'CAPTURE', 'REFUND', 'CANCELLATION', 'CHARGEBACK', 'REPORT_AVAILABLE'] as const
const CURRENCIES = ['EUR', 'USD', 'JPY', 'KWD', 'BRL'] as const

function freshKey(): string {
  const hex = randomBytes(32).toString('hex')
  return randomInt(2) === 0 ? hex.toUpperCase() : hex
}

const adyenKey = (hexKey: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'adyen', value: hexKey })

function pick<T>(values: readonly T[]): T {
  return values[randomInt(values.length)] as T
}

/** A random item as Adyen sends it, signed by the library; optional fields come and go. */
function randomItem(hexKey: string): NotificationRequestItem {
  const item = {
    pspReference: randomBytes(8).toString('hex').toUpperCase(),
    ...(randomInt(2) === 0 ? { originalReference: randomBytes(8).toString('hex').toUpperCase() } : {}),
    merchantAccountCode: `Merchant${randomInt(1000)}`,
    // References may hold colons and non-ASCII text: the signed string does not escape them.
    merchantReference: `order:${randomInt(1e6)}-ü-${randomUUID().slice(0, 8)}`,
    amount: { value: randomInt(0, 10_000_000), currency: pick(CURRENCIES) },
    eventCode: pick(EVENT_CODES),
    eventDate: new Date().toISOString(),
    success: pick(['true', 'false'] as const),
    paymentMethod: 'visa',
    reason: randomInt(2) === 0 ? '' : 'Refused',
  } as unknown as NotificationRequestItem
  const additionalData: Record<string, string> = { hmacSignature: validator.calculateHmac(item, hexKey) }
  return { ...item, additionalData }
}

function classicDelivery(items: readonly NotificationRequestItem[]): Delivery {
  const body = { live: 'false', notificationItems: items.map((item) => ({ NotificationRequestItem: item })) }
  return { method: 'POST', target: '/adyen/notifications', headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify(body)) }
}

function platformDelivery(body: string, signature: string): Delivery {
  return { method: 'POST', target: '/adyen/platform', headers: [['HmacSignature', signature]], body: Buffer.from(body, 'utf8') }
}

function flipBase64(signature: string): string {
  const bytes = Buffer.from(signature, 'base64')
  const index = randomInt(bytes.length)
  bytes[index] = (bytes[index] ?? 0) ^ 0x01
  return bytes.toString('base64')
}

/** Changes one signed field by one byte (a character of a reference, or the amount by one). */
function tamperSignedField(item: NotificationRequestItem): NotificationRequestItem {
  switch (randomInt(3)) {
    case 0:
      return { ...item, pspReference: `${item.pspReference.slice(0, -1)}${item.pspReference.endsWith('0') ? '1' : '0'}` }
    case 1:
      return { ...item, merchantReference: `${item.merchantReference}x` }
    default:
      return { ...item, amount: { ...item.amount, value: (item.amount.value ?? 0) + 1 } }
  }
}

/** Flips the low bit of one ASCII byte of a text body (the library reads the body as a UTF-8 string). */
function flipAsciiCharacter(text: string): string {
  const bytes = Buffer.from(text, 'utf8')
  const ascii = [...bytes.keys()].filter((index) => (bytes[index] ?? 0x80) < 0x80)
  const index = ascii[randomInt(ascii.length)] ?? 0
  bytes[index] = (bytes[index] ?? 0) ^ 0x01
  return bytes.toString('utf8')
}

describe('Adyen classic notifications (@adyen/api-library hmacValidator.validateHMAC)', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: library and inspector agree per item; signAdyenItem equals calculateHmac`, () => {
      const hexKey = freshKey()
      const items = Array.from({ length: randomInt(1, 4) }, () => randomItem(hexKey))
      for (const item of items) expect(signAdyenItem(hexKey, item)).toBe(validator.calculateHmac(item, hexKey))

      const check = (batch: NotificationRequestItem[], key: string) => {
        const library = batch.map((item) => validator.validateHMAC(item, key))
        const inspector = verifyAdyen(classicDelivery(batch), [adyenKey(key)])
        return { library, inspectorItems: inspector.itemSignatures.map((status) => status === 'valid'), verdict: inspector.verdict }
      }

      const valid = check(items, hexKey)
      expect(valid.library.every(Boolean)).toBe(true)
      expect(valid.inspectorItems).toEqual(valid.library)
      expect(valid.verdict.status).toBe('valid')

      const tamperedIndex = randomInt(items.length)
      const withTamperedField = items.map((item, index) => (index === tamperedIndex ? tamperSignedField(item) : item))
      const field = check(withTamperedField, hexKey)
      expect(field.library.filter((ok) => !ok)).toHaveLength(1)
      expect(field.inspectorItems).toEqual(field.library)
      expect(field.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })

      const withTamperedSignature = items.map((item, index) =>
        index === tamperedIndex ? { ...item, additionalData: { hmacSignature: flipBase64(item.additionalData?.hmacSignature ?? '') } } : item,
      )
      const signature = check(withTamperedSignature, hexKey)
      expect(signature.library[tamperedIndex]).toBe(false)
      expect(signature.inspectorItems).toEqual(signature.library)
      expect(signature.verdict.status).toBe('invalid')

      const wrongKey = check(items, freshKey())
      expect(wrongKey.library.some(Boolean)).toBe(false)
      expect(wrongKey.inspectorItems).toEqual(wrongKey.library)
      expect(wrongKey.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    })
  }

  it('an item without hmacSignature: the library throws, the inspector says the signature is missing', () => {
    const hexKey = freshKey()
    const { additionalData: _signed, ...unsigned } = randomItem(hexKey)
    expect(() => validator.validateHMAC(unsigned as NotificationRequestItem, hexKey)).toThrow(/hmacSignature/)
    expect(verifyAdyen(classicDelivery([unsigned as NotificationRequestItem]), [adyenKey(hexKey)]).verdict).toMatchObject({
      status: 'invalid',
      reason: 'missing-header',
    })
  })
})

describe('Adyen Balance Platform / Management webhooks (@adyen/api-library hmacValidator.validateHMACSignature)', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: library and inspector agree on valid, body byte, signature byte, wrong key; signAdyenPayload equals calculateHmac`, () => {
      const hexKey = freshKey()
      const body = JSON.stringify(
        {
          data: { balancePlatform: 'YOUR_BALANCE_PLATFORM', id: `AH${randomBytes(10).toString('hex')}`, status: 'active', note: `ü ${randomUUID()}` },
          environment: 'test',
          type: pick(['balancePlatform.accountHolder.created', 'balancePlatform.transfer.updated', 'merchant.updated']),
        },
        null,
        randomInt(2) === 0 ? undefined : 2,
      )
      const signature = validator.calculateHmac(body, hexKey)
      expect(signAdyenPayload(hexKey, body)).toBe(signature)

      const cases = [
        { name: 'valid', body, signature, key: hexKey },
        { name: 'body byte flipped', body: flipAsciiCharacter(body), signature, key: hexKey },
        { name: 'signature byte flipped', body, signature: flipBase64(signature), key: hexKey },
        { name: 'wrong key', body, signature, key: freshKey() },
      ]
      for (const testCase of cases) {
        const library = validator.validateHMACSignature(testCase.key, testCase.signature, testCase.body)
        const inspector = verifyAdyen(platformDelivery(testCase.body, testCase.signature), [adyenKey(testCase.key)]).verdict.status === 'valid'
        expect({ name: testCase.name, inspector }).toEqual({ name: testCase.name, inspector: library })
        expect({ name: testCase.name, library }).toEqual({ name: testCase.name, library: testCase.name === 'valid' })
      }
    })
  }
})

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** The same bytes spelled with the last character's unused bits set: a 32-byte MAC is 43 characters, the last carrying 4 bits and 2 unused. */
function withPadBitsSet(signature: string): string {
  const unpadded = signature.replace(/=+$/, '')
  const last = BASE64_ALPHABET.indexOf(unpadded.at(-1) ?? 'A')
  return `${unpadded.slice(0, -1)}${BASE64_ALPHABET[last | 0b01] ?? ''}${signature.slice(unpadded.length)}`
}

describe('a signature spelled in non-canonical base64 (unused bits set): the library compares bytes, and so do we', () => {
  it('classic item: the library accepts it, the item is valid, with a note; a wrong key still fails', () => {
    const hexKey = freshKey()
    const item = randomItem(hexKey)
    const canonical = item.additionalData?.hmacSignature ?? ''
    const respelled = { ...item, additionalData: { hmacSignature: withPadBitsSet(canonical) } }
    expect(respelled.additionalData.hmacSignature).not.toBe(canonical)
    expect(Buffer.from(respelled.additionalData.hmacSignature, 'base64')).toEqual(Buffer.from(canonical, 'base64'))
    expect(validator.validateHMAC(respelled, hexKey)).toBe(true)
    const inspector = verifyAdyen(classicDelivery([respelled]), [adyenKey(hexKey)])
    expect(inspector.itemSignatures).toEqual(['valid'])
    expect(inspector.verdict.status).toBe('valid')
    expect(inspector.explanation.notes).toEqual(expect.arrayContaining([expect.stringContaining("item 1's hmacSignature is not canonical base64")]))

    const otherKey = freshKey()
    expect(validator.validateHMAC(respelled, otherKey)).toBe(false)
    expect(verifyAdyen(classicDelivery([respelled]), [adyenKey(otherKey)]).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
  })

  it('platform HmacSignature: the library accepts it and the verdict is valid, with a note', () => {
    const hexKey = freshKey()
    const body = JSON.stringify({ data: { id: `AH${randomBytes(10).toString('hex')}` }, environment: 'test', type: 'balancePlatform.accountHolder.created' })
    const respelled = withPadBitsSet(validator.calculateHmac(body, hexKey))
    expect(validator.validateHMACSignature(hexKey, respelled, body)).toBe(true)
    const inspector = verifyAdyen(platformDelivery(body, respelled), [adyenKey(hexKey)])
    expect(inspector.verdict.status).toBe('valid')
    expect(inspector.explanation.notes).toEqual(expect.arrayContaining([expect.stringContaining('HmacSignature is not canonical base64')]))
  })

  it('other spellings only Node decodes (a space or a stray character inside) stay malformed, where the library lets them through', () => {
    const hexKey = freshKey()
    const body = '{"type":"merchant.updated"}'
    const signature = validator.calculateHmac(body, hexKey)
    for (const spelled of [`${signature.slice(0, 10)} ${signature.slice(10)}`, `${signature.slice(0, 10)}!${signature.slice(10)}`]) {
      expect(validator.validateHMACSignature(hexKey, spelled, body)).toBe(true)
      expect(verifyAdyen(platformDelivery(body, spelled), [adyenKey(hexKey)]).verdict).toMatchObject({ status: 'invalid', reason: 'malformed-signature' })
    }
  })
})
