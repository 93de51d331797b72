// `npm start`: the desktop app where Electron can run; otherwise one clear line saying why, and
// the same app headless, with the URL of its UI to open in a browser.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { desktopNodeProblem } from './node-requirement.mjs'

const root = new URL('..', import.meta.url).pathname
const args = process.argv.slice(2)

async function electronBinary() {
  if (process.env.ELECTRON_PATH) {
    return existsSync(process.env.ELECTRON_PATH)
      ? { path: process.env.ELECTRON_PATH }
      : { reason: `ELECTRON_PATH (${process.env.ELECTRON_PATH}) does not exist` }
  }
  // Since Electron 42 the binary is downloaded on first use. Resolve it in a child process so
  // an offline machine gets one line from us instead of the downloader's stack trace.
  const probe = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("electron"))'], { cwd: root, encoding: 'utf8', timeout: 300_000 })
  const path = probe.stdout.trim()
  if (probe.status === 0 && path && existsSync(path)) return { path }
  const cause = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.exec(probe.stderr ?? '')?.[0]
  // An old Node is the likelier cause of a failed first-use download than the network: say so.
  const nodeProblem = desktopNodeProblem(process.version)
  if (nodeProblem) return { reason: `the Electron binary is not installed and could not be downloaded: ${nodeProblem}` }
  return { reason: `the Electron binary is not installed and could not be downloaded${cause ? ` (${cause})` : ''}` }
}

function hasDisplay() {
  return process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
}

const electron = await electronBinary()
const reason = electron.reason ?? (hasDisplay() ? null : 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)')
if (!reason) {
  const started = Date.now()
  const { code } = await run(electron.path, ['.', ...args])
  // A desktop session that ran and was closed is a normal exit; a crash at start falls back.
  if (code === 0 || Date.now() - started > 10_000) process.exit(code ?? 0)
  const nodeProblem = desktopNodeProblem(process.version)
  console.log(`Electron exited at start (code ${code})${nodeProblem ? `: ${nodeProblem}` : ''}; running headless instead.`)
} else {
  console.log(`Desktop app unavailable: ${reason}; running headless instead.`)
}
const { code } = await run(process.execPath, ['out/main/headless.js', ...args])
process.exit(code ?? 0)
