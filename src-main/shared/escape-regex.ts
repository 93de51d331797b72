/**
 * `text` with every regular-expression metacharacter escaped, so `new RegExp(escapeRegex(text))`
 * matches exactly that text. For building patterns around user- or spec-supplied literals.
 */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
