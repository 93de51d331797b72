/**
 * An adversarial check of the signature verdicts, written from ../shared/docs/providers.md (and
 * docs/providers/ for Paddle and Square) without reading the verifiers: deliveries at the edges of
 * each algorithm, each judged by the provider's own library where one is a devDependency (stripe,
 * standardwebhooks, @octokit/webhooks-methods, @paddle/paddle-node-sdk, square, @adyen/api-library),
 * else by the algorithm written out here with node:crypto (IXOPAY, Shopify, Mollie, CHIP, PayPal).
 *
 * The edges: key rotation and several signatures in one header, whitespace and case in the header's
 * syntax, a header sent twice (read as Node's http server hands it to the library: the values joined
 * with ", "), bodies with unicode, CRLF, a byte order mark, empty and large, query strings with
 * encoded characters (IXOPAY signs the target), timestamps a millisecond either side of the
 * tolerance, keys of another endpoint or another provider, base64 for hex and hex for base64,
 * padding dropped, truncated signatures.
 *
 * For every case the inspector's verdict is `valid` exactly when the oracle accepts, a refused
 * delivery with a key configured is `invalid` (not `no-key`), and where the reason matters it is
 * checked too. Time: the libraries read `Date.now()`, pinned with fake timers to the verifier's `now`.
 */
import { hmacValidator as HmacValidator } from '@adyen/api-library'
import { verify as octokitVerify } from '@octokit/webhooks-methods'
import { Paddle } from '@paddle/paddle-node-sdk'
import forge from 'node-forge'
import { InvalidSignatureError, verifySignature as gocardlessVerify } from 'gocardless-nodejs/webhooks'
import { X509Certificate, createHash, createHmac, generateKeyPairSync, sign as rsaSign, verify as rsaVerify } from 'node:crypto'
import { crc32 } from 'node:zlib'
import Razorpay from 'razorpay'
import { WebhooksHelper } from 'square'
import { Webhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { InvalidReason, PinnableProviderId, ProviderKey } from '../../shared/providers'
import { issueCertificate } from '../../test-support/certificate-authority'
import { analyzeDelivery } from './index'

afterEach(() => {
  vi.useRealTimers()
})

const T = 1_772_366_400 // 2026-03-01T12:00:00Z, the signing time of every timed case
const AT_T = T * 1000

const hmac = (algorithm: string, key: Buffer | string, ...parts: Array<Buffer | string>): Buffer => {
  const mac = createHmac(algorithm, key)
  for (const part of parts) mac.update(part)
  return mac.digest()
}
const forgePrivatePem = (issued: ReturnType<typeof issueCertificate>): string => forge.pki.privateKeyToPem(issued.signer.privateKey)
const material = (label: string): Buffer => createHash('sha256').update(label).digest()
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8')

const BODIES: ReadonlyArray<{ name: string; bytes: Buffer }> = [
  { name: 'unicode JSON', bytes: utf8(JSON.stringify({ id: 'evt_1', note: 'café ☕ 𝄞 “q” \u2028 ü', amount: '10.10' })) },
  { name: 'CRLF', bytes: utf8('{\r\n  "id": "evt_2",\r\n  "type": "x"\r\n}\r\n') },
  { name: 'byte order mark', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8('{"id":"evt_3"}')]) },
  { name: 'empty', bytes: Buffer.alloc(0) },
  { name: 'large (3 MB)', bytes: utf8(`{"id":"evt_4","pad":"${'ab'.repeat(1_500_000)}"}`) },
  { name: 'not UTF-8', bytes: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]) },
]
/** For libraries that take the body as a string the caller decoded (octokit, Paddle, Square, Adyen): the caller's decoding decides, so bytes that are not UTF-8 are left out. */
const TEXT_BODIES = BODIES.filter((body) => body.name !== 'not UTF-8')

/** What Node's http server hands the application for a header: every occurrence joined with ", ". */
function asNodeReads(headers: HeaderPairs, name: string): string | undefined {
  const values = headers.filter(([each]) => each.toLowerCase() === name.toLowerCase()).map(([, value]) => value)
  return values.length === 0 ? undefined : values.join(', ')
}

interface Case {
  name: string
  headers: HeaderPairs
  body: Buffer
  keys: ProviderKey[]
  /** The verifier's clock (ms); the oracle's clock is pinned there. */
  nowMs: number
  target?: string
  /** The reason the verdict must give when the oracle refuses (else any invalid reason). */
  reason?: InvalidReason
  /** Words the verdict's message must hold. */
  says?: RegExp
  /** The oracle has no say (it throws on the input): only `expected` is checked. */
  expected?: 'valid' | 'invalid' | 'no-key'
}

function analyze(provider: PinnableProviderId, testCase: Case): ReturnType<typeof analyzeDelivery> {
  return analyzeDelivery(
    { method: 'POST', target: testCase.target ?? '/hooks/in', headers: testCase.headers, body: testCase.body },
    { now: new Date(testCase.nowMs), keys: testCase.keys, pinnedProvider: provider },
  )
}

function expectAgreement(provider: PinnableProviderId, testCase: Case, oracle: boolean): void {
  const analysis = analyze(provider, testCase)
  const verdict = analysis.verdict
  const shown = `${verdict.status}: ${verdict.message}`
  if (testCase.expected !== undefined) expect(verdict.status, shown).toBe(testCase.expected)
  else expect(verdict.status === 'valid', shown).toBe(oracle)
  if (!oracle && testCase.keys.length > 0 && testCase.expected === undefined) expect(verdict.status, shown).toBe('invalid')
  if (testCase.reason && verdict.status === 'invalid') expect(verdict.reason, shown).toBe(testCase.reason)
  if (testCase.says) expect(verdict.message).toMatch(testCase.says)
}

let counted = 0
const countCase = (): void => {
  counted += 1
}

// ---------------------------------------------------------------------------------------------
// Stripe: stripe-node's webhooks.signature.verifyHeader (what constructEvent runs)

