import { errorMessage } from '../../shared/errors'
import type { TunnelProblemCode } from '../../shared/tunnel'

/** A failed tunnel step, carrying the code and plain-words message the state will show. */
export class TunnelProblemError extends Error {
  constructor(
    readonly code: TunnelProblemCode,
    message: string,
  ) {
    super(message)
    this.name = 'TunnelProblemError'
  }
}

/** `code` of a Node system error (`ECONNREFUSED`, ...), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code
  }
  return undefined
}

/** A network error against `what` (e.g. `the tunnel server at https://x`) in plain words. */
export function describeNetworkError(error: unknown, what: string): string {
  const code = errorCode(error)
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing answers at ${what} (connection refused)`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot find ${what}: its host name does not resolve (check the URL and the network)`
    case 'ECONNRESET':
      return `${what} closed the connection`
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `cannot reach ${what} (${code}; check the network)`
    default:
      if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) {
        return `the TLS certificate of ${what} was not accepted (${code})`
      }
      return `cannot reach ${what}: ${errorMessage(error)}`
  }
}
