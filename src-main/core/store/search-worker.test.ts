/**
 * The built search process, started by a real parent that is then killed (SIGKILL, as a crash or a
 * force quit of the app) while a search is under way: the search process exits on its own,
 * without writing a stack trace to the app's stderr. It used to crash with "Error: write EPIPE"
 * when it answered the dead parent before it had seen the channel close.
 *
 * The moment is made certain, not hoped for: the search's second segment is a FIFO, so the search
 * process waits inside that segment's open (a synchronous step, as a large segment's scan is)
 * while the parent is killed; the FIFO is then opened for writing, and the step ends by answering.
 */
import { execFileSync, spawn } from 'node:child_process'
import { closeSync, constants, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeTempDir } from '../../test-support/temp-dir'
import { waitFor } from '../../test-support/wait-for'

/** The built search entry, as the app starts it (`npm run build` makes it). */
const SEARCH_WORKER = resolve(import.meta.dirname, '../../../out/main/search-worker.js')

/**
 * The parent: starts the search process as search-scanner.ts does (its stderr into a file here),
 * asks it to scan two segments without captures, and prints the search process's pid once the
 * first segment's answer has come.
 */
const PARENT = `
const { fork } = require('node:child_process')
const { openSync } = require('node:fs')
const [worker, stderrFile, emptyLog, fifo] = process.argv.slice(1)
const child = fork(worker, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', openSync(stderrFile, 'w'), 'ipc'], execArgv: [] })
const segment = (logPath) => ({
  logPath,
  sidecarPath: logPath + '.search',
  idBytes: new Uint8Array(0),
  otherIds: [],
  offsets: new Float64Array(0),
  metadataBytes: new Uint32Array(0),
  bodySizes: new Uint32Array(0),
  annotations: [],
})
child.on('message', (reply) => {
  if (reply.kind === 'segment' && reply.segment === 0) process.stdout.write(child.pid + '\\n')
})
child.send({ kind: 'scan', jobId: 1, filter: { query: 'jane', nowMs: Date.now() }, segments: [segment(emptyLog), segment(fifo)], columns: new ArrayBuffer(8) })
`

/** Running, as opposed to gone or a zombie nobody reaps (an orphan's new parent may not). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

describe.runIf(process.platform === 'linux')('the search process, when the app dies during a search', () => {
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('exits without a stack trace', async () => {
    if (!existsSync(SEARCH_WORKER)) throw new Error(`${SEARCH_WORKER} is missing: run "npm run build" first`)
    const { dir, remove } = await makeTempDir()
    cleanups.push(remove)
    const stderrFile = join(dir, 'search-stderr.txt')
    const emptyLog = join(dir, '000001.log')
    writeFileSync(emptyLog, '')
    const fifo = join(dir, '000002.log')
    execFileSync('mkfifo', [fifo])

    const parent = spawn(process.execPath, ['-e', PARENT, SEARCH_WORKER, stderrFile, emptyLog, fifo], { stdio: ['ignore', 'pipe', 'inherit'] })
    const parentExited = new Promise((done) => parent.once('exit', done))
    cleanups.push(async () => {
      parent.kill('SIGKILL')
      await parentExited
    })
    let printed = ''
    parent.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()))
    const worker = await waitFor(() => (printed.endsWith('\n') ? Number(printed.trim()) : undefined))
    cleanups.push(() => {
      if (isRunning(worker)) process.kill(worker, 'SIGKILL')
    })
    // In the second segment's open, waiting for the FIFO to have a writer.
    await waitFor(() => (readFileSync(`/proc/${worker}/wchan`, 'utf8') === 'wait_for_partner' ? true : undefined))

    parent.kill('SIGKILL')
    await parentExited
    // The open returns; the step answers the parent that is gone.
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK))

    await waitFor(() => (isRunning(worker) ? undefined : true))
    expect(readFileSync(stderrFile, 'utf8')).toBe('')
  })
})
