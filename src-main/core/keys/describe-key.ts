/**
 * What the renderer may see of a key: a masked descriptor, its fingerprint, and a label for
 * explanations (validation on entry is providers/key-validation.ts, which consults each provider's
 * own rules; lookup by kind is key-lookups.ts).
 *
 * A descriptor never carries a secret: secrets are shown as a known public prefix (e.g. `whsec_`)
 * and dots (not their length), and identified by a fingerprint (for secrets a keyed HMAC, see
 * fingerprint-key.ts; for public material SHA-256; first 16 hex characters). For PEM keys and
 * certificates the fingerprint is taken over the DER bytes, so re-wrapping the same key in
 * different PEM line lengths does not change it.
 */
import { X509Certificate } from 'node:crypto'
import { assertNever } from '../../shared/assert-never'
import { errorMessage } from '../../shared/errors'
import { HMAC_API_KEY_DETAILS } from '../../shared/provider-catalog'
import { PROVIDER_NAMES, type KeyDescriptor, type ProviderKey, type SummaryField } from '../../shared/providers'
import { fingerprintOf } from '../crypto/bytes'
import { parseEd25519PublicKey } from './ed25519'
import { secretFingerprint } from './fingerprint-key'
import { loadPublicKey } from './pem'

/** Known non-secret prefixes that may be shown in a masked secret. */
const PUBLIC_SECRET_PREFIXES = ['whsec_', 'shpss_', 'sk_test_', 'sk_live_']

/** Bytes the fingerprint is computed over. */
function keyMaterial(key: ProviderKey): Buffer | string {
  switch (key.kind) {
    case 'hmac-secret':
      return key.value
    case 'rsa-public-key':
      // An unparseable PEM is still fingerprinted (over its text) so the user can tell keys apart.
      return orFallback<Buffer | string>(() => loadPublicKey(key.pem).export({ type: 'spki', format: 'der' }), key.pem)
    case 'ed25519-public-key': {
      // SPKI DER, as for RSA keys: the whpk_ and PEM forms of one key get one fingerprint.
      const parsed = parseEd25519PublicKey(key.value)
      return parsed.ok ? parsed.key.export({ type: 'spki', format: 'der' }) : key.value
    }
    case 'certificate':
      return orFallback<Buffer | string>(() => new X509Certificate(key.pem).raw, key.pem)
    case 'paypal-webhook-id':
      return key.value
    case 'generic-hmac':
      return key.secret
    default:
      return assertNever(key)
  }
}

function orFallback<T>(compute: () => T, fallback: T): T {
  try {
    return compute()
  } catch (error: unknown) {
    if (error instanceof Error) return fallback
    throw error
  }
}

/**
 * Fingerprint of a key, first 16 hex characters: for secrets (HMAC keys) keyed with the
 * installation's fingerprint key (see fingerprint-key.ts), so it cannot be matched against
 * guesses elsewhere; for public keys, certificates and webhook ids a plain SHA-256.
 */
export function keyFingerprint(key: ProviderKey): string {
  switch (key.kind) {
    case 'hmac-secret':
    case 'generic-hmac':
      return secretFingerprint(keyMaterial(key))
    default:
      return fingerprintOf(keyMaterial(key))
  }
}

/** A secret shown as its well-known public prefix (`whsec_`) and dots: neither the rest nor its length. */
function maskSecret(secret: string): string {
  const prefix = PUBLIC_SECRET_PREFIXES.find((candidate) => secret.startsWith(candidate)) ?? ''
  return `${prefix}••••••••`
}

/** An identifier that is not secret but need not be shown whole either (IXOPAY's API key). */
function maskIdentifier(value: string): string {
  return value.length >= 12 ? `${value.slice(0, 4)}••••••••` : '••••••••'
}

