/**
 * Validation of a key as entered (UI or API): the shape (zod, shared/providers.ts), then the
 * content: a PEM that parses, the right kind of key, and each HMAC provider's own secret rule
 * (its module's `hmacSecret.check`). It stays in providers/, not keys/, because it reads the
 * registry; keys/ (description, lookups, PEM) sits below the provider modules, which import it.
 */
import { errorMessage } from '../../shared/errors'
import { X509Certificate, type KeyObject } from 'node:crypto'
import { assertNever } from '../../shared/assert-never'
import { describeSecretShapeMismatch } from '../../shared/key-shape'
import { providerKeySchema, type HmacProviderId, type KeyDescriptor, type ProviderKey } from '../../shared/providers'
import { squareNotificationUrlWarning } from '../../shared/square-notification-url'
import { parseEd25519PublicKey, toWhpk } from '../keys/ed25519'
import { describeKey } from '../keys/describe-key'
import { loadPublicKey, normalisePemText, normalisePublicKeyInput } from '../keys/pem'
import { providerModule } from './registry'

export type KeyValidation = { ok: true; key: ProviderKey; descriptor: KeyDescriptor; warnings: string[] } | { ok: false; message: string }

/**
 * Checks a key as entered and returns it normalised (CHIP's JSON-string public key becomes PEM,
 * PEM line endings are normalised, hex keys are upper-cased). Refuses, with a message meant for
 * the user, anything that cannot work: a PEM that does not parse, a private key pasted where a
 * public key belongs, an Adyen key that is not hex, a Standard Webhooks secret not `whsec_<base64>`,
 * a Standard Webhooks public key that is neither `whpk_<base64>` nor a PEM ed25519 public key (it is
 * stored as `whpk_...`).
 */
export function validateKey(input: unknown): KeyValidation {
  const parsed = providerKeySchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
    return { ok: false, message: `invalid key: ${where}${issue?.message ?? 'unexpected shape'}` }
  }
  const key = parsed.data
  const warnings: string[] = []
  switch (key.kind) {
    case 'hmac-secret': {
      const problem = describeSecretShapeMismatch(key.provider, key.value)?.message ?? checkHmacSecret(key.provider, key.value, key.apiKey, warnings)
      if (problem) return { ok: false, message: problem }
      // Only Square signs a URL; a notification URL on another provider's secret would be silently unused.
      if (key.notificationUrl !== undefined && key.provider !== 'square') return { ok: false, message: 'only a Square signature key takes a notification URL' }
      const urlWarning = key.notificationUrl === undefined ? null : squareNotificationUrlWarning(key.notificationUrl)
      if (urlWarning !== null) warnings.push(urlWarning)
      const normalised: ProviderKey = key.provider === 'adyen' ? { ...key, value: key.value.trim().toUpperCase() } : key
      return { ok: true, key: normalised, descriptor: describeKey(normalised), warnings }
    }
    case 'rsa-public-key': {
      const pem = normalisePublicKeyInput(key.pem)
      if (/-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) {
        return { ok: false, message: "this is a private key; paste the public key (CHIP: GET /public_key/ or the webhook's public_key)" }
      }
      let publicKey: KeyObject
      try {
        publicKey = loadPublicKey(pem)
      } catch (error: unknown) {
        return { ok: false, message: `the public key does not parse as PEM: ${errorMessage(error)}` }
      }
      if (publicKey.asymmetricKeyType !== 'rsa') {
        return { ok: false, message: `CHIP signs with RSA; this is a ${publicKey.asymmetricKeyType ?? 'non-RSA'} key` }
      }
      const normalised: ProviderKey = { ...key, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }
      return { ok: true, key: normalised, descriptor: describeKey(normalised), warnings }
    }
    case 'ed25519-public-key': {
      const parsed = parseEd25519PublicKey(key.value)
      if (!parsed.ok) return { ok: false, message: parsed.message }
      const normalised: ProviderKey = { ...key, value: toWhpk(parsed.key) }
      return { ok: true, key: normalised, descriptor: describeKey(normalised), warnings }
    }
    case 'certificate': {
      const pem = normalisePemText(key.pem)
      let certificate: X509Certificate
      try {
        certificate = new X509Certificate(pem)
      } catch (error: unknown) {
        return { ok: false, message: `the certificate does not parse as X.509 PEM: ${errorMessage(error)}` }
      }
      if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
        return { ok: false, message: 'the certificate does not hold an RSA public key' }
      }
      const expires = Date.parse(certificate.validTo)
      if (Number.isFinite(expires) && expires < Date.now()) warnings.push(`the certificate expired on ${certificate.validTo}`)
      const normalised: ProviderKey = { ...key, pem: certificate.toString() }
      return { ok: true, key: normalised, descriptor: describeKey(normalised), warnings }
    }
    case 'paypal-webhook-id':
      return { ok: true, key, descriptor: describeKey(key), warnings }
    case 'generic-hmac': {
      if (typeof key.config.signed === 'object') {
        const unknown = unknownTemplatePlaceholders(key.config.signed.template)
        if (unknown.length > 0) {
          return {
            ok: false,
            message: `unknown template placeholder(s): ${unknown.join(', ')}; use {method}, {target}, {path}, {query}, {body}, {header:Name}`,
          }
        }
      }
      return { ok: true, key, descriptor: describeKey(key), warnings }
    }
    default:
      return assertNever(key)
  }
}

function checkHmacSecret(provider: HmacProviderId, value: string, apiKey: string | undefined, warnings: string[]): string | null {
  return providerModule(provider).hmacSecret.check(value, warnings, apiKey)
}
const TEMPLATE_PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g

function unknownTemplatePlaceholders(template: string): string[] {
  const unknown: string[] = []
  for (const match of template.matchAll(TEMPLATE_PLACEHOLDER)) {
    const name = match[1]
    if (name === undefined) continue
    if (['method', 'target', 'path', 'query', 'body'].includes(name)) continue
    if (/^header:[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) continue
    unknown.push(`{${name}}`)
  }
  return unknown
}
