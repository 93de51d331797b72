/**
 * Every case in ../shared/fixtures/vectors/*.json through `analyzeDelivery`, with the clock at
 * `params.verifyAt` when given. Checks recognition, `expected.valid`, and where given the signature,
 * the signed message, the reason (mapped to our reason codes) and the confirm request.
 */
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { DeliveryAnalysis, InvalidReason, PinnableProviderId, ProviderKey } from '../../shared/providers'
import { analyzeDelivery } from './index'
import { keysForVector, loadVectors, PROVIDER_BY_FILE, vectorFiles, type VectorCase } from '../../test-support/vectors'

/** The vectors' free-text reasons, mapped to the reason codes the verifier can honestly give. */
const REASON_BY_TEXT: Record<string, InvalidReason> = {
  // HMAC: the verifier cannot tell which input changed; it says so.
  'body hash mismatch': 'signature-mismatch',
  'request URI differs from signed URI': 'signature-mismatch',
  'Date header is part of the signed message': 'signature-mismatch',
  'HMAC mismatch': 'signature-mismatch',
  'no matching v1 signature': 'signature-mismatch',
  'timestamp outside tolerance (signature itself matches)': 'stale-timestamp',
  'encoding mismatch': 'wrong-encoding',
  // RSA: the signature opens under the right key, so a changed body is told apart from a wrong key.
  'raw body bytes differ': 'body-changed',
  'digest mismatch (sha512 signature verified with sha256)': 'digest-mismatch',
  'signature mismatch': 'body-changed',
}

function run(vector: VectorCase, provider: PinnableProviderId, extra: { pinned?: boolean; signedPathOverride?: string } = {}): DeliveryAnalysis {
  const headers: HeaderPairs = Object.entries(vector.headers)
  const now = vector.params?.verifyAt !== undefined ? new Date(vector.params.verifyAt * 1000) : new Date('2025-06-01T00:00:00Z')
  return analyzeDelivery(
    { method: vector.method, target: vector.path, headers, body: Buffer.from(vector.body, 'utf8') },
    {
      now,
      keys: keysForVector(vector, provider),
      ...(vector.params?.toleranceSeconds !== undefined ? { toleranceSeconds: vector.params.toleranceSeconds } : {}),
      ...(extra.pinned ? { pinnedProvider: provider } : {}),
      ...(extra.signedPathOverride ? { signedPathOverride: extra.signedPathOverride } : {}),
    },
  )
}

const files = vectorFiles()

describe('shared vectors', () => {
  it('finds the vector files beside the repository', () => {
    expect(files.length).toBeGreaterThanOrEqual(8)
  })

  for (const file of files) {
    const provider = PROVIDER_BY_FILE[file]
    const vectors = loadVectors(file)
    describe(file, () => {
      it('has a known provider', () => {
        expect(provider).toBeDefined()
      })
      if (!provider) return
      for (const vector of vectors) {
        it(vector.name, () => {
          const analysis = run(vector, provider)
          // Whatever the case, the analysis must be JSON-serialisable as is.
          expect(JSON.parse(JSON.stringify(analysis))).toEqual(analysis)

          if (vector.scheme === 'none') {
            if (vector.expected.valid) {
              expect(analysis.provider.id).toBe(provider)
              expect(analysis.verdict.status).toBe('unsigned')
              expect(analysis.summary.problems).toEqual([])
              const mustFetch = vector.expected.mustFetch ?? vector.expected.mustConfirmVia
              if (mustFetch) {
                const hint = analysis.summary.signalOnly
                expect(hint).not.toBeNull()
                expect([hint?.display, hint?.path, `${String(hint?.method)} ${String(hint?.path)}`]).toContain(mustFetch)
                if (analysis.verdict.status === 'unsigned') expect(analysis.verdict.confirmHint).toEqual(hint)
              }
              if (vector.expected.status) expect(analysis.summary.status).toBe(vector.expected.status)
            } else {
              // Not this provider's shape: detection must not claim it...
              expect(analysis.provider.id).not.toBe(provider)
              // ...and pinned to the provider, the parser reports the shape problems.
              const pinned = run(vector, provider, { pinned: true })
              expect(pinned.provider).toMatchObject({ id: provider, pinned: true })
              expect(pinned.summary.problems.length).toBeGreaterThan(0)
              if (vector.expected.reason) {
                // Every clause of the expected reason is among the problems found.
                for (const clause of vector.expected.reason.split('; ')) expect(pinned.summary.problems).toContain(clause)
              }
            }
            return
          }

          expect(analysis.provider.id).toBe(provider)
          if (vector.expected.valid) {
            expect(analysis.verdict, JSON.stringify(analysis.verdict)).toMatchObject({ status: 'valid' })
            const matched = analysis.explanation.attempts.find((attempt) => attempt.matched)
            expect(matched).toBeDefined()
            if (vector.expected.signature) {
              expect(analysis.explanation.receivedSignatures.join(' ')).toContain(vector.expected.signature)
              if (matched?.computedSignature !== null) expect(matched?.computedSignature).toBe(vector.expected.signature)
            }
            if (vector.expected.signedMessage) expect(matched?.signedString).toBe(vector.expected.signedMessage)
          } else {
            expect(analysis.verdict.status, JSON.stringify(analysis.verdict)).toBe('invalid')
            if (vector.expected.reason) {
              const reason = REASON_BY_TEXT[vector.expected.reason]
              expect(reason, `map "${vector.expected.reason}"`).toBeDefined()
              expect(analysis.verdict).toMatchObject({ status: 'invalid', reason })
            }
          }
        })
      }
    })
  }
})

