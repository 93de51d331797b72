import { splitTarget } from '@shared/slug'

/**
 * The target as an endpoint's own list shows it: without the endpoint's slug, which every capture
 * it received starts with. An imported capture keeps the target it was sent with, whose first
 * segment may be another slug or a real path ("/hooks/chip"): that one is shown whole, never as a
 * path that was not requested.
 */
export function targetWithinEndpoint(target: string, endpointSlug: string | null): string {
  if (endpointSlug === null) return target
  const { slug, rest } = splitTarget(target)
  return slug === endpointSlug.toLowerCase() ? rest : target
}
