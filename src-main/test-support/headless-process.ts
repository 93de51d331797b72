/** Starts the built headless app (`out/main/headless.js`) as a child process, as users and CI run it. */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'

export interface HeadlessReady {
  ui: string
  api: string
  receiver: string
  token: string
  dataDir: string
  pid: number
}

export interface HeadlessProcess {
  child: ChildProcess
  ready: HeadlessReady
  call<T = unknown>(procedure: string, input?: unknown): Promise<T>
  /** Everything the app wrote to stderr so far (its log), for attaching to a failed test. */
  log(): string
  stop(): Promise<void>
}

export const HEADLESS_ENTRY = resolve(import.meta.dirname, '../../out/main/headless.js')

/** `openFileLimit`: started under `ulimit -n` of it (through bash; not on Windows). */
export async function startHeadless(dataDir: string, extraArgs: string[] = [], options: { openFileLimit?: number } = {}): Promise<HeadlessProcess> {
  if (!existsSync(HEADLESS_ENTRY)) throw new Error(`${HEADLESS_ENTRY} is missing: run "npm run build" first`)
  const args = [HEADLESS_ENTRY, '--data-dir', dataDir, '--port', '0', '--receiver-port', '0', '--json', ...extraArgs]
  const child =
    options.openFileLimit === undefined
      ? spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `ulimit -n ${options.openFileLimit} && exec "$0" "$@"`, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const ready = await new Promise<HeadlessReady>((resolveReady, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolveReady(JSON.parse(line) as HeadlessReady))
    child.once('exit', (code, signal) => reject(new Error(`headless app exited with ${String(code ?? signal)}: ${stderr}`)))
  })
  return {
    child,
    ready,
    log: () => stderr,
    async call<T>(procedure: string, input: unknown = {}) {
      const response = await fetch(`${ready.api}/${procedure}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      })
      const result = (await response.json()) as { ok: boolean; value: T; error?: { message: string } }
      if (!result.ok) throw new Error(`${procedure}: ${result.error?.message ?? 'failed without a message'}`)
      return result.value
    },
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
      return new Promise<void>((resolveStop) => {
        child.once('exit', () => resolveStop())
        child.kill('SIGTERM')
      })
    },
  }
}
