/**
 * Captures of every shape an export writes (text, binary, chunked, compressed, refused, with a
 * verdict, a note over several lines, resends, a configured secret, card data), made the same on
 * every call, for tests that compare export files byte for byte with a known-good rendering.
 */
import { gzipSync } from 'node:zlib'
import type { CaptureRecognition } from '../shared/views'
import type { ReplayRecord } from '../shared/replay'
import type { ExchangeCapture } from '../core/exchange/exchange-capture'
import type { ExportContext } from '../core/exchange/export-file'

/** The configured secret some samples carry (removed from every export). */
export const SAMPLE_SECRET = 'whsec_sample_secret_1234'

const RECOGNITION = {
  provider: { id: 'stripe', name: 'Stripe', variant: null },
  verdict: { status: 'valid', reason: null, message: 'signature matches "whsec_…"\nsecond line' },
  summary: {
    eventType: 'payment_intent.succeeded',
    status: 'succeeded',
    objectId: 'pi_4111111111111111',
    eventId: 'evt_1',
    reference: 'order jane@example.com',
    amount: '9.99 EUR',
    paymentMethod: 'card',
    signalOnly: false,
  },
} as unknown as CaptureRecognition

const RESEND = {
  id: 'resend-1',
  kind: 'resend',
  at: '2026-12-06T10:00:05.000Z',
  sent: { method: 'POST', url: `http://127.0.0.1:9/hook?key=${SAMPLE_SECRET}` },
} as unknown as ReplayRecord

/** `count` captures cycling through the shapes; capture n is the same on every call. */
export function sampleCaptures(count: number): ExchangeCapture[] {
  return Array.from({ length: count }, (_, index) => sampleCapture(index))
}

function sampleCapture(index: number): ExchangeCapture {
  const at = new Date(Date.UTC(2026, 11, 6, 10, 0, 0) + index * 1_234).toISOString()
  const base: ExchangeCapture = {
    id: `capture-${index}`,
    endpoint: index % 7 === 3 ? null : { name: 'Shop "main"', slug: 'shop' },
    receivedAt: index % 11 === 5 ? null : at,
    durationMs: (index * 0.3333) % 17,
    method: 'POST',
    target: `/hook/${index}?n=${index}&card=4111111111111111&e=a%20b`,
    httpVersion: '1.1',
    headers: [
      ['Host', 'example.test'],
      ['Content-Type', 'application/json'],
      ['Stripe-Signature', `t=1,v1=${index}`],
      ['X-Latin', 'caf\xe9'],
    ],
    trailers: [],
    body: Buffer.from(JSON.stringify({ id: `evt_${index}`, card: '4111 1111 1111 1111', email: 'jane@example.com', text: 'é ✓ 😀 "q" \\ \u2028' })),
    remoteAddress: '127.0.0.1',
    remotePort: 50_000 + index,
    outcome: 'captured',
    refusal: null,
    recognition: index % 2 === 0 ? RECOGNITION : null,
    response: {
      kind: 'respond',
      status: 200,
      headers: [['Content-Type', 'text/plain']],
      bodyBase64: Buffer.from(`ok ${index}`).toString('base64'),
      delayMs: index % 3,
      chosenBy: { kind: 'default' },
    },
    note: index % 5 === 1 ? `line one ${index}\nline "two"\r\nthree ✓` : null,
    pinned: index % 4 === 0,
    origin: index % 9 === 8 ? 'imported' : 'received',
    importedFrom: index % 9 === 8 ? 'HAR file.har, entry 1' : null,
    resends: index % 6 === 2 ? [RESEND] : [],
    forward: null,
    senderLeftAt: null,
  }
  switch (index % 8) {
    case 1: // binary
      return {
        ...base,
        headers: [['Content-Type', 'application/octet-stream']],
        body: Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0d, 0x0a, 0x27, 0x40, index & 0xff]),
      }
    case 2: // chunked form with the secret in it
      return {
        ...base,
        headers: [
          ['Content-Type', 'application/x-www-form-urlencoded'],
          ['Transfer-Encoding', 'chunked'],
          ['Authorization', `Bearer ${SAMPLE_SECRET}`],
        ],
        body: Buffer.from(`a=1&secret=${SAMPLE_SECRET}&email=jane%40example.com`),
      }
    case 3: // refused, no body, no answer
      return {
        ...base,
        body: Buffer.alloc(0),
        outcome: 'refused',
        refusal: { status: 413, reason: 'body over the limit', declaredSize: 99_999_999, receivedBytes: 1024 },
        response: null,
      }
    case 4: // gzip-compressed JSON
      return {
        ...base,
        headers: [
          ['Content-Type', 'application/json'],
          ['Content-Encoding', 'gzip'],
        ],
        body: gzipSync(Buffer.from(`{"card":"4111111111111111","n":${index}}`)),
      }
    case 5: // XML with an empty answer
      return {
        ...base,
        headers: [['Content-Type', 'text/xml']],
        body: Buffer.from(`<a><card>4111111111111111</card><n>${index}</n></a>`),
        response: { kind: 'close', status: null, headers: [], bodyBase64: '', delayMs: 0, chosenBy: { kind: 'rule', ruleId: 'r1', ruleName: 'Close it' } },
      }
    case 6: // latin-1 text body
      return { ...base, headers: [['Content-Type', 'text/plain; charset=iso-8859-1']], body: Buffer.from(`caf\xe9 ${index}`, 'latin1') }
    default:
      return base
  }
}

/** The context every sample export is written with (the redactions are given per test). */
export const SAMPLE_CONTEXT: Omit<ExportContext, 'redactions'> = {
  appVersion: '1.2.3-test',
  origin: 'http://127.0.0.1:5077',
  baseName: 'shop',
  now: new Date(Date.UTC(2026, 11, 6, 11, 0, 0)),
}
