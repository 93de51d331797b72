/**
 * What the key form's shell (key-form.tsx) and each kind's fields (key-form-*.tsx) agree on: the
 * fields keep their own state and hand the shell the key on submit; the shell owns the kind, the
 * label, the request and its outcome.
 */
import type { ReactNode, Ref } from 'react'
import type { Endpoint } from '@shared/views'
import type { ProviderKey } from '@shared/providers'
import type { KeyFormStart } from './provider-context'

export interface KeyFieldsHandle {
  /** The key as entered, without its label (the shell adds it), or a message saying what is missing. */
  build(): ProviderKey | string
  /** After the key was added: empties what was typed (secret, PEM, id) and keeps the choices (provider, scheme). */
  clearEntered(): void
}

export interface KeyFieldsProps {
  endpoint: Endpoint
  /** Kind and provider the form started with (see `keyFormStartFor`). */
  start: KeyFormStart
  /** The shell's Kind select: the first field of the top row, beside the kind's own choices. */
  kindField: ReactNode
  ref: Ref<KeyFieldsHandle>
}

/** The secret of an HMAC key (a provider's, or a generic scheme's): typed once, never shown again. */
export function SecretField({
  value,
  onChange,
  invalid,
  hint,
  problem,
}: {
  value: string
  onChange: (value: string) => void
  invalid: boolean
  hint: string
  /** Shown instead of the hint when the secret cannot be right (it belongs to another provider). */
  problem: ReactNode
}) {
  return (
    <label className="field">
      <span className="field-label">Secret</span>
      <input
        className="input wire"
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={value}
        aria-invalid={invalid}
        onChange={(event) => onChange(event.target.value)}
        data-key-main-field
        data-testid="key-secret"
      />
      {problem ?? <span className="field-hint">{hint} It is never shown again: the list keeps a masked form and a fingerprint.</span>}
    </label>
  )
}
