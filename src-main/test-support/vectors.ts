/**
 * The shared provider test vectors (`../shared/fixtures/vectors/*.json`, beside the repository)
 * and the key material each case needs, for the verifier's unit tests and the receiver's
 * end-to-end vector tests alike.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { HMAC_PROVIDER_IDS, type HmacProviderId, type InvalidReason, type PinnableProviderId, type ProviderKey } from '../shared/providers'

export interface VectorCase {
  name: string
  description?: string
  source?: { type: string; ref?: string; algorithmReference?: string; inputsFrom?: string }
  scheme: string
  /** `publicKey` + `privateKey`: a Braintree API key pair; `certificatePem` + `webhookId`: PayPal's certificate and the webhook id it signs for. */
  secretOrKey:
    | string
    | null
    | {
        publicKeyPem?: string
        privateKeyPem?: string
        certificatePem?: string
        fingerprint?: string
        publicKey?: string
        privateKey?: string
        webhookId?: string
      }
  apiKey?: string
  method: string
  path: string
  headers: Record<string, string>
  body: string
  /** `notificationUrl`: the URL a Square case was signed for (its key's notification URL). */
  params?: { verifyAt?: number; toleranceSeconds?: number; notificationUrl?: string }
  expected: {
    valid: boolean
    signature?: string | null
    signedMessage?: string
    reason?: string
    mustFetch?: string
    mustConfirmVia?: string
    status?: string
    /** The inspector's reason code for an invalid case (the repository's own vector files). */
    verdictReason?: InvalidReason
    /** Words the inspector's verdict message (or valid variant) says (the repository's own vector files). */
    says?: string
  }
}

export function vectorsDirectory(): string {
  const besideRepo = fileURLToPath(new URL('../../../shared/fixtures/vectors/', import.meta.url))
  if (existsSync(besideRepo)) return besideRepo
  return path.resolve(process.cwd(), '../shared/fixtures/vectors')
}

/** The provider each vector file is about (`scheme: "none"` cases are identified by their file). */
export const PROVIDER_BY_FILE: Record<string, PinnableProviderId> = {
  'ixopay.json': 'ixopay',
  'chip.json': 'chip',
  'plexo.json': 'plexo',
  'swedbankpay.json': 'swedbankpay',
  'stripe.json': 'stripe',
  'github.json': 'github',
  'shopify.json': 'shopify',
  'mollie.json': 'mollie',
  'standardwebhooks.json': 'standard-webhooks',
  'adyen.json': 'adyen',
  'paypal.json': 'paypal',
}

/** The vector files, sorted. */
export function vectorFiles(): string[] {
  return readdirSync(vectorsDirectory())
    .filter((file) => file.endsWith('.json'))
    .sort()
}

export function loadVectors(file: string): VectorCase[] {
  return JSON.parse(readFileSync(path.join(vectorsDirectory(), file), 'utf8')) as VectorCase[]
}

function isHmacProvider(provider: PinnableProviderId): provider is HmacProviderId {
  return (HMAC_PROVIDER_IDS as readonly string[]).includes(provider)
}

/** The keys a case is verified with. */
export function keysForVector(vector: VectorCase, provider: PinnableProviderId): ProviderKey[] {
  const material = vector.secretOrKey
  if (material === null) return []
  if (typeof material === 'string') {
    if (!isHmacProvider(provider)) throw new Error(`no string key for ${provider}`)
    return [
      {
        kind: 'hmac-secret',
        provider,
        value: material,
        ...(vector.apiKey ? { apiKey: vector.apiKey } : {}),
        ...(vector.params?.notificationUrl ? { notificationUrl: vector.params.notificationUrl } : {}),
      },
    ]
  }
  // Braintree's key pair is one hmac-secret: the private key, with the public key as its apiKey.
  if (provider === 'braintree' && material.privateKey && material.publicKey) {
    return [{ kind: 'hmac-secret', provider, value: material.privateKey, apiKey: material.publicKey }]
  }
  if (material.publicKeyPem) {
    // The scheme names the CHIP product, which fixes the digest for this key.
    const chipProduct = vector.scheme.startsWith('chip-send') ? 'send' : 'collect'
    return [{ kind: 'rsa-public-key', provider: 'chip', pem: material.publicKeyPem, chipProduct }]
  }
  if (material.certificatePem && provider === 'paypal') {
    const certificate: ProviderKey = { kind: 'certificate', provider: 'paypal', pem: material.certificatePem }
    return material.webhookId === undefined ? [certificate] : [certificate, { kind: 'paypal-webhook-id', value: material.webhookId }]
  }
  if (material.certificatePem) return [{ kind: 'certificate', provider: 'plexo', pem: material.certificatePem }]
  throw new Error(`unsupported key material in ${vector.name}`)
}
