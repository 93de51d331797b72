/**
 * Fresh deliveries, generated here for every HMAC-signed provider, through `analyzeDelivery`: the
 * valid one, a wrong key, a tampered body, a missing or wrong header, expired and future
 * timestamps, several signatures, other encodings, no key. Three bodies each (pretty JSON with
 * non-ASCII text, CRLF text, bytes that are not UTF-8).
 *
 * Whether a delivery is valid is computed here, from the algorithms of ../shared/docs/providers.md
 * (and, for providers that file does not cover, the documented algorithm in the module's header),
 * with node:crypto and string comparison as the providers' own libraries do. It is never taken from
 * the code under test. The verdicts' wording is the recorded snapshot: a change to it must be meant.
 * Every shared and test-support vector runs the same way against its `expected.valid`.
 */
import forge from 'node-forge'
import { createHash, generateKeyPairSync, sign as rsaSign, verify as rsaVerify } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { HmacProviderId, PinnableProviderId, ProviderKey, SignatureVerdict } from '../../shared/providers'
import { keysForVector, loadVectors, PROVIDER_BY_FILE, vectorFiles, type VectorCase } from '../../test-support/vectors'
import { adyenItemData, canonicalJson, type AdyenSignedFields, crc32, hmac, PAYPAL_CERTS, PLEXO_CERTS } from '../../test-support/provider-spec'
import { analyzeDelivery } from './index'

const NOW = new Date('2026-03-01T12:00:00Z')
const NOW_SECONDS = NOW.getTime() / 1000

const BODIES: ReadonlyArray<{ name: string; bytes: Buffer }> = [
  { name: 'pretty JSON', bytes: Buffer.from(JSON.stringify({ id: 'evt_1', type: 'payment.paid', note: 'café ☕ “quoted”' }, null, 2), 'utf8') },
  { name: 'CRLF text', bytes: Buffer.from('{"a":"b"}\r\n\r\n', 'utf8') },
  { name: 'not UTF-8', bytes: Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x22, 0xc3, 0x28, 0x7d]) },
]

// ---------------------------------------------------------------------------------------------
// The spec, written out independently of the code

/** A deterministic secret per provider, round and purpose. */
const material = (label: string): Buffer => createHash('sha256').update(label).digest()

const headerOf = (headers: HeaderPairs, name: string): string | undefined => headers.find(([each]) => each.toLowerCase() === name.toLowerCase())?.[1]

/** Splits `a=1,b=2` on the separator and then on the first `=` (stripe-node, Paddle's SDKs). */
function namedParts(value: string, separator: string): Array<[string, string]> {
  return value.split(separator).flatMap((part) => {
    const equals = part.indexOf('=')
    return equals < 0 ? [] : [[part.slice(0, equals).trim(), part.slice(equals + 1).trim()] as [string, string]]
  })
}

interface SpecInput {
  headers: HeaderPairs
  body: Buffer
  /** Secrets, or for CHIP public keys (PEM). */
  secrets: readonly string[]
  /** The path and query the delivery was sent to (IXOPAY signs it). */
  target: string
}

/**
 * providers.md §5.1: any v1 equal to hex(HMAC-SHA256(whsec_… as-is, t + "." + body)), and now − t ≤ 300 s.
 * stripe-node reads the body with TextDecoder first (bytes that are not UTF-8 become U+FFFD), so that is the body signed.
 */
function stripeSpec({ headers, body: raw, secrets }: SpecInput): boolean {
  const body = Buffer.from(new TextDecoder().decode(raw), 'utf8')
  const header = headerOf(headers, 'Stripe-Signature')
  if (header === undefined) return false
  const parts = namedParts(header, ',')
  const t = parts.find(([name]) => name === 't')?.[1]
  if (t === undefined || !/^\d+$/.test(t)) return false
  const v1 = parts.filter(([name]) => name === 'v1').map(([, value]) => value)
  const matches = secrets.some((secret) => v1.includes(hmac('sha256', secret, `${t}.`, body).toString('hex')))
  return matches && NOW_SECONDS - Number(t) <= 300
}

/** paddle.ts header (developer.paddle.com): any h1 equal to hex(HMAC-SHA256(pdl_ntfset_… as-is, ts + ":" + body)), now − ts ≤ 5 s. */
function paddleSpec({ headers, body, secrets }: SpecInput): boolean {
  const header = headerOf(headers, 'Paddle-Signature')
  if (header === undefined) return false
  const parts = namedParts(header, ';')
  const ts = parts.find(([name]) => name === 'ts')?.[1]
  if (ts === undefined || !/^\d+$/.test(ts)) return false
  const h1 = parts.filter(([name]) => name === 'h1').map(([, value]) => value)
  const matches = secrets.some((secret) => h1.includes(hmac('sha256', secret, `${ts}:`, body).toString('hex')))
  return matches && NOW_SECONDS - Number(ts) <= 5
}

/** providers.md §5.3: X-Hub-Signature-256 is "sha256=" + hex(HMAC-SHA256(secret, body)); the legacy SHA-1 header alone counts the same way. */
function githubSpec({ headers, body, secrets }: SpecInput): boolean {
  const sha256 = headerOf(headers, 'X-Hub-Signature-256')
  if (sha256 !== undefined) return secrets.some((secret) => sha256 === `sha256=${hmac('sha256', secret, body).toString('hex')}`)
  const sha1 = headerOf(headers, 'X-Hub-Signature')
  return sha1 !== undefined && secrets.some((secret) => sha1 === `sha1=${hmac('sha1', secret, body).toString('hex')}`)
}

/** providers.md §5.4: X-Shopify-Hmac-Sha256 is base64(HMAC-SHA256(client secret, body)). */
function shopifySpec({ headers, body, secrets }: SpecInput): boolean {
  const header = headerOf(headers, 'X-Shopify-Hmac-Sha256')
  return header !== undefined && secrets.some((secret) => header.trim() === hmac('sha256', secret, body).toString('base64'))
}

/** providers.md §5.6: a list of "sha256=<hex>" (prefix optional), any equal to hex(HMAC-SHA256(signing secret, body)). */
function mollieSpec({ headers, body, secrets }: SpecInput): boolean {
  const values = headers
    .filter(([name]) => name.toLowerCase() === 'x-mollie-signature')
    // One signature per header line, as the validator's PSR-7 request holds them: a value is not split on commas.
    .map(([, value]) => value.trim().replace(/^sha256=/, ''))
  return secrets.some((secret) => values.includes(hmac('sha256', secret, body).toString('hex')))
}

/** One header holding the lower-case hex HMAC of the body (Razorpay SHA-256, Paystack SHA-512: their SDKs compare the text). */
const hexBodySpec =
  (header: string, algorithm: string) =>
  ({ headers, body, secrets }: SpecInput): boolean => {
    const value = headerOf(headers, header)
    return value !== undefined && secrets.some((secret) => value.trim() === hmac(algorithm, secret, body).toString('hex'))
  }

/** checkout-com.ts header: Cko-Signature is hex ("Base16", either case) of HMAC-SHA256(signature key, body). */
function checkoutComSpec({ headers, body, secrets }: SpecInput): boolean {
  const header = headerOf(headers, 'Cko-Signature')
  return header !== undefined && secrets.some((secret) => header.trim().toLowerCase() === hmac('sha256', secret, body).toString('hex'))
}

/** docs/providers/gocardless.md: Webhook-Signature is hex(HMAC-SHA256(endpoint secret, body)); its libraries decode the hex, so either case. */
function gocardlessSpec({ headers, body, secrets }: SpecInput): boolean {
  const header = headerOf(headers, 'Webhook-Signature')
  return header !== undefined && secrets.some((secret) => header.trim().toLowerCase() === hmac('sha256', secret, body).toString('hex'))
}

const SQUARE_URL = 'https://hooks.example.test/square?x=1'