describe('Stripe against stripe-node', () => {
  const verifier = new Stripe('sk_test_unused').webhooks.signature
  if (!verifier) throw new Error('stripe-node has no webhooks.signature')
  const secret = `whsec_${material('stripe').toString('hex').slice(0, 32)}`
  const other = `whsec_${material('stripe-other-endpoint').toString('hex').slice(0, 32)}`
  const key = (value: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'stripe', value })
  /** stripe-node hashes the body as TextDecoder reads it (a byte order mark dropped): Stripe's own signing, as far as its library can tell. */
  const v1 = (value: string, body: Buffer, t = T): string => hmac('sha256', value, `${t}.`, utf8(new TextDecoder().decode(body))).toString('hex')

  const cases = (body: Buffer): Case[] => {
    const good = v1(secret, body)
    const header = (value: string): HeaderPairs => [['Stripe-Signature', value]]
    const base = { body, keys: [key(secret)], nowMs: AT_T }
    return [
      { name: 'valid', headers: header(`t=${T},v1=${good}`), ...base },
      { name: 'rotation: the second of two keys', headers: header(`t=${T},v1=${good}`), ...base, keys: [key(other), key(secret)] },
      { name: 'two v1, the right one second', headers: header(`t=${T},v1=${v1(other, body)},v1=${good}`), ...base },
      { name: 'v0 beside v1', headers: header(`t=${T},v1=${good},v0=${good}`), ...base },
      { name: 'space after the comma', headers: header(`t=${T}, v1=${good}`), ...base, reason: 'malformed-signature', says: /spaces/ },
      { name: 'space before the timestamp', headers: header(`v1=${good}, t=${T}`), ...base, reason: 'malformed-signature' },
      { name: 'V1 in upper case', headers: header(`t=${T},V1=${good}`), ...base },
      { name: 'hex in upper case', headers: header(`t=${T},v1=${good.toUpperCase()}`), ...base, reason: 'wrong-encoding' },
      { name: 'base64 instead of hex', headers: header(`t=${T},v1=${Buffer.from(good, 'hex').toString('base64')}`), ...base },
      { name: 'truncated v1', headers: header(`t=${T},v1=${good.slice(0, 62)}`), ...base, reason: 'malformed-signature' },
      { name: 'sent twice, the right one first', headers: [...header(`t=${T},v1=${good}`), ...header(`t=${T},v1=${v1(other, body)}`)], ...base },
      { name: 'sent twice, the right one second', headers: [...header(`t=${T},v1=${v1(other, body)}`), ...header(`t=${T},v1=${good}`)], ...base },
      { name: 'key of another endpoint', headers: header(`t=${T},v1=${v1(other, body)}`), ...base, reason: 'signature-mismatch' },
      { name: 'the secret without whsec_', headers: header(`t=${T},v1=${good}`), ...base, keys: [key(secret.slice('whsec_'.length))] },
      { name: 'signed over the raw bytes', headers: header(`t=${T},v1=${hmac('sha256', secret, `${T}.`, body).toString('hex')}`), ...base },
      { name: '300.999 s old (stripe-node counts whole seconds)', headers: header(`t=${T},v1=${good}`), ...base, nowMs: AT_T + 300_999 },
      { name: '301 s old', headers: header(`t=${T},v1=${good}`), ...base, nowMs: AT_T + 301_000, reason: 'stale-timestamp' },
      { name: 'an hour in the future', headers: header(`t=${T},v1=${good}`), ...base, nowMs: AT_T - 3_600_000 },
    ]
  }

  for (const body of BODIES) {
    for (const testCase of cases(body.bytes)) {
      it(`${body.name}: ${testCase.name}`, () => {
        countCase()
        const header = asNodeReads(testCase.headers, 'Stripe-Signature') ?? ''
        const secrets = testCase.keys.flatMap((each) => (each.kind === 'hmac-secret' ? [each.value] : []))
        const oracle = secrets.some((value) => {
          try {
            return verifier.verifyHeader(testCase.body, header, value, 300, undefined, testCase.nowMs)
          } catch {
            return false
          }
        })
        expectAgreement('stripe', testCase, oracle)
      })
    }
  }

  it('a Stripe delivery with only another provider’s key of the same value: no key, not a verdict on it', () => {
    const body = BODIES[0]?.bytes ?? Buffer.alloc(0)
    const analysis = analyze('stripe', {
      name: 'github key',
      headers: [['Stripe-Signature', `t=${T},v1=${v1(secret, body)}`]],
      body,
      keys: [{ kind: 'hmac-secret', provider: 'github', value: secret }],
      nowMs: AT_T,
    })
    expect(analysis.verdict).toMatchObject({ status: 'no-key', message: expect.stringMatching(/Stripe/) })
  })
})

// ---------------------------------------------------------------------------------------------
// Standard Webhooks: the standardwebhooks package's Webhook.verify