/** A descriptor the renderer may display: masked, fingerprinted, never the secret. */
export function describeKey(key: ProviderKey): KeyDescriptor {
  const fingerprint = keyFingerprint(key)
  const label = key.label ?? null
  switch (key.kind) {
    case 'hmac-secret': {
      const details: SummaryField[] = [{ label: 'Provider', value: PROVIDER_NAMES[key.provider] }]
      if (key.apiKey) {
        const shown = HMAC_API_KEY_DETAILS[key.provider] ?? { label: 'API key', secret: false }
        details.push({ label: shown.label, value: shown.secret ? '••••••••' : maskIdentifier(key.apiKey) })
      }
      // Not a secret: the URL the provider posts to, which captures show anyway.
      if (key.notificationUrl) details.push({ label: 'Notification URL', value: key.notificationUrl })
      return { kind: key.kind, provider: key.provider, label, fingerprint, masked: maskSecret(key.value), details }
    }
    case 'rsa-public-key': {
      const details: SummaryField[] = [{ label: 'Provider', value: PROVIDER_NAMES.chip }]
      let masked = 'RSA public key (does not parse)'
      try {
        const publicKey = loadPublicKey(key.pem)
        const bits = publicKey.asymmetricKeyDetails?.modulusLength
        masked = `RSA ${bits ?? '?'}-bit public key`
      } catch (error: unknown) {
        details.push({ label: 'Problem', value: errorMessage(error) })
      }
      if (key.chipProduct) details.push({ label: 'Digest', value: key.chipProduct === 'send' ? 'SHA-512 (CHIP Send)' : 'SHA-256 (CHIP Collect)' })
      return { kind: key.kind, provider: key.provider, label, fingerprint, masked, details }
    }
    case 'ed25519-public-key': {
      // A public key is not secret, but like RSA keys it is identified by its fingerprint.
      const details: SummaryField[] = [
        { label: 'Provider', value: PROVIDER_NAMES[key.provider] },
        { label: 'Checks', value: 'v1a (ed25519) signatures' },
      ]
      const parsed = parseEd25519PublicKey(key.value)
      if (!parsed.ok) details.push({ label: 'Problem', value: parsed.message })
      return {
        kind: key.kind,
        provider: key.provider,
        label,
        fingerprint,
        masked: parsed.ok ? 'ed25519 public key' : 'ed25519 public key (does not parse)',
        details,
      }
    }
    case 'certificate': {
      const details: SummaryField[] = [{ label: 'Provider', value: PROVIDER_NAMES[key.provider] }]
      let masked = 'X.509 certificate (does not parse)'
      try {
        const certificate = new X509Certificate(key.pem)
        masked = `X.509 certificate ${certificate.subject.split('\n').find((line) => line.startsWith('CN=')) ?? ''}`.trim()
        details.push(
          { label: 'Subject', value: certificate.subject.replace(/\n/g, ', ') },
          { label: 'Issuer', value: certificate.issuer.replace(/\n/g, ', ') },
          { label: 'Valid from', value: certificate.validFrom },
          { label: 'Valid to', value: certificate.validTo },
          { label: 'SHA-1 thumbprint', value: certificate.fingerprint.replace(/:/g, '') },
        )
      } catch (error: unknown) {
        details.push({ label: 'Problem', value: errorMessage(error) })
      }
      return { kind: key.kind, provider: key.provider, label, fingerprint, masked, details }
    }
    case 'paypal-webhook-id':
      // A webhook id is an identifier, not a secret: showing it helps spot the wrong one.
      return { kind: key.kind, provider: 'paypal', label, fingerprint, masked: key.value, details: [] }
    case 'generic-hmac': {
      const signed = key.config.signed === 'body' ? 'raw body' : `template ${JSON.stringify(key.config.signed.template)}`
      const details: SummaryField[] = [
        { label: 'Header', value: key.config.header },
        { label: 'Prefix', value: key.config.prefix || '(none)' },
        { label: 'Algorithm', value: `HMAC-${key.config.algorithm.toUpperCase()}` },
        { label: 'Encoding', value: key.config.encoding },
        { label: 'Signed', value: signed },
      ]
      return { kind: key.kind, provider: 'generic', label, fingerprint, masked: maskSecret(key.secret), details }
    }
    default:
      return assertNever(key)
  }
}

/** A label for explanations: the user's label, else the masked form. */
export function keyLabel(key: ProviderKey): string {
  return key.label ?? describeKey(key).masked
}
