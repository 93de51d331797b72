/**
 * A private key for re-signing, for the providers that sign with one (RSA: CHIP, PayPal, the
 * Plexo envelope; ed25519: Standard Webhooks `v1a`). The app never stores private keys: the key
 * lives in this dialog's state and goes to the core with the preview and the resend only.
 */
import type { PrivateKey } from '@shared/replay'
import { providerName } from '../../lib/providers'

export type AsymmetricProvider = PrivateKey['provider']

/** What each provider signs with, as the field asks for it. */
const KEY_FORMS: Record<AsymmetricProvider, string> = {
  chip: 'an RSA private key (PEM)',
  paypal: 'an RSA private key (PEM)',
  plexo: 'an RSA private key (PEM)',
  'standard-webhooks': 'an ed25519 private key for v1a (whsk_… or PEM)',
}

export const ASYMMETRIC_PROVIDERS = Object.keys(KEY_FORMS) as AsymmetricProvider[]

function isAsymmetricProvider(provider: string | null): provider is AsymmetricProvider {
  return provider !== null && provider in KEY_FORMS
}

/** The key to send with the request, or `null` when there is none (or the provider signs with secrets only). */
export function privateKeyFor(provider: string | null, text: string): PrivateKey | null {
  const value = text.trim()
  if (value === '' || !isAsymmetricProvider(provider)) return null
  return provider === 'standard-webhooks'
    ? { kind: 'ed25519-private-key', provider, value, label: 'entered for this resend' }
    : { kind: 'rsa-private-key', provider, pem: value, label: 'entered for this resend' }
}

/** A quick look at the shape; the core says exactly what is wrong with a key it cannot load. */
export function privateKeyProblem(provider: string | null, text: string): string | null {
  const value = text.trim()
  if (value === '' || !isAsymmetricProvider(provider)) return null
  if (/-----BEGIN (?:[A-Z]+ )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----|^whpk_/.test(value)) {
    return 'this is a public key or a certificate: re-signing needs the private key'
  }
  const looksRight = provider === 'standard-webhooks' ? /^whsk_|-----BEGIN PRIVATE KEY-----/.test(value) : /-----BEGIN (?:RSA )?PRIVATE KEY-----/.test(value)
  return looksRight ? null : `expected ${KEY_FORMS[provider]}`
}

interface PrivateKeyFieldProps {
  /** The capture's recognised provider id. */
  provider: string | null
  value: string
  onChange: (value: string) => void
}

export function PrivateKeyField({ provider, value, onChange }: PrivateKeyFieldProps) {
  if (!isAsymmetricProvider(provider)) return null
  const name = providerName(provider)
  const form = KEY_FORMS[provider]
  const problem = privateKeyProblem(provider, value)
  return (
    <label className="field">
      <span className="field-label">Private key to re-sign the {name} signature</span>
      <textarea
        className="input wire resend-private-key"
        value={value}
        rows={3}
        spellCheck={false}
        autoComplete="off"
        placeholder={`Paste ${form}`}
        aria-invalid={problem !== null}
        onChange={(event) => onChange(event.target.value)}
        data-testid="resend-private-key"
      />
      <span className={problem ? 'field-error' : 'field-hint'}>
        {problem ?? `${name} signs with a private key. It is used for this replay only, never stored; without it the signature is sent as captured.`}
      </span>
    </label>
  )
}
