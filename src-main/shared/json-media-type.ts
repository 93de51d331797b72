/**
 * Whether a Content-Type says the body is one JSON document: `application/json`, `text/json`, or a
 * `+json` type such as `application/problem+json`. The body viewer and Compare read it the same way.
 */
export function declaresJson(contentType: string | null | undefined): boolean {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  return mediaType === 'application/json' || mediaType === 'text/json' || mediaType.endsWith('+json')
}
