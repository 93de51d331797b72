/** Command-line flags of the headless entry. */
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { DEFAULT_MAX_BODY_BYTES } from '../core/inspector'
import { DURABILITY_MODES, type DurabilityMode } from '../shared/storage-settings'
import { errorMessage } from '../shared/errors'
import { formatByteLimit } from '../shared/byte-size'

export interface HeadlessFlags {
  dataDir: string
  port: number
  receiverPort: number
  maxBodyBytes: number
  /** Absent: the saved setting (default sync). */
  durability?: DurabilityMode
  json: boolean
}

/**
 * The largest `--max-body-bytes`: a capture is read back (getCapture, the detail view) with its body
 * as one base64 string, and V8 cannot make a string longer than about 512 Mi characters. With a cap
 * of 1 GiB a 420 MiB body was stored, answered 200, and could never be opened (INTERNAL).
 */
export const MAX_BODY_BYTES_LIMIT = 256 * 1024 * 1024

export const USAGE = `Usage: npm run serve -- [options]

  --data-dir DIR        where captures are stored (default: ${defaultDataDir()})
  --port N              UI and API port on 127.0.0.1 (default 4000; 0 picks a free one)
  --receiver-port N     capture receiver port on 127.0.0.1 (default 4100; 0 picks a free one)
  --max-body-bytes N    largest body stored whole; larger ones get 413 (default ${DEFAULT_MAX_BODY_BYTES}
                        bytes = ${formatByteLimit(DEFAULT_MAX_BODY_BYTES)}, at most ${MAX_BODY_BYTES_LIMIT} = ${formatByteLimit(MAX_BODY_BYTES_LIMIT)})
  --durability MODE     sync (default: answer once a capture is on stable storage) or flush
                        (answer once it is in the OS cache: faster, survives a crash of the app
                        but not a power loss); overrides the saved setting for this run
  --json                print one JSON line {ui, api, receiver, token, ...} when ready
  --help                show this text`

/** `$XDG_DATA_HOME/callback-inspector`, else `~/.local/share/callback-inspector`. */
export function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share')
  return join(base, 'callback-inspector')
}

/** Every flag the headless entry takes (`string`: it takes a value). USAGE, the README and docs/api.md list exactly these. */
export const FLAG_OPTIONS = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  'receiver-port': { type: 'string' },
  'max-body-bytes': { type: 'string' },
  durability: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options']

export function parseFlags(argv: string[]): HeadlessFlags | { help: true } | { error: string } {
  let values
  try {
    values = parseArgs({ args: argv, options: FLAG_OPTIONS, strict: true }).values
  } catch (error: unknown) {
    return { error: errorMessage(error) }
  }
  if (values.help) return { help: true }
  const port = toInteger(values.port ?? '4000', 0, 65535)
  const receiverPort = toInteger(values['receiver-port'] ?? '4100', 0, 65535)
  const maxBodyBytes = toInteger(values['max-body-bytes'] ?? String(DEFAULT_MAX_BODY_BYTES), 1, MAX_BODY_BYTES_LIMIT)
  if (port === null) return { error: '--port must be a port number (0-65535)' }
  if (receiverPort === null) return { error: '--receiver-port must be a port number (0-65535)' }
  if (maxBodyBytes === null) {
    return {
      error: `--max-body-bytes must be a number of bytes from 1 to ${MAX_BODY_BYTES_LIMIT} (256 MiB): a larger body could not be opened again, its base64 outgrows a JavaScript string`,
    }
  }
  const durability = values.durability
  if (durability !== undefined && !(DURABILITY_MODES as readonly string[]).includes(durability)) return { error: '--durability must be sync or flush' }
  if (port !== 0 && port === receiverPort) return { error: 'the receiver needs its own port: --port and --receiver-port must differ' }
  return {
    dataDir: resolve(values['data-dir'] ?? defaultDataDir()),
    port,
    receiverPort,
    maxBodyBytes,
    json: values.json ?? false,
    ...(durability === undefined ? {} : { durability: durability as DurabilityMode }),
  }
}

function toInteger(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text)) return null
  const value = Number(text)
  return value >= min && value <= max ? value : null
}
