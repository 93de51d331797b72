/** Endpoint slugs: the first path segment of a capture URL. Zod-free, so the renderer can use it. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/

/**
 * `/<slug>/rest?query` -> slug (lower-cased, as endpoints are matched) and `/rest?query`, the
 * path within the endpoint. The receiver routes with it; lists show the rest.
 */
export function splitTarget(target: string): { slug: string; rest: string } {
  const path = target.startsWith('/') ? target.slice(1) : target
  const end = path.search(/[/?#]/)
  const slug = end === -1 ? path : path.slice(0, end)
  const rest = end === -1 ? '/' : path.slice(end)
  return { slug: slug.toLowerCase(), rest: rest.startsWith('/') ? rest : `/${rest}` }
}
