/**
 * Public material, pasted as text: CHIP's RSA public key, a Standard Webhooks ed25519 public key,
 * a certificate (Plexo, PayPal) and PayPal's webhook id. The server parses and normalises them.
 */
import { useImperativeHandle, useState } from 'react'
import type { KeyFieldsProps } from './key-form-parts'

export function RsaPublicKeyFields({ kindField, ref }: KeyFieldsProps) {
  const [pem, setPem] = useState('')
  const [chipProduct, setChipProduct] = useState<'' | 'collect' | 'send'>('')

  useImperativeHandle(ref, () => ({
    build: () => {
      if (pem.trim() === '') return "Paste the PEM or the JSON string from CHIP's GET /public_key/."
      return { kind: 'rsa-public-key', provider: 'chip', pem: pem.trim(), ...(chipProduct === '' ? {} : { chipProduct }) }
    },
    clearEntered: () => setPem(''),
  }))

  return (
    <>
      <div className="form-row">
        {kindField}
        <label className="field">
          <span className="field-label">CHIP product</span>
          <select
            className="input"
            value={chipProduct}
            onChange={(event) => setChipProduct(event.target.value as '' | 'collect' | 'send')}
            data-testid="key-chip-product"
          >
            <option value="">Follow the delivery</option>
            <option value="collect">Collect (SHA-256)</option>
            <option value="send">Send (SHA-512)</option>
          </select>
        </label>
      </div>

      <PemField
        label="Public key"
        rows={6}
        value={pem}
        onChange={setPem}
        placeholder={'-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----'}
        hint="PEM, or the JSON string CHIP's GET /public_key/ returns (with \n escapes). Several keys (company key, per-webhook keys) are tried in turn."
      />
    </>
  )
}

export function Ed25519PublicKeyFields({ kindField, ref }: KeyFieldsProps) {
  const [value, setValue] = useState('')

  useImperativeHandle(ref, () => ({
    build: () => {
      if (value.trim() === '') return 'Paste the public key: whpk_… or a PEM public key.'
      return { kind: 'ed25519-public-key', provider: 'standard-webhooks', value: value.trim() }
    },
    clearEntered: () => setValue(''),
  }))

  return (
    <>
      <div className="form-row">{kindField}</div>

      <PemField
        label="Public key"
        rows={3}
        value={value}
        onChange={setValue}
        placeholder="whpk_…  or  -----BEGIN PUBLIC KEY-----"
        hint="The sender’s public key: whpk_<base64>, as Standard Webhooks senders show it, or PEM (-----BEGIN PUBLIC KEY-----). It checks v1a signatures. Not the private key (whsk_…): that one only signs."
      />
    </>
  )
}

export function CertificateFields({ start, kindField, ref }: KeyFieldsProps) {
  const [provider, setProvider] = useState<'plexo' | 'paypal'>(start.certificateProvider)
  const [pem, setPem] = useState('')

  useImperativeHandle(ref, () => ({
    build: () => {
      if (pem.trim() === '') return 'Paste the certificate PEM.'
      return { kind: 'certificate', provider, pem: pem.trim() }
    },
    clearEntered: () => setPem(''),
  }))

  return (
    <>
      <div className="form-row">
        {kindField}
        <label className="field">
          <span className="field-label">Provider</span>
          <select className="input" value={provider} onChange={(event) => setProvider(event.target.value as 'plexo' | 'paypal')} data-testid="key-provider">
            <option value="plexo">Plexo (signing certificate)</option>
            <option value="paypal">PayPal (from PAYPAL-CERT-URL)</option>
          </select>
        </label>
      </div>

      <PemField
        label="Certificate"
        rows={6}
        value={pem}
        onChange={setPem}
        placeholder={'-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'}
        hint={
          provider === 'plexo'
            ? "Plexo's signing certificate; its SHA-1 thumbprint must equal the envelope's Fingerprint."
            : 'The certificate PAYPAL-CERT-URL points to.'
        }
      />
    </>
  )
}

export function PaypalWebhookIdFields({ kindField, ref }: KeyFieldsProps) {
  const [value, setValue] = useState('')

  useImperativeHandle(ref, () => ({
    build: () => {
      if (value.trim() === '') return 'Enter the webhook id.'
      return { kind: 'paypal-webhook-id', value: value.trim() }
    },
    clearEntered: () => setValue(''),
  }))

  return (
    <>
      <div className="form-row">{kindField}</div>

      <label className="field">
        <span className="field-label">Webhook id</span>
        <input
          className="input wire"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          placeholder="4JH86294D6297924G"
          spellCheck={false}
          data-key-main-field
          data-testid="key-webhook-id"
        />
        <span className="field-hint">Part of the message PayPal signs; add PayPal's certificate too.</span>
      </label>
    </>
  )
}

function PemField({
  label,
  rows,
  value,
  onChange,
  placeholder,
  hint,
}: {
  label: string
  rows: number
  value: string
  onChange: (value: string) => void
  placeholder: string
  hint: string
}) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <textarea
        className="input wire key-pem"
        rows={rows}
        spellCheck={false}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        placeholder={placeholder}
        data-key-main-field
        data-testid="key-pem"
      />
      <span className="field-hint">{hint}</span>
    </label>
  )
}