describe('vector details', () => {
  const load = loadVectors
  const find = (file: string, name: string): VectorCase => {
    const vector = load(file).find((candidate) => candidate.name === name)
    if (!vector) throw new Error(`missing vector ${name}`)
    return vector
  }

  it('IXOPAY: the wrong-URI case verifies once the original callback path is set', () => {
    const vector = find('ixopay.json', 'ixopay-wrong-request-uri-invalid')
    const analysis = run(vector, 'ixopay', { signedPathOverride: '/callbacks/ixopay?orderId=1001' })
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'SHA-512 body hash, Date header, received Content-Type' })
  })

  it('IXOPAY: reports which body hash matched (SHA-512 vs MD5) and the legacy XML variant', () => {
    expect(run(find('ixopay.json', 'ixopay-json-md5-legacy-valid'), 'ixopay').verdict).toMatchObject({
      status: 'valid',
      variant: 'MD5 body hash, Date header, received Content-Type',
    })
    const legacy = run(find('ixopay.json', 'ixopay-legacy-xml-authorization-valid'), 'ixopay')
    expect(legacy.provider).toMatchObject({ id: 'ixopay', variant: 'legacy-xml' })
    expect(legacy.verdict).toMatchObject({ status: 'valid', variant: 'MD5 body hash, Date header, received Content-Type' })
    expect(legacy.summary).toMatchObject({
      status: 'OK',
      eventType: 'DEBIT',
      providerObjectId: 'd94c0d72f3a36e21f16e',
      merchantReference: 'your-unique-identifier',
      bodyFormat: 'xml',
    })
    expect(legacy.summary.amount?.amountDisplay).toBe('9.99 EUR')
  })

  it('IXOPAY: the Date skew is shown (not enforced), with a note when it is large', () => {
    const analysis = run(find('ixopay.json', 'ixopay-json-sha512-ok-valid'), 'ixopay')
    expect(analysis.verdict.status).toBe('valid')
    expect(analysis.explanation.timestamp).toMatchObject({ signedAt: '2020-07-21T13:15:03.000Z', toleranceSeconds: null, withinTolerance: true })
    expect(analysis.explanation.notes.join(' ')).toContain('IXOPAY does not bound it')
  })

  it('IXOPAY: a Date rewritten by a proxy still verifies through X-Date', () => {
    const vector = find('ixopay.json', 'ixopay-json-sha512-ok-valid')
    const moved = { ...vector, headers: { ...vector.headers, Date: 'Wed, 01 Jan 2025 00:00:00 GMT', 'X-Date': 'Tue, 21 Jul 2020 13:15:03 UTC' } }
    expect(run(moved, 'ixopay').verdict).toMatchObject({ status: 'valid', variant: 'SHA-512 body hash, X-Date header, received Content-Type' })
  })

  it('IXOPAY: a received Content-Type differing from the SDK one falls back to the canonical value', () => {
    const vector = find('ixopay.json', 'ixopay-json-sha512-ok-valid')
    const rewritten = { ...vector, headers: { ...vector.headers, 'Content-Type': 'application/json' } }
    expect(run(rewritten, 'ixopay').verdict).toMatchObject({ status: 'valid', variant: 'SHA-512 body hash, Date header, canonical Content-Type' })
  })

  it('CHIP: the reserialised body is diagnosed as body-changed, a foreign key as wrong-key, and with both keys configured the right one is reported', () => {
    const paid = find('chip.json', 'chip-generated-purchase-paid-valid')
    const send = find('chip.json', 'chip-send-generated-sha512-valid')
    const collectKey = (paid.secretOrKey as { publicKeyPem: string }).publicKeyPem
    const sendKey = (send.secretOrKey as { publicKeyPem: string }).publicKeyPem
    const withKeys = (vector: VectorCase, keys: ProviderKey[]): DeliveryAnalysis =>
      analyzeDelivery(
        { method: 'POST', target: vector.path, headers: Object.entries(vector.headers), body: Buffer.from(vector.body) },
        { now: new Date(), keys },
      )
    const wrong = withKeys(paid, [{ kind: 'rsa-public-key', provider: 'chip', pem: sendKey }])
    expect(wrong.verdict).toMatchObject({ status: 'invalid', reason: 'wrong-key' })
    expect(wrong.verdict.status === 'invalid' && wrong.verdict.message).toContain("use the company key for success_callback and the webhook's own public_key")
    // A Send webhook checked with a Collect key is told which key it needs, not Collect's two channels.
    const sendWithCollectKey = withKeys(send, [{ kind: 'rsa-public-key', provider: 'chip', pem: collectKey }])
    expect(sendWithCollectKey.verdict).toMatchObject({ status: 'invalid', reason: 'wrong-key' })
    expect(sendWithCollectKey.verdict.status === 'invalid' && sendWithCollectKey.verdict.message).toMatch(
      /this is a CHIP Send webhook: add the public_key of the CHIP Send webhook it came from$/,
    )
    const both = withKeys(paid, [
      { kind: 'rsa-public-key', provider: 'chip', pem: sendKey, label: 'webhook key' },
      { kind: 'rsa-public-key', provider: 'chip', pem: collectKey, label: 'company key' },
    ])
    expect(both.verdict).toMatchObject({ status: 'valid', variant: 'CHIP Collect (RSA SHA-256)' })
    expect(both.verdict.status === 'valid' && both.verdict.message).toContain('company key')
    // Without a product on the key, the Event-Type header selects CHIP Send's SHA-512.
    const sendAuto = withKeys(send, [{ kind: 'rsa-public-key', provider: 'chip', pem: sendKey }])
    expect(sendAuto.provider).toMatchObject({ id: 'chip', variant: 'send' })
    expect(sendAuto.verdict).toMatchObject({ status: 'valid', variant: 'CHIP Send (RSA SHA-512)' })
  })
})