/** docs/providers/square.md §4: base64(HMAC-SHA256(signature key, notificationUrl + body)), compared as text by the SDK. */
function squareSpec({ headers, body, secrets }: SpecInput): boolean {
  const header = headerOf(headers, 'x-square-hmacsha256-signature')
  return header !== undefined && secrets.some((secret) => header.trim() === hmac('sha256', secret, SQUARE_URL, body).toString('base64'))
}

/**
 * docs/providers/mercadopago.md: x-signature "ts=…,v1=<hex>", v1 = hex(HMAC-SHA256(secret,
 * "id:" + data.id of the URL + ";request-id:" + x-request-id + ";ts:" + ts + ";")), absent parts
 * left out; the id lowercased (the docs) or as received (the SDK); the timestamp is not enforced.
 */
function mercadoPagoSpec({ headers, body: _body, secrets, target }: SpecInput): boolean {
  const header = headerOf(headers, 'x-signature')
  if (header === undefined) return false
  const parts = namedParts(header, ',')
  const ts = parts.find(([name]) => name === 'ts')?.[1]
  const v1 = parts.filter(([name]) => name === 'v1').map(([, value]) => value)
  if (ts === undefined || !/^\d+$/.test(ts)) return false
  const dataId = new URLSearchParams(target.split('?')[1] ?? '').get('data.id')
  const requestId = headerOf(headers, 'x-request-id')
  const manifest = (id: string | null): string => `${id ? `id:${id};` : ''}${requestId ? `request-id:${requestId};` : ''}ts:${ts};`
  const ids = dataId === null ? [null] : [dataId.toLowerCase(), dataId]
  return secrets.some((secret) => ids.some((id) => v1.includes(hmac('sha256', secret, manifest(id)).toString('hex'))))
}

interface AdyenItem extends AdyenSignedFields {
  additionalData?: { hmacSignature?: string }
}

/** providers.md §5.5 (classic): each item verified on its own; the batch is valid when every item is. */
function adyenClassicSpec({ body, secrets }: SpecInput): boolean {
  const items = (JSON.parse(body.toString('utf8')) as { notificationItems: Array<{ NotificationRequestItem: AdyenItem }> }).notificationItems.map(
    (entry) => entry.NotificationRequestItem,
  )
  return secrets.some((secret) =>
    items.every((item) => item.additionalData?.hmacSignature === hmac('sha256', Buffer.from(secret, 'hex'), adyenItemData(item)).toString('base64')),
  )
}

/**
 * providers.md §5.7: RSA SHA256withRSA over transmissionId|transmissionTime|webhookId|crc32(body)
 * as an unsigned decimal, checked with the PayPal certificate (here the file's first). `secrets`
 * are the configured webhook ids.
 */
function paypalSpec({ headers, body, secrets }: SpecInput): boolean {
  const id = headerOf(headers, 'PAYPAL-TRANSMISSION-ID')
  const time = headerOf(headers, 'PAYPAL-TRANSMISSION-TIME')
  const signature = headerOf(headers, 'PAYPAL-TRANSMISSION-SIG')
  const algorithm = headerOf(headers, 'PAYPAL-AUTH-ALGO') ?? 'SHA256withRSA'
  if (id === undefined || time === undefined || signature === undefined || algorithm !== 'SHA256withRSA') return false
  const certificate = PAYPAL_CERTS[0]?.certificate
  return (
    certificate !== undefined &&
    secrets.some((webhookId) =>
      rsaVerify('sha256', Buffer.from(`${id}|${time}|${webhookId}|${crc32(body)}`), certificate.publicKey, Buffer.from(signature, 'base64')),
    )
  )
}

const thumbprint = (der: Buffer): string => createHash('sha1').update(der).digest('hex').toUpperCase()

/**
 * providers.md §3.2 (legacy signed callbacks): RSA PKCS#1 v1.5 SHA-512 over the canonical JSON of
 * `Object`, with the certificate whose SHA-1 thumbprint is `Fingerprint`, and now ≤ UTCUnixTimeExpiration.
 * `secrets` name the configured certificates by index in PLEXO_CERTS.
 */
function plexoLegacySpec({ body, secrets }: SpecInput): boolean {
  const envelope = JSON.parse(body.toString('utf8')) as { Object?: { Fingerprint?: string; UTCUnixTimeExpiration?: number }; Signature?: string }
  const inner = envelope.Object
  if (!inner || typeof envelope.Signature !== 'string' || (inner.UTCUnixTimeExpiration ?? 0) < NOW_SECONDS) return false
  return secrets.some((index) => {
    const issued = PLEXO_CERTS[Number(index)]
    if (!issued || thumbprint(issued.der) !== inner.Fingerprint) return false
    return rsaVerify('sha512', Buffer.from(canonicalJson(inner), 'utf8'), issued.certificate.publicKey, Buffer.from(envelope.Signature ?? '', 'base64'))
  })
}

const braintreePublicKey = (round: number): string => `pubkey${round}x7`

/**
 * docs/providers/braintree.md §4: a form with bt_signature "<public key>|<hex>" (pairs joined by "&")
 * and bt_payload (base64 and newlines only); the first pair for the configured public key must equal
 * hex(HMAC-SHA1(SHA1(private key), payload)), or over payload + "\n", compared as text (secureCompare).
 */
function braintreeSpec({ body, secrets }: SpecInput, round: number): boolean {
  const form = new URLSearchParams(body.toString('latin1'))
  const signature = form.get('bt_signature')
  const payload = form.get('bt_payload')
  if (signature === null || payload === null || !/^[A-Za-z0-9+=/\n]*$/.test(payload)) return false
  const pair = signature
    .split('&')
    .filter((entry) => entry.includes('|'))
    .map((entry) => entry.split('|'))
    .find(([publicKey]) => publicKey === braintreePublicKey(round))
  if (!pair) return false
  return secrets.some((privateKey) => {
    const key = createHash('sha1').update(privateKey).digest()
    return [payload, `${payload}\n`].some((signed) => pair[1] === hmac('sha1', key, Buffer.from(signed, 'latin1')).toString('hex'))
  })
}

/** providers.md §5.5 (platform): HmacSignature is base64(HMAC-SHA256(hexDecode(key), body)). */
function adyenPlatformSpec({ headers, body, secrets }: SpecInput): boolean {
  const header = headerOf(headers, 'HmacSignature')
  return header !== undefined && secrets.some((secret) => header.trim() === hmac('sha256', Buffer.from(secret, 'hex'), body).toString('base64'))
}

/**
 * providers.md §5.2: webhook-* (or svix-*) headers; key = base64decode(secret without whsec_); any
 * "v1,<base64>" entry equal to base64(HMAC-SHA256(key, id + "." + ts + "." + body)); |now − ts| ≤ 300 s.
 * The standardwebhooks package hashes payload.toString() (bytes that are not UTF-8 become U+FFFD): that is the body signed.
 */
function standardWebhooksSpec({ headers, body: raw, secrets }: SpecInput): boolean {
  const body = Buffer.from(raw.toString('utf8'), 'utf8')
  const prefix = headerOf(headers, 'webhook-signature') !== undefined ? 'webhook' : 'svix'
  const id = headerOf(headers, `${prefix}-id`)
  const ts = headerOf(headers, `${prefix}-timestamp`)
  const signature = headerOf(headers, `${prefix}-signature`)
  if (id === undefined || ts === undefined || signature === undefined || !/^\d+$/.test(ts)) return false
  const entries = signature.split(' ')
  const matches = secrets.some((secret) => {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
    return entries.includes(`v1,${hmac('sha256', key, `${id}.${ts}.`, body).toString('base64')}`)
  })
  return matches && Math.abs(NOW_SECONDS - Number(ts)) <= 300
}

const IXOPAY_JSON_TYPE = 'application/json; charset=utf-8'
const IXOPAY_XML_TYPE = 'text/xml; charset=utf-8'

