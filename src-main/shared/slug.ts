/** Endpoint slugs: the first path segment of a capture URL. Zod-free, so the renderer can use it. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/
