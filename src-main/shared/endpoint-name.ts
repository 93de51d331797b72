/**
 * An endpoint's display name: trimmed, 1 to {@link MAX_ENDPOINT_NAME_CHARS} characters. Zod-free,
 * so the contract's schema and the endpoint form use this one rule.
 */

/** Longest endpoint name, after trimming. */
export const MAX_ENDPOINT_NAME_CHARS = 100

/** Why a name (already trimmed) cannot be used, in the API's words, or `null` when it can. */
export function describeInvalidEndpointName(trimmedName: string): string | null {
  if (trimmedName === '') return 'a name cannot be empty'
  if (trimmedName.length > MAX_ENDPOINT_NAME_CHARS) return `a name is at most ${MAX_ENDPOINT_NAME_CHARS} characters`
  return null
}