describe('Standard Webhooks against the standardwebhooks package', () => {
  const secretBytes = material('standard-webhooks').subarray(0, 24)
  const secret = `whsec_${secretBytes.toString('base64')}`
  const otherBytes = material('standard-webhooks-other').subarray(0, 24)
  const other = `whsec_${otherBytes.toString('base64')}`
  const key = (value: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'standard-webhooks', value })
  const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W'
  /** The package hashes payload.toString(): what a sender following the algorithm over UTF-8 text signs. */
  const sign = (keyBytes: Buffer, body: Buffer, t: number | string = T): string =>
    hmac('sha256', keyBytes, `${id}.${t}.`, utf8(body.toString('utf8'))).toString('base64')

  const cases = (body: Buffer): Case[] => {
    const good = sign(secretBytes, body)
    const headers = (signature: string | string[], t: number | string = T): HeaderPairs => [
      ['webhook-id', id],
      ['webhook-timestamp', String(t)],
      ...(Array.isArray(signature) ? signature : [signature]).map((value): [string, string] => ['webhook-signature', value]),
    ]
    const base = { body, keys: [key(secret)], nowMs: AT_T }
    return [
      { name: 'valid', headers: headers(`v1,${good}`), ...base },
      { name: 'rotation: the second of two keys', headers: headers(`v1,${good}`), ...base, keys: [key(other), key(secret)] },
      { name: 'two entries, the right one second', headers: headers(`v1,${sign(otherBytes, body)} v1,${good}`), ...base },
      { name: 'two spaces between entries', headers: headers(`v1,${sign(otherBytes, body)}  v1,${good}`), ...base },
      { name: 'a tab between entries', headers: headers(`v1,${sign(otherBytes, body)}\tv1,${good}`), ...base },
      { name: 'V1 in upper case', headers: headers(`V1,${good}`), ...base },
      { name: 'padding dropped', headers: headers(`v1,${good.replace(/=+$/, '')}`), ...base, reason: 'wrong-encoding' },
      { name: 'hex instead of base64', headers: headers(`v1,${Buffer.from(good, 'base64').toString('hex')}`), ...base },
      { name: 'truncated', headers: headers(`v1,${good.slice(0, 40)}`), ...base },
      { name: 'sent twice, the right one first', headers: headers([`v1,${good}`, `v1,${sign(otherBytes, body)}`]), ...base },
      { name: 'sent twice, the right one second', headers: headers([`v1,${sign(otherBytes, body)}`, `v1,${good}`]), ...base },
      { name: 'key of another endpoint', headers: headers(`v1,${sign(otherBytes, body)}`), ...base, reason: 'signature-mismatch' },
      // The libraries sign the number they parse from the header, not its text.
      {
        name: 'a timestamp with a leading zero, signed as sent',
        headers: headers(`v1,${sign(secretBytes, body, `0${T}`)}`, `0${T}`),
        ...base,
        reason: 'signature-mismatch',
      },
      { name: 'a timestamp with a leading zero, signed as the number', headers: headers(`v1,${good}`, `0${T}`), ...base },
      { name: 'signed over the raw bytes', headers: headers(`v1,${hmac('sha256', secretBytes, `${id}.${T}.`, body).toString('base64')}`), ...base },
      { name: 'the secret used as text (Stripe-style)', headers: headers(`v1,${hmac('sha256', secret, `${id}.${T}.`, body).toString('base64')}`), ...base },
      { name: '300.999 s old (whole seconds)', headers: headers(`v1,${good}`), ...base, nowMs: AT_T + 300_999 },
      { name: '301 s old', headers: headers(`v1,${good}`), ...base, nowMs: AT_T + 301_000, reason: 'stale-timestamp' },
      { name: '300 s in the future', headers: headers(`v1,${good}`), ...base, nowMs: AT_T - 300_000 },
      {
        name: '300.3 s in the future (the library floors its clock)',
        headers: headers(`v1,${good}`),
        ...base,
        nowMs: AT_T - 300_300,
        reason: 'stale-timestamp',
      },
    ]
  }

  for (const body of BODIES) {
    for (const testCase of cases(body.bytes)) {
      it(`${body.name}: ${testCase.name}`, () => {
        countCase()
        vi.useFakeTimers({ toFake: ['Date'], now: testCase.nowMs })
        const headers: Record<string, string> = {}
        for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) headers[name] = asNodeReads(testCase.headers, name) ?? ''
        const secrets = testCase.keys.flatMap((each) => (each.kind === 'hmac-secret' ? [each.value] : []))
        const oracle = secrets.some((value) => {
          try {
            new Webhook(value).verify(testCase.body, headers, { jsonParse: false })
            return true
          } catch {
            return false
          }
        })
        vi.useRealTimers()
        expectAgreement('standard-webhooks', testCase, oracle)
      })
    }
  }
})

// ---------------------------------------------------------------------------------------------
// GitHub: @octokit/webhooks-methods verify (it takes the body as text, and refuses an empty one as an argument error)

