/**
 * Add a key to an endpoint. The shell: the kind, the label, the request and its outcome; each kind
 * brings its own fields and their state (key-form-hmac.tsx, key-form-generic.tsx,
 * key-form-public.tsx). It starts on the kind and provider the caller chose (provider-context.ts);
 * the server validates what the fields do not.
 */
import { useEffect, useRef, useState, type FunctionComponent } from 'react'
import type { Endpoint } from '@shared/views'
import type { ProviderKeyKind } from '@shared/providers'
import { useAddKey } from '../../api/queries'
import { GenericHmacFields } from './key-form-generic'
import { HmacSecretFields } from './key-form-hmac'
import type { KeyFieldsHandle, KeyFieldsProps } from './key-form-parts'
import { CertificateFields, Ed25519PublicKeyFields, PaypalWebhookIdFields, RsaPublicKeyFields } from './key-form-public'
import type { KeyFormStart } from './provider-context'

/** Each kind's name in the Kind select (in this order) and its fields. */
const KINDS: { readonly [K in ProviderKeyKind]: { label: string; fields: FunctionComponent<KeyFieldsProps> } } = {
  'hmac-secret': { label: 'HMAC shared secret', fields: HmacSecretFields },
  'rsa-public-key': { label: 'CHIP RSA public key', fields: RsaPublicKeyFields },
  'ed25519-public-key': { label: 'Standard Webhooks public key (v1a)', fields: Ed25519PublicKeyFields },
  certificate: { label: 'Certificate (Plexo, PayPal)', fields: CertificateFields },
  'paypal-webhook-id': { label: 'PayPal webhook id', fields: PaypalWebhookIdFields },
  'generic-hmac': { label: 'Generic HMAC scheme', fields: GenericHmacFields },
}

interface KeyFormProps {
  endpoint: Endpoint
  /** Kind and provider the form starts with (see `keyFormStartFor`). */
  start: KeyFormStart
  /** Scroll to the form and focus its first field (opened from a capture's "Add a key…"). */
  focusOnMount?: boolean
}

export function KeyForm({ endpoint, start, focusOnMount = false }: KeyFormProps) {
  const addKey = useAddKey()
  const formRef = useRef<HTMLFormElement>(null)
  const fieldsRef = useRef<KeyFieldsHandle>(null)
  const [kind, setKind] = useState<ProviderKeyKind>(start.kind)
  const [label, setLabel] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [result, setResult] = useState<{ warnings: string[]; fingerprint: string | null } | null>(null)
  const Fields = KINDS[kind].fields

  useEffect(() => {
    if (!focusOnMount) return
    const form = formRef.current
    form?.scrollIntoView({ block: 'start' })
    form?.querySelector<HTMLElement>('[data-key-main-field]')?.focus()
  }, [focusOnMount])

  function submit(event: React.FormEvent): void {
    event.preventDefault()
    setResult(null)
    // Set whenever the form can be submitted: the fields render with it.
    const fields = fieldsRef.current
    if (fields === null) return
    const built = fields.build()
    if (typeof built === 'string') {
      setError(built)
      return
    }
    setError(null)
    const key = label.trim() === '' ? built : { ...built, label: label.trim() }
    addKey.mutate(
      { endpointId: endpoint.id, key },
      {
        onSuccess: (view) => {
          const newest = [...view.keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]
          setResult({ warnings: view.warnings, fingerprint: newest?.descriptor.fingerprint ?? null })
          fieldsRef.current?.clearEntered()
          setLabel('')
        },
        onError: (caught) => setError(caught.message),
      },
    )
  }

  const kindField = (
    <label className="field">
      <span className="field-label">Kind</span>
      <select className="input" value={kind} onChange={(event) => setKind(event.target.value as ProviderKeyKind)} data-testid="key-kind">
        {(Object.keys(KINDS) as ProviderKeyKind[]).map((each) => (
          <option key={each} value={each}>
            {KINDS[each].label}
          </option>
        ))}
      </select>
    </label>
  )

  return (
    <form ref={formRef} className="form key-form" onSubmit={submit} data-testid="key-form" data-kind={kind} noValidate>
      <Fields endpoint={endpoint} start={start} kindField={kindField} ref={fieldsRef} />
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
