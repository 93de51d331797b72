/**
 * The raw shape of an HTTP message as Callback Inspector keeps it.
 *
 * Header values are the strings Node's parser produced: each character is one byte of the
 * wire (latin1), so `Buffer.from(value, 'latin1')` gives back the exact bytes that arrived.
 */

/** Header lines in arrival order, names with their original case, duplicates kept. */
export type HeaderPairs = Array<[name: string, value: string]>

/** First value of a header, matched case-insensitively, or `undefined`. */
export function headerValue(headers: HeaderPairs, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [headerName, value] of headers) {
    // Length first: recognition asks for a dozen names per capture, most of them absent.
    if (headerName.length === wanted.length && headerName.toLowerCase() === wanted) return value
  }
  return undefined
}

/** Every value of a header, matched case-insensitively, in arrival order. */
export function headerValues(headers: HeaderPairs, name: string): string[] {
  const wanted = name.toLowerCase()
  return headers.filter(([headerName]) => headerName.length === wanted.length && headerName.toLowerCase() === wanted).map(([, value]) => value)
}

/**
 * Sets the first header of that name (matched case-insensitively) in place, keeping its original
 * case and position, or appends `[name, value]` when there is none. Later duplicates are left as
 * they are. Returns the name as it will be sent and the value it replaced (`null` when appended).
 */
export function setHeader(headers: HeaderPairs, name: string, value: string): { sentName: string; before: string | null } {
  const wanted = name.toLowerCase()
  const index = headers.findIndex(([existing]) => existing.length === wanted.length && existing.toLowerCase() === wanted)
  const existing = index >= 0 ? headers[index] : undefined
  if (existing === undefined) {
    headers.push([name, value])
    return { sentName: name, before: null }
  }
  const [sentName, before] = existing
  headers[index] = [sentName, value]
  return { sentName, before }
}
