/** The core logs through this seam; it never writes to the console on its own. */
export interface Logger {
  info(message: string, details?: Record<string, unknown>): void
  warn(message: string, details?: Record<string, unknown>): void
  error(message: string, details?: Record<string, unknown>): void
}

/** Header names whose values are credentials or signatures: never logged. */
const SENSITIVE_NAME = /authorization|cookie|signature|secret|token|key|hmac|password/i

/** Replaces the values of credential-like fields, however deep, with a marker. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    // Header pairs: [name, value]
    if (value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return SENSITIVE_NAME.test(value[0]) ? [value[0], '[redacted]'] : value
    }
    return value.map((item) => redact(item, depth + 1))
  }
  const out: Record<string, unknown> = {}
  for (const [name, item] of Object.entries(value)) {
    out[name] = SENSITIVE_NAME.test(name) ? '[redacted]' : redact(item, depth + 1)
  }
  return out
}

/** Writes one line per message to stderr (stdout stays free for `--json` output), redacted. */
export function createStderrLogger(): Logger {
  const write = (level: string, message: string, details?: Record<string, unknown>): void => {
    const suffix = details ? ` ${JSON.stringify(redact(details))}` : ''
    process.stderr.write(`${new Date().toISOString()} ${level} ${message}${suffix}\n`)
  }
  return {
    info: (message, details) => write('info', message, details),
    warn: (message, details) => write('warn', message, details),
    error: (message, details) => write('error', message, details),
  }
}

/** For tests and callers that want silence. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
