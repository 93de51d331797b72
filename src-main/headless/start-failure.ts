/**
 * The one line the headless app prints when it cannot start. A taken port is the usual cause for a
 * new user (a second `npm start` or `npm run serve`, or another program on 4000 or 4100), and
 * Node's own "listen EADDRINUSE: address already in use" names neither what to do nor the flags
 * that do it: `--port 0 --receiver-port 0` picks free ports (and `npm start` passes them on).
 */
import { errorMessage } from '../shared/errors'

export function startFailureMessage(error: unknown): string {
  const failure = error as NodeJS.ErrnoException & { address?: unknown; port?: unknown }
  if (failure.code !== 'EADDRINUSE') return `Callback Inspector could not start: ${errorMessage(error)}`
  const where = typeof failure.address === 'string' && typeof failure.port === 'number' ? `${failure.address}:${failure.port}` : 'a port it needs'
  return (
    `Callback Inspector could not start: ${where} is already in use (another Callback Inspector, or another program, listens there). ` +
    'Stop it, or let the app pick free ports: npm run serve -- --port 0 --receiver-port 0 (npm start -- … takes the same flags).'
  )
}