describe('GitHub against @octokit/webhooks-methods', () => {
  const secret = "It's a Secret to Everybody, rotated"
  const other = 'the secret of another webhook'
  const key = (value: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'github', value })
  const mac = (value: string, body: Buffer): string => hmac('sha256', value, body).toString('hex')

  const cases = (body: Buffer): Case[] => {
    const good = mac(secret, body)
    const header = (value: string): HeaderPairs => [
      ['X-GitHub-Event', 'push'],
      ['X-Hub-Signature-256', value],
    ]
    const base = { body, keys: [key(secret)], nowMs: AT_T }
    return [
      { name: 'valid', headers: header(`sha256=${good}`), ...base },
      { name: 'rotation: the second of two keys', headers: header(`sha256=${good}`), ...base, keys: [key(other), key(secret)] },
      { name: 'SHA256= in upper case', headers: header(`SHA256=${good}`), ...base },
      { name: 'hex in upper case', headers: header(`sha256=${good.toUpperCase()}`), ...base, reason: 'wrong-encoding' },
      { name: 'no prefix', headers: header(good), ...base },
      { name: 'space after =', headers: header(`sha256= ${good}`), ...base },
      { name: 'base64 instead of hex', headers: header(`sha256=${Buffer.from(good, 'hex').toString('base64')}`), ...base },
      { name: 'truncated', headers: header(`sha256=${good.slice(0, 63)}`), ...base },
      {
        name: 'sent twice, both right',
        headers: [...header(`sha256=${good}`), ['X-Hub-Signature-256', `sha256=${good}`]],
        ...base,
        says: /X-Hub-Signature-256/,
      },
      { name: 'sent twice, the right one first', headers: [...header(`sha256=${good}`), ['X-Hub-Signature-256', `sha256=${mac(other, body)}`]], ...base },
      { name: 'key of another webhook', headers: header(`sha256=${mac(other, body)}`), ...base, reason: 'signature-mismatch' },
    ]
  }

  for (const body of TEXT_BODIES.filter((each) => each.bytes.length > 0)) {
    for (const testCase of cases(body.bytes)) {
      it(`${body.name}: ${testCase.name}`, async () => {
        countCase()
        const header = asNodeReads(testCase.headers, 'X-Hub-Signature-256') ?? ''
        const secrets = testCase.keys.flatMap((each) => (each.kind === 'hmac-secret' ? [each.value] : []))
        let oracle = false
        for (const value of secrets) oracle = (await octokitVerify(value, testCase.body.toString('utf8'), header)) || oracle
        expectAgreement('github', testCase, oracle)
      })
    }
  }

  it('empty body: octokit refuses the payload before any signature, so no verdict is valid, with or without a key', async () => {
    countCase()
    const empty = Buffer.alloc(0)
    const ofNothing = `sha256=${mac(secret, empty)}`
    await expect(octokitVerify(secret, '', ofNothing)).rejects.toThrow(/eventPayload/)
    const cases: Array<[string, HeaderPairs, ProviderKey[], RegExp]> = [
      ['the HMAC of no bytes', [['X-Hub-Signature-256', ofNothing]], [key(secret)], /the HMAC of no bytes under the configured secret/],
      ['another key’s HMAC of no bytes', [['X-Hub-Signature-256', `sha256=${mac(other, empty)}`]], [key(secret)], /not the HMAC of no bytes either/],
      ['no key configured', [['X-Hub-Signature-256', ofNothing]], [], /no secret is configured/],
      ['the legacy SHA-1 header alone', [['X-Hub-Signature', `sha1=${hmac('sha1', secret, empty).toString('hex')}`]], [key(secret)], /HMAC of no bytes/],
    ]
    for (const [name, headers, keys, note] of cases) {
      const analysis = analyze('github', { name, headers: [['X-GitHub-Event', 'push'], ...headers], body: empty, keys, nowMs: AT_T })
      expect({ name, status: analysis.verdict.status, reason: analysis.verdict.status === 'invalid' ? analysis.verdict.reason : null }).toEqual({
        name,
        status: 'invalid',
        reason: 'malformed-body',
      })
      expect(analysis.verdict.message).toMatch(/the body is empty.*@octokit\/webhooks-methods refuses an empty payload/)
      expect(analysis.explanation.notes.join('\n')).toMatch(note)
      expect(analysis.summary.problems).toContain('the body is empty: GitHub sends every event with a JSON (or form-encoded payload=) body')
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Paddle Billing: @paddle/paddle-node-sdk webhooks.isSignatureValid (docs/providers/paddle.md)

describe('Paddle against @paddle/paddle-node-sdk', () => {
  const paddle = new Paddle('pdl_sdbx_apikey_01unused')
  const secret = 'pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI'
  const other = 'pdl_ntfset_01hzzzzzzzzzzzzzzzzzzzzzzz_otherdestinationsecretkey0000'
  const key = (value: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'paddle', value })
  const h1 = (value: string, body: Buffer, t = T): string => hmac('sha256', value, `${t}:`, body).toString('hex')

  const cases = (body: Buffer): Case[] => {
    const good = h1(secret, body)
    const header = (value: string): HeaderPairs => [['Paddle-Signature', value]]
    const base = { body, keys: [key(secret)], nowMs: AT_T }
    return [
      { name: 'valid', headers: header(`ts=${T};h1=${good}`), ...base },
      { name: 'rotation: the second of two keys', headers: header(`ts=${T};h1=${good}`), ...base, keys: [key(other), key(secret)] },
      { name: 'two h1, the right one last', headers: header(`ts=${T};h1=${h1(other, body)};h1=${good}`), ...base },
      { name: 'space after the semicolon', headers: header(`ts=${T}; h1=${good}`), ...base, reason: 'malformed-signature', says: /spaces/ },
      { name: 'hex in upper case', headers: header(`ts=${T};h1=${good.toUpperCase()}`), ...base, reason: 'wrong-encoding' },
      { name: 'truncated', headers: header(`ts=${T};h1=${good.slice(0, 60)}`), ...base },
      { name: 'key of another destination', headers: header(`ts=${T};h1=${h1(other, body)}`), ...base, reason: 'signature-mismatch' },
      { name: 'exactly 5 s old', headers: header(`ts=${T};h1=${good}`), ...base, nowMs: AT_T + 5000 },
      { name: '5.001 s old (the SDK counts milliseconds)', headers: header(`ts=${T};h1=${good}`), ...base, nowMs: AT_T + 5001, reason: 'stale-timestamp' },
      { name: '5.4 s old', headers: header(`ts=${T};h1=${good}`), ...base, nowMs: AT_T + 5400, reason: 'stale-timestamp', says: /5\.4 s old/ },
      { name: 'a minute in the future', headers: header(`ts=${T};h1=${good}`), ...base, nowMs: AT_T - 60_000 },
    ]
  }

  for (const body of TEXT_BODIES) {
    for (const testCase of cases(body.bytes)) {
      it(`${body.name}: ${testCase.name}`, async () => {
        countCase()
        vi.useFakeTimers({ toFake: ['Date'], now: testCase.nowMs })
        const header = asNodeReads(testCase.headers, 'Paddle-Signature') ?? ''
        const secrets = testCase.keys.flatMap((each) => (each.kind === 'hmac-secret' ? [each.value] : []))
        let oracle = false
        for (const value of secrets) {
          try {
            oracle = (await paddle.webhooks.isSignatureValid(testCase.body.toString('utf8'), value, header)) || oracle
          } catch {
            // The SDK throws on a header it cannot read: a refusal.
          }
        }
        vi.useRealTimers()
        expectAgreement('paddle', testCase, oracle)
      })
    }
  }
})

// ---------------------------------------------------------------------------------------------
// Square: square's WebhooksHelper.verifySignature (docs/providers/square.md)

describe('Square against the square SDK', () => {
  const url = 'https://hooks.example.test/square/in?shop=caf%C3%A9&x=1+2'
  const signatureKey = 'sq-signature-key-Y2FmZQ'
  const otherKey = 'sq-signature-key-of-another-subscription'
  const key = (value: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'square', value, notificationUrl: url })
  const sig = (value: string, body: Buffer, signedUrl = url): string => hmac('sha256', value, signedUrl, body).toString('base64')

  const cases = (body: Buffer): Case[] => {
    const good = sig(signatureKey, body)
    const header = (value: string): HeaderPairs => [['x-square-hmacsha256-signature', value]]
    const base = { body, keys: [key(signatureKey)], nowMs: AT_T, target: '/square/in?shop=caf%C3%A9&x=1+2' }
    return [
      { name: 'valid', headers: header(good), ...base },
      { name: 'rotation: the second of two keys', headers: header(good), ...base, keys: [key(otherKey), key(signatureKey)] },
      { name: 'padding dropped', headers: header(good.replace(/=+$/, '')), ...base, reason: 'wrong-encoding' },
      { name: 'hex instead of base64', headers: header(Buffer.from(good, 'base64').toString('hex')), ...base },
      { name: 'truncated', headers: header(good.slice(0, 40)), ...base },
      { name: 'sent twice, the right one first', headers: [...header(good), ...header(sig(otherKey, body))], ...base },
      { name: 'key of another subscription', headers: header(sig(otherKey, body)), ...base, reason: 'signature-mismatch' },
      { name: 'the query decoded in the signed URL', headers: header(sig(signatureKey, body, decodeURIComponent(url))), ...base },
    ]
  }

  for (const body of TEXT_BODIES) {
    for (const testCase of cases(body.bytes)) {
      it(`${body.name}: ${testCase.name}`, async () => {
        countCase()
        const header = asNodeReads(testCase.headers, 'x-square-hmacsha256-signature') ?? ''
        let oracle = false
        for (const each of testCase.keys) {
          if (each.kind !== 'hmac-secret') continue
          oracle =
            (await WebhooksHelper.verifySignature({
              requestBody: testCase.body.toString('utf8'),
              signatureHeader: header,
              signatureKey: each.value,
              notificationUrl: url,
            })) || oracle
        }
        expectAgreement('square', testCase, oracle)
      })
    }
  }
})

// ---------------------------------------------------------------------------------------------
// Adyen platform webhooks: @adyen/api-library hmacValidator.validateHMACSignature (providers.md §5.5)

describe('Adyen platform webhooks against @adyen/api-library', () => {
  const validator = new HmacValidator()
  const hexKey = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056'
  const otherHex = material('adyen-other').toString('hex').toUpperCase()
  const key = (value: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'adyen', value })
  const sig = (value: string, body: Buffer): string => hmac('sha256', Buffer.from(value, 'hex'), body).toString('base64')

  const cases = (body: Buffer): Case[] => {
    const good = sig(hexKey, body)
    const header = (value: string): HeaderPairs => [['HmacSignature', value]]
    const base = { body, keys: [key(hexKey)], nowMs: AT_T }
    return [
      { name: 'valid', headers: header(good), ...base },
      { name: 'the key in lower-case hex', headers: header(good), ...base, keys: [key(hexKey.toLowerCase())] },
      { name: 'rotation: the second of two keys', headers: header(good), ...base, keys: [key(otherHex), key(hexKey)] },
      { name: 'hex instead of base64', headers: header(Buffer.from(good, 'base64').toString('hex')), ...base },
      { name: 'truncated', headers: header(good.slice(0, 40)), ...base },
      { name: 'key of another merchant account', headers: header(sig(otherHex, body)), ...base, reason: 'signature-mismatch' },
      { name: 'the key used as text, not hex-decoded', headers: header(hmac('sha256', hexKey, body).toString('base64')), ...base },
    ]
  }

  // The library signs the body as a JavaScript string: bodies that are not their own UTF-8 text are left out.
  for (const body of TEXT_BODIES.filter((each) => each.bytes.length > 0)) {
    for (const testCase of cases(body.bytes)) {
      it(`${body.name}: ${testCase.name}`, () => {
        countCase()
        const header = asNodeReads(testCase.headers, 'HmacSignature') ?? ''
        const oracle = testCase.keys.some(
          (each) => each.kind === 'hmac-secret' && validator.validateHMACSignature(each.value, header, testCase.body.toString('utf8')),
        )
        expectAgreement('adyen', testCase, oracle)
      })
    }
  }
})

// ---------------------------------------------------------------------------------------------
// Razorpay: razorpay-node's validateWebhookSignature (it hashes body.toString(), compares the hex text)

describe('Razorpay against razorpay-node', () => {
  const secret = 'rzp-webhook-secret-2f1c'
  const other = 'rzp-webhook-secret-of-another-webhook'
  const key = (value: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'razorpay', value })
  const mac = (value: string, body: Buffer): string => hmac('sha256', value, utf8(body.toString('utf8'))).toString('hex')

  const cases = (body: Buffer): Case[] => {
    const good = mac(secret, body)
    const header = (value: string): HeaderPairs => [['X-Razorpay-Signature', value]]
    const base = { body, keys: [key(secret)], nowMs: AT_T }
    return [
      { name: 'valid', headers: header(good), ...base },
      { name: 'rotation: the second of two secrets', headers: header(good), ...base, keys: [key(other), key(secret)] },
      { name: 'signed over the raw bytes', headers: header(hmac('sha256', secret, body).toString('hex')), ...base },
      { name: 'hex in upper case', headers: header(good.toUpperCase()), ...base, reason: 'wrong-encoding' },
      { name: 'base64 instead of hex', headers: header(Buffer.from(good, 'hex').toString('base64')), ...base },
      { name: 'truncated', headers: header(good.slice(0, 60)), ...base },
      { name: 'sent twice, both right', headers: [...header(good), ...header(good)], ...base },
      { name: 'key of another webhook', headers: header(mac(other, body)), ...base, reason: 'signature-mismatch' },
    ]
  }

  for (const body of BODIES.filter((each) => each.bytes.length > 0)) {
    for (const testCase of cases(body.bytes)) {
      it(`${body.name}: ${testCase.name}`, () => {
        countCase()
        const header = asNodeReads(testCase.headers, 'X-Razorpay-Signature') ?? ''
        const oracle = testCase.keys.some(
          (each) => each.kind === 'hmac-secret' && Razorpay.validateWebhookSignature(testCase.body.toString(), header, each.value),
        )
        expectAgreement('razorpay', testCase, oracle)
      })
    }
  }
})

