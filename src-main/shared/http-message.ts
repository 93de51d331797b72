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
