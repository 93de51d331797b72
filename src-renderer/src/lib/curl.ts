/**
 * "Copy as curl": a bash/zsh command that resends the capture's exact bytes. Header values are
 * latin1 strings (one character per wire byte), bodies raw bytes.
 */
import type { HeaderPairs } from '../../../src-main/shared/http-message'

/** Hop-by-hop headers and those curl computes itself. */
const SKIPPED_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
])

export interface CurlRequest {
  method: string
  /** Where to send it: the endpoint's origin plus the request target as received. */
  url: string
  headers: HeaderPairs
  body: Uint8Array
}

export function buildCurlCommand(request: CurlRequest): string {
  // One flag and its value per line.
  const lines: string[] = []
  const hasBody = request.body.length > 0
  const method = request.method.toUpperCase()
  if (method === 'HEAD') lines.push('--head')
  else if (!(method === 'GET' && !hasBody) && !(method === 'POST' && hasBody)) lines.push(`-X ${quoteLatin1(request.method)}`)
  lines.push(quoteLatin1(request.url))
  for (const [name, value] of request.headers) {
    if (SKIPPED_HEADERS.has(name.toLowerCase())) continue
    // `Name;` is curl's way of sending a header with an empty value.
    lines.push(`-H ${quoteLatin1(value === '' ? `${name};` : `${name}: ${value}`)}`)
  }
  // Without an explicit empty Expect, curl may wait for 100-continue on large bodies.
  if (hasBody && !request.headers.some(([name]) => name.toLowerCase() === 'expect')) lines.push(`-H 'Expect:'`)
  if (!hasBody) return `curl ${lines.join(' \\\n  ')}`
  if (request.body.includes(0)) {
    // NUL cannot be passed in an argument: printf writes the exact bytes to curl's stdin.
    lines.push('--data-binary @-')
    return `printf '%b' ${printfEscape(request.body)} | curl ${lines.join(' \\\n  ')}`
  }
  lines.push(`--data-binary ${quoteBytes(request.body)}`)
  return `curl ${lines.join(' \\\n  ')}`
}

/** The capture URL's origin plus the target exactly as it arrived. */
export function captureUrl(endpointUrl: string, target: string): string {
  try {
    return new URL(endpointUrl).origin + target
  } catch {
    return target
  }
}

/** Single quotes when every byte is printable ASCII; otherwise `$'...'` with \xHH escapes. */
function quoteLatin1(text: string): string {
  const bytes = new Uint8Array(text.length)
  for (let index = 0; index < text.length; index++) bytes[index] = text.charCodeAt(index) & 0xff
  return quoteBytes(bytes, false)
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true })

/**
 * Shell-quotes raw bytes. Printable text (UTF-8 allowed in bodies) with ordinary newlines goes
 * in single quotes; anything with other control bytes or invalid UTF-8 goes in `$'...'`.
 */
function quoteBytes(bytes: Uint8Array, isUtf8Allowed = true): string {
  let isPlain = true
  for (const value of bytes) {
    const isPrintableAscii = value >= 0x20 && value < 0x7f
    const isAllowedControl = isUtf8Allowed && (value === 0x0a || value === 0x09)
    if (!isPrintableAscii && !isAllowedControl && !(isUtf8Allowed && value >= 0x80)) {
      isPlain = false
      break
    }
  }
  if (isPlain && isUtf8Allowed) {
    try {
      return singleQuote(utf8Strict.decode(bytes))
    } catch {
      isPlain = false
    }
  }
  if (isPlain) {
    const text = String.fromCharCode(...bytes)
    return SHELL_SAFE.test(text) ? text : singleQuote(text)
  }
  let out = "$'"
  for (const value of bytes) {
    if (value === 0x5c) out += '\\\\'
    else if (value === 0x27) out += "\\'"
    else if (value >= 0x20 && value < 0x7f) out += String.fromCharCode(value)
    else if (value === 0x0a) out += '\\n'
    else if (value === 0x0d) out += '\\r'
    else if (value === 0x09) out += '\\t'
    else out += `\\x${value.toString(16).padStart(2, '0')}`
  }
  return `${out}'`
}

/** Words that need no quoting at all (methods, simple URLs). */
const SHELL_SAFE = /^[A-Za-z0-9_\-.,:/=@%+]+$/

function singleQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

/** POSIX `printf '%b'` argument: octal escapes, so it works in bash, zsh and dash alike. */
function printfEscape(bytes: Uint8Array): string {
  let out = "'"
  for (const value of bytes) {
    if (value === 0x5c) out += '\\\\'
    else if (value === 0x27) out += '\\0047'
    else if (value >= 0x20 && value < 0x7f) out += String.fromCharCode(value)
    else out += `\\0${value.toString(8).padStart(3, '0')}`
  }
  return `${out}'`
}
