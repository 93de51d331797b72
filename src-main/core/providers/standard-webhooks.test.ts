/**
 * Standard Webhooks v1a (ed25519) verification with fresh random key pairs and random bodies. The
 * signatures are made with plain node:crypto here, never with the app's signer, so a shared
 * mistake in "what is signed" cannot make both sides agree.
 */
import { createHash, createHmac, generateKeyPairSync, randomBytes, randomInt, sign, type KeyObject } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { DeliveryAnalysis, ProviderKey } from '../../shared/providers'
import { analyzeDelivery } from './index'

const ROUNDS = 4

interface TestPair {
  privateKey: KeyObject
  /** `whpk_` + base64 of the raw 32-byte public key, built from the JWK form (independent of the app). */
  whpk: string
  /** SHA-256 of the SPKI DER, first 16 hex: the fingerprint users see. */
  fingerprint: string
}

function freshPair(): TestPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const x = publicKey.export({ format: 'jwk' }).x ?? ''
  return {
    privateKey,
    whpk: `whpk_${Buffer.from(x, 'base64url').toString('base64')}`,
    fingerprint: createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex')
      .slice(0, 16),
  }
}

const publicKeyOf = (pair: TestPair): ProviderKey => ({ kind: 'ed25519-public-key', provider: 'standard-webhooks', value: pair.whpk })
const randomBody = (): Buffer =>
  Buffer.from(
    JSON.stringify({
      type: 'invoice.paid',
      data: { id: `inv_${randomBytes(6).toString('hex')}`, amount: randomInt(1, 1e6), note: `ü ${randomBytes(randomInt(0, 40)).toString('base64')}` },
    }),
  )
const nowSeconds = (): number => Math.floor(Date.now() / 1000)

function v1aEntry(pair: TestPair, id: string, timestamp: number, body: Buffer): string {
  return `v1a,${sign(null, Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]), pair.privateKey).toString('base64')}`
}