/**
 * providers.md §1.3: base64(HMAC-SHA512(sharedSecret, "POST\n" + hex(SHA512|MD5(body)) + "\n" +
 * Content-Type + "\n" + Date + "\n" + requestUri)), with the received or the canonical Content-Type,
 * Date or X-Date. Legacy XML (Authorization "Gateway|IxoPay <apiKey>:<sig>"): an empty line before
 * the URI, text/xml; "IxoPay" signs the MD5 body hash only, "Gateway" either.
 */
function ixopaySpec({ headers, body, secrets, target }: SpecInput): boolean {
  const authorization = headerOf(headers, 'Authorization') ?? headerOf(headers, 'X-Authorization')
  const legacy = /^(Gateway|IxoPay) ([^:]*):(.+)$/.exec(authorization ?? '')
  const received = legacy ? legacy[3] : headerOf(headers, 'X-Signature')?.trim()
  if (received === undefined) return false
  const hashes = legacy?.[1] === 'IxoPay' ? ['md5'] : ['sha512', 'md5']
  const canonical = legacy ? IXOPAY_XML_TYPE : IXOPAY_JSON_TYPE
  const types = [headerOf(headers, 'Content-Type'), canonical].filter((type): type is string => type !== undefined)
  const found = [headerOf(headers, 'Date'), headerOf(headers, 'X-Date')].filter((date): date is string => date !== undefined)
  const dates = found.length > 0 ? found : ['']
  return secrets.some((secret) =>
    hashes.some((hash) =>
      types.some((type) =>
        dates.some((date) => {
          const bodyHash = createHash(hash).update(body).digest('hex')
          const message = ['POST', bodyHash, type, date, ...(legacy ? [''] : []), target].join('\n')
          return hmac('sha512', secret, message).toString('base64') === received
        }),
      ),
    ),
  )
}

/** providers.md §2.3: RSA PKCS#1 v1.5 over the raw body, SHA-256 (Collect), SHA-512 for CHIP Send (its Event-Type header). */
function chipSpec({ headers, body, secrets }: SpecInput): boolean {
  const header = headerOf(headers, 'X-Signature')
  if (header === undefined) return false
  const digest = headerOf(headers, 'Event-Type') === undefined ? 'sha256' : 'sha512'
  return secrets.some((pem) => rsaVerify(digest, body, pem, Buffer.from(header, 'base64')))
}

// ---------------------------------------------------------------------------------------------
// The generated deliveries

interface GeneratedCase {
  name: string
  headers: HeaderPairs
  body: Buffer
  /** Secrets configured on the endpoint (CHIP: public keys). */
  secrets: string[]
  /** Where it is sent: `/hooks` unless said. */
  target?: string
}

interface ProviderCases {
  provider: HmacProviderId | 'chip' | 'plexo' | 'swedbankpay' | 'paypal'
  /** The provider does not sign these deliveries: the verdict must be `unsigned`, whatever headers they carry. */
  unsigned?: boolean
  /** Valid or not by the documented algorithm; `round` picks the round's fixed values (Braintree's public key). */
  spec: (input: SpecInput, round: number) => boolean
  cases: (body: Buffer, round: number) => GeneratedCase[]
}

const tamper = (body: Buffer): Buffer => Buffer.concat([body, Buffer.from(' ')])
const flipCase = (text: string): string => text.replace(/[a-f]/g, (letter) => letter.toUpperCase())

/** The cases every one-header HMAC scheme gets; `sign(secret, body)` is the header value the provider sends. */
function oneHeaderCases(
  header: string,
  secretOf: (label: string) => string,
  sign: (secret: string, body: Buffer) => string,
  otherEncoding: (secret: string, body: Buffer) => string,
): ProviderCases['cases'] {
  return (body, round) => {
    const secret = secretOf(`${header}-${round}`)
    const other = secretOf(`${header}-${round}-other`)
    return [
      { name: 'valid', headers: [[header, sign(secret, body)]], body, secrets: [secret] },
      { name: 'valid with the second of two keys (rotation)', headers: [[header, sign(secret, body)]], body, secrets: [other, secret] },
      { name: 'wrong key', headers: [[header, sign(other, body)]], body, secrets: [secret] },
      { name: 'tampered body', headers: [[header, sign(secret, body)]], body: tamper(body), secrets: [secret] },
      { name: 'missing header', headers: [['Content-Type', 'application/json']], body, secrets: [secret] },
      { name: 'garbage header', headers: [[header, 'not-a-signature']], body, secrets: [secret] },
      { name: 'empty header', headers: [[header, '']], body, secrets: [secret] },
      { name: 'other encoding of the right MAC', headers: [[header, otherEncoding(secret, body)]], body, secrets: [secret] },
      { name: 'header name in lower case', headers: [[header.toLowerCase(), sign(secret, body)]], body, secrets: [secret] },
      { name: 'surrounding spaces', headers: [[header, ` ${sign(secret, body)} `]], body, secrets: [secret] },
      { name: 'no key configured', headers: [[header, sign(secret, body)]], body, secrets: [] },
    ]
  }
}

const hexSecret = (label: string): string => material(label).toString('hex').slice(0, 40)

/** Stripe (t=,v1=) and Paddle (ts=;h1=): the timestamped cases. */
function timestampedCases(options: {
  header: string
  separator: string
  timestampName: string
  signatureName: string
  signedSeparator: string
  tolerance: number
  secretOf: (label: string) => string
}): ProviderCases['cases'] {
  const { header, separator, timestampName: t, signatureName: v, signedSeparator, tolerance } = options
  const mac = (secret: string, timestamp: number, body: Buffer): string => hmac('sha256', secret, `${timestamp}${signedSeparator}`, body).toString('hex')
  const value = (timestamp: number, ...signatures: string[]): string => [`${t}=${timestamp}`, ...signatures.map((each) => `${v}=${each}`)].join(separator)
  return (body, round) => {
    const secret = options.secretOf(`${header}-${round}`)
    const other = options.secretOf(`${header}-${round}-other`)
    const now = NOW_SECONDS
    return [
      { name: 'valid, signed now', headers: [[header, value(now, mac(secret, now, body))]], body, secrets: [secret] },
      { name: 'valid, at the edge of the tolerance', headers: [[header, value(now - tolerance, mac(secret, now - tolerance, body))]], body, secrets: [secret] },
      { name: 'expired by one second', headers: [[header, value(now - tolerance - 1, mac(secret, now - tolerance - 1, body))]], body, secrets: [secret] },
      { name: 'signed 10 minutes in the future', headers: [[header, value(now + 600, mac(secret, now + 600, body))]], body, secrets: [secret] },
      { name: 'two signatures, the second right', headers: [[header, value(now, mac(other, now, body), mac(secret, now, body))]], body, secrets: [secret] },
      { name: 'two signatures, neither right', headers: [[header, value(now, mac(other, now, body), mac(other, now - 1, body))]], body, secrets: [secret] },
      { name: 'valid with the second of two keys (rotation)', headers: [[header, value(now, mac(secret, now, body))]], body, secrets: [other, secret] },
      { name: 'wrong key', headers: [[header, value(now, mac(other, now, body))]], body, secrets: [secret] },
      { name: 'wrong key and expired', headers: [[header, value(now - 3600, mac(other, now - 3600, body))]], body, secrets: [secret] },
      { name: 'tampered body', headers: [[header, value(now, mac(secret, now, body))]], body: tamper(body), secrets: [secret] },
      { name: 'timestamp changed', headers: [[header, value(now - 1, mac(secret, now, body))]], body, secrets: [secret] },
      { name: 'missing header', headers: [['Content-Type', 'application/json']], body, secrets: [secret] },
      { name: 'no timestamp', headers: [[header, `${v}=${mac(secret, now, body)}`]], body, secrets: [secret] },
      { name: 'no signature', headers: [[header, `${t}=${now}`]], body, secrets: [secret] },
      { name: 'signature not hex', headers: [[header, value(now, 'zz')]], body, secrets: [secret] },
      {
        name: 'another scheme beside the signature',
        headers: [[header, `${value(now, mac(secret, now, body))}${separator}v0=${mac(secret, now, body)}`]],
        body,
        secrets: [secret],
      },
      { name: 'only another scheme', headers: [[header, `${t}=${now}${separator}v0=${mac(secret, now, body)}`]], body, secrets: [secret] },
      { name: 'upper-case hex', headers: [[header, value(now, flipCase(mac(secret, now, body)))]], body, secrets: [secret] },
      { name: 'secret without its prefix', headers: [[header, value(now, mac(secret, now, body))]], body, secrets: [secret.slice(secret.indexOf('_', 4) + 1)] },
      { name: 'no key configured', headers: [[header, value(now, mac(secret, now, body))]], body, secrets: [] },
    ]
  }
}

