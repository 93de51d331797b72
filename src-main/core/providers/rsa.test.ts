/**
 * `rsaPkcs1Checker` opens a signature once for many candidate messages: for each candidate it must
 * say exactly what `checkRsaPkcs1` (crypto.verify, then the diagnosis) says, for a signature that
 * verifies, covers other bytes, was made with another digest or key, or is not a signature at all.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { checkRsaPkcs1, rsaPkcs1Checker, type RsaDigest } from './rsa'

const signer = generateKeyPairSync('rsa', { modulusLength: 2048 })
const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
const signed = Buffer.from('{"Object":{"Amount":1500.0,"Date":"2024-05-01T09:00:00-03:00"}}')
const messages = [signed, Buffer.from('{"Object":{"Amount":1500.0,"Date":"2024-05-01T12:00:00Z"}}'), Buffer.alloc(0), signed]

const signatures: Array<{ name: string; signature: Buffer }> = [
  { name: 'SHA-512 by the signer', signature: sign('sha512', signed, signer.privateKey) },
  { name: 'SHA-256 by the signer', signature: sign('sha256', signed, signer.privateKey) },
  { name: 'SHA-512 by another key', signature: sign('sha512', signed, other.privateKey) },
  { name: 'random bytes of the right length', signature: randomBytes(256) },
  { name: 'too short', signature: randomBytes(128) },
  { name: 'empty', signature: Buffer.alloc(0) },
]

describe('rsaPkcs1Checker', () => {
  for (const { name, signature } of signatures) {
    for (const digest of ['sha512', 'sha256'] as RsaDigest[]) {
      it(`says what checkRsaPkcs1 says for every message: ${name}, checked as ${digest}`, () => {
        const check = rsaPkcs1Checker(signer.publicKey, digest, signature)
        for (const message of messages) expect(check(message)).toEqual(checkRsaPkcs1(signer.publicKey, digest, message, signature))
      })
    }
  }

  it('finds the one signed message among many, and only that one verifies', () => {
    const check = rsaPkcs1Checker(signer.publicKey, 'sha512', sign('sha512', signed, signer.privateKey))
    const candidates = [...Array.from({ length: 50 }, (_, index) => Buffer.from(`${signed.toString()} ${index}`)), signed]
    const outcomes = candidates.map((candidate) => check(candidate).outcome)
    expect(outcomes.filter((outcome) => outcome === 'valid')).toHaveLength(1)
    expect(outcomes.at(-1)).toBe('valid')
    expect(new Set(outcomes.slice(0, -1))).toEqual(new Set(['digest-differs']))
  })
})
