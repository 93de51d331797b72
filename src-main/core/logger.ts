/**
 * The core logs through this seam; it never writes to the console on its own. The apps log to
 * stderr and to a log file in the data folder (`createAppLogger`), so a desktop user, who has no
 * terminal, can still find what went wrong.
 */
import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { PRIVATE_FILE_MODE } from './store/private-files'

export interface Logger {
  info(message: string, details?: Record<string, unknown>): void
  warn(message: string, details?: Record<string, unknown>): void
  error(message: string, details?: Record<string, unknown>): void
  /** Where the messages can be read, for error messages that send the user there. */
  readonly location?: string
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

/** One log line: time, level, message and the redacted details. */
function logLine(level: string, message: string, details?: Record<string, unknown>): string {
  const suffix = details ? ` ${JSON.stringify(redact(details))}` : ''
  return `${new Date().toISOString()} ${level} ${message}${suffix}\n`
}

function loggerWriting(write: (line: string) => void, location?: string): Logger {
  return {
    info: (message, details) => write(logLine('info', message, details)),
    warn: (message, details) => write(logLine('warn', message, details)),
    error: (message, details) => write(logLine('error', message, details)),
    ...(location === undefined ? {} : { location }),
  }
}

/** Writes one line per message to stderr (stdout stays free for `--json` output), redacted. */
export function createStderrLogger(): Logger {
  return loggerWriting((line) => process.stderr.write(line))
}

/** The log file's name in the data folder. */
export const LOG_FILE_NAME = 'inspector.log'
/** A log file past this size is renamed to `inspector.log.1` (replacing the older one) and started again. */
export const LOG_FILE_MAX_BYTES = 1024 * 1024

/**
 * Logs to stderr and to `inspector.log` in the data folder (readable by the user only, like
 * everything there). Messages are rare (warnings and failures), so each line is written at once,
 * synchronously: the line that explains a crash is on disk before it. The file keeps about the
 * last 1-2 MB. A log file that cannot be written never stops the app: stderr still gets the line.
 */
export function createAppLogger(dataDir: string): Logger {
  const path = join(dataDir, LOG_FILE_NAME)
  let size = sizeOf(path)
  return loggerWriting((line) => {
    process.stderr.write(line)
    try {
      if (size >= LOG_FILE_MAX_BYTES) {
        renameSync(path, `${path}.1`)
        size = 0
      }
      const fd = openSync(path, 'a', PRIVATE_FILE_MODE)
      try {
        size += writeSync(fd, line)
      } finally {
        closeSync(fd)
      }
    } catch {
      // The data folder is unwritable (or gone): stderr has the line.
    }
  }, path)
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

/** For tests and callers that want silence. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
