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
import type { GeneratedKeyPair, ProviderSimulation, SimulationInput, SimulationResult } from './provider-module'
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

/**
 * `length` random characters of `alphabet`, each equally likely: bytes past the largest multiple of
 * the alphabet's size are drawn again (256 is a multiple of 32, not of 36 or 62), so generated
 * secrets (Paddle's, Braintree's public key) are as strong as their length says.
 */
export function randomFrom(alphabet: string, length: number): string {
  const limit = alphabet.length * Math.floor(256 / alphabet.length)
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length]
      if (out.length === length) break
    }
  }
  return out
}

/** A secret to sign with: the endpoint's first one for the provider, else a fresh one from `generate`. */
export interface SimulationSecret {
  key: HmacKey
  generated: boolean
}

/** A generated secret: its value, and the second field of providers whose keys have one (Braintree's public key). */
export type GeneratedSecret = string | { value: string; apiKey: string }

/**
 * The secret a simulated callback is signed with. `pick` chooses among the endpoint's keys (by
 * default its first secret for the provider); when it finds none, `generate` makes one.
 */
export function simulationSecret(
  keys: readonly SigningKey[],
  provider: HmacProviderId,
  generate: () => GeneratedSecret,
  pick: (keys: readonly SigningKey[]) => HmacKey | undefined = (all) => hmacSecretFor(all, provider),
): SimulationSecret {
  const given = pick(keys)
  if (given) return { key: given, generated: false }
  const fresh = generate()
  return { key: typeof fresh === 'string' ? { kind: 'hmac-secret', provider, value: fresh } : { kind: 'hmac-secret', provider, ...fresh }, generated: true }
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

/** What a provider's header signer may add to the result: a verification key naming more than the secret (Square's URL), a target. */
export type SignedHeaderExtras = Partial<Pick<SimulationResult, 'verificationKey' | 'target'>>

/** How a provider that signs the body as the template writes it with an HMAC secret puts its signature on the callback. */
export interface HmacHeaderSimulation {
  provider: HmacProviderId
  /** A fresh secret in the provider's format (its module's `hmacSecret.generate`). */
  generate: () => GeneratedSecret
  /** Which of the endpoint's keys signs; by default its first secret for the provider. */
  pick?: (keys: readonly SigningKey[]) => HmacKey | undefined
  /** Sets the signature headers on `input.headers` for `body`, signed with `secret`. */
  signHeaders: (secret: HmacKey, body: Buffer, input: SimulationInput) => SignedHeaderExtras | undefined
}

/**
 * The simulation of such a provider: the body serialised as the template writes it, signed into
 * headers with the endpoint's secret or a generated one (returned, to be configured on the
 * receiving side). Only `signHeaders` is the provider's own.
 */
export function hmacHeaderSimulation(spec: HmacHeaderSimulation): ProviderSimulation {
  return {
    keyKinds: ['hmac-secret'],
    sign: (input) => {
      const secret = simulationSecret(input.keys, spec.provider, spec.generate, spec.pick)
      const body = input.serialise(input.body)
      const extras = spec.signHeaders(secret.key, body, input)
      return { ...signedWithSecret(secret, body), ...extras }
    },
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
