import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeTempDir } from '../../test-support/temp-dir'
import { waitFor } from '../../test-support/wait-for'
import { acquireDataDirLock, systemProbe, type ProcessProbe } from './data-dir-lock'

/** A machine where `processes` run (pid → start time); we are `pid`. */
function probeWith(pid: number, processes: Record<number, string>, boot = 'boot-1'): ProcessProbe {
  return {
    pid,
    isAlive: (candidate) => candidate in processes,
    startTime: async (candidate) => processes[candidate] ?? null,
    bootId: () => boot,
    host: () => 'this-host',
  }
}

describe('data folder lock', () => {
  let dir: string
  let remove: () => Promise<void>
  let file: string
  beforeEach(async () => {
    ;({ dir, remove } = await makeTempDir())
    file = join(dir, 'inspector.lock')
  })
  afterEach(() => remove())

  it('refuses while the owner runs, with a message that says what to do, and is free after release', async () => {
    const release = await acquireDataDirLock(file, probeWith(100, { 100: 't100', 200: 't200' }))
    const second = acquireDataDirLock(file, probeWith(200, { 100: 't100', 200: 't200' }))
    await expect(second).rejects.toThrow(/in use by another Callback Inspector \(pid 100.*Close that app/)
    await release()
    const again = await acquireDataDirLock(file, probeWith(200, { 200: 't200' }))
    await again()
  })

  it('takes over a lock whose process is gone (a crash or kill -9)', async () => {
    await acquireDataDirLock(file, probeWith(100, { 100: 't100' }))
    // pid 100 died without releasing.
    const release = await acquireDataDirLock(file, probeWith(200, { 200: 't200' }))
    expect((JSON.parse(await readFile(file, 'utf8')) as { pid: number }).pid).toBe(200)
    await release()
  })

  it('takes over a lock whose pid now belongs to another, live process (pid reuse)', async () => {
    await acquireDataDirLock(file, probeWith(100, { 100: 't100' }))
    // After the crash an unrelated process got pid 100: alive, but it started later.
    const release = await acquireDataDirLock(file, probeWith(200, { 100: 't999', 200: 't200' }))
    await release()
  })

  it('takes over a lock naming our own pid after a container restart', async () => {
    await acquireDataDirLock(file, probeWith(1, { 1: 't-before' }))
    // The container restarted: we are pid 1 again, started at another time.
    const release = await acquireDataDirLock(file, probeWith(1, { 1: 't-after' }))
    await release()
  })

  it('takes over a lock left from before a reboot', async () => {
    await acquireDataDirLock(file, probeWith(100, { 100: 't100' }, 'boot-1'))
    const release = await acquireDataDirLock(file, probeWith(200, { 100: 't100', 200: 't200' }, 'boot-2'))
    await release()
  })

  it('understands the bare pid written by older versions', async () => {
    await writeFile(join(dir, 'inspector.lock'), '100')
    await expect(acquireDataDirLock(file, probeWith(200, { 100: 't100', 200: 't200' }))).rejects.toThrow(/pid 100, which is running.*delete .*inspector\.lock/)
    await writeFile(join(dir, 'inspector.lock'), '100')
    await (
      await acquireDataDirLock(file, probeWith(200, { 200: 't200' }))
    )()
  })

  it('takes over an empty or garbled lock file (a crash while it was written)', async () => {
    await writeFile(file, '{"pid":')
    await (
      await acquireDataDirLock(file, probeWith(200, { 200: 't200' }))
    )()
  })

  it('refuses a second open in the same process, on the real system', async () => {
    const release = await acquireDataDirLock(file, systemProbe)
    await expect(acquireDataDirLock(file, systemProbe)).rejects.toThrow(/already in use by another inspector in this process/)
    await release()
    // Our own pid in a lock this process does not hold: left over from an earlier run.
    const owner = JSON.parse(
      await (async () => {
        const again = await acquireDataDirLock(file, systemProbe)
        const text = await readFile(file, 'utf8')
        await again()
        return text
      })(),
    )
    await writeFile(file, JSON.stringify({ ...owner, processStart: 'earlier', token: 'old' }))
    await (
      await acquireDataDirLock(file, systemProbe)
    )()
  })

  // Linux only: a zombie is read from /proc, which only Linux has.
  it.runIf(process.platform === 'linux')('takes over a lock whose process was killed but not yet reaped (a zombie), on the real system', async () => {
    // A shell starts a child, prints its pid and turns into `sleep`, which never reaps it: once the
    // child exits it stays a zombie, as a killed app does until its parent (or pid 1) reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] })
    try {
      const zombie = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()))))
      await waitFor(() => (/\) Z /.test(readFileSync(`/proc/${zombie}/stat`, 'utf8')) ? true : undefined))
      const processStart = await systemProbe.startTime(zombie)
      expect(processStart).not.toBeNull()
      await writeFile(
        file,
        JSON.stringify({ pid: zombie, processStart, host: systemProbe.host(), boot: systemProbe.bootId(), token: 'killed', lockedAt: 'earlier' }),
      )

      // Before, its pid and start time still matched: "in use by another Callback Inspector".
      expect(systemProbe.isAlive(zombie)).toBe(false)
      await (
        await acquireDataDirLock(file, systemProbe)
      )()
    } finally {
      parent.kill('SIGKILL')
    }
  })
})
