/**
 * Add a key to an endpoint: one form per key kind. It starts on the kind and provider the caller
 * chose (provider-context.ts), refuses a secret whose shape belongs to another provider as you
 * type (the same rule the server applies), and the server validates the rest.
 */
import { useEffect, useId, useRef, useState } from 'react'
import type { Endpoint } from '../../../../src-main/shared/contract'
import { HTTP_TOKEN_PATTERN } from '../../../../src-main/shared/answer-catalog'
import { describeSecretShapeMismatch } from '../../../../src-main/shared/key-shape'
import {
  describeInvalidSquareNotificationUrl,
  SQUARE_NOTIFICATION_URL_EXAMPLE,
  squareNotificationUrlWarning,
} from '../../../../src-main/shared/square-notification-url'
import type { GenericHmacConfig, HmacProviderId, ProviderKey, ProviderKeyKind } from '../../../../src-main/shared/providers'
import { useAddKey } from '../../api/queries'
import {
  GENERIC_HMAC_ALGORITHMS,
  GENERIC_HMAC_ENCODINGS,
  HMAC_API_KEY_DETAILS,
  HMAC_API_KEY_FIELDS,
  HMAC_PROVIDER_IDS,
  HMAC_SECRET_HINTS,
  providerName,
} from '../../lib/providers'
import type { KeyFormStart } from './provider-context'

const KIND_LABELS: Record<ProviderKeyKind, string> = {
  'hmac-secret': 'HMAC shared secret',
  'rsa-public-key': 'CHIP RSA public key',
  'ed25519-public-key': 'Standard Webhooks public key (v1a)',
  certificate: 'Certificate (Plexo, PayPal)',
  'paypal-webhook-id': 'PayPal webhook id',
  'generic-hmac': 'Generic HMAC scheme',
}

const PEM_PLACEHOLDERS: Record<'rsa-public-key' | 'ed25519-public-key' | 'certificate', string> = {
  'rsa-public-key': '-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----',
  'ed25519-public-key': 'whpk_…  or  -----BEGIN PUBLIC KEY-----',
  certificate: '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----',
}

interface KeyFormProps {
  endpoint: Endpoint
  /** Kind and provider the form starts with (see `keyFormStartFor`). */
  start: KeyFormStart
  /** Scroll to the form and focus its first field (opened from a capture's "Add a key…"). */
  focusOnMount?: boolean
}