function standardWebhooksCases(body: Buffer, round: number): GeneratedCase[] {
  const secret = `whsec_${material(`sw-${round}`).subarray(0, 24).toString('base64')}`
  const other = `whsec_${material(`sw-${round}-other`).subarray(0, 24).toString('base64')}`
  const id = `msg_${material(`sw-id-${round}`).toString('hex').slice(0, 20)}`
  const sign = (key: string, timestamp: number, message = id, bytes = body): string =>
    `v1,${hmac('sha256', Buffer.from(key.slice('whsec_'.length), 'base64'), `${message}.${timestamp}.`, bytes).toString('base64')}`
  const headers = (timestamp: number, signature: string, prefix = 'webhook'): HeaderPairs => [
    [`${prefix}-id`, id],
    [`${prefix}-timestamp`, String(timestamp)],
    [`${prefix}-signature`, signature],
  ]
  const now = NOW_SECONDS
  return [
    { name: 'valid', headers: headers(now, sign(secret, now)), body, secrets: [secret] },
    { name: 'valid, svix headers', headers: headers(now, sign(secret, now), 'svix'), body, secrets: [secret] },
    { name: 'valid, list of two', headers: headers(now, `${sign(other, now)} ${sign(secret, now)}`), body, secrets: [secret] },
    { name: 'valid, secret without whsec_', headers: headers(now, sign(secret, now)), body, secrets: [secret.slice('whsec_'.length)] },
    {
      name: 'secret as text, not decoded',
      headers: headers(now, `v1,${hmac('sha256', secret, `${id}.${now}.`, body).toString('base64')}`),
      body,
      secrets: [secret],
    },
    { name: 'wrong key', headers: headers(now, sign(other, now)), body, secrets: [secret] },
    { name: 'tampered body', headers: headers(now, sign(secret, now)), body: tamper(body), secrets: [secret] },
    { name: 'id changed', headers: headers(now, sign(secret, now, `${id}x`)), body, secrets: [secret] },
    { name: 'expired', headers: headers(now - 301, sign(secret, now - 301)), body, secrets: [secret] },
    { name: 'too far in the future', headers: headers(now + 301, sign(secret, now + 301)), body, secrets: [secret] },
    { name: 'at the edge', headers: headers(now - 300, sign(secret, now - 300)), body, secrets: [secret] },
    { name: 'missing signature header', headers: headers(now, sign(secret, now)).slice(0, 2), body, secrets: [secret] },
    {
      name: 'hex instead of base64',
      headers: headers(now, `v1,${Buffer.from(sign(secret, now).slice(3), 'base64').toString('hex')}`),
      body,
      secrets: [secret],
    },
    { name: 'no key configured', headers: headers(now, sign(secret, now)), body, secrets: [] },
  ]
}

function ixopayCases(body: Buffer, round: number): GeneratedCase[] {
  const secret = `ixopay-${hexSecret(`ixopay-${round}`)}`
  const other = `ixopay-${hexSecret(`ixopay-${round}-other`)}`
  const date = 'Sun, 01 Mar 2026 11:59:58 GMT'
  const target = `/callbacks/ixopay?orderId=${round + 1000}`
  const message = (parts: { hash?: string; type?: string; date?: string; target?: string; legacy?: boolean; bytes?: Buffer }): string =>
    [
      'POST',
      createHash(parts.hash ?? 'sha512')
        .update(parts.bytes ?? body)
        .digest('hex'),
      parts.type ?? (parts.legacy ? IXOPAY_XML_TYPE : IXOPAY_JSON_TYPE),
      parts.date ?? date,
      ...(parts.legacy ? [''] : []),
      parts.target ?? target,
    ].join('\n')
  const sig = (key: string, parts: Parameters<typeof message>[0] = {}): string => hmac('sha512', key, message(parts)).toString('base64')
  const json = (signature: string, extra: HeaderPairs = [['Date', date]], type = IXOPAY_JSON_TYPE): HeaderPairs => [
    ['Content-Type', type],
    ...extra,
    ['X-Signature', signature],
  ]
  const xml = (authorization: string): HeaderPairs => [
    ['Content-Type', IXOPAY_XML_TYPE],
    ['Date', date],
    ['Authorization', authorization],
  ]
  const at = { target }
  return [
    { name: 'valid, SHA-512 body hash', headers: json(sig(secret)), body, secrets: [secret], ...at },
    { name: 'valid, MD5 body hash', headers: json(sig(secret, { hash: 'md5' })), body, secrets: [secret], ...at },
    { name: 'valid, X-Date only', headers: json(sig(secret), [['X-Date', date]]), body, secrets: [secret], ...at },
    {
      name: 'valid, Date rewritten, X-Date signed',
      headers: json(sig(secret), [
        ['Date', 'Sun, 01 Mar 2026 12:00:00 GMT'],
        ['X-Date', date],
      ]),
      body,
      secrets: [secret],
      ...at,
    },
    {
      name: 'valid, received Content-Type differs, canonical signed',
      headers: json(sig(secret), undefined, 'application/json'),
      body,
      secrets: [secret],
      ...at,
    },
    {
      name: 'valid, received Content-Type signed',
      headers: json(sig(secret, { type: 'application/json' }), undefined, 'application/json'),
      body,
      secrets: [secret],
      ...at,
    },
    { name: 'valid with the second of two keys (rotation)', headers: json(sig(secret)), body, secrets: [other, secret], ...at },
    { name: 'wrong key', headers: json(sig(other)), body, secrets: [secret], ...at },
    { name: 'tampered body', headers: json(sig(secret)), body: tamper(body), secrets: [secret], ...at },
    { name: 'query dropped from the target', headers: json(sig(secret)), body, secrets: [secret], target: '/callbacks/ixopay' },
    { name: 'Date changed by a second', headers: json(sig(secret, { date: 'Sun, 01 Mar 2026 11:59:59 GMT' })), body, secrets: [secret], ...at },
    { name: 'no Date header, signed with none', headers: json(sig(secret, { date: '' }), []), body, secrets: [secret], ...at },
    {
      name: 'missing X-Signature',
      headers: [
        ['Content-Type', IXOPAY_JSON_TYPE],
        ['Date', date],
      ],
      body,
      secrets: [secret],
      ...at,
    },
    { name: 'X-Signature hex-encoded', headers: json(Buffer.from(sig(secret), 'base64').toString('hex')), body, secrets: [secret], ...at },
    { name: 'X-Signature of an HMAC-SHA256 size', headers: json(hmac('sha256', secret, message({})).toString('base64')), body, secrets: [secret], ...at },
    { name: 'no key configured', headers: json(sig(secret)), body, secrets: [], ...at },
    { name: 'legacy XML, Gateway, MD5', headers: xml(`Gateway api-key:${sig(secret, { legacy: true, hash: 'md5' })}`), body, secrets: [secret], ...at },
    { name: 'legacy XML, Gateway, SHA-512', headers: xml(`Gateway api-key:${sig(secret, { legacy: true })}`), body, secrets: [secret], ...at },
    { name: 'legacy XML, IxoPay, MD5', headers: xml(`IxoPay api-key:${sig(secret, { legacy: true, hash: 'md5' })}`), body, secrets: [secret], ...at },
    {
      name: 'legacy XML, IxoPay, SHA-512 (only MD5 is signed)',
      headers: xml(`IxoPay api-key:${sig(secret, { legacy: true })}`),
      body,
      secrets: [secret],
      ...at,
    },
    {
      name: 'legacy XML, no empty line before the URI',
      headers: xml(`Gateway api-key:${sig(secret, { hash: 'md5', type: IXOPAY_XML_TYPE })}`),
      body,
      secrets: [secret],
      ...at,
    },
    {
      name: 'legacy XML, tampered body',
      headers: xml(`Gateway api-key:${sig(secret, { legacy: true, hash: 'md5' })}`),
      body: tamper(body),
      secrets: [secret],
      ...at,
    },
    { name: 'legacy XML, wrong key', headers: xml(`Gateway api-key:${sig(other, { legacy: true, hash: 'md5' })}`), body, secrets: [secret], ...at },
  ]
}

