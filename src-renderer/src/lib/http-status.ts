/** Reason phrases for the statuses a receiver is likely to answer. */
const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? ''
}

export function statusClass(status: number): 'ok' | 'redirect' | 'client-error' | 'server-error' {
  if (status >= 500) return 'server-error'
  if (status >= 400) return 'client-error'
  if (status >= 300) return 'redirect'
  return 'ok'
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Header values arrive as latin1 strings (one character per byte). When the bytes are valid
 * UTF-8 with non-ASCII characters, show the UTF-8 reading; the raw form stays available.
 */
export function readableHeaderValue(value: string): { text: string; isDecoded: boolean } {
  let isAscii = true
  for (let index = 0; index < value.length; index++) {
    if (value.charCodeAt(index) > 0x7e || value.charCodeAt(index) < 0x20) {
      isAscii = false
      break
    }
  }
  if (isAscii) return { text: value, isDecoded: false }
  const bytes = Uint8Array.from(value, (char) => char.charCodeAt(0) & 0xff)
  try {
    return { text: strictUtf8.decode(bytes), isDecoded: true }
  } catch {
    return { text: value, isDecoded: false }
  }
}