function v1Entry(secret: string, id: string, timestamp: number, body: Buffer): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`
}

function headers(id: string, timestamp: number, signature: string, prefix = 'webhook'): HeaderPairs {
  return [
    ['content-type', 'application/json'],
    [`${prefix}-id`, id],
    [`${prefix}-timestamp`, String(timestamp)],
    [`${prefix}-signature`, signature],
  ]
}

function analyze(pairs: HeaderPairs, body: Buffer, keys: ProviderKey[], now = new Date()): DeliveryAnalysis {
  return analyzeDelivery({ method: 'POST', target: '/hooks', headers: pairs, body }, { now, keys })
}

describe('Standard Webhooks v1a (ed25519)', () => {
  it('valid: the verdict and the explanation name v1a (ed25519) and the key fingerprint, never the key', () => {
    for (let round = 0; round < ROUNDS; round++) {
      const pair = freshPair()
      const body = randomBody()
      const id = `msg_${randomBytes(8).toString('hex')}`
      const ts = nowSeconds()
      const analysis = analyze(headers(id, ts, v1aEntry(pair, id, ts, body)), body, [publicKeyOf(pair)])
      expect(analysis.provider).toMatchObject({ id: 'standard-webhooks', variant: 'standard' })
      expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'v1a (ed25519)' })
      expect(analysis.verdict.message).toContain(pair.fingerprint)
      expect(analysis.explanation).toMatchObject({ matchedVariant: 'v1a (ed25519)', keyFingerprint: pair.fingerprint })
      const matched = analysis.explanation.attempts.find((attempt) => attempt.matched)
      expect(matched).toMatchObject({ variant: 'v1a (ed25519)', keyFingerprint: pair.fingerprint, signedString: `${id}.${ts}.${body.toString('utf8')}` })
      expect(JSON.stringify(analysis)).not.toContain(pair.whpk.slice('whpk_'.length, 20))
    }
  })

  it('svix-branded headers: valid as svix v1a (ed25519)', () => {
    const pair = freshPair()
    const body = randomBody()
    const ts = nowSeconds()
    const analysis = analyze(headers('msg_svix', ts, v1aEntry(pair, 'msg_svix', ts, body), 'svix'), body, [publicKeyOf(pair)])
    expect(analysis.provider).toMatchObject({ id: 'standard-webhooks', variant: 'svix' })
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'svix v1a (ed25519)' })
  })

  it('invalid: a tampered body, a changed id, another key', () => {
    for (let round = 0; round < ROUNDS; round++) {
      const pair = freshPair()
      const body = randomBody()
      const id = `msg_${randomBytes(8).toString('hex')}`
      const ts = nowSeconds()
      const signature = v1aEntry(pair, id, ts, body)
      const mismatch = { status: 'invalid', reason: 'signature-mismatch' }
      const tampered = Buffer.from(body)
      const flipAt = randomInt(0, tampered.length)
      tampered[flipAt] = (tampered[flipAt] ?? 0) ^ 0x01
      expect(analyze(headers(id, ts, signature), tampered, [publicKeyOf(pair)]).verdict).toMatchObject(mismatch)
      expect(analyze(headers(`${id}x`, ts, signature), body, [publicKeyOf(pair)]).verdict).toMatchObject(mismatch)
      const other = freshPair()
      const wrongKey = analyze(headers(id, ts, signature), body, [publicKeyOf(other)])
      expect(wrongKey.verdict).toMatchObject(mismatch)
      expect(wrongKey.verdict.message).toContain('v1a')
      expect(wrongKey.explanation.keyFingerprint).toBe(other.fingerprint)
      expect(wrongKey.explanation.attempts).toEqual([expect.objectContaining({ variant: 'v1a (ed25519)', matched: false, computedSignature: null })])
    }
  })

  it('rotation: the second configured public key verifies', () => {
    const [old, current] = [freshPair(), freshPair()]
    const body = randomBody()
    const ts = nowSeconds()
    const analysis = analyze(headers('msg_rot', ts, v1aEntry(current, 'msg_rot', ts, body)), body, [publicKeyOf(old), publicKeyOf(current)])
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'v1a (ed25519)' })
    expect(analysis.explanation.attempts.map((attempt) => [attempt.keyFingerprint, attempt.matched])).toEqual([
      [old.fingerprint, false],
      [current.fingerprint, true],
    ])
  })

  it('stale: more than 300 s off in either direction, with the signature itself matching', () => {
    const pair = freshPair()
    const body = randomBody()
    const ts = nowSeconds()
    const pairs = headers('msg_t', ts, v1aEntry(pair, 'msg_t', ts, body))
    for (const offset of [301, -301]) {
      const analysis = analyze(pairs, body, [publicKeyOf(pair)], new Date((ts + offset) * 1000))
      expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'stale-timestamp' })
      expect(analysis.verdict.message).toContain('v1a (ed25519)')
      expect(analysis.explanation.timestamp).toMatchObject({ skewSeconds: offset, toleranceSeconds: 300, withinTolerance: false })
    }
    expect(analyze(pairs, body, [publicKeyOf(pair)], new Date((ts + 300) * 1000)).verdict.status).toBe('valid')
  })

  it('mixed header: a v1 entry that fails and a v1a entry that verifies is valid as v1a', () => {
    for (let round = 0; round < ROUNDS; round++) {
      const pair = freshPair()
      const secret = `whsec_${randomBytes(24).toString('base64')}`
      const body = randomBody()
      const ts = nowSeconds()
      // The v1 entry is made with another secret than the one configured: it cannot match.
      const foreignV1 = v1Entry(`whsec_${randomBytes(24).toString('base64')}`, 'msg_mix', ts, body)
      const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'standard-webhooks', value: secret }, publicKeyOf(pair)]
      const analysis = analyze(headers('msg_mix', ts, `${foreignV1} ${v1aEntry(pair, 'msg_mix', ts, body)}`), body, keys)
      expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'v1a (ed25519)' })
      expect(analysis.explanation.attempts.map((attempt) => [attempt.variant, attempt.matched])).toEqual([
        ['v1 (HMAC-SHA256)', false],
        ['v1a (ed25519)', true],
      ])
      expect(analysis.explanation.keyFingerprint).toBe(pair.fingerprint)
      // And the other way round: a valid v1 entry beside a v1a entry from an unknown key.
      const both = analyze(headers('msg_mix', ts, `${v1aEntry(freshPair(), 'msg_mix', ts, body)} ${v1Entry(secret, 'msg_mix', ts, body)}`), body, keys)
      expect(both.verdict).toMatchObject({ status: 'valid', variant: 'v1 (HMAC-SHA256)' })
    }
  })

  it('only v1a entries and no public key: "no key configured", asking for the whpk_ public key', () => {
    const pair = freshPair()
    const body = randomBody()
    const ts = nowSeconds()
    const pairs = headers('msg_nokey', ts, `${v1aEntry(pair, 'msg_nokey', ts, body)} ${v1aEntry(freshPair(), 'msg_nokey', ts, body)}`)
    const none = analyze(pairs, body, [])
    expect(none.verdict.status).toBe('no-key')
    expect(none.verdict.message).toMatch(/public key \(whpk_/)
    expect(none.verdict.message).not.toMatch(/unsupported|not supported/)
    expect(none.explanation.timestamp?.withinTolerance).toBe(true)
    expect(none.explanation.attempts).toEqual([
      expect.objectContaining({ variant: 'v1a (ed25519)', matched: false, signedString: `msg_nokey.${ts}.${body.toString('utf8')}` }),
    ])
    // A whsec_ secret does not help v1a: still no key, and the message says why.
    const secretOnly = analyze(pairs, body, [{ kind: 'hmac-secret', provider: 'standard-webhooks', value: `whsec_${randomBytes(24).toString('base64')}` }])
    expect(secretOnly.verdict.status).toBe('no-key')
    expect(secretOnly.verdict.message).toContain('checks only v1 signatures')
  })

  it('only v1 entries and only a public key: "no key configured", asking for the whsec_ secret', () => {
    const secret = `whsec_${randomBytes(24).toString('base64')}`
    const body = randomBody()
    const ts = nowSeconds()
    const analysis = analyze(headers('msg_v1', ts, v1Entry(secret, 'msg_v1', ts, body)), body, [publicKeyOf(freshPair())])
    expect(analysis.verdict.status).toBe('no-key')
    expect(analysis.verdict.message).toContain('whsec_')
    expect(analysis.verdict.message).toContain('checks only v1a signatures')
  })

  it('malformed entries: skipped with a note; a header of nothing else is malformed-signature', () => {
    const pair = freshPair()
    const body = randomBody()
    const ts = nowSeconds()
    const malformed = [
      'v1a,%%%not-base64%%%',
      `v1a,${randomBytes(10).toString('base64')}`,
      'v1a,',
      'v1a',
      `v1,${randomBytes(64).toString('base64')}`,
      'v1a,QUJD=D',
    ]
    const onlyMalformed = analyze(headers('msg_bad', ts, malformed.join(' ')), body, [publicKeyOf(pair)])
    expect(onlyMalformed.verdict).toMatchObject({ status: 'invalid', reason: 'malformed-signature' })
    expect(onlyMalformed.explanation.notes.filter((note) => note.startsWith('skipped'))).toHaveLength(malformed.length)
    const withValid = analyze(headers('msg_bad', ts, `${malformed.join(' ')} v2,AAAA ${v1aEntry(pair, 'msg_bad', ts, body)}`), body, [publicKeyOf(pair)])
    expect(withValid.verdict).toMatchObject({ status: 'valid', variant: 'v1a (ed25519)' })
    expect(withValid.explanation.notes.join(' ')).toContain('v2,AAAA')
  })
})