/** RSA pairs made once for the whole file (CHIP's keys are 2048-bit). */
const CHIP_PAIRS = [0, 1].map(() =>
  generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }),
)

function chipCases(body: Buffer): GeneratedCase[] {
  const [mine, theirs] = CHIP_PAIRS as [(typeof CHIP_PAIRS)[number], (typeof CHIP_PAIRS)[number]]
  const signWith = (pair: typeof mine, digest: string, bytes = body): string => rsaSign(digest, bytes, pair.privateKey).toString('base64')
  const collect = (signature: string): HeaderPairs => [['X-Signature', signature]]
  const send = (signature: string): HeaderPairs => [
    ['Event-Type', 'send_instruction_status'],
    ['X-Signature', signature],
  ]
  return [
    { name: 'valid, Collect (SHA-256)', headers: collect(signWith(mine, 'sha256')), body, secrets: [mine.publicKey] },
    { name: 'valid, Send (SHA-512)', headers: send(signWith(mine, 'sha512')), body, secrets: [mine.publicKey] },
    { name: 'Send signed with SHA-256', headers: send(signWith(mine, 'sha256')), body, secrets: [mine.publicKey] },
    { name: 'Collect signed with SHA-512', headers: collect(signWith(mine, 'sha512')), body, secrets: [mine.publicKey] },
    { name: 'valid with the second of two keys', headers: collect(signWith(mine, 'sha256')), body, secrets: [theirs.publicKey, mine.publicKey] },
    { name: 'wrong key', headers: collect(signWith(theirs, 'sha256')), body, secrets: [mine.publicKey] },
    { name: 'tampered body', headers: collect(signWith(mine, 'sha256')), body: tamper(body), secrets: [mine.publicKey] },
    { name: 'missing X-Signature', headers: [], body, secrets: [mine.publicKey] },
    { name: 'X-Signature not base64', headers: collect('not base64!'), body, secrets: [mine.publicKey] },
    { name: 'no key configured', headers: collect(signWith(mine, 'sha256')), body, secrets: [] },
  ]
}

function squareCases(body: Buffer, round: number): GeneratedCase[] {
  const header = 'x-square-hmacsha256-signature'
  const secret = hexSecret(`square-${round}`)
  const sign = (key: string, url = SQUARE_URL, bytes = body): string => hmac('sha256', key, url, bytes).toString('base64')
  return [
    { name: 'valid', headers: [[header, sign(secret)]], body, secrets: [secret] },
    { name: 'signed for another notification URL', headers: [[header, sign(secret, 'https://hooks.example.test/square')]], body, secrets: [secret] },
    { name: 'wrong key', headers: [[header, sign(hexSecret(`square-${round}-other`))]], body, secrets: [secret] },
    { name: 'tampered body', headers: [[header, sign(secret)]], body: tamper(body), secrets: [secret] },
    { name: 'missing header', headers: [], body, secrets: [secret] },
    { name: 'hex instead of base64', headers: [[header, Buffer.from(sign(secret), 'base64').toString('hex')]], body, secrets: [secret] },
    { name: 'no key configured', headers: [[header, sign(secret)]], body, secrets: [] },
  ]
}

function mercadoPagoCases(body: Buffer, round: number): GeneratedCase[] {
  const secret = hexSecret(`mp-${round}`)
  const ts = String(NOW.getTime() - 2000)
  const requestId = `req-${round}-4c1b`
  const sign = (key: string, manifest: string): string => `ts=${ts},v1=${hmac('sha256', key, manifest).toString('hex')}`
  const target = (id: string): string => `/hooks/mp?data.id=${id}&type=payment`
  const signed = (id: string | null, request: string | null = requestId): string =>
    `${id ? `id:${id};` : ''}${request ? `request-id:${request};` : ''}ts:${ts};`
  const headers = (signature: string, request: string | null = requestId): HeaderPairs => [
    ['x-signature', signature],
    ...(request ? ([['x-request-id', request]] as HeaderPairs) : []),
  ]
  return [
    { name: 'valid, numeric id', headers: headers(sign(secret, signed('123456'))), body, secrets: [secret], target: target('123456') },
    { name: 'valid, order id lowercased', headers: headers(sign(secret, signed('ord01jq4s4ky8'))), body, secrets: [secret], target: target('ORD01JQ4S4KY8') },
    { name: 'valid, order id as received', headers: headers(sign(secret, signed('ORD01JQ4S4KY8'))), body, secrets: [secret], target: target('ORD01JQ4S4KY8') },
    { name: 'valid, no x-request-id', headers: headers(sign(secret, signed('123456', null)), null), body, secrets: [secret], target: target('123456') },
    { name: 'data.id changed in the URL', headers: headers(sign(secret, signed('123456'))), body, secrets: [secret], target: target('123457') },
    {
      name: 'x-request-id changed',
      headers: [
        ['x-signature', sign(secret, signed('123456'))],
        ['x-request-id', `${requestId}x`],
      ],
      body,
      secrets: [secret],
      target: target('123456'),
    },
    { name: 'body changed (not signed)', headers: headers(sign(secret, signed('123456'))), body: tamper(body), secrets: [secret], target: target('123456') },
    { name: 'wrong key', headers: headers(sign(hexSecret(`mp-${round}-other`), signed('123456'))), body, secrets: [secret], target: target('123456') },
    { name: 'no ts', headers: headers(`v1=${hmac('sha256', secret, signed('123456')).toString('hex')}`), body, secrets: [secret], target: target('123456') },
    { name: 'no key configured', headers: headers(sign(secret, signed('123456'))), body, secrets: [], target: target('123456') },
  ]
}

function adyenClassicCases(_body: Buffer, round: number): GeneratedCase[] {
  const key = material(`adyen-classic-${round}`).toString('hex').toUpperCase()
  const other = material(`adyen-classic-${round}-other`).toString('hex').toUpperCase()
  const item = (n: number, overrides: Partial<AdyenItem> = {}): AdyenItem => ({
    pspReference: `88${round}${n}0000000000${n}`,
    merchantAccountCode: 'TestMerchant',
    merchantReference: `order:${round}-${n} “café”`,
    amount: { value: 1000 * n + round, currency: 'EUR' },
    eventCode: 'AUTHORISATION',
    success: 'true',
    ...overrides,
  })
  const signed = (entry: AdyenItem, withKey = key): AdyenItem => ({
    ...entry,
    additionalData: { hmacSignature: hmac('sha256', Buffer.from(withKey, 'hex'), adyenItemData(entry)).toString('base64') },
  })
  const batch = (...items: AdyenItem[]): Buffer =>
    Buffer.from(JSON.stringify({ live: 'false', notificationItems: items.map((entry) => ({ NotificationRequestItem: entry })) }), 'utf8')
  const changed = (entry: AdyenItem): AdyenItem => ({ ...entry, amount: { ...entry.amount, value: entry.amount.value + 1 } })
  return [
    { name: 'classic, one item', headers: [], body: batch(signed(item(1))), secrets: [key] },
    {
      name: 'classic, two items',
      headers: [],
      body: batch(signed(item(1)), signed(item(2, { originalReference: 'ORIG1', eventCode: 'REFUND' }))),
      secrets: [key],
    },
    { name: 'classic, second item amount changed', headers: [], body: batch(signed(item(1)), changed(signed(item(2)))), secrets: [key] },
    { name: 'classic, second item unsigned', headers: [], body: batch(signed(item(1)), item(2)), secrets: [key] },
    { name: 'classic, wrong key', headers: [], body: batch(signed(item(1), other)), secrets: [key] },
    { name: 'classic, second of two keys', headers: [], body: batch(signed(item(1))), secrets: [other, key] },
    { name: 'classic, no key configured', headers: [], body: batch(signed(item(1))), secrets: [] },
  ]
}

