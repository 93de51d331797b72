/**
 * Turns Node's network errors into a failure kind and a sentence a user can act on. A refused
 * connection, a name that does not resolve and a certificate problem need different fixes, so
 * they must not all read "request failed".
 */
import type { ReplayFailure, ReplayFailureKind } from '../../shared/replay'
import { errorMessage } from '../../shared/errors'

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA', 'EAI_ADDRFAMILY'])
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE'])
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EHOSTDOWN', 'ENETDOWN'])
const TLS_CODES = new Set([
  'EPROTO',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
])
const INVALID_REQUEST_CODES = new Set([
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_UNESCAPED_CHARACTERS',
  'ERR_INVALID_PROTOCOL',
])

export function errorCode(error: unknown): string | null {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code
  return null
}

export function failure(kind: ReplayFailureKind, message: string, code: string | null = null): ReplayFailure {
  return { kind, message, code }
}

/** Classifies an error raised while sending to `url`. */
export function classifyError(error: unknown, url: URL): ReplayFailure {
  const code = errorCode(error)
  const host = url.hostname
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  const detail = errorMessage(error)
  if (code === 'ECONNREFUSED')
    return failure('connection-refused', `connection refused by ${host}:${port}: nothing is listening there (is the server running?)`, code)
  if (code !== null && DNS_CODES.has(code)) {
    return failure(
      'dns',
      code === 'EAI_AGAIN' ? `${host} could not be resolved right now (DNS lookup failed temporarily)` : `${host} does not resolve (DNS: no such host)`,
      code,
    )
  }
  if (code !== null && RESET_CODES.has(code)) return failure('connection-reset', `${host}:${port} closed the connection before answering (${code})`, code)
  if (code !== null && UNREACHABLE_CODES.has(code)) return failure('unreachable', `${host}:${port} is unreachable from this machine (${code})`, code)
  if (code === 'ETIMEDOUT') return failure('connect-timeout', `no connection to ${host}:${port}: the operating system gave up (${code})`, code)
  if (code !== null && (TLS_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.startsWith('CERT_'))) {
    const hint = code === 'EPROTO' && url.protocol === 'https:' ? ' (is the target speaking plain http? try http://)' : ''
    return failure('tls', `TLS with ${host}:${port} failed: ${detail}${hint}`, code)
  }
  if (code !== null && code.startsWith('HPE_')) return failure('protocol', `${host}:${port} did not answer with valid HTTP: ${detail}`, code)
  if (code !== null && INVALID_REQUEST_CODES.has(code)) return failure('invalid-request', `the request cannot be sent as it is: ${detail}`, code)
  return failure('network', `sending to ${host}:${port} failed: ${detail}`, code)
}