export function KeyForm({ endpoint, start, focusOnMount = false }: KeyFormProps) {
  const id = useId()
  const addKey = useAddKey()
  const formRef = useRef<HTMLFormElement>(null)
  const [kind, setKind] = useState<ProviderKeyKind>(start.kind)
  const [hmacProvider, setHmacProvider] = useState<HmacProviderId>(start.hmacProvider)
  const [value, setValue] = useState('')
  const [apiKey, setApiKey] = useState('')
  const [notificationUrl, setNotificationUrl] = useState('')
  const [label, setLabel] = useState('')
  const [pem, setPem] = useState('')
  const [chipProduct, setChipProduct] = useState<'' | 'collect' | 'send'>('')
  const [certProvider, setCertProvider] = useState<'plexo' | 'paypal'>(start.certificateProvider)
  const [generic, setGeneric] = useState<{
    header: string
    prefix: string
    algorithm: GenericHmacConfig['algorithm']
    encoding: GenericHmacConfig['encoding']
    signedMode: 'body' | 'template'
    template: string
  }>({
    header: 'X-Signature',
    prefix: '',
    algorithm: 'sha256',
    encoding: 'hex',
    signedMode: 'body',
    template: '{method}\\n{target}\\n{header:X-Timestamp}\\n{body}',
  })
  const [error, setError] = useState<string | null>(null)
  const [result, setResult] = useState<{ warnings: string[]; fingerprint: string | null } | null>(null)

  const headerInvalid = kind === 'generic-hmac' && !HTTP_TOKEN_PATTERN.test(generic.header)
  const shapeMismatch = kind === 'hmac-secret' && value !== '' ? describeSecretShapeMismatch(hmacProvider, value) : null
  // Square signs its notification URL with the body; optional (the URL a delivery arrived at is tried without it).
  const takesNotificationUrl = kind === 'hmac-secret' && hmacProvider === 'square'
  const notificationUrlProblem = takesNotificationUrl && notificationUrl.trim() !== '' ? describeInvalidSquareNotificationUrl(notificationUrl.trim()) : null

  useEffect(() => {
    if (!focusOnMount) return
    const form = formRef.current
    form?.scrollIntoView({ block: 'start' })
    form?.querySelector<HTMLElement>('[data-key-main-field]')?.focus()
  }, [focusOnMount])

  function buildKey(): ProviderKey | string {
    const optionalLabel = label.trim() === '' ? {} : { label: label.trim() }
    switch (kind) {
      case 'hmac-secret':
        if (value === '') return 'Enter the secret.'
        if (shapeMismatch !== null) return `Not added: ${shapeMismatch.message}.`
        if (notificationUrlProblem !== null) return `Not added: ${notificationUrlProblem}.`
        return {
          kind,
          provider: hmacProvider,
          value,
          ...optionalLabel,
          ...(HMAC_API_KEY_FIELDS[hmacProvider] !== undefined && apiKey.trim() !== '' ? { apiKey: apiKey.trim() } : {}),
          ...(takesNotificationUrl && notificationUrl.trim() !== '' ? { notificationUrl: notificationUrl.trim() } : {}),
        }
      case 'rsa-public-key':
        if (pem.trim() === '') return "Paste the PEM or the JSON string from CHIP's GET /public_key/."
        return { kind, provider: 'chip', pem: pem.trim(), ...optionalLabel, ...(chipProduct === '' ? {} : { chipProduct }) }
      case 'ed25519-public-key':
        if (pem.trim() === '') return 'Paste the public key: whpk_… or a PEM public key.'
        return { kind, provider: 'standard-webhooks', value: pem.trim(), ...optionalLabel }
      case 'certificate':
        if (pem.trim() === '') return 'Paste the certificate PEM.'
        return { kind, provider: certProvider, pem: pem.trim(), ...optionalLabel }
      case 'paypal-webhook-id':
        if (value.trim() === '') return 'Enter the webhook id.'
        return { kind, value: value.trim(), ...optionalLabel }
      case 'generic-hmac':
        if (headerInvalid) return 'The header name is a token like X-Signature.'
        if (value === '') return 'Enter the secret.'
        return {
          kind,
          secret: value,
          ...optionalLabel,
          config: {
            header: generic.header,
            prefix: generic.prefix,
            algorithm: generic.algorithm,
            encoding: generic.encoding,
            signed: generic.signedMode === 'body' ? 'body' : { template: generic.template },
          },
        }
      default: {
        const unknown: never = kind
        return String(unknown)
      }
    }
  }

  function submit(event: React.FormEvent): void {
    event.preventDefault()
    setResult(null)
    const key = buildKey()
    if (typeof key === 'string') {
      setError(key)
      return
    }
    setError(null)
    addKey.mutate(
      { endpointId: endpoint.id, key },
      {
        onSuccess: (view) => {
          const newest = [...view.keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]
          setResult({ warnings: view.warnings, fingerprint: newest?.descriptor.fingerprint ?? null })
          setValue('')
          setPem('')
          setApiKey('')
          setNotificationUrl('')
          setLabel('')
        },
        onError: (caught) => setError(caught.message),
      },
    )
  }

  return (
    <form ref={formRef} className="form key-form" onSubmit={submit} data-testid="key-form" data-kind={kind} noValidate>
      <div className="form-row">
        <label className="field">
          <span className="field-label">Kind</span>
          <select className="input" value={kind} onChange={(event) => setKind(event.target.value as ProviderKeyKind)} data-testid="key-kind">
            {(Object.keys(KIND_LABELS) as ProviderKeyKind[]).map((each) => (
              <option key={each} value={each}>
                {KIND_LABELS[each]}
              </option>
            ))}
          </select>
        </label>
        {kind === 'hmac-secret' && (
          <label className="field">
            <span className="field-label">Provider</span>
            <select
              className="input"
              value={hmacProvider}
              onChange={(event) => setHmacProvider(event.target.value as HmacProviderId)}
              data-testid="key-provider"
            >
              {HMAC_PROVIDER_IDS.map((each) => (
                <option key={each} value={each}>
                  {providerName(each)}
                </option>
              ))}
            </select>
          </label>
        )}
        {kind === 'certificate' && (
          <label className="field">
            <span className="field-label">Provider</span>
            <select
              className="input"
              value={certProvider}
              onChange={(event) => setCertProvider(event.target.value as 'plexo' | 'paypal')}
              data-testid="key-provider"
            >
              <option value="plexo">Plexo (signing certificate)</option>
              <option value="paypal">PayPal (from PAYPAL-CERT-URL)</option>
            </select>
          </label>
        )}
        {kind === 'rsa-public-key' && (
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
        )}
      </div>

      {(kind === 'hmac-secret' || kind === 'generic-hmac') && (
        <label className="field">
          <span className="field-label">Secret</span>
          <input
            className="input wire"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={value}
            aria-invalid={shapeMismatch !== null}
            onChange={(event) => setValue(event.target.value)}
            data-key-main-field
            data-testid="key-secret"
          />
          {shapeMismatch !== null ? (
            <span className="field-error" role="alert" data-testid="key-shape-mismatch">
              {shapeMismatch.message.charAt(0).toUpperCase() + shapeMismatch.message.slice(1)}.{' '}
              {shapeMismatch.suggestedProvider !== null && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => shapeMismatch.suggestedProvider !== null && setHmacProvider(shapeMismatch.suggestedProvider)}
                  data-testid="key-shape-switch"
                >
                  File it under {providerName(shapeMismatch.suggestedProvider)}
                </button>
              )}
            </span>
          ) : (
            <span className="field-hint">
              {kind === 'hmac-secret' ? HMAC_SECRET_HINTS[hmacProvider] : 'The shared secret, as UTF-8 text.'} It is never shown again: the list keeps a masked
              form and a fingerprint.
            </span>
          )}
        </label>
      )}
      {kind === 'hmac-secret' && HMAC_API_KEY_FIELDS[hmacProvider] !== undefined && (
        <label className="field">
          <span className="field-label">{HMAC_API_KEY_FIELDS[hmacProvider]}</span>
          <input
            className="input wire"
            // Checkout.com's Authorization key is a secret like the signature key; IXOPAY's API key and Braintree's public key are identifiers.
            type={HMAC_API_KEY_DETAILS[hmacProvider]?.secret === true ? 'password' : 'text'}
            autoComplete="off"
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
            spellCheck={false}
            data-testid="key-api-key"
          />
        </label>
      )}
      {takesNotificationUrl && (
        <label className="field">
          <span className="field-label">Notification URL (optional)</span>
          <input
            className="input wire"
            value={notificationUrl}
            onChange={(event) => setNotificationUrl(event.target.value)}
            placeholder={endpoint.publicUrl !== null ? `${endpoint.publicUrl}/…` : SQUARE_NOTIFICATION_URL_EXAMPLE}
            spellCheck={false}
            data-testid="key-notification-url"
          />
          {notificationUrlProblem !== null ? (
            <span className="field-error" role="alert" data-testid="key-notification-url-error">
              {notificationUrlProblem.charAt(0).toUpperCase() + notificationUrlProblem.slice(1)}.
            </span>
          ) : (
            <span className="field-hint">
              The subscription&apos;s notification URL exactly as entered in Square (scheme, host, path, any trailing slash): Square signs it with the body.
              Through the tunnel it is this endpoint&apos;s public URL
              {endpoint.publicUrl !== null ? ` (${endpoint.publicUrl})` : ''} followed by the path you gave Square. Left empty, the URL a delivery arrived at
              (its public host and path) is tried. {squareNotificationUrlWarning(notificationUrl.trim()) ?? ''}
            </span>
          )}
        </label>
      )}
      {kind === 'paypal-webhook-id' && (
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
      )}
      {(kind === 'rsa-public-key' || kind === 'ed25519-public-key' || kind === 'certificate') && (
        <label className="field">
          <span className="field-label">{kind === 'certificate' ? 'Certificate' : 'Public key'}</span>
          <textarea
            className="input wire key-pem"
            rows={kind === 'ed25519-public-key' ? 3 : 6}
            spellCheck={false}
            value={pem}
            onChange={(event) => setPem(event.target.value)}
            placeholder={PEM_PLACEHOLDERS[kind]}
            data-key-main-field
            data-testid="key-pem"
          />
          <span className="field-hint">
            {kind === 'rsa-public-key'
              ? "PEM, or the JSON string CHIP's GET /public_key/ returns (with \\n escapes). Several keys (company key, per-webhook keys) are tried in turn."
              : kind === 'ed25519-public-key'
                ? 'The sender’s public key: whpk_<base64>, as Standard Webhooks senders show it, or PEM (-----BEGIN PUBLIC KEY-----). It checks v1a signatures. Not the private key (whsk_…): that one only signs.'
                : certProvider === 'plexo'
                  ? "Plexo's signing certificate; its SHA-1 thumbprint must equal the envelope's Fingerprint."
                  : 'The certificate PAYPAL-CERT-URL points to.'}
          </span>
        </label>
      )}
      {kind === 'generic-hmac' && (
        <fieldset className="fieldset">
          <legend>Scheme</legend>
          <div className="form-row">
            <label className="field">
              <span className="field-label">Header</span>
              <input
                className="input wire"
                value={generic.header}
                aria-invalid={headerInvalid}
                onChange={(event) => setGeneric({ ...generic, header: event.target.value })}
                data-testid="generic-header"
              />
            </label>
            <label className="field">
              <span className="field-label">Prefix</span>
              <input
                className="input wire"
                value={generic.prefix}
                placeholder="sha256="
                onChange={(event) => setGeneric({ ...generic, prefix: event.target.value })}
                data-testid="generic-prefix"
              />
            </label>
            <label className="field">
              <span className="field-label">Algorithm</span>
              <select
                className="input"
                value={generic.algorithm}
                onChange={(event) => setGeneric({ ...generic, algorithm: event.target.value as GenericHmacConfig['algorithm'] })}
                data-testid="generic-algorithm"
              >
                {GENERIC_HMAC_ALGORITHMS.map((each) => (
                  <option key={each} value={each}>
                    HMAC-{each.toUpperCase().replace('SHA', 'SHA-')}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">Encoding</span>
              <select
                className="input"
                value={generic.encoding}
                onChange={(event) => setGeneric({ ...generic, encoding: event.target.value as GenericHmacConfig['encoding'] })}
                data-testid="generic-encoding"
              >
                {GENERIC_HMAC_ENCODINGS.map((each) => (
                  <option key={each} value={each}>
                    {each}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {headerInvalid && <p className="field-error">A header name is a token like X-Signature (letters, digits, dashes).</p>}
          <div className="radio-row" role="radiogroup" aria-labelledby={`${id}-signed`}>
            <span id={`${id}-signed`} className="field-label">
              Signed
            </span>
            <label>
              <input
                type="radio"
                name={`${id}-signed`}
                checked={generic.signedMode === 'body'}
                onChange={() => setGeneric({ ...generic, signedMode: 'body' })}
              />{' '}
              the raw body
            </label>
            <label>
              <input
                type="radio"
                name={`${id}-signed`}
                checked={generic.signedMode === 'template'}
                onChange={() => setGeneric({ ...generic, signedMode: 'template' })}
                data-testid="generic-template-mode"
              />{' '}
              a template
            </label>
          </div>
          {generic.signedMode === 'template' && (
            <label className="field">
              <span className="field-label">Template</span>
              <input
                className="input wire"
                value={generic.template}
                onChange={(event) => setGeneric({ ...generic, template: event.target.value })}
                data-testid="generic-template"
              />
              <span className="field-hint template-help">
                <code>{'{method}'}</code> <code>{'{target}'}</code> (path and query as received) <code>{'{path}'}</code> <code>{'{query}'}</code>{' '}
                <code>{'{body}'}</code> (raw bytes) <code>{'{header:Name}'}</code> (first value; missing fails with missing-header). Escapes <code>\n</code>{' '}
                <code>\r</code> <code>\t</code> <code>\\</code>; <code>{'{{'}</code> and <code>{'}}'}</code> for literal braces.
              </span>
            </label>
          )}
        </fieldset>
      )}
      <label className="field">
        <span className="field-label">Label (optional)</span>
        <input
          className="input"
          value={label}
          maxLength={100}
          onChange={(event) => setLabel(event.target.value)}
          placeholder="e.g. production connector"
          data-testid="key-label"
        />
      </label>

      {error && (
        <p className="form-error" role="alert" data-testid="key-error">
          {error}
        </p>
      )}
      {result && (
        <div className="notice notice-ok" role="status" data-testid="key-added">
          Key added
          {result.fingerprint && (
            <>
              {' '}
              (fingerprint <code className="wire">{result.fingerprint}</code>)
            </>
          )}
          . Verdicts of this endpoint's captures are being recomputed.
          {result.warnings.length > 0 && (
            <ul className="plain-list notice-warning-text" data-testid="key-warnings">
              {result.warnings.map((warning, index) => (
                <li key={index}>⚠ {warning}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={addKey.isPending} data-testid="key-add">
          {addKey.isPending ? 'Adding…' : 'Add key'}
        </button>
      </div>
    </form>
  )
}
