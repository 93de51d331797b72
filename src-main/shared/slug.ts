/** Endpoint slugs: the first path segment of a capture URL. Zod-free, so the renderer can use it. */
import { originFormOf } from './target-text'

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/

export const MAX_SLUG_LENGTH = 64

/** The slug of a name with no letter or digit that a URL can carry as is ("日本", "!!!"). */
export const FALLBACK_SLUG = 'endpoint'

/**
 * The slug a display name suggests, the same in the endpoint form and in the core: accents are
 * dropped after Unicode decomposition ("Crème brûlée" -> "creme-brulee"), every other run of
 * characters that is not a-z or 0-9 becomes one dash, and a name left with nothing ("日本")
 * suggests FALLBACK_SLUG. `maxLength` leaves room for a "-2" suffix where the caller adds one.
 */
export function slugFromName(name: string, maxLength = MAX_SLUG_LENGTH): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '')
  return slug === '' ? FALLBACK_SLUG : slug
}

/**
 * The slug a name suggests, made unique among the slugs `isTaken` reports with a numeric suffix
 * ("plexo" taken: "plexo-2"): what the core gives an endpoint created without a slug, and what the
 * endpoint form proposes, so a new endpoint named like an existing one is not offered its URL.
 */
export function uniqueSlugFromName(name: string, isTaken: (slug: string) => boolean): string {
  // Room for a "-NN" suffix within the slug's 64 characters.
  const base = slugFromName(name, MAX_SLUG_LENGTH - 8)
  let candidate = base
  for (let suffix = 2; isTaken(candidate); suffix++) candidate = `${base}-${suffix}`
  return candidate
}

/** Why a slug cannot be used, in a sentence for the form, or null when it can. */
export function slugProblem(slug: string): string | null {
  if (slug === '') return 'A slug cannot be empty.'
  if (slug.length > MAX_SLUG_LENGTH) return `A slug is at most ${MAX_SLUG_LENGTH} characters.`
  if (!SLUG_PATTERN.test(slug)) return 'Use lower-case letters, digits and dashes, not starting or ending with a dash.'
  return null
}

/**
 * `/<slug>/rest?query` -> slug (lower-cased, as endpoints are matched) and `/rest?query`, the
 * path within the endpoint. The receiver routes with it; lists show the rest. A target in absolute
 * form (`http://host/<slug>/rest?query`) is split by its path (`originFormOf`).
 */
export function splitTarget(target: string): { slug: string; rest: string } {
  const originForm = originFormOf(target)
  const path = originForm.startsWith('/') ? originForm.slice(1) : originForm
  const end = path.search(/[/?#]/)
  const slug = end === -1 ? path : path.slice(0, end)
  const rest = end === -1 ? '/' : path.slice(end)
  return { slug: slug.toLowerCase(), rest: rest.startsWith('/') ? rest : `/${rest}` }
}