/** Unsigned callbacks (providers.md §3.1, §4, §5.6): recognised by their shape, confirmed by fetching; a signature-like header changes nothing. */
const neverSigned = (): boolean => false

const unsignedCases =
  (contentType: string, bodyOf: (round: number) => string, extra: HeaderPairs = []): ProviderCases['cases'] =>
  (_body, round) => {
    const body = Buffer.from(bodyOf(round), 'utf8')
    const headers: HeaderPairs = [['Content-Type', contentType], ...extra]
    return [
      { name: 'unsigned callback', headers, body, secrets: [] },
      { name: 'with a stray X-Signature header', headers: [...headers, ['X-Signature', hmac('sha512', 'guess', body).toString('base64')]], body, secrets: [] },
    ]
  }

function paypalCases(body: Buffer, round: number): GeneratedCase[] {
  const [signer, stranger] = PAYPAL_CERTS as [(typeof PAYPAL_CERTS)[number], (typeof PAYPAL_CERTS)[number]]
  const webhookId = `4JH86294D629792${round}G`
  const id = `dfb3be50-fd74-11e4-8bf3-77339302725${round}`
  const time = '2026-03-01T11:59:50Z'
  const sign = (certificate: typeof signer, message: string): string =>
    rsaSign('sha256', Buffer.from(message), forge.pki.privateKeyToPem(certificate.signer.privateKey)).toString('base64')
  const message = (hook = webhookId, crc = String(crc32(body))): string => `${id}|${time}|${hook}|${crc}`
  const headers = (signature: string, algorithm = 'SHA256withRSA'): HeaderPairs => [
    ['PAYPAL-TRANSMISSION-ID', id],
    ['PAYPAL-TRANSMISSION-TIME', time],
    ['PAYPAL-TRANSMISSION-SIG', signature],
    ['PAYPAL-CERT-URL', 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77'],
    ['PAYPAL-AUTH-ALGO', algorithm],
  ]
  return [
    { name: 'valid', headers: headers(sign(signer, message())), body, secrets: [webhookId] },
    { name: 'valid with the second of two webhook ids', headers: headers(sign(signer, message())), body, secrets: ['WH-OTHER', webhookId] },
    { name: 'another webhook id signed', headers: headers(sign(signer, message('WH-OTHER'))), body, secrets: [webhookId] },
    { name: 'tampered body', headers: headers(sign(signer, message())), body: tamper(body), secrets: [webhookId] },
    { name: 'signed by another certificate', headers: headers(sign(stranger, message())), body, secrets: [webhookId] },
    {
      name: 'CRC-32 as a signed integer (the Java bug)',
      headers: headers(sign(signer, message(webhookId, String(crc32(body) | 0)))),
      body,
      secrets: [webhookId],
    },
    { name: 'missing PAYPAL-TRANSMISSION-SIG', headers: headers('x').filter(([name]) => name !== 'PAYPAL-TRANSMISSION-SIG'), body, secrets: [webhookId] },
    { name: 'signature not base64', headers: headers('not base64!'), body, secrets: [webhookId] },
    { name: 'no webhook id configured', headers: headers(sign(signer, message())), body, secrets: [] },
  ]
}

function plexoLegacyCases(_body: Buffer, round: number): GeneratedCase[] {
  const [signer, other] = PLEXO_CERTS as [(typeof PLEXO_CERTS)[number], (typeof PLEXO_CERTS)[number]]
  const transaction = (amount: number): Record<string, unknown> => ({
    TransactionId: `tx-${round}`,
    Client: 'Callback Inspector',
    Amount: amount,
    Currency: 'UYU',
    InvoiceNumber: null,
    CurrentState: 'Approved',
    InstrumentName: 'VISA “Crédito” / débito',
    Transactions: [{ Type: 'Purchase', Amount: amount }],
  })
  const inner = (options: { amount?: number; expires?: number; fingerprint?: string } = {}): Record<string, unknown> => ({
    UTCUnixTimeExpiration: options.expires ?? NOW_SECONDS + 600,
    Object: transaction(options.amount ?? 1500 + round),
    Fingerprint: options.fingerprint ?? thumbprint(signer.der),
  })
  const signWith = (issued: typeof signer, text: string): string =>
    rsaSign('sha512', Buffer.from(text, 'utf8'), forge.pki.privateKeyToPem(issued.signer.privateKey)).toString('base64')
  const envelope = (object: Record<string, unknown>, signature: string | null): Buffer =>
    Buffer.from(JSON.stringify({ Object: object, ...(signature === null ? {} : { Signature: signature }) }), 'utf8')
  const signed = (object: Record<string, unknown>, issued = signer): Buffer => envelope(object, signWith(issued, canonicalJson(object)))
  const json: HeaderPairs = [['Content-Type', 'application/json']]
  const tampered = inner()
  const changedAmount = { ...tampered, Object: transaction(9999) }
  return [
    { name: 'legacy envelope, valid', headers: json, body: signed(inner()), secrets: ['0'] },
    { name: 'legacy envelope, second of two certificates', headers: json, body: signed(inner()), secrets: ['1', '0'] },
    { name: 'legacy envelope, Amount changed', headers: json, body: envelope(changedAmount, signWith(signer, canonicalJson(tampered))), secrets: ['0'] },
    { name: 'legacy envelope, expired', headers: json, body: signed(inner({ expires: NOW_SECONDS - 1 })), secrets: ['0'] },
    { name: 'legacy envelope, signed by another certificate', headers: json, body: signed(inner(), other), secrets: ['0'] },
    { name: 'legacy envelope, Fingerprint of another certificate', headers: json, body: signed(inner({ fingerprint: thumbprint(other.der) })), secrets: ['0'] },
    {
      name: 'legacy envelope, signed over the JSON as sent (not canonical)',
      headers: json,
      body: envelope(inner(), signWith(signer, JSON.stringify(inner()))),
      secrets: ['0'],
    },
    { name: 'legacy envelope, no key configured', headers: json, body: signed(inner()), secrets: [] },
  ]
}

function braintreeCases(_body: Buffer, round: number): GeneratedCase[] {
  const privateKey = hexSecret(`bt-${round}`)
  const publicKey = braintreePublicKey(round)
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<notification><kind>subscription_charged_successfully</kind><timestamp>2026-03-01T11:59:00Z</timestamp><subject><id>sub${round}</id></subject></notification>\n`
  const payload = `${Buffer.from(xml, 'utf8').toString('base64')}\n`
  const mac = (key: string, signed: string): string => hmac('sha1', createHash('sha1').update(key).digest(), Buffer.from(signed, 'latin1')).toString('hex')
  const form = (signature: string, bytes = payload, encode = (text: string): string => encodeURIComponent(text)): Buffer =>
    Buffer.from(`bt_signature=${encodeURIComponent(signature)}&bt_payload=${encode(bytes)}`, 'latin1')
  const headers: HeaderPairs = [['Content-Type', 'application/x-www-form-urlencoded']]
  const tamperedPayload = `${Buffer.from(xml.replace(`sub${round}`, `sub${round}x`), 'utf8').toString('base64')}\n`
  return [
    { name: 'valid', headers, body: form(`${publicKey}|${mac(privateKey, payload)}`), secrets: [privateKey] },
    { name: 'valid, signed with the final newline added', headers, body: form(`${publicKey}|${mac(privateKey, `${payload}\n`)}`), secrets: [privateKey] },
    { name: 'two pairs, ours second', headers, body: form(`other|${mac('x', payload)}&${publicKey}|${mac(privateKey, payload)}`), secrets: [privateKey] },
    { name: 'wrong private key', headers, body: form(`${publicKey}|${mac(hexSecret(`bt-${round}-other`), payload)}`), secrets: [privateKey] },
    { name: 'payload changed', headers, body: form(`${publicKey}|${mac(privateKey, payload)}`, tamperedPayload), secrets: [privateKey] },
    { name: 'signed for another public key', headers, body: form(`other|${mac(privateKey, payload)}`), secrets: [privateKey] },
    { name: 'upper-case hex', headers, body: form(`${publicKey}|${flipCase(mac(privateKey, payload))}`), secrets: [privateKey] },
    {
      name: "'+' left unencoded",
      headers,
      body: form(`${publicKey}|${mac(privateKey, payload)}`, payload, (text) => encodeURIComponent(text).replace(/%2B/g, '+')),
      secrets: [privateKey],
    },
    { name: 'no bt_signature', headers, body: Buffer.from(`bt_payload=${encodeURIComponent(payload)}`, 'latin1'), secrets: [privateKey] },
    { name: 'no key configured', headers, body: form(`${publicKey}|${mac(privateKey, payload)}`), secrets: [] },
  ]
}

const hexMac = (algorithm: string) => (secret: string, body: Buffer) => hmac(algorithm, secret, body).toString('hex')
const base64Mac = (secret: string, body: Buffer): string => hmac('sha256', secret, body).toString('base64')

const PROVIDERS: ProviderCases[] = [
  {
    provider: 'stripe',
    spec: stripeSpec,
    cases: timestampedCases({
      header: 'Stripe-Signature',
      separator: ',',
      timestampName: 't',
      signatureName: 'v1',
      signedSeparator: '.',
      tolerance: 300,
      secretOf: (label) => `whsec_${hexSecret(label)}`,
    }),
  },
  {
    provider: 'paddle',
    spec: paddleSpec,
    cases: timestampedCases({
      header: 'Paddle-Signature',
      separator: ';',
      timestampName: 'ts',
      signatureName: 'h1',
      signedSeparator: ':',
      tolerance: 5,
      secretOf: (label) => `pdl_ntfset_01hv8w2m3q4r5s6t7v8w9x0y1z_${hexSecret(label).slice(0, 32)}`,
    }),
  },
  {
    provider: 'github',
    spec: githubSpec,
    cases: (body, round) => [
      ...oneHeaderCases(
        'X-Hub-Signature-256',
        hexSecret,
        (secret, bytes) => `sha256=${hexMac('sha256')(secret, bytes)}`,
        (secret, bytes) => `sha256=${base64Mac(secret, bytes)}`,
      )(body, round),
      {
        name: 'no sha256= prefix',
        headers: [['X-Hub-Signature-256', hexMac('sha256')(hexSecret(`gh-${round}`), body)]],
        body,
        secrets: [hexSecret(`gh-${round}`)],
      },
      {
        name: 'upper-case hex',
        headers: [['X-Hub-Signature-256', `sha256=${flipCase(hexMac('sha256')(hexSecret(`gh-${round}`), body))}`]],
        body,
        secrets: [hexSecret(`gh-${round}`)],
      },
      {
        name: 'legacy SHA-1 only',
        headers: [['X-Hub-Signature', `sha1=${hexMac('sha1')(hexSecret(`gh-${round}`), body)}`]],
        body,
        secrets: [hexSecret(`gh-${round}`)],
      },
      {
        name: 'legacy SHA-1 right, SHA-256 wrong',
        headers: [
          ['X-Hub-Signature', `sha1=${hexMac('sha1')(hexSecret(`gh-${round}`), body)}`],
          ['X-Hub-Signature-256', `sha256=${hexMac('sha256')(hexSecret(`gh-${round}-other`), body)}`],
        ],
        body,
        secrets: [hexSecret(`gh-${round}`)],
      },
    ],
  },
  {
    provider: 'shopify',
    spec: shopifySpec,
    cases: oneHeaderCases('X-Shopify-Hmac-Sha256', hexSecret, base64Mac, hexMac('sha256')),
  },
  {
    provider: 'mollie',
    spec: mollieSpec,
    cases: (body, round) => {
      const secret = hexSecret(`mollie-${round}`)
      const other = hexSecret(`mollie-${round}-other`)
      return [
        ...oneHeaderCases(
          'X-Mollie-Signature',
          hexSecret,
          (key, bytes) => `sha256=${hexMac('sha256')(key, bytes)}`,
          (key, bytes) => `sha256=${base64Mac(key, bytes)}`,
        )(body, round),
        { name: 'unprefixed', headers: [['X-Mollie-Signature', hexMac('sha256')(secret, body)]], body, secrets: [secret] },
        {
          name: 'a comma-separated list in one header, the second right (one text for the validator)',
          headers: [['X-Mollie-Signature', `sha256=${hexMac('sha256')(other, body)}, sha256=${hexMac('sha256')(secret, body)}`]],
          body,
          secrets: [secret],
        },
        {
          name: 'two headers, the second right',
          headers: [
            ['X-Mollie-Signature', `sha256=${hexMac('sha256')(other, body)}`],
            ['X-Mollie-Signature', `sha256=${hexMac('sha256')(secret, body)}`],
          ],
          body,
          secrets: [secret],
        },
        { name: 'upper-case hex', headers: [['X-Mollie-Signature', `sha256=${flipCase(hexMac('sha256')(secret, body))}`]], body, secrets: [secret] },
      ]
    },
  },
  {
    provider: 'razorpay',
    // razorpay-node hashes body.toString(): bytes that are not UTF-8 become U+FFFD.
    spec: (input) => hexBodySpec('X-Razorpay-Signature', 'sha256')({ ...input, body: Buffer.from(input.body.toString('utf8'), 'utf8') }),
    cases: (body, round) => [
      ...oneHeaderCases('X-Razorpay-Signature', hexSecret, hexMac('sha256'), base64Mac)(body, round),
      {
        name: 'upper-case hex',
        headers: [['X-Razorpay-Signature', flipCase(hexMac('sha256')(hexSecret(`rp-${round}`), body))]],
        body,
        secrets: [hexSecret(`rp-${round}`)],
      },
    ],
  },
  {
    provider: 'paystack',
    spec: hexBodySpec('x-paystack-signature', 'sha512'),
    cases: (body, round) => [
      ...oneHeaderCases(
        'x-paystack-signature',
        (label) => `sk_test_${hexSecret(label)}`,
        hexMac('sha512'),
        (secret, bytes) => hmac('sha512', secret, bytes).toString('base64'),
      )(body, round),
      {
        name: 'upper-case hex',
        headers: [['x-paystack-signature', flipCase(hexMac('sha512')(`sk_test_${hexSecret(`ps-${round}`)}`, body))]],
        body,
        secrets: [`sk_test_${hexSecret(`ps-${round}`)}`],
      },
    ],
  },
  {
    provider: 'checkout-com',
    spec: checkoutComSpec,
    cases: (body, round) => [
      ...oneHeaderCases('Cko-Signature', hexSecret, hexMac('sha256'), base64Mac)(body, round),
      {
        name: 'upper-case hex',
        headers: [['Cko-Signature', flipCase(hexMac('sha256')(hexSecret(`cko-${round}`), body))]],
        body,
        secrets: [hexSecret(`cko-${round}`)],
      },
    ],
  },
  {
    provider: 'adyen',
    spec: adyenPlatformSpec,
    cases: oneHeaderCases(
      'HmacSignature',
      (label) => material(label).toString('hex').toUpperCase(),
      (secret, bytes) => hmac('sha256', Buffer.from(secret, 'hex'), bytes).toString('base64'),
      (secret, bytes) => hmac('sha256', Buffer.from(secret, 'hex'), bytes).toString('hex'),
    ),
  },
  { provider: 'standard-webhooks', spec: standardWebhooksSpec, cases: standardWebhooksCases },
  {
    provider: 'gocardless',
    spec: gocardlessSpec,
    cases: (body, round) => [
      ...oneHeaderCases('Webhook-Signature', hexSecret, hexMac('sha256'), base64Mac)(body, round),
      {
        name: 'upper-case hex',
        headers: [['Webhook-Signature', flipCase(hexMac('sha256')(hexSecret(`gc-${round}`), body))]],
        body,
        secrets: [hexSecret(`gc-${round}`)],
      },
    ],
  },
  { provider: 'ixopay', spec: ixopaySpec, cases: ixopayCases },
  { provider: 'adyen', spec: adyenClassicSpec, cases: adyenClassicCases },
  { provider: 'paypal', spec: paypalSpec, cases: paypalCases },
  { provider: 'braintree', spec: braintreeSpec, cases: braintreeCases },
  { provider: 'plexo', spec: plexoLegacySpec, cases: plexoLegacyCases },
  {
    provider: 'plexo',
    spec: neverSigned,
    unsigned: true,
    cases: unsignedCases('application/json', (round) =>
      JSON.stringify({
        id: `6305dd2d000d6ed5d1ecf7${round}b`,
        referenceId: `order-${round}`,
        status: 'approved',
        amount: { currency: 'UYU', total: 100 + round },
        transactions: [],
      }),
    ),
  },
  {
    provider: 'swedbankpay',
    spec: neverSigned,
    unsigned: true,
    cases: unsignedCases('application/json', (round) =>
      JSON.stringify({
        paymentOrder: { id: `/psp/paymentorders/5adc265f-f87f-4313-577e-08d3dca1a26${round}`, instrument: 'paymentorders' },
        orderReference: `or-${round}`,
      }),
    ),
  },
  {
    provider: 'mollie',
    spec: neverSigned,
    unsigned: true,
    cases: unsignedCases('application/x-www-form-urlencoded', (round) => `id=tr_5B8cwPMGnU6qLbRvo7qEZ${round}`, [['User-Agent', 'Mollie HTTP client/1.0']]),
  },
  { provider: 'square', spec: squareSpec, cases: squareCases },
  { provider: 'mercadopago', spec: mercadoPagoSpec, cases: mercadoPagoCases },
  { provider: 'chip', spec: chipSpec, cases: chipCases },
]

function keysOf(provider: ProviderCases['provider'], secrets: readonly string[], round: number): ProviderKey[] {
  // PayPal's certificate (the file's first) is configured beside its webhook ids (the ids are what the cases vary).
  const certificates: ProviderKey[] =
    provider === 'paypal' && secrets.length > 0 ? PAYPAL_CERTS.slice(0, 1).map((issued) => ({ kind: 'certificate', provider: 'paypal', pem: issued.pem })) : []
  return [
    ...certificates,
    ...secrets.map((value, index): ProviderKey => {
      const label = `key ${index + 1}`
      if (provider === 'chip') return { kind: 'rsa-public-key', provider, pem: value, label }
      if (provider === 'paypal') return { kind: 'paypal-webhook-id', value, label }
      // Plexo's legacy envelopes name the file's certificates by index; Swedbank Pay takes no key.
      if (provider === 'plexo') return { kind: 'certificate', provider, pem: PLEXO_CERTS[Number(value)]?.pem ?? '', label }
      if (provider === 'swedbankpay') throw new Error('Swedbank Pay takes no key')
      // A Braintree key is a pair: the private key, and the public key the signature names.
      if (provider === 'braintree') return { kind: 'hmac-secret', provider, value, label, apiKey: braintreePublicKey(round) }
      // A Square key names the subscription's notification URL, which Square signs with the body.
      return provider === 'square'
        ? { kind: 'hmac-secret', provider, value, label, notificationUrl: SQUARE_URL }
        : { kind: 'hmac-secret', provider, value, label }
    }),
  ]
}

/** What the snapshot records of a verdict: all of it, with key fingerprints masked (a secret's fingerprint is keyed per installation). */
function recorded(verdict: SignatureVerdict): SignatureVerdict {
  // Certificates are issued afresh on every run: their SHA-1 thumbprints are masked too.
  return { ...verdict, message: verdict.message.replace(/\b[0-9a-f]{16}\b/g, '<fingerprint>').replace(/\b[0-9A-F]{40}\b/g, '<thumbprint>') }
}

describe('generated deliveries: verdicts follow the documented algorithms', () => {
  let total = 0
  for (const { provider, spec, cases, unsigned } of PROVIDERS) {
    describe(provider, () => {
      BODIES.forEach((body, round) => {
        for (const generated of cases(body.bytes, round)) {
          it(`${body.name}: ${generated.name}`, () => {
            total += 1
            const analysis = analyzeDelivery(
              { method: 'POST', target: generated.target ?? '/hooks', headers: generated.headers, body: generated.body },
              { now: NOW, keys: keysOf(provider, generated.secrets, round), pinnedProvider: provider },
            )
            const specValid = spec(
              { headers: generated.headers, body: generated.body, secrets: generated.secrets, target: generated.target ?? '/hooks' },
              round,
            )
            // Never a false "valid", and never an "invalid" the provider's own check would accept.
            expect(analysis.verdict.status === 'valid').toBe(specValid)
            if (!specValid && generated.secrets.length > 0 && analysis.verdict.status !== 'unsigned') expect(analysis.verdict.status).toBe('invalid')
            if (unsigned) expect(analysis.verdict.status).toBe('unsigned')
            expect(recorded(analysis.verdict)).toMatchSnapshot()
          })
        }
      })
    })
  }
  it('ran every generated case', () => {
    expect(total).toBeGreaterThan(300)
  })
})

/** Every vector file (shared and test-support), each case's verdict against its `expected.valid`. */
describe('every vector: the verdict agrees with expected.valid', () => {
  const supportDirectory = fileURLToPath(new URL('../../test-support/vectors/', import.meta.url))
  const supportFiles = readdirSync(supportDirectory).filter((file) => file.endsWith('.json'))
  const sources: Array<{ file: string; provider: PinnableProviderId; vectors: VectorCase[] }> = [
    ...vectorFiles().flatMap((file) => {
      const provider = PROVIDER_BY_FILE[file]
      return provider ? [{ file, provider, vectors: loadVectors(file) }] : []
    }),
    ...supportFiles.map((file) => ({
      file: `test-support/${file}`,
      provider: file.replace(/\.json$/, '') as PinnableProviderId,
      vectors: JSON.parse(readFileSync(`${supportDirectory}${file}`, 'utf8')) as VectorCase[],
    })),
  ]
  for (const { file, provider, vectors } of sources) {
    for (const vector of vectors) {
      it(`${file}: ${vector.name}`, () => {
        const now = vector.params?.verifyAt !== undefined ? new Date(vector.params.verifyAt * 1000) : new Date('2025-06-01T00:00:00Z')
        const analysis = analyzeDelivery(
          { method: vector.method, target: vector.path, headers: Object.entries(vector.headers), body: Buffer.from(vector.body, 'utf8') },
          {
            now,
            keys: keysForVector(vector, provider),
            pinnedProvider: provider,
            ...(vector.params?.toleranceSeconds !== undefined ? { toleranceSeconds: vector.params.toleranceSeconds } : {}),
          },
        )
        if (vector.scheme === 'none') expect(analysis.verdict.status === 'unsigned' || !vector.expected.valid).toBe(true)
        else expect(analysis.verdict.status === 'valid').toBe(vector.expected.valid)
        expect(recorded(analysis.verdict)).toMatchSnapshot()
      })
    }
  }
})