// ---------------------------------------------------------------------------------------------
// GoCardless: gocardless-nodejs webhooks.verifySignature (raw bytes; Buffer.from(header, 'hex') reads the hex up to the first other character)

describe('GoCardless against gocardless-nodejs', () => {
  const secret = 'gc-webhook-endpoint-secret-9b1e'
  const other = 'gc-secret-of-another-endpoint'
  const key = (value: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'gocardless', value })
  const mac = (value: string, body: Buffer): string => hmac('sha256', value, body).toString('hex')

  const cases = (body: Buffer): Case[] => {
    const good = mac(secret, body)
    const header = (value: string): HeaderPairs => [['Webhook-Signature', value]]
    const base = { body, keys: [key(secret)], nowMs: AT_T }
    return [
      { name: 'valid', headers: header(good), ...base },
      { name: 'rotation: the second of two secrets', headers: header(good), ...base, keys: [key(other), key(secret)] },
      { name: 'hex in upper case (the SDK decodes the hex)', headers: header(good.toUpperCase()), ...base },
      { name: 'base64 instead of hex', headers: header(Buffer.from(good, 'hex').toString('base64')), ...base },
      { name: 'truncated', headers: header(good.slice(0, 60)), ...base },
      { name: 'sent twice, the right one first', headers: [...header(good), ...header(mac(other, body))], ...base },
      { name: 'sent twice, the right one second', headers: [...header(mac(other, body)), ...header(good)], ...base },
      { name: 'key of another endpoint', headers: header(mac(other, body)), ...base, reason: 'signature-mismatch' },
    ]
  }

  for (const body of BODIES) {
    for (const testCase of cases(body.bytes)) {
      it(`${body.name}: ${testCase.name}`, () => {
        countCase()
        const header = asNodeReads(testCase.headers, 'Webhook-Signature') ?? ''
        const oracle = testCase.keys.some((each) => {
          if (each.kind !== 'hmac-secret') return false
          try {
            gocardlessVerify(testCase.body, each.value, header)
            return true
          } catch (error: unknown) {
            if (error instanceof InvalidSignatureError) return false
            throw error
          }
        })
        expectAgreement('gocardless', testCase, oracle)
      })
    }
  }
})

