/**
 * An endpoint's display name: trimmed, 1 to {@link MAX_ENDPOINT_NAME_CHARS} characters, none of
 * them a control character or a text-direction override. Zod-free, so the contract's schema and
 * the endpoint form use this one rule.
 */

/** Longest endpoint name, after trimming. */
export const MAX_ENDPOINT_NAME_CHARS = 100

/**
 * C0 and C1 controls (NUL, line breaks, escape), DEL, the line and paragraph separators, and the
 * bidirectional embeddings, overrides and isolates: a name with U+202E shows its characters in
 * another order than they are stored ("Stripe\u202Eevil" reads "Stripelive"), so one endpoint
 * could pass for another in the list, the exports and the file names made from it.
 */
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

/** Why a name (already trimmed) cannot be used, in the API's words, or `null` when it can. */
export function describeInvalidEndpointName(trimmedName: string): string | null {
  if (trimmedName === '') return 'a name cannot be empty'
  if (trimmedName.length > MAX_ENDPOINT_NAME_CHARS) return `a name is at most ${MAX_ENDPOINT_NAME_CHARS} characters`
  const forbidden = FORBIDDEN_CHARACTER.exec(trimmedName)?.[0]
  if (forbidden !== undefined) {
    const code = `U+${(forbidden.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`
    return `a name cannot contain control characters or text-direction overrides (it has ${code})`
  }
  return null
}
