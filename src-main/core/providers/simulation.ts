/**
 * Building blocks for the providers' `simulate.sign` (see provider-module.ts): the key to sign a
 * simulated callback with (the endpoint's, else one generated in the provider's format, which is
 * returned so the receiving side can be configured with it), and the result shapes. A generated
 * private key never leaves the core: only its public half is returned.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import type { HmacProviderId } from '../../shared/providers'
import type { SigningKey } from '../../shared/replay'
import { keyFingerprint } from '../keys/describe-key'
import type { GeneratedKeyPair, ProviderSimulation, SimulationResult } from './provider-module'
import { hmacSecretFor, type HmacKey } from './signing-keys'

/** RSA size for generated key pairs: CHIP's published keys are 2048 or 3072 bits. */
export const SIMULATOR_RSA_BITS = 2048

/** A fresh RSA key pair (PKCS#8 private, SPKI public). */
export function generateRsaKeyPair(bits = SIMULATOR_RSA_BITS): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits })
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}

export const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** `length` random characters of `alphabet` (ids in simulated callbacks; not for secrets). */
export function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const byte of bytes) out += alphabet[byte % alphabet.length]
  return out
}

/** A secret to sign with: the endpoint's first one for the provider, else a fresh one from `generate`. */
export interface SimulationSecret {
  key: HmacKey
  generated: boolean
}

export function simulationSecret(keys: readonly SigningKey[], provider: HmacProviderId, generate: () => string): SimulationSecret {
  const given = hmacSecretFor(keys, provider)
  return given ? { key: given, generated: false } : { key: { kind: 'hmac-secret', provider, value: generate() }, generated: true }
}

/** The result of a callback signed with an HMAC secret: a generated secret is returned, the endpoint's never. */
export function signedWithSecret(secret: SimulationSecret, body: Buffer): SimulationResult {
  return {
    body,
    key: {
      kind: 'hmac-secret',
      generated: secret.generated,
      fingerprint: keyFingerprint(secret.key),
      generatedSecret: secret.generated ? secret.key.value : null,
      publicKeyPem: null,
      publicKeyWhpk: null,
    },
    verificationKey: secret.key,
    keyPair: null,
  }
}

/** For providers that do not sign: the receiver confirms by fetching the resource. */
export const UNSIGNED_SIMULATION: ProviderSimulation = {
  keyKinds: ['none'],
  sign: (input) => ({
    body: input.serialise(input.body),
    key: { kind: input.keyKind, generated: false, fingerprint: null, generatedSecret: null, publicKeyPem: null, publicKeyWhpk: null },
    verificationKey: null,
    keyPair: null,
  }),
}