// ---------------------------------------------------------------------------------------------
// IXOPAY (providers.md §1.3; php-ixopay compares the base64 text), written out here

describe('IXOPAY by providers.md §1.3', () => {
  const secret = 'ixopay-test-shared-secret-3f9a2c'
  const other = 'ixopay-shared-secret-of-another-connector'
  const key = (value: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'ixopay', value })
  const JSON_TYPE = 'application/json; charset=utf-8'
  const date = 'Sun, 01 Mar 2026 12:00:00 GMT'
  const target = '/callbacks/ixopay?orderId=1001&name=Alex+Smith&city=M%C3%BCnchen&next=%2Fdone%3Fa%3D1'
  const sign = (value: string, body: Buffer, parts: { uri?: string; hash?: string; type?: string; signedDate?: string } = {}): string =>
    hmac(
      'sha512',
      value,
      [
        'POST',
        createHash(parts.hash ?? 'sha512')
          .update(body)
          .digest('hex'),
        parts.type ?? JSON_TYPE,
        parts.signedDate ?? date,
        parts.uri ?? target,
      ].join('\n'),
    ).toString('base64')

  /** §1.3: any of SHA-512/MD5 body hash, received/canonical Content-Type, Date/X-Date, over the target as received; text compared. */
  function spec(headers: HeaderPairs, body: Buffer, secrets: string[], uri: string): boolean {
    const read = (name: string): string | undefined => asNodeReads(headers, name)
    const received = read('X-Signature')
    if (received === undefined) return false
    const types = [...new Set([read('Content-Type'), JSON_TYPE].filter((each): each is string => each !== undefined))]
    const dates = [read('Date'), read('X-Date')].filter((each): each is string => each !== undefined)
    return secrets.some((value) =>
      ['sha512', 'md5'].some((hash) =>
        types.some((type) => (dates.length > 0 ? dates : ['']).some((signedDate) => sign(value, body, { uri, hash, type, signedDate }) === received)),
      ),
    )
  }

  const cases = (body: Buffer): Case[] => {
    const good = sign(secret, body)
    const headers = (signature: string, extra: HeaderPairs = [['Date', date]]): HeaderPairs => [
      ['Content-Type', JSON_TYPE],
      ...extra,
      ['X-Signature', signature],
    ]
    const base = { body, keys: [key(secret)], nowMs: AT_T, target }
    return [
      { name: 'valid over an encoded query', headers: headers(good), ...base },
      { name: 'valid, MD5 body hash', headers: headers(sign(secret, body, { hash: 'md5' })), ...base },
      { name: 'rotation: the second of two keys', headers: headers(good), ...base, keys: [key(other), key(secret)] },
      {
        name: 'signed over the decoded query',
        headers: headers(sign(secret, body, { uri: decodeURIComponent(target) })),
        ...base,
        reason: 'signature-mismatch',
      },
      { name: 'signed over the path alone', headers: headers(sign(secret, body, { uri: '/callbacks/ixopay' })), ...base },
      { name: 'padding dropped', headers: headers(good.replace(/=+$/, '')), ...base, reason: 'wrong-encoding' },
      { name: 'hex instead of base64', headers: headers(Buffer.from(good, 'base64').toString('hex')), ...base },
      { name: 'truncated', headers: headers(good.slice(0, 80)), ...base, reason: 'malformed-signature' },
      { name: 'an HMAC-SHA256 in its place', headers: headers(hmac('sha256', secret, body).toString('base64')), ...base, reason: 'malformed-signature' },
      {
        name: 'signed with X-Date, Date rewritten',
        headers: headers(good, [
          ['Date', 'Sun, 01 Mar 2026 12:00:07 GMT'],
          ['X-Date', date],
        ]),
        ...base,
      },
      { name: 'Date changed by a second', headers: headers(good, [['Date', 'Sun, 01 Mar 2026 12:00:01 GMT']]), ...base },
      { name: 'key of another connector', headers: headers(sign(other, body)), ...base, reason: 'signature-mismatch' },
      { name: 'a CHIP-style SHA-256 of the body, base64', headers: headers(createHash('sha512').update(body).digest('base64')), ...base },
    ]
  }

  for (const body of BODIES) {
    for (const testCase of cases(body.bytes)) {
      it(`${body.name}: ${testCase.name}`, () => {
        countCase()
        const secrets = testCase.keys.flatMap((each) => (each.kind === 'hmac-secret' ? [each.value] : []))
        expectAgreement('ixopay', testCase, spec(testCase.headers, testCase.body, secrets, testCase.target ?? ''))
      })
    }
  }
})

// ---------------------------------------------------------------------------------------------
// Shopify (providers.md §5.4, base64 and compared as text in Shopify's examples) and Mollie (§5.6)

