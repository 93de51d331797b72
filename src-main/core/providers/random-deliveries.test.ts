/**
 * Deliveries made up afresh from a seeded generator (deterministic: the same cases on every run),
 * for every provider whose signature algorithm is documented (../shared/docs/providers.md, and the
 * module header for the providers that file does not cover). Each round draws a new secret, body,
 * clock, timestamp, ids and header-name spelling, signs the delivery the way the provider's
 * documentation says (written out here with node:crypto, never taken from the code under test),
 * and checks that `analyzeDelivery` says "valid". Then one thing is changed at a time (a body byte,
 * the timestamp moved out of the tolerance, another secret, a signed header sent twice, the
 * signature cut short, the letter case where the provider compares it) and the verdict must never
 * be "valid".
 */
import forge from 'node-forge'
import { createHash, generateKeyPairSync, sign as rsaSign, sign as edSign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { HmacProviderId, PinnableProviderId, ProviderKey } from '../../shared/providers'
import { adyenItemData, canonicalJson, type AdyenSignedFields, crc32, hmac, PAYPAL_CERTS, PLEXO_CERTS } from '../../test-support/provider-spec'
import { analyzeDelivery } from './index'

/** Rounds per family: each a fresh delivery and every change to it. */
const ROUNDS = 24

// ---------------------------------------------------------------------------------------------
// The generator: SHA-256 in counter mode over a seed, so every run draws the same values.

class Draw {
  private counter = 0
  private pool = Buffer.alloc(0)
  constructor(private readonly seed: string) {}

  bytes(count: number): Buffer {
    while (this.pool.length < count) {
      this.pool = Buffer.concat([this.pool, createHash('sha256').update(`${this.seed}/${this.counter++}`).digest()])
    }
    const taken = this.pool.subarray(0, count)
    this.pool = this.pool.subarray(count)
    return Buffer.from(taken)
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + (this.bytes(4).readUInt32BE(0) % (max - min + 1))
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T
  }

  /** Text of `length` characters drawn from `alphabet`. */
  text(alphabet: string, length: number): string {
    const characters = [...alphabet]
    return Array.from({ length }, () => this.pick(characters)).join('')
  }
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const HEX = '0123456789abcdef'
/** Text a body may hold: ASCII, accents, CJK, emoji, quotes, backslashes, line breaks. */
const BODY_CHARACTERS = `${ALNUM} .,:;-_/+=?&%#@!'"\\\n\tàéîõüßçñ€£¥日本語中文한국어😀🎉“”‘’`

/** A JSON body as a provider might write it: nested members, numbers past 2^53, unicode; compact, pretty or with CRLF. */
function jsonBody(draw: Draw, members: Record<string, unknown> = {}): Buffer {
  const value = (depth: number): unknown => {
    const kind = draw.int(0, depth > 2 ? 3 : 5)
    if (kind === 0) return draw.text(BODY_CHARACTERS, draw.int(0, 24))
    if (kind === 1) return draw.int(0, 1_000_000)
    if (kind === 2) return draw.pick([true, false, null])
    if (kind === 3) return `${draw.int(0, 9999)}.${draw.int(0, 99)}`
    if (kind === 4) return Array.from({ length: draw.int(0, 3) }, () => value(depth + 1))
    return object(depth + 1)
  }
  const object = (depth: number): Record<string, unknown> =>
    Object.fromEntries(Array.from({ length: draw.int(1, 5) }, () => [draw.text(ALNUM, draw.int(1, 10)), value(depth)]))
  const body = { ...object(0), ...members }
  const style = draw.int(0, 2)
  let text = style === 0 ? JSON.stringify(body) : JSON.stringify(body, null, draw.pick([2, 4]))
  if (style === 2) text = text.replace(/\n/g, '\r\n')
  // A big integer written as such (JSON.stringify cannot): the bytes are what is signed.
  text = text.replace(/^\{/, `{"big":${draw.text('123456789', 1)}${draw.text('0123456789', 19)},`)
  return Buffer.from(text, 'utf8')
}

/** The header name as sent: header names are case-insensitive, so any spelling must verify. */
function spelled(draw: Draw, name: string): string {
  return draw.pick([name, name.toLowerCase(), name.toUpperCase()])
}

// ---------------------------------------------------------------------------------------------
// Changes: each makes the delivery one the provider's algorithm does not sign.

/** One byte of the body changed (XOR with a non-zero value, at a random place). */
function flipByte(draw: Draw, body: Buffer): Buffer {
  const changed = Buffer.from(body)
  const at = draw.int(0, changed.length - 1)
  changed[at] = (changed[at] as number) ^ draw.int(1, 255)
  return changed
}

/**
 * The signature cut short: 1 to 4 of its characters dropped from the end, after any base64 `=`
 * padding (dropping only the padding leaves the same bytes for a library that decodes the base64:
 * Adyen's, CHIP's, PayPal's and Plexo's do, and accept it).
 */
function truncate(draw: Draw, value: string): string {
  const data = value.replace(/=+$/, '')
  return data.slice(0, data.length - draw.int(1, Math.min(4, data.length)))
}

/** hex in upper case (providers whose libraries compare the text); the value must hold a letter. */
const upperHex = (value: string): string => value.replace(/[a-f]/g, (letter) => letter.toUpperCase())

/** base64 with one letter's case swapped (always another value). */
function swapBase64Case(draw: Draw, value: string): string {
  const letters = [...value].flatMap((character, index) => (/[A-Za-z]/.test(character) ? [index] : []))
  const at = draw.pick(letters)
  const character = value[at] as string
  const swapped = character === character.toUpperCase() ? character.toLowerCase() : character.toUpperCase()
  return `${value.slice(0, at)}${swapped}${value.slice(at + 1)}`
}

const withHeader = (headers: HeaderPairs, name: string, value: string): HeaderPairs =>
  headers.map(([each, old]) => (each.toLowerCase() === name.toLowerCase() ? [each, value] : [each, old]))

/** The header sent twice: its first copy as signed, then another value. */
function twice(headers: HeaderPairs, name: string, second: string): HeaderPairs {
  const at = headers.findIndex(([each]) => each.toLowerCase() === name.toLowerCase())
  const first = headers[at] as [string, string]
  return [...headers.slice(0, at + 1), [first[0], second], ...headers.slice(at + 1)]
}

// ---------------------------------------------------------------------------------------------
// The families

interface Delivery {
  target: string
  headers: HeaderPairs
  body: Buffer
  keys: ProviderKey[]
  now: Date
}

interface Round {
  valid: Delivery
  changed: Array<{ change: string; delivery: Delivery }>
}

interface Family {
  name: string
  provider: PinnableProviderId
  round(draw: Draw): Round
}

/** A clock somewhere between 2020 and 2030, in whole seconds. */
const drawNow = (draw: Draw): number => draw.int(1_577_836_800, 1_893_456_000)

const hmacKey = (provider: HmacProviderId, value: string): ProviderKey => ({ kind: 'hmac-secret', provider, value })

/**
 * One header holding the HMAC of the body (GitHub, Shopify, Mollie next-gen, Adyen platform,
 * Razorpay, Paystack, Checkout.com, GoCardless). `caseMatters` when the provider's library compares
 * the text (hex in lower case, base64 as sent).
 */
function bodyHmacFamily(options: {
  name: string
  provider: HmacProviderId
  header: string
  secret: (draw: Draw) => string
  sign: (secret: string, body: Buffer) => string
  /** 'hex': upper-case hex is refused; 'base64': a swapped letter is refused; null: either case is accepted. */
  caseMatters: 'hex' | 'base64' | null
  /** The signature header sent twice is refused (the copies are read joined, or the provider sends one). */
  twiceRefused: boolean
  bodyOf?: (draw: Draw) => Buffer
  /** What else a sender may put beside the signature (GitHub's legacy SHA-1 header, Mollie's list, `retired` a secret rotated out): the header value to send. */
  beside?: (draw: Draw, signature: string, secret: string, retired: string, body: Buffer) => { value: string; extra: HeaderPairs }
}): Family {
  return {
    name: options.name,
    provider: options.provider,
    round(draw) {
      const secret = options.secret(draw)
      const other = options.secret(draw)
      const body = (options.bodyOf ?? jsonBody)(draw)
      const header = spelled(draw, options.header)
      const signature = options.sign(secret, body)
      const sent = options.beside?.(draw, signature, secret, options.secret(draw), body) ?? { value: signature, extra: [] }
      const headers: HeaderPairs = [[spelled(draw, 'Content-Type'), 'application/json'], [header, sent.value], ...sent.extra]
      const valid: Delivery = {
        target: `/hooks/${draw.text(ALNUM, 6)}`,
        headers,
        body,
        keys: [hmacKey(options.provider, secret)],
        now: new Date(drawNow(draw) * 1000),
      }
      const changed: Round['changed'] = [
        { change: 'a body byte', delivery: { ...valid, body: flipByte(draw, body) } },
        { change: 'another secret', delivery: { ...valid, keys: [hmacKey(options.provider, other)] } },
        {
          change: 'signature cut short',
          delivery: { ...valid, headers: withHeader(headers, header, sent.value.replace(signature, truncate(draw, signature))) },
        },
        {
          change: 'signed with another secret',
          delivery: { ...valid, headers: withHeader(headers, header, sent.value.replace(signature, options.sign(other, body))) },
        },
      ]
      if (options.twiceRefused) {
        changed.push({ change: 'signature header twice', delivery: { ...valid, headers: twice(headers, header, options.sign(other, body)) } })
      }
      if (options.caseMatters === 'hex' && /[a-f]/.test(signature.replace(/^sha256=/, ''))) {
        const upper = `${signature.startsWith('sha256=') ? 'sha256=' : ''}${upperHex(signature.replace(/^sha256=/, ''))}`
        changed.push({ change: 'hex in upper case', delivery: { ...valid, headers: withHeader(headers, header, sent.value.replace(signature, upper)) } })
      }
      if (options.caseMatters === 'base64') {
        changed.push({
          change: 'a base64 letter in the other case',
          delivery: { ...valid, headers: withHeader(headers, header, sent.value.replace(signature, swapBase64Case(draw, signature))) },
        })
      }
      return { valid, changed }
    },
  }
}

/** Stripe (`t=…,v1=…`, 300 s, secret as-is) and Paddle (`ts=…;h1=…`, 5 s): the timestamped header schemes. */
function timestampedFamily(options: {
  provider: 'stripe' | 'paddle'
  header: string
  separator: string
  t: string
  v: string
  signedSeparator: string
  tolerance: number
  secret: (draw: Draw) => string
}): Family {
  const { header: name, separator, t, v, signedSeparator, tolerance } = options
  const mac = (secret: string, timestamp: number, body: Buffer): string => hmac('sha256', secret, `${timestamp}${signedSeparator}`, body).toString('hex')
  const value = (timestamp: number, signature: string, before: string[] = [], after: string[] = []): string =>
    [`${t}=${timestamp}`, ...before.map((each) => `${v}=${each}`), `${v}=${signature}`, ...after].join(separator)
  return {
    name: options.provider,
    provider: options.provider,
    round(draw) {
      const secret = options.secret(draw)
      const other = options.secret(draw)
      const now = drawNow(draw)
      // Anywhere in the tolerance, its edge included.
      const timestamp = now - draw.pick([0, tolerance, draw.int(0, tolerance)])
      const body = jsonBody(draw, { id: `evt_${draw.text(ALNUM, 24)}`, type: 'payment_intent.succeeded' })
      const header = spelled(draw, name)
      let signature = mac(secret, timestamp, body)
      // The upper-case change needs a letter in the hex (one in 2^64 has none).
      while (!/[a-f]/.test(signature)) signature = mac(secret, timestamp, body)
      // Sometimes beside the signature of a secret being rotated out, or another scheme's entry.
      const before = draw.int(0, 1) === 1 ? [mac(options.secret(draw), timestamp, body)] : []
      const after = draw.int(0, 1) === 1 ? [`v0=${mac(secret, timestamp, body)}`] : []
      const headers: HeaderPairs = [[header, value(timestamp, signature, before, after)]]
      const valid: Delivery = { target: '/hooks', headers, body, keys: [hmacKey(options.provider, secret)], now: new Date(now * 1000) }
      const stale = now - tolerance - draw.int(1, 100_000)
      return {
        valid,
        changed: [
          { change: 'a body byte', delivery: { ...valid, body: flipByte(draw, body) } },
          {
            change: 'timestamp out of tolerance (re-signed)',
            delivery: { ...valid, headers: [[header, value(stale, mac(secret, stale, body), before, after)]] },
          },
          {
            change: 'timestamp changed, signature kept',
            delivery: { ...valid, headers: [[header, value(timestamp - draw.int(1, 5), signature, before, after)]] },
          },
          { change: 'another secret', delivery: { ...valid, keys: [hmacKey(options.provider, other)] } },
          { change: 'signature cut short', delivery: { ...valid, headers: [[header, value(timestamp, truncate(draw, signature), before, after)]] } },
          { change: 'hex in upper case', delivery: { ...valid, headers: [[header, value(timestamp, upperHex(signature), before, after)]] } },
        ],
      }
    },
  }
}

/** Ed25519 pairs for Standard Webhooks' asymmetric `v1a` signatures, made once. */
const ED25519_PAIRS = [0, 1, 2].map(() => generateKeyPairSync('ed25519'))

/**
 * providers.md §5.2: `v1,` + base64(HMAC-SHA256(base64decode(secret without whsec_), id + "." + ts
 * + "." + body)), or `v1a,` + base64(ed25519 signature of the same text), ±300 s.
 */
const standardWebhooks: Family = {
  name: 'standard-webhooks',
  provider: 'standard-webhooks',
  round(draw) {
    const asymmetric = draw.int(0, 1) === 1
    // A secret, or (v1a) the index of an ed25519 pair.
    let pairs = 0
    const secretOf = (): string => (asymmetric ? String(pairs++ % ED25519_PAIRS.length) : `whsec_${draw.bytes(draw.int(24, 64)).toString('base64')}`)
    const keyOf = (key: string): ProviderKey => {
      if (!asymmetric) return hmacKey('standard-webhooks', key)
      const spki = (ED25519_PAIRS[Number(key)] as (typeof ED25519_PAIRS)[number]).publicKey.export({ type: 'spki', format: 'der' })
      return { kind: 'ed25519-public-key', provider: 'standard-webhooks', value: `whpk_${spki.subarray(-32).toString('base64')}` }
    }
    const version = asymmetric ? 'v1a' : 'v1'
    const secret = secretOf()
    const other = secretOf()
    const now = drawNow(draw)
    const ts = now + draw.pick([-300, 300, draw.int(-300, 300)])
    const id = `msg_${draw.text(ALNUM, 27)}`
    const prefix = draw.pick(['webhook', 'svix'])
    const body = jsonBody(draw)
    const sign = (key: string, messageId: string, timestamp: number, bytes: Buffer): string => {
      const signed = Buffer.concat([Buffer.from(`${messageId}.${timestamp}.`, 'utf8'), bytes])
      return asymmetric
        ? `v1a,${edSign(null, signed, (ED25519_PAIRS[Number(key)] as (typeof ED25519_PAIRS)[number]).privateKey).toString('base64')}`
        : `v1,${hmac('sha256', Buffer.from(key.slice('whsec_'.length), 'base64'), signed).toString('base64')}`
    }
    const headers = (messageId: string, timestamp: number, signature: string): HeaderPairs => [
      [spelled(draw, `${prefix}-id`), messageId],
      [spelled(draw, `${prefix}-timestamp`), String(timestamp)],
      [spelled(draw, `${prefix}-signature`), signature],
    ]
    const signature = sign(secret, id, ts, body)
    // Sometimes after the signature of a secret being rotated out.
    const others = draw.int(0, 1) === 1 ? `${sign(secretOf(), id, ts, body)} ` : ''
    const valid: Delivery = {
      target: '/hooks',
      headers: headers(id, ts, `${others}${signature}`),
      body,
      keys: [keyOf(secret)],
      now: new Date(now * 1000),
    }
    const outside = draw.pick([-1, 1]) * draw.int(301, 100_000) + now
    const swappedId = id.replace(/[A-Za-z]/, (letter) => (letter === letter.toUpperCase() ? letter.toLowerCase() : letter.toUpperCase()))
    return {
      valid,
      changed: [
        { change: 'a body byte', delivery: { ...valid, body: flipByte(draw, body) } },
        { change: 'timestamp out of tolerance (re-signed)', delivery: { ...valid, headers: headers(id, outside, sign(secret, id, outside, body)) } },
        { change: 'another secret', delivery: { ...valid, keys: [keyOf(other)] } },
        { change: 'signature cut short', delivery: { ...valid, headers: headers(id, ts, truncate(draw, signature)) } },
        {
          change: 'a base64 letter in the other case',
          delivery: { ...valid, headers: headers(id, ts, `${version},${swapBase64Case(draw, signature.slice(version.length + 1))}`) },
        },
        { change: 'message id in another case', delivery: { ...valid, headers: headers(swappedId, ts, signature) } },
        { change: 'timestamp header twice', delivery: { ...valid, headers: twice(valid.headers, `${prefix}-timestamp`, String(ts + draw.int(1, 200))) } },
        { change: 'id header twice', delivery: { ...valid, headers: twice(valid.headers, `${prefix}-id`, `msg_${draw.text(ALNUM, 27)}`) } },
      ],
    }
  },
}

const IXOPAY_TYPE = 'application/json; charset=utf-8'

/** providers.md §1.3 (JSON API): base64(HMAC-SHA512(secret, "POST\n" + hex(SHA512(body)) + "\n" + type + "\n" + Date + "\n" + requestUri)). */
const ixopayJson: Family = {
  name: 'ixopay (JSON)',
  provider: 'ixopay',
  round(draw) {
    const secret = draw.text(ALNUM, draw.int(16, 48))
    const other = draw.text(ALNUM, draw.int(16, 48))
    const now = drawNow(draw)
    const date = new Date(now * 1000).toUTCString()
    const target = `/${draw.text(ALNUM, draw.int(1, 8))}/callback?orderId=${draw.int(1, 1_000_000)}&${draw.text('abc', 3)}=${draw.text(ALNUM, 5)}`
    const body = jsonBody(draw, { result: draw.pick(['OK', 'PENDING', 'ERROR']), uuid: draw.text(HEX, 20), transactionType: 'DEBIT' })
    // The SHA-512 body hash, or the MD5 one the SDK still accepts; the date in Date, or in X-Date only.
    const bodyHash = draw.pick(['sha512', 'md5'])
    const dateHeader = draw.pick(['Date', 'X-Date'])
    const sign = (key: string, bytes: Buffer, signedDate: string, uri: string): string =>
      hmac('sha512', key, ['POST', createHash(bodyHash).update(bytes).digest('hex'), IXOPAY_TYPE, signedDate, uri].join('\n')).toString('base64')
    const signature = sign(secret, body, date, target)
    const headers: HeaderPairs = [
      [spelled(draw, 'Content-Type'), IXOPAY_TYPE],
      [spelled(draw, dateHeader), date],
      [spelled(draw, 'X-Signature'), signature],
    ]
    const valid: Delivery = { target, headers, body, keys: [hmacKey('ixopay', secret)], now: new Date(now * 1000) }
    const otherDate = new Date((now + draw.int(1, 3600)) * 1000).toUTCString()
    return {
      valid,
      changed: [
        { change: 'a body byte', delivery: { ...valid, body: flipByte(draw, body) } },
        { change: 'another secret', delivery: { ...valid, keys: [hmacKey('ixopay', other)] } },
        { change: 'signature cut short', delivery: { ...valid, headers: withHeader(headers, 'X-Signature', truncate(draw, signature)) } },
        { change: 'a base64 letter in the other case', delivery: { ...valid, headers: withHeader(headers, 'X-Signature', swapBase64Case(draw, signature)) } },
        { change: 'the path in another case', delivery: { ...valid, target: target.replace('/callback', '/Callback') } },
        { change: 'Date changed, signature kept', delivery: { ...valid, headers: withHeader(headers, dateHeader, otherDate) } },
        { change: 'Date header twice', delivery: { ...valid, headers: twice(headers, dateHeader, otherDate) } },
        { change: 'X-Signature twice', delivery: { ...valid, headers: twice(headers, 'X-Signature', sign(other, body, date, target)) } },
      ],
    }
  },
}

/** providers.md §1.3 (legacy XML): `Authorization: Gateway <apiKey>:<sig>`, MD5 body hash, text/xml, an empty line before the URI. */
const ixopayXml: Family = {
  name: 'ixopay (legacy XML)',
  provider: 'ixopay',
  round(draw) {
    const secret = draw.text(ALNUM, draw.int(16, 48))
    const other = draw.text(ALNUM, draw.int(16, 48))
    const apiKey = draw.text(ALNUM, 12)
    const now = drawNow(draw)
    // IXOPAY's own spelling, "Tue, 21 Jul 2020 13:15:03 UTC".
    const date = new Date(now * 1000).toUTCString().replace(/GMT$/, 'UTC')
    const target = `/ixopay/${draw.text(ALNUM, 6)}`
    const type = 'text/xml; charset=utf-8'
    const body = Buffer.from(
      `<?xml version="1.0" encoding="utf-8"?>\n<callback xmlns="http://gateway.ixopay.com/Schema/V2/Callback"><result>OK</result><referenceId>${draw.text(HEX, 20)}</referenceId><transactionId>${draw.text(ALNUM, 10)}</transactionId><transactionType>DEBIT</transactionType><message>${draw.text('abcdéü 日本', 12)}</message></callback>`,
      'utf8',
    )
    const sign = (key: string, bytes: Buffer): string =>
      hmac('sha512', key, ['POST', createHash('md5').update(bytes).digest('hex'), type, date, '', target].join('\n')).toString('base64')
    const signature = sign(secret, body)
    const headers: HeaderPairs = [
      [spelled(draw, 'Content-Type'), type],
      [spelled(draw, 'Date'), date],
      [spelled(draw, 'Authorization'), `Gateway ${apiKey}:${signature}`],
    ]
    const valid: Delivery = { target, headers, body, keys: [{ kind: 'hmac-secret', provider: 'ixopay', value: secret, apiKey }], now: new Date(now * 1000) }
    return {
      valid,
      changed: [
        { change: 'a body byte', delivery: { ...valid, body: flipByte(draw, body) } },
        { change: 'another secret', delivery: { ...valid, keys: [{ kind: 'hmac-secret', provider: 'ixopay', value: other, apiKey }] } },
        {
          change: 'signature cut short',
          delivery: { ...valid, headers: withHeader(headers, 'Authorization', `Gateway ${apiKey}:${truncate(draw, signature)}`) },
        },
        {
          change: 'a base64 letter in the other case',
          delivery: { ...valid, headers: withHeader(headers, 'Authorization', `Gateway ${apiKey}:${swapBase64Case(draw, signature)}`) },
        },
      ],
    }
  },
}

/** CHIP's key pairs, made once: 2048-bit, and 3072-bit as CHIP's published keys are. */
const RSA_PAIRS = [2048, 3072].map((modulusLength) =>
  generateKeyPairSync('rsa', { modulusLength, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }),
)

/** providers.md §2.3: base64(RSA PKCS#1 v1.5 over the raw body), SHA-256 for Collect, SHA-512 for Send (its Event-Type header). */
function chipFamily(variant: 'collect' | 'send'): Family {
  const digest = variant === 'collect' ? 'sha256' : 'sha512'
  return {
    name: `chip (${variant})`,
    provider: 'chip',
    round(draw) {
      const [mine, theirs] = draw.pick([RSA_PAIRS, [...RSA_PAIRS].reverse()]) as [(typeof RSA_PAIRS)[number], (typeof RSA_PAIRS)[number]]
      const body = jsonBody(draw, { id: draw.text(HEX, 32), type: 'purchase', event_type: 'purchase.paid', status: 'paid' })
      const sign = (bytes: Buffer, pair = mine): string => rsaSign(digest, bytes, pair.privateKey).toString('base64')
      const signature = sign(body)
      const headers: HeaderPairs = [
        ...(variant === 'send' ? ([[spelled(draw, 'Event-Type'), 'send_instruction_status']] as HeaderPairs) : []),
        [spelled(draw, 'X-Signature'), signature],
      ]
      const key = (pair: typeof mine): ProviderKey => ({ kind: 'rsa-public-key', provider: 'chip', pem: pair.publicKey })
      const valid: Delivery = { target: '/chip', headers, body, keys: [key(mine)], now: new Date(drawNow(draw) * 1000) }
      return {
        valid,
        changed: [
          { change: 'a body byte', delivery: { ...valid, body: flipByte(draw, body) } },
          { change: 'another key', delivery: { ...valid, keys: [key(theirs)] } },
          { change: 'signature cut short', delivery: { ...valid, headers: withHeader(headers, 'X-Signature', truncate(draw, signature)) } },
          { change: 'a base64 letter in the other case', delivery: { ...valid, headers: withHeader(headers, 'X-Signature', swapBase64Case(draw, signature)) } },
          { change: 'X-Signature twice', delivery: { ...valid, headers: twice(headers, 'X-Signature', sign(body, theirs)) } },
        ],
      }
    },
  }
}

/** providers.md §5.5 (classic): per item base64(HMAC-SHA256(hexDecode(key), psp:original:merchant:reference:value:currency:event:success)). */
const adyenClassic: Family = {
  name: 'adyen (classic)',
  provider: 'adyen',
  round(draw) {
    const key = draw.bytes(32).toString('hex').toUpperCase()
    const other = draw.bytes(32).toString('hex').toUpperCase()
    interface Item extends AdyenSignedFields {
      additionalData?: Record<string, string>
    }
    const signed = (item: Item, withKey = key): Item => ({
      ...item,
      additionalData: { ...item.additionalData, hmacSignature: hmac('sha256', Buffer.from(withKey, 'hex'), adyenItemData(item)).toString('base64') },
    })
    const items: Item[] = Array.from({ length: draw.int(1, 3) }, () => ({
      pspReference: draw.text('0123456789', 16),
      ...(draw.int(0, 1) === 1 ? { originalReference: draw.text('0123456789', 16) } : {}),
      merchantAccountCode: `Merchant${draw.text(ALNUM, 6)}`,
      merchantReference: draw.text(BODY_CHARACTERS, draw.int(1, 20)),
      amount: { value: draw.int(0, 10_000_000), currency: draw.pick(['EUR', 'USD', 'JPY', 'KWD']) },
      eventCode: draw.pick(['AUTHORISATION', 'REFUND', 'CAPTURE', 'CANCELLATION']),
      success: draw.pick(['true', 'false']),
      additionalData: { [draw.text(ALNUM, 6)]: draw.text(ALNUM, 8) },
    }))
    const batch = (entries: Item[]): Buffer =>
      Buffer.from(
        JSON.stringify({ live: 'false', notificationItems: entries.map((entry) => ({ NotificationRequestItem: entry })) }, null, draw.pick([0, 2])),
        'utf8',
      )
    const signedItems = items.map((item) => signed(item))
    const valid: Delivery = {
      target: '/adyen',
      headers: [[spelled(draw, 'Content-Type'), 'application/json']],
      body: batch(signedItems),
      keys: [hmacKey('adyen', key)],
      now: new Date(drawNow(draw) * 1000),
    }
    const at = draw.int(0, signedItems.length - 1)
    const replaced = (change: (item: Item) => Item): Buffer => batch(signedItems.map((item, index) => (index === at ? change(item) : item)))
    const signature = (item: Item): string => item.additionalData?.hmacSignature ?? ''
    return {
      valid,
      changed: [
        {
          change: 'an amount changed',
          delivery: { ...valid, body: replaced((item) => ({ ...item, amount: { ...item.amount, value: item.amount.value + draw.int(1, 100) } })) },
        },
        { change: 'a reference changed', delivery: { ...valid, body: replaced((item) => ({ ...item, merchantReference: `${item.merchantReference}x` })) } },
        { change: 'another key', delivery: { ...valid, keys: [hmacKey('adyen', other)] } },
        {
          change: 'a signature cut short',
          delivery: {
            ...valid,
            body: replaced((item) => ({ ...item, additionalData: { ...item.additionalData, hmacSignature: truncate(draw, signature(item)) } })),
          },
        },
        {
          change: 'a base64 letter in the other case',
          delivery: {
            ...valid,
            body: replaced((item) => ({ ...item, additionalData: { ...item.additionalData, hmacSignature: swapBase64Case(draw, signature(item)) } })),
          },
        },
      ],
    }
  },
}

/** providers.md §5.7: RSA SHA256withRSA over transmissionId|transmissionTime|webhookId|crc32(body), unsigned decimal. */
const paypal: Family = {
  name: 'paypal',
  provider: 'paypal',
  round(draw) {
    const [signer, stranger] = draw.pick([PAYPAL_CERTS, [...PAYPAL_CERTS].reverse()]) as [(typeof PAYPAL_CERTS)[number], (typeof PAYPAL_CERTS)[number]]
    const webhookId = draw.text('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 17)
    const otherWebhookId = draw.text('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789', 17)
    const id = `${draw.text(HEX, 8)}-${draw.text(HEX, 4)}-11e4-${draw.text(HEX, 4)}-${draw.text(HEX, 12)}`
    const now = drawNow(draw)
    const time = new Date((now - draw.int(0, 600)) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const body = jsonBody(draw, { id: `WH-${draw.text(ALNUM, 17)}`, event_type: 'PAYMENT.CAPTURE.COMPLETED' })
    const sign = (message: string, certificate = signer): string =>
      rsaSign('sha256', Buffer.from(message), forge.pki.privateKeyToPem(certificate.signer.privateKey)).toString('base64')
    const signature = sign(`${id}|${time}|${webhookId}|${crc32(body)}`)
    const headers: HeaderPairs = [
      [spelled(draw, 'PAYPAL-TRANSMISSION-ID'), id],
      [spelled(draw, 'PAYPAL-TRANSMISSION-TIME'), time],
      [spelled(draw, 'PAYPAL-TRANSMISSION-SIG'), signature],
      [spelled(draw, 'PAYPAL-CERT-URL'), `https://api.sandbox.paypal.com/v1/notifications/certs/CERT-${draw.text(HEX, 8)}`],
      [spelled(draw, 'PAYPAL-AUTH-ALGO'), 'SHA256withRSA'],
    ]
    const keys = (hookId: string, certificate = signer): ProviderKey[] => [
      { kind: 'certificate', provider: 'paypal', pem: certificate.pem },
      { kind: 'paypal-webhook-id', value: hookId },
    ]
    const valid: Delivery = { target: '/paypal', headers, body, keys: keys(webhookId), now: new Date(now * 1000) }
    return {
      valid,
      changed: [
        { change: 'a body byte', delivery: { ...valid, body: flipByte(draw, body) } },
        { change: 'another webhook id', delivery: { ...valid, keys: keys(otherWebhookId) } },
        { change: 'another certificate', delivery: { ...valid, keys: keys(webhookId, stranger) } },
        { change: 'signature cut short', delivery: { ...valid, headers: withHeader(headers, 'PAYPAL-TRANSMISSION-SIG', truncate(draw, signature)) } },
        {
          change: 'a base64 letter in the other case',
          delivery: { ...valid, headers: withHeader(headers, 'PAYPAL-TRANSMISSION-SIG', swapBase64Case(draw, signature)) },
        },
        { change: 'transmission id in upper case', delivery: { ...valid, headers: withHeader(headers, 'PAYPAL-TRANSMISSION-ID', id.toUpperCase()) } },
        {
          change: 'transmission id twice',
          delivery: {
            ...valid,
            headers: twice(
              headers,
              'PAYPAL-TRANSMISSION-ID',
              id.replace(/^./, (c) => (c === '0' ? '1' : '0')),
            ),
          },
        },
      ],
    }
  },
}

/** providers.md §3.2: RSA PKCS#1 v1.5 SHA-512 over the canonical JSON of `Object`; Fingerprint = the certificate's SHA-1 thumbprint; now ≤ expiry. */
const plexoLegacy: Family = {
  name: 'plexo (legacy envelope)',
  provider: 'plexo',
  round(draw) {
    const [signer, other] = draw.pick([PLEXO_CERTS, [...PLEXO_CERTS].reverse()]) as [(typeof PLEXO_CERTS)[number], (typeof PLEXO_CERTS)[number]]
    const now = drawNow(draw)
    const fingerprint = createHash('sha1').update(signer.der).digest('hex').toUpperCase()
    const inner = (amount: number, expires: number): Record<string, unknown> => ({
      Fingerprint: fingerprint,
      Object: {
        TransactionId: draw.text(HEX, 24),
        Client: draw.text(BODY_CHARACTERS, draw.int(1, 12)),
        Amount: amount,
        Currency: draw.pick(['UYU', 'USD']),
        CurrentState: 'Approved',
        InvoiceNumber: draw.pick([null, draw.text(ALNUM, 8)]),
      },
      UTCUnixTimeExpiration: expires,
    })
    const sign = (object: Record<string, unknown>, certificate = signer): string =>
      rsaSign('sha512', Buffer.from(canonicalJson(object), 'utf8'), forge.pki.privateKeyToPem(certificate.signer.privateKey)).toString('base64')
    const envelope = (object: Record<string, unknown>, signature: string): Buffer =>
      Buffer.from(JSON.stringify({ Object: object, Signature: signature }), 'utf8')
    const object = inner(draw.int(1, 1_000_000), now + draw.int(1, 600))
    const signature = sign(object)
    const key = (certificate = signer): ProviderKey[] => [{ kind: 'certificate', provider: 'plexo', pem: certificate.pem }]
    const valid: Delivery = {
      target: '/plexo',
      headers: [[spelled(draw, 'Content-Type'), 'application/json']],
      body: envelope(object, signature),
      keys: key(),
      now: new Date(now * 1000),
    }
    const amountChanged = { ...object, Object: { ...(object.Object as object), Amount: (object.Object as { Amount: number }).Amount + draw.int(1, 100) } }
    const expired = { ...object, UTCUnixTimeExpiration: now - draw.int(1, 100_000) }
    return {
      valid,
      changed: [
        { change: 'the amount changed', delivery: { ...valid, body: envelope(amountChanged, signature) } },
        { change: 'expired (re-signed)', delivery: { ...valid, body: envelope(expired, sign(expired)) } },
        { change: 'another certificate', delivery: { ...valid, keys: key(other) } },
        { change: 'signature cut short', delivery: { ...valid, body: envelope(object, truncate(draw, signature)) } },
        { change: 'a base64 letter in the other case', delivery: { ...valid, body: envelope(object, swapBase64Case(draw, signature)) } },
      ],
    }
  },
}

/** square.ts header: base64(HMAC-SHA256(signature key, notificationUrl + body)), compared as text. */
const square: Family = {
  name: 'square',
  provider: 'square',
  round(draw) {
    const secret = draw.text(`${ALNUM}-_`, 22)
    const other = draw.text(`${ALNUM}-_`, 22)
    const url = `https://${draw.text('abcdefghij', 8)}.example.test/square/${draw.text(ALNUM, 5)}?k=${draw.text(ALNUM, 4)}`
    const body = jsonBody(draw, { event_id: draw.text(HEX, 32), type: 'payment.updated' })
    const sign = (key: string, bytes: Buffer): string => hmac('sha256', key, url, bytes).toString('base64')
    const signature = sign(secret, body)
    const header = spelled(draw, 'x-square-hmacsha256-signature')
    const headers: HeaderPairs = [[header, signature]]
    const key = (value: string, notificationUrl = url): ProviderKey[] => [{ kind: 'hmac-secret', provider: 'square', value, notificationUrl }]
    const valid: Delivery = { target: '/square', headers, body, keys: key(secret), now: new Date(drawNow(draw) * 1000) }
    return {
      valid,
      changed: [
        { change: 'a body byte', delivery: { ...valid, body: flipByte(draw, body) } },
        { change: 'another secret', delivery: { ...valid, keys: key(other) } },
        { change: 'signature cut short', delivery: { ...valid, headers: [[header, truncate(draw, signature)]] } },
        { change: 'a base64 letter in the other case', delivery: { ...valid, headers: [[header, swapBase64Case(draw, signature)]] } },
        { change: 'notification URL in another case', delivery: { ...valid, keys: key(secret, url.replace('/square/', '/Square/')) } },
      ],
    }
  },
}

/**
 * mercadopago.ts header: x-signature "ts=…,v1=<hex>", v1 = hex(HMAC-SHA256(secret, "id:" + the URL's
 * data.id + ";request-id:" + x-request-id + ";ts:" + ts + ";")). The body is not signed.
 */
const mercadoPago: Family = {
  name: 'mercadopago',
  provider: 'mercadopago',
  round(draw) {
    const secret = draw.text(HEX, 64)
    const other = draw.text(HEX, 64)
    // A payment's number, or an order's id in upper case, signed lowercased (the docs) or as received (the SDK).
    const dataId = draw.pick([String(draw.int(1_000_000, 999_999_999)), `ORD${draw.text('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 23)}`])
    const signedId = draw.pick([dataId, dataId.toLowerCase()])
    const requestId = `${draw.text(HEX, 8)}-${draw.text(HEX, 4)}-${draw.text(HEX, 4)}-${draw.text(HEX, 12)}`
    const now = drawNow(draw)
    const ts = String(now * 1000 - draw.int(0, 5000))
    const sign = (key: string, id: string, request: string): string => hmac('sha256', key, `id:${id};request-id:${request};ts:${ts};`).toString('hex')
    const signature = sign(secret, signedId, requestId)
    const headers: HeaderPairs = [
      [spelled(draw, 'x-signature'), `ts=${ts},v1=${signature}`],
      [spelled(draw, 'x-request-id'), requestId],
      [spelled(draw, 'Content-Type'), 'application/json'],
    ]
    const body = Buffer.from(JSON.stringify({ action: 'payment.updated', type: 'payment', data: { id: dataId } }), 'utf8')
    const target = `/mp?data.id=${dataId}&type=payment`
    const valid: Delivery = { target, headers, body, keys: [hmacKey('mercadopago', secret)], now: new Date(now * 1000) }
    return {
      valid,
      changed: [
        { change: 'data.id in the URL', delivery: { ...valid, target: `/mp?data.id=${dataId}${draw.int(0, 9)}&type=payment` } },
        {
          change: 'x-request-id changed',
          delivery: {
            ...valid,
            headers: withHeader(
              headers,
              'x-request-id',
              requestId.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
            ),
          },
        },
        { change: 'another secret', delivery: { ...valid, keys: [hmacKey('mercadopago', other)] } },
        { change: 'signature cut short', delivery: { ...valid, headers: withHeader(headers, 'x-signature', `ts=${ts},v1=${truncate(draw, signature)}`) } },
        { change: 'ts changed', delivery: { ...valid, headers: withHeader(headers, 'x-signature', `ts=${Number(ts) + draw.int(1, 1000)},v1=${signature}`) } },
        { change: 'x-request-id twice', delivery: { ...valid, headers: twice(headers, 'x-request-id', `${requestId}0`) } },
        { change: 'x-signature twice', delivery: { ...valid, headers: twice(headers, 'x-signature', `ts=${ts},v1=${sign(other, signedId, requestId)}`) } },
      ],
    }
  },
}

/**
 * braintree.ts header (docs/providers/braintree.md §4): a form, bt_signature "<public key>|<hex>" and
 * bt_payload (base64 of the notification XML, with newlines); hex = lower-case hex(HMAC-SHA1(SHA1(private
 * key), bt_payload)), compared as text.
 */
const braintree: Family = {
  name: 'braintree',
  provider: 'braintree',
  round(draw) {
    const privateKey = draw.text(HEX + ALNUM, 32)
    const otherPrivateKey = draw.text(HEX + ALNUM, 32)
    const publicKey = draw.text(ALNUM.toLowerCase(), 16)
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<notification><kind>${draw.pick(['subscription_charged_successfully', 'transaction_settled', 'dispute_opened'])}</kind><timestamp type="datetime">${new Date(drawNow(draw) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}</timestamp><subject><id>${draw.text(ALNUM, 8)}</id><note>${draw.text('abc é日 <>&', 6).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</note></subject></notification>\n`
    // Base64 in lines of 60 characters, as the SDKs write it, ending in a newline.
    const payload = `${(
      Buffer.from(xml, 'utf8')
        .toString('base64')
        .match(/.{1,60}/g) ?? []
    ).join('\n')}\n`
    const sign = (key: string, signed: string): string => hmac('sha1', createHash('sha1').update(key).digest(), Buffer.from(signed, 'utf8')).toString('hex')
    const form = (signature: string, bytes = payload): Buffer =>
      Buffer.from(`bt_signature=${encodeURIComponent(signature)}&bt_payload=${encodeURIComponent(bytes)}`, 'latin1')
    let signature = sign(privateKey, payload)
    while (!/[a-f]/.test(signature)) signature = sign(privateKey, payload)
    const key = (value: string, named = publicKey): ProviderKey[] => [{ kind: 'hmac-secret', provider: 'braintree', value, apiKey: named }]
    const valid: Delivery = {
      target: '/braintree',
      headers: [[spelled(draw, 'Content-Type'), 'application/x-www-form-urlencoded']],
      body: form(`${publicKey}|${signature}`),
      keys: key(privateKey),
      now: new Date(drawNow(draw) * 1000),
    }
    const at = draw.int(0, payload.length - 2)
    const changedPayload = `${payload.slice(0, at)}${payload[at] === 'A' ? 'B' : payload[at] === '\n' ? 'A\n' : 'A'}${payload.slice(at + 1)}`
    return {
      valid,
      changed: [
        { change: 'a payload character', delivery: { ...valid, body: form(`${publicKey}|${signature}`, changedPayload) } },
        { change: 'another private key', delivery: { ...valid, keys: key(otherPrivateKey) } },
        { change: 'another public key configured', delivery: { ...valid, keys: key(privateKey, draw.text(ALNUM.toLowerCase(), 16)) } },
        { change: 'signature cut short', delivery: { ...valid, body: form(`${publicKey}|${truncate(draw, signature)}`) } },
        { change: 'hex in upper case', delivery: { ...valid, body: form(`${publicKey}|${upperHex(signature)}`) } },
      ],
    }
  },
}

const hexOf = (algorithm: string) => (secret: string, body: Buffer) => hmac(algorithm, secret, body).toString('hex')
const base64Of = (secret: string, body: Buffer) => hmac('sha256', secret, body).toString('base64')
/** A secret as a user may have typed it: any characters, UTF-8, spaces inside but not around it. */
const textSecret = (draw: Draw): string => `${draw.text(ALNUM, 1)}${draw.text(`${ALNUM}!#$%&*+-.^_|~ éü日😀`, draw.int(6, 62))}${draw.text(ALNUM, 1)}`

const FAMILIES: Family[] = [
  timestampedFamily({
    provider: 'stripe',
    header: 'Stripe-Signature',
    separator: ',',
    t: 't',
    v: 'v1',
    signedSeparator: '.',
    tolerance: 300,
    secret: (draw) => `whsec_${draw.text(ALNUM, 32)}`,
  }),
  timestampedFamily({
    provider: 'paddle',
    header: 'Paddle-Signature',
    separator: ';',
    t: 'ts',
    v: 'h1',
    signedSeparator: ':',
    tolerance: 5,
    secret: (draw) => `pdl_ntfset_${draw.text(ALNUM.toLowerCase(), 26)}_${draw.text(ALNUM, 32)}`,
  }),
  standardWebhooks,
  bodyHmacFamily({
    name: 'github',
    provider: 'github',
    header: 'X-Hub-Signature-256',
    secret: textSecret,
    sign: (secret, body) => `sha256=${hexOf('sha256')(secret, body)}`,
    caseMatters: 'hex',
    twiceRefused: true,
    // Sometimes with the legacy SHA-1 header too (checked only when the SHA-256 one is absent).
    beside: (draw, signature, secret, _other, body) => ({
      value: signature,
      extra: draw.int(0, 1) === 1 ? [[spelled(draw, 'X-Hub-Signature'), `sha1=${hexOf('sha1')(secret, body)}`]] : [],
    }),
  }),
  bodyHmacFamily({
    name: 'shopify',
    provider: 'shopify',
    header: 'X-Shopify-Hmac-Sha256',
    secret: textSecret,
    sign: base64Of,
    caseMatters: 'base64',
    twiceRefused: true,
  }),
  bodyHmacFamily({
    name: 'mollie (next-gen)',
    provider: 'mollie',
    header: 'X-Mollie-Signature',
    secret: textSecret,
    sign: (secret, body) => `sha256=${hexOf('sha256')(secret, body)}`,
    caseMatters: 'hex',
    // The official validator reads a list of signatures: a second copy is one more candidate.
    twiceRefused: false,
    // Sometimes a second header line first, the signature of a secret being rotated out (a
    // comma-separated list in one value is one text for the validator: not sent here).
    beside: (draw, signature, _secret, retired, body) => ({
      value: signature,
      extra: draw.int(0, 1) === 1 ? [['X-Mollie-Signature', `sha256=${hexOf('sha256')(retired, body)}`]] : [],
    }),
  }),
  bodyHmacFamily({
    name: 'adyen (platform)',
    provider: 'adyen',
    header: 'HmacSignature',
    secret: (draw) => draw.bytes(32).toString('hex').toUpperCase(),
    sign: (secret, body) => hmac('sha256', Buffer.from(secret, 'hex'), body).toString('base64'),
    caseMatters: 'base64',
    twiceRefused: true,
    bodyOf: (draw) => jsonBody(draw, { type: 'balancePlatform.accountHolder.updated', environment: 'test' }),
  }),
  bodyHmacFamily({
    name: 'razorpay',
    provider: 'razorpay',
    header: 'X-Razorpay-Signature',
    secret: textSecret,
    sign: hexOf('sha256'),
    caseMatters: 'hex',
    twiceRefused: true,
  }),
  bodyHmacFamily({
    name: 'paystack',
    provider: 'paystack',
    header: 'x-paystack-signature',
    secret: (draw) => `sk_test_${draw.text(HEX, 40)}`,
    sign: hexOf('sha512'),
    caseMatters: 'hex',
    twiceRefused: true,
  }),
  // Checkout.com and GoCardless decode the hex: either case is their signature.
  bodyHmacFamily({
    name: 'checkout-com',
    provider: 'checkout-com',
    header: 'Cko-Signature',
    secret: textSecret,
    sign: hexOf('sha256'),
    caseMatters: null,
    twiceRefused: true,
  }),
  bodyHmacFamily({
    name: 'gocardless',
    provider: 'gocardless',
    header: 'Webhook-Signature',
    secret: textSecret,
    sign: hexOf('sha256'),
    caseMatters: null,
    // GoCardless's SDK reads the hex of the copies as Node joins them: the first one's.
    twiceRefused: false,
  }),
  ixopayJson,
  ixopayXml,
  chipFamily('collect'),
  chipFamily('send'),
  adyenClassic,
  paypal,
  plexoLegacy,
  square,
  mercadoPago,
  braintree,
]

function verdictOf(provider: PinnableProviderId, delivery: Delivery): { status: string; message: string } {
  const { verdict } = analyzeDelivery(
    { method: 'POST', target: delivery.target, headers: delivery.headers, body: delivery.body },
    { now: delivery.now, keys: delivery.keys, pinnedProvider: provider },
  )
  return verdict
}

describe('seeded random deliveries, signed as documented', () => {
  for (const family of FAMILIES) {
    it(`${family.name}: ${ROUNDS} fresh deliveries are valid, and no single change leaves one valid`, () => {
      const draw = new Draw(`random-deliveries/${family.name}`)
      const wrong: string[] = []
      const changes = new Set<string>()
      for (let round = 0; round < ROUNDS; round++) {
        const { valid, changed } = family.round(draw)
        const fresh = verdictOf(family.provider, valid)
        if (fresh.status !== 'valid') wrong.push(`round ${round}, as signed: ${fresh.status}: ${fresh.message}`)
        for (const { change, delivery } of changed) {
          changes.add(change)
          const verdict = verdictOf(family.provider, delivery)
          if (verdict.status === 'valid') wrong.push(`round ${round}, ${change}: valid (${verdict.message})`)
        }
      }
      expect(wrong).toEqual([])
      // Every family makes at least its body/secret/signature changes.
      expect(changes.size).toBeGreaterThanOrEqual(4)
    })
  }
})
