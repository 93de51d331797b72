import { useEffect, useRef, useState } from 'react'
import type { Endpoint } from '@shared/views'
import { ApiCallError } from '../../api/api-client'
import { useCreateEndpoint, useEndpoints, useUpdateEndpoint } from '../../api/queries'
import { ModalDialog } from '../../components/modal-dialog'
import { slugProblem, uniqueSlugFromName } from '@shared/slug'
import { asSentence, errorMessage } from '@shared/errors'
import { describeInvalidEndpointName, MAX_ENDPOINT_NAME_CHARS } from '@shared/endpoint-name'

interface EndpointFormDialogProps {
  /** The endpoint to rename; absent to create one. */
  endpoint?: Endpoint
  /** Base of capture URLs, e.g. `http://127.0.0.1:4100`. */
  receiverUrl: string | undefined
  onDone: (endpoint: Endpoint) => void
  onClose: () => void
}

export function EndpointFormDialog({ endpoint, receiverUrl, onDone, onClose }: EndpointFormDialogProps) {
  const isEdit = endpoint !== undefined
  const [name, setName] = useState(endpoint?.name ?? '')
  const [slug, setSlug] = useState(endpoint?.slug ?? '')
  const [isSlugEdited, setIsSlugEdited] = useState(isEdit)
  const [isSubmitted, setIsSubmitted] = useState(false)
  const [serverError, setServerError] = useState<{ message: string; field: 'name' | 'slug' | null } | null>(null)
  const createEndpoint = useCreateEndpoint()
  const updateEndpoint = useUpdateEndpoint()
  const isBusy = createEndpoint.isPending || updateEndpoint.isPending

  const endpoints = useEndpoints()
  // Derived as the core derives it: a name like an existing endpoint's gets a free slug ("plexo-2"),
  // not the existing endpoint's URL and a conflict on Create.
  const effectiveSlug = isSlugEdited ? slug : uniqueSlugFromName(name, (candidate) => endpoints.data?.some((other) => other.slug === candidate) ?? false)
  const trimmedName = name.trim()
  const nameProblem = describeInvalidEndpointName(trimmedName)
  const nameError = nameProblem === null ? null : asSentence(nameProblem)
  // Another endpoint's slug is refused by the core (CONFLICT) only after Save: said as it is typed,
  // in the core's words, from the endpoint list the sidebar shows.
  const slugOwner = endpoints.data?.find((other) => other.slug === effectiveSlug && other.id !== endpoint?.id)
  const slugError = slugProblem(effectiveSlug) ?? (slugOwner ? `The slug "${effectiveSlug}" is already used by endpoint "${slugOwner.name}".` : null)
  const nameInput = useRef<HTMLInputElement>(null)
  const slugInput = useRef<HTMLInputElement>(null)
  // Save refused: focus goes to the field at fault, so the next key edits it (it stayed on Save,
  // or fell to <body> when Save was disabled for a request the core then refused).
  const [focusRequest, setFocusRequest] = useState<{ field: 'name' | 'slug' } | null>(null)
  useEffect(() => {
    if (focusRequest === null) return
    const input = focusRequest.field === 'slug' ? slugInput.current : nameInput.current
    input?.focus()
  }, [focusRequest])

  async function submit(event: React.FormEvent): Promise<void> {
    event.preventDefault()
    setIsSubmitted(true)
    setServerError(null)
    if (nameError || slugError) {
      setFocusRequest({ field: nameError ? 'name' : 'slug' })
      return
    }
    try {
      const saved = isEdit
        ? await updateEndpoint.mutateAsync({
            id: endpoint.id,
            ...(trimmedName !== endpoint.name ? { name: trimmedName } : {}),
            ...(effectiveSlug !== endpoint.slug ? { slug: effectiveSlug } : {}),
          })
        : await createEndpoint.mutateAsync({ name: trimmedName, slug: effectiveSlug })
      onDone(saved)
    } catch (error: unknown) {
      const message = errorMessage(error)
      const code = error instanceof ApiCallError ? error.code : null
      setServerError({ message, field: code === 'CONFLICT' ? 'slug' : null })
    }
  }

  const base = receiverUrl?.replace(/\/+$/, '') ?? ''
  return (
    <ModalDialog title={isEdit ? `Edit endpoint “${endpoint.name}”` : 'New endpoint'} onClose={onClose} testId="endpoint-form">
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        <label className="field">
          <span className="field-label">Name</span>
          <input
            className="input"
            value={name}
            maxLength={MAX_ENDPOINT_NAME_CHARS + 20}
            autoFocus
            placeholder="Stripe test mode"
            ref={nameInput}
            onChange={(event) => setName(event.target.value)}
            aria-invalid={isSubmitted && nameError !== null}
            data-testid="endpoint-name-input"
          />
          {isSubmitted && nameError && <span className="field-error">{nameError}</span>}
        </label>
        <label className="field">
          <span className="field-label">Slug (the path of its capture URL)</span>
          <input
            className="input wire"
            value={effectiveSlug}
            maxLength={80}
            spellCheck={false}
            autoCapitalize="off"
            placeholder="stripe-test"
            ref={slugInput}
            onChange={(event) => {
              setIsSlugEdited(true)
              setSlug(event.target.value)
            }}
            aria-invalid={(isSubmitted || isSlugEdited) && slugError !== null}
            data-testid="endpoint-slug-input"
          />
          {(isSubmitted || (isSlugEdited && effectiveSlug !== '')) && slugError && (
            <span className="field-error" data-testid="slug-error">
              {slugError}
            </span>
          )}
          {serverError?.field === 'slug' && (
            <span className="field-error" role="alert" data-testid="endpoint-form-error">
              {serverError.message}
            </span>
          )}
          <span className="field-hint wire">
            {base}/{effectiveSlug || '…'}
          </span>
          {isEdit && effectiveSlug !== endpoint.slug && (
            <span className="field-hint">Providers still sending to {endpoint.url} will no longer be captured here.</span>
          )}
        </label>
        {serverError && serverError.field === null && (
          <p className="form-error" role="alert" data-testid="endpoint-form-error">
            {serverError.message}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose} disabled={isBusy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={isBusy} data-testid="endpoint-form-submit">
            {isBusy ? 'Saving…' : isEdit ? 'Save' : 'Create endpoint'}
          </button>
        </div>
      </form>
    </ModalDialog>
  )
}