describe('Shopify and Mollie by providers.md §5.4 and §5.6', () => {
  const secret = 'shpss_0123456789abcdef0123456789abcdef'
  const other = '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'
  const shopifyKey = (value: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'shopify', value })
  const mollieKey = (value: string): ProviderKey => ({ kind: 'hmac-secret', provider: 'mollie', value })

  const shopifyCases = (body: Buffer): Case[] => {
    const good = hmac('sha256', secret, body).toString('base64')
    const header = (value: string): HeaderPairs => [
      ['X-Shopify-Topic', 'orders/paid'],
      ['X-Shopify-Hmac-Sha256', value],
    ]
    const base = { body, keys: [shopifyKey(secret)], nowMs: AT_T }
    return [
      { name: 'valid', headers: header(good), ...base },
      { name: 'rotation: the second of two secrets', headers: header(good), ...base, keys: [shopifyKey(other), shopifyKey(secret)] },
      { name: 'padding dropped', headers: header(good.replace(/=+$/, '')), ...base, reason: 'wrong-encoding' },
      { name: 'hex instead of base64', headers: header(hmac('sha256', secret, body).toString('hex')), ...base, reason: 'wrong-encoding' },
      { name: 'base64url', headers: header(hmac('sha256', secret, body).toString('base64url')), ...base },
      { name: 'truncated', headers: header(good.slice(0, 43)), ...base },
      { name: 'sent twice, both right', headers: [...header(good), ['X-Shopify-Hmac-Sha256', good]], ...base },
      { name: 'key of another app', headers: header(hmac('sha256', other, body).toString('base64')), ...base, reason: 'signature-mismatch' },
    ]
  }
  const shopifySpec = (testCase: Case): boolean => {
    const header = asNodeReads(testCase.headers, 'X-Shopify-Hmac-Sha256')
    return testCase.keys.some((each) => each.kind === 'hmac-secret' && header === hmac('sha256', each.value, testCase.body).toString('base64'))
  }

  const mollieCases = (body: Buffer): Case[] => {
    const good = hmac('sha256', secret, body).toString('hex')
    const header = (value: string): HeaderPairs => [['X-Mollie-Signature', value]]
    const base = { body, keys: [mollieKey(secret)], nowMs: AT_T }
    return [
      { name: 'valid, prefixed', headers: header(`sha256=${good}`), ...base },
      { name: 'valid, bare', headers: header(good), ...base },
      { name: 'rotation: the second of two secrets', headers: header(`sha256=${good}`), ...base, keys: [mollieKey(other), mollieKey(secret)] },
      { name: 'hex in upper case', headers: header(`sha256=${good.toUpperCase()}`), ...base, reason: 'wrong-encoding' },
      { name: 'base64 instead of hex', headers: header(`sha256=${hmac('sha256', secret, body).toString('base64')}`), ...base },
      { name: 'truncated', headers: header(`sha256=${good.slice(0, 62)}`), ...base },
      { name: 'key of another profile', headers: header(`sha256=${hmac('sha256', other, body).toString('hex')}`), ...base, reason: 'signature-mismatch' },
    ]
  }
  /** §5.6: an optional sha256= prefix, one signature per header line (the validator's PSR-7 values, never split on commas); compared as text (PHP hash_equals). */
  const mollieSpec = (testCase: Case): boolean => {
    const values = testCase.headers.filter(([name]) => name.toLowerCase() === 'x-mollie-signature').map(([, value]) => value.trim().replace(/^sha256=/, ''))
    return testCase.keys.some((each) => each.kind === 'hmac-secret' && values.includes(hmac('sha256', each.value, testCase.body).toString('hex')))
  }

  for (const body of BODIES) {
    for (const testCase of shopifyCases(body.bytes))
      it(`Shopify, ${body.name}: ${testCase.name}`, () => {
        countCase()
        expectAgreement('shopify', testCase, shopifySpec(testCase))
      })
    for (const testCase of mollieCases(body.bytes))
      it(`Mollie, ${body.name}: ${testCase.name}`, () => {
        countCase()
        expectAgreement('mollie', testCase, mollieSpec(testCase))
      })
  }
})

// ---------------------------------------------------------------------------------------------
// CHIP (providers.md §2.3): RSA PKCS#1 v1.5 over the raw body, SHA-256 (Collect); the SDK decodes base64 leniently

describe('CHIP by providers.md §2.3', () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const otherPair = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const otherPem = otherPair.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const key = (value: string): ProviderKey => ({ kind: 'rsa-public-key', provider: 'chip', pem: value })

  const cases = (body: Buffer): Case[] => {
    const good = rsaSign('sha256', body, pair.privateKey).toString('base64')
    const header = (value: string): HeaderPairs => [['X-Signature', value]]
    const base = { body, keys: [key(pem)], nowMs: AT_T }
    return [
      { name: 'valid', headers: header(good), ...base },
      { name: 'the company key beside the webhook key', headers: header(good), ...base, keys: [key(otherPem), key(pem)] },
      { name: 'signed with SHA-512 (CHIP Send) on a Collect delivery', headers: header(rsaSign('sha512', body, pair.privateKey).toString('base64')), ...base },
      { name: 'key of another webhook', headers: header(rsaSign('sha256', body, otherPair.privateKey).toString('base64')), ...base },
      { name: 'truncated', headers: header(good.slice(0, 300)), ...base },
      { name: 'hex instead of base64', headers: header(Buffer.from(good, 'base64').toString('hex')), ...base },
    ]
  }
  const spec = (testCase: Case): boolean => {
    const header = asNodeReads(testCase.headers, 'X-Signature') ?? ''
    return testCase.keys.some((each) => each.kind === 'rsa-public-key' && rsaVerify('sha256', testCase.body, each.pem, Buffer.from(header, 'base64')))
  }

  for (const body of BODIES) {
    for (const testCase of cases(body.bytes))
      it(`${body.name}: ${testCase.name}`, () => {
        countCase()
        expectAgreement('chip', testCase, spec(testCase))
      })
  }
})

// ---------------------------------------------------------------------------------------------
// PayPal (providers.md §5.7): RSA SHA-256 over "id|time|webhookId|crc32(body)", the CRC unsigned; the SDK decodes base64 leniently

