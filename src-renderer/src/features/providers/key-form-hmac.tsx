/**
 * A provider's HMAC secret, with what some providers sign or send beside it: an API key (IXOPAY,
 * Braintree, Checkout.com) and Square's notification URL. A secret whose shape belongs to another
 * provider is refused as you type, by the same rule the server applies (shared/key-shape.ts).
 */
import { useImperativeHandle, useState } from 'react'
import { describeSecretShapeMismatch } from '@shared/key-shape'
import type { HmacProviderId } from '@shared/providers'
import { describeInvalidSquareNotificationUrl, SQUARE_NOTIFICATION_URL_EXAMPLE, squareNotificationUrlWarning } from '@shared/square-notification-url'
import { HMAC_API_KEY_DETAILS, HMAC_API_KEY_FIELDS, HMAC_PROVIDER_IDS, HMAC_SECRET_HINTS, providerName } from '../../lib/providers'
import { SecretField, type KeyFieldsProps } from './key-form-parts'

export function HmacSecretFields({ endpoint, start, kindField, ref }: KeyFieldsProps) {
  const [provider, setProvider] = useState<HmacProviderId>(start.hmacProvider)
  const [value, setValue] = useState('')
  const [apiKey, setApiKey] = useState('')
  const [notificationUrl, setNotificationUrl] = useState('')

  const shapeMismatch = value !== '' ? describeSecretShapeMismatch(provider, value) : null
  const apiKeyField = HMAC_API_KEY_FIELDS[provider]
  // Square signs its notification URL with the body; optional (the URL a delivery arrived at is tried without it).
  const takesNotificationUrl = provider === 'square'
  const notificationUrlProblem = takesNotificationUrl && notificationUrl.trim() !== '' ? describeInvalidSquareNotificationUrl(notificationUrl.trim()) : null

  useImperativeHandle(ref, () => ({
    build: () => {
      if (value === '') return 'Enter the secret.'
      if (shapeMismatch !== null) return `Not added: ${shapeMismatch.message}.`
      if (notificationUrlProblem !== null) return `Not added: ${notificationUrlProblem}.`
      return {
        kind: 'hmac-secret',
        provider,
        value,
        ...(apiKeyField !== undefined && apiKey.trim() !== '' ? { apiKey: apiKey.trim() } : {}),
        ...(takesNotificationUrl && notificationUrl.trim() !== '' ? { notificationUrl: notificationUrl.trim() } : {}),
      }
    },
    clearEntered: () => {
      setValue('')
      setApiKey('')
      setNotificationUrl('')
    },
  }))

  return (
    <>
      <div className="form-row">
        {kindField}
        <label className="field">
          <span className="field-label">Provider</span>
          <select className="input" value={provider} onChange={(event) => setProvider(event.target.value as HmacProviderId)} data-testid="key-provider">
            {HMAC_PROVIDER_IDS.map((each) => (
              <option key={each} value={each}>
                {providerName(each)}
              </option>
            ))}
          </select>
        </label>
      </div>

      <SecretField
        value={value}
        onChange={setValue}
        invalid={shapeMismatch !== null}
        hint={HMAC_SECRET_HINTS[provider]}
        problem={
          shapeMismatch !== null ? (
            <span className="field-error" role="alert" data-testid="key-shape-mismatch">
              {shapeMismatch.message.charAt(0).toUpperCase() + shapeMismatch.message.slice(1)}.{' '}
              {shapeMismatch.suggestedProvider !== null && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => shapeMismatch.suggestedProvider !== null && setProvider(shapeMismatch.suggestedProvider)}
                  data-testid="key-shape-switch"
                >
                  File it under {providerName(shapeMismatch.suggestedProvider)}
                </button>
              )}
            </span>
          ) : null
        }
      />
      {apiKeyField !== undefined && (
        <label className="field">
          <span className="field-label">{apiKeyField}</span>
          <input
            className="input wire"
            // Checkout.com's Authorization key is a secret like the signature key; IXOPAY's API key and Braintree's public key are identifiers.
            type={HMAC_API_KEY_DETAILS[provider]?.secret === true ? 'password' : 'text'}
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
    </>
  )
}
