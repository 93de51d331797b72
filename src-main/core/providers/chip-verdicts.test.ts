/**
 * What a CHIP verdict says when the signature opens under a key but not as expected: the signer is
 * the key's private half (named with the public key's fingerprint), and a key marked for the other
 * CHIP product is named as the cause when the delivery shows which product sent it.
 */
import { generateKeyPairSync, sign as rsaSign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { ProviderKey } from '../../shared/providers'
import { keysForVector, loadVectors } from '../../test-support/vectors'
import { analyzeDelivery } from './index'

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()
const body = Buffer.from('{"id":84,"amount":"10.00","state":"completed"}')
const SEND_HEADERS: HeaderPairs = [['Event-Type', 'send_instruction_status']]

const verdictOf = (headers: HeaderPairs, signature: Buffer, key: ProviderKey, sent = body): { status: string; message: string } =>
  analyzeDelivery(
    { method: 'POST', target: '/in', headers: [...headers, ['X-Signature', signature.toString('base64')]], body: sent },
    { now: new Date(), keys: [key], pinnedProvider: 'chip' },
  ).verdict

describe('CHIP verdicts name the cause', () => {
  it('the shared vector: a CHIP Send delivery checked with a key marked CHIP Collect says to mark it CHIP Send, not "if this is a CHIP Send webhook"', () => {
    const vector = loadVectors('chip.json').find((each) => each.name === 'chip-send-verified-as-sha256-invalid')
    if (!vector) throw new Error('missing vector')
    const { verdict } = analyzeDelivery(
      { method: vector.method, target: vector.path, headers: Object.entries(vector.headers), body: Buffer.from(vector.body) },
      { now: new Date(), keys: keysForVector(vector, 'chip') },
    )
    expect(verdict.status).toBe('invalid')
    expect(verdict.message).toContain(
      'this delivery is CHIP Send (it carries the Event-Type header CHIP Send adds), but the key is marked CHIP Collect: mark it CHIP Send',
    )
    expect(verdict.message).not.toContain('if this is a CHIP Send webhook')
  })

  it('a CHIP Collect delivery checked with a key marked CHIP Send says to mark it CHIP Collect', () => {
    const key: ProviderKey = { kind: 'rsa-public-key', provider: 'chip', pem, chipProduct: 'send' }
    const verdict = verdictOf([], rsaSign('sha256', body, pair.privateKey), key)
    expect(verdict.message).toMatch(
      /this delivery is CHIP Collect \(it has no Event-Type header, which CHIP Send adds\), but the key is marked CHIP Send: mark it CHIP Collect$/,
    )
  })

  it('an unmarked key and a SHA-512 signature without the Event-Type header: CHIP Send is only a guess', () => {
    const key: ProviderKey = { kind: 'rsa-public-key', provider: 'chip', pem }
    const verdict = verdictOf([], rsaSign('sha512', body, pair.privateKey), key)
    expect(verdict.message).toMatch(/; if this is a CHIP Send webhook, mark the key as CHIP Send$/)
    // With the header, an unmarked key follows the delivery and verifies.
    expect(verdictOf(SEND_HEADERS, rsaSign('sha512', body, pair.privateKey), key).status).toBe('valid')
  })

  it('the signer is the private half of the key the signature opens under, named with its fingerprint', () => {
    const key: ProviderKey = { kind: 'rsa-public-key', provider: 'chip', pem }
    const verdict = verdictOf([], rsaSign('sha256', Buffer.from('{"other":"bytes"}'), pair.privateKey), key)
    expect(verdict.message).toMatch(
      /^raw body bytes differ: the signature was made with the private key matching RSA 2048-bit public key \([0-9a-f]{16}\), but over other bytes/,
    )
  })
})
