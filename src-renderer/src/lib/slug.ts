/** Instant feedback on slugs in the endpoint form; the server validates again and its answer wins. */
import { SLUG_PATTERN } from '../../../src-main/shared/slug'

export function slugProblem(slug: string): string | null {
  if (slug === '') return 'A slug cannot be empty.'
  if (slug.length > 64) return 'A slug is at most 64 characters.'
  if (!SLUG_PATTERN.test(slug)) return 'Use lower-case letters, digits and dashes, not starting or ending with a dash.'
  return null
}

/** A slug suggestion from a display name: "Stripe (test)" -> "stripe-test". */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/g, '')
}
