// The headless app as the benchmarks use it: started in its own process (the built app, or the
// build BENCH_APP_ENTRY names), its API called with the bearer token it printed when ready
// (`--json`), and stopped.
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'

const root = new URL('..', import.meta.url).pathname
/** The built headless app (`npm run build`); another build can be measured with BENCH_APP_ENTRY. */
export const APP_ENTRY = resolve(root, process.env.BENCH_APP_ENTRY ?? 'out/main/headless.js')

/**
 * Starts `node <args>` in the repository and resolves once it printed its first line (the app's
 * `--json` ready line, or the baseline server's URL), parsed, with how long that took.
 */
export function startProcess(args) {
  const startedAt = performance.now()
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return new Promise((resolveReady, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolveReady({ child, ready: JSON.parse(line), readyMs: performance.now() - startedAt }))
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`)))
  })
}

/** The app's command line: a data folder, ports chosen by the system, the ready line as JSON, and `extra` flags. */
export function appArgs(dataDir, extra = []) {
  return [APP_ENTRY, '--data-dir', dataDir, '--port', '0', '--receiver-port', '0', '--json', ...extra]
}

/** Stops a process started by `startProcess` (SIGTERM: the app closes its store) and waits for it to exit. */
export function stopProcess(child) {
  return new Promise((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveExit()
    child.once('exit', () => resolveExit())
    child.kill('SIGTERM')
  })
}

/** Calls `procedure` with `input` and returns its value. Throws the API's own message when the call fails. */
export async function apiCall(ready, procedure, input = {}) {
  const response = await fetch(`${ready.api}/${procedure}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  const result = await response.json()
  if (!result.ok) throw new Error(`${procedure}: ${result.error?.message}`)
  return result.value
}