describe('PayPal by providers.md §5.7', () => {
  const certificate = issueCertificate({ commonName: 'messageverificationcerts.sandbox.paypal.com' })
  const otherCertificate = issueCertificate({ commonName: 'messageverificationcerts.sandbox.paypal.com' })
  const privateKeyOf = (issued: typeof certificate): string => forgePrivatePem(issued)
  const webhookId = '4JH86294D6297924G'
  const otherWebhookId = '8PT597110X687430LKGECATA'
  const id = 'dfb3be50-fd74-11e4-8bf3-77339302725b'
  const time = '2026-03-01T12:00:00Z'
  const keys: ProviderKey[] = [
    { kind: 'certificate', provider: 'paypal', pem: certificate.pem },
    { kind: 'paypal-webhook-id', value: webhookId },
  ]
  const message = (body: Buffer, parts: { webhook?: string; transmissionTime?: string; crc?: number } = {}): string =>
    `${id}|${parts.transmissionTime ?? time}|${parts.webhook ?? webhookId}|${parts.crc ?? crc32(body)}`
  const sign = (text: string, issued = certificate, digest = 'sha256'): string => rsaSign(digest, utf8(text), privateKeyOf(issued)).toString('base64')

  const cases = (body: Buffer): Case[] => {
    const good = sign(message(body))
    const headers = (signature: string, transmissionTime = time): HeaderPairs => [
      ['PAYPAL-TRANSMISSION-ID', id],
      ['PAYPAL-TRANSMISSION-TIME', transmissionTime],
      ['PAYPAL-TRANSMISSION-SIG', signature],
      ['PAYPAL-AUTH-ALGO', 'SHA256withRSA'],
      ['PAYPAL-CERT-URL', 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270'],
    ]
    const base = { body, keys, nowMs: AT_T }
    const signedCrc = crc32(body) | 0
    return [
      { name: 'valid', headers: headers(good), ...base },
      { name: 'the webhook id of another app', headers: headers(sign(message(body, { webhook: otherWebhookId }))), ...base },
      {
        name: 'two webhook ids configured, the right one second',
        headers: headers(good),
        ...base,
        keys: [{ kind: 'paypal-webhook-id', value: otherWebhookId }, ...keys],
      },
      { name: 'the CRC signed as a signed integer (the Java bug)', headers: headers(sign(message(body, { crc: signedCrc }))), ...base },
      { name: 'transmission time changed', headers: headers(good, '2026-03-01T12:00:01Z'), ...base },
      { name: 'certificate of another account', headers: headers(sign(message(body), otherCertificate)), ...base },
      { name: 'signed with SHA-1', headers: headers(sign(message(body), certificate, 'sha1')), ...base },
      { name: 'padding dropped (the SDK decodes base64 leniently)', headers: headers(good.replace(/=+$/, '')), ...base },
      { name: 'hex instead of base64', headers: headers(Buffer.from(good, 'base64').toString('hex')), ...base },
      { name: 'truncated', headers: headers(good.slice(0, 300)), ...base },
    ]
  }
  const spec = (testCase: Case): boolean => {
    const read = (name: string): string => asNodeReads(testCase.headers, name) ?? ''
    const signature = Buffer.from(read('PAYPAL-TRANSMISSION-SIG'), 'base64')
    return testCase.keys.some(
      (each) =>
        each.kind === 'paypal-webhook-id' &&
        rsaVerify(
          'sha256',
          utf8(`${read('PAYPAL-TRANSMISSION-ID')}|${read('PAYPAL-TRANSMISSION-TIME')}|${each.value}|${crc32(testCase.body)}`),
          certificate.certificate.publicKey,
          signature,
        ),
    )
  }

  for (const body of BODIES) {
    for (const testCase of cases(body.bytes))
      it(`${body.name}: ${testCase.name}`, () => {
        countCase()
        expectAgreement('paypal', testCase, spec(testCase))
      })
  }
})

// ---------------------------------------------------------------------------------------------
// Plexo legacy envelopes (providers.md §3.2): RSA SHA-512 over the canonical JSON of Object, the
// certificate's SHA-1 thumbprint in Fingerprint, and not expired as plexo-dotnet counts it:
// (long)(UtcNow - epoch).TotalSeconds > UTCUnixTimeExpiration, whole seconds.

describe('Plexo legacy envelopes by providers.md §3.2', () => {
  const signer = issueCertificate({ commonName: 'plexo-signing.test' })
  const other = issueCertificate({ commonName: 'plexo-other.test' })
  const thumbprintOf = (issued: typeof signer): string => createHash('sha1').update(issued.der).digest('hex').toUpperCase()
  /** Keys sorted recursively (ordinal), no whitespace, null members left out, slashes and unicode as they are. */
  const canonical = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
    if (value !== null && typeof value === 'object')
      return `{${Object.entries(value)
        .filter(([, member]) => member !== null)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, member]) => `${JSON.stringify(name)}:${canonical(member)}`)
        .join(',')}}`
    return JSON.stringify(value)
  }
  const key = (issued: typeof signer): ProviderKey => ({ kind: 'certificate', provider: 'plexo', pem: issued.pem })
  const inner = (parts: { amount?: number; expires?: number; issued?: typeof signer } = {}): Record<string, unknown> => ({
    Fingerprint: thumbprintOf(parts.issued ?? signer),
    Object: { TransactionId: 'tx-1', Client: 'Callback Inspector', Amount: parts.amount ?? 1500.5, Currency: 'UYU', InvoiceNumber: null, Note: 'café / ☕' },
    UTCUnixTimeExpiration: parts.expires ?? T + 600,
  })
  const envelope = (object: Record<string, unknown>, issued = signer, signedObject = object): Buffer =>
    utf8(JSON.stringify({ Object: object, Signature: rsaSign('sha512', utf8(canonical(signedObject)), forgePrivatePem(issued)).toString('base64') }))
  const json: HeaderPairs = [['Content-Type', 'application/json']]
  const cases: Case[] = [
    { name: 'valid', headers: json, body: envelope(inner()), keys: [key(signer)], nowMs: AT_T },
    { name: 'the second of two certificates', headers: json, body: envelope(inner()), keys: [key(other), key(signer)], nowMs: AT_T },
    { name: 'expiring this second, checked 0.9 s later', headers: json, body: envelope(inner({ expires: T })), keys: [key(signer)], nowMs: AT_T + 900 },
    { name: 'expired a second ago', headers: json, body: envelope(inner({ expires: T })), keys: [key(signer)], nowMs: AT_T + 1000, reason: 'expired' },
    { name: 'Amount changed after signing', headers: json, body: envelope(inner({ amount: 9999 }), signer, inner()), keys: [key(signer)], nowMs: AT_T },
    { name: 'signed by another certificate', headers: json, body: envelope(inner({ issued: other }), other), keys: [key(signer)], nowMs: AT_T },
    { name: 'Fingerprint of another certificate', headers: json, body: envelope(inner({ issued: other })), keys: [key(signer)], nowMs: AT_T },
  ]
  const spec = (testCase: Case): boolean => {
    const parsed = JSON.parse(testCase.body.toString('utf8')) as { Object: { Fingerprint: string; UTCUnixTimeExpiration: number }; Signature: string }
    if (Math.floor(testCase.nowMs / 1000) > parsed.Object.UTCUnixTimeExpiration) return false
    return testCase.keys.some(
      (each) =>
        each.kind === 'certificate' &&
        createHash('sha1').update(new X509Certificate(each.pem).raw).digest('hex').toUpperCase() === parsed.Object.Fingerprint &&
        rsaVerify('sha512', utf8(canonical(parsed.Object)), new X509Certificate(each.pem).publicKey, Buffer.from(parsed.Signature, 'base64')),
    )
  }
  for (const testCase of cases)
    it(testCase.name, () => {
      countCase()
      expectAgreement('plexo', testCase, spec(testCase))
    })
})

describe('coverage', () => {
  it('ran every case', () => {
    expect(counted).toBeGreaterThan(400)
  })
})
