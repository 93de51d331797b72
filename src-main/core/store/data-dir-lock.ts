/**
 * One process per data folder: lowdb has no locking and two writers silently overwrite each
 * other (the last write wins), which would lose captures.
 *
 * The lock file names its owner by pid *and* by when that process started (and on which machine
 * and boot). A pid alone cannot tell a live owner from a stale lock: after a crash the pid is
 * reused by an unrelated process, and after a container restart the app often gets the very pid
 * it had before (pid 1, say), so a stale lock would name a live process (or ourselves) forever.
 * A process is the owner only if the pid is alive and started exactly when the lock says.
 *
 * Where a process's start time cannot be read (Windows), a live pid is trusted, except our own:
 * a lock naming this process that this process does not hold is left over from an earlier run.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { open, readFile, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { InspectorError } from '../../shared/errors'
import { PRIVATE_FILE_MODE } from './private-files'

/** What a lock file holds (JSON). Older versions wrote the bare pid, which is still understood. */
export interface LockOwner {
  pid: number
  /** When the owner process started, as the OS reports it (see `processStartTime`); `null` where unknown. */
  processStart: string | null
  host: string
  /** Linux boot id: a process start time is only comparable within one boot. */
  boot: string | null
  /** Unique per acquisition, so a lock taken over by someone else is noticed. */
  token: string
  lockedAt: string
}

/** How the lock learns about processes; tests replace it to play pid reuse and container restarts. */
export interface ProcessProbe {
  readonly pid: number
  isAlive(pid: number): boolean
  /** When `pid` started, or `null` when it cannot be told (or it is not running). */
  startTime(pid: number): Promise<string | null>
  bootId(): string | null
  host(): string
}

/** Lock files this process holds: a lock naming our pid that is not here is stale. */
const heldHere = new Set<string>()

export async function acquireDataDirLock(file: string, probe: ProcessProbe = systemProbe): Promise<() => Promise<void>> {
  const me: LockOwner = {
    pid: probe.pid,
    processStart: await probe.startTime(probe.pid),
    host: probe.host(),
    boot: probe.bootId(),
    token: randomBytes(8).toString('hex'),
    lockedAt: new Date().toISOString(),
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', PRIVATE_FILE_MODE)
      try {
        await handle.writeFile(JSON.stringify(me))
        await handle.datasync()
      } finally {
        await handle.close()
      }
      // Two starts that both judged an old lock stale could both get here; the file says who won.
      if (readOwner(await readFile(file, 'utf8'), probe)?.token !== me.token) continue
      heldHere.add(file)
      return async () => {
        heldHere.delete(file)
        const current = readOwner(await readFile(file, 'utf8').catch(() => ''), probe)
        if (current?.token === me.token) await unlink(file).catch(() => undefined)
      }
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const text = await readFile(file, 'utf8').catch(() => '')
      const owner = readOwner(text, probe)
      const refusal = owner === null ? null : await whyOwned(owner, file, probe)
      if (refusal !== null) throw new InspectorError('CONFLICT', refusal)
      // Stale (or unreadable: a crash while it was being written): only this exact file is removed.
      if ((await readFile(file, 'utf8').catch(() => null)) === text) await unlink(file).catch(() => undefined)
    }
  }
  throw new InspectorError('CONFLICT', `could not lock the data folder: ${file} keeps changing. Is another Callback Inspector starting on the same folder?`)
}

/**
 * `null` when the owner is gone (the lock is stale); otherwise the message to show, saying what
 * to check and what to do.
 */
async function whyOwned(owner: LockOwner, file: string, probe: ProcessProbe): Promise<string | null> {
  const deleteHint = `If no Callback Inspector is using this folder, delete ${file} and start again.`
  if (owner.host !== probe.host()) {
    return `the data folder is locked by a Callback Inspector on another machine (${owner.host}, pid ${owner.pid}, since ${owner.lockedAt}); its process cannot be checked from here. ${deleteHint}`
  }
  if (owner.pid === probe.pid) {
    // Ours only if it names this very process (same start), or, where start times are unknown, we hold it.
    const ours = owner.processStart !== null ? owner.processStart === (await probe.startTime(probe.pid)) : heldHere.has(file)
    if (!ours) return null
    return `the data folder is already in use by another inspector in this process (${file}); stop that one first`
  }
  if (!probe.isAlive(owner.pid)) return null
  // A different boot: every process of the lock's boot is gone.
  const boot = probe.bootId()
  if (owner.boot !== null && boot !== null && owner.boot !== boot) return null
  const started = await probe.startTime(owner.pid)
  if (owner.processStart !== null && started !== null) {
    // The pid was reused by another process.
    if (started !== owner.processStart) return null
    return `the data folder is in use by another Callback Inspector (pid ${owner.pid}, running since ${owner.lockedAt}). Close that app (or stop that process), or start this one with another data folder.`
  }
  return `the data folder is locked by pid ${owner.pid}, which is running, but whether it is a Callback Inspector cannot be checked on this system. Close the other Callback Inspector if there is one. ${deleteHint}`
}

/** The lock's owner; `null` for an empty or garbled file (a crash while it was being written). */
function readOwner(text: string, probe: ProcessProbe): LockOwner | null {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) {
    // Written by an older version: a bare pid, nothing to compare start times with.
    return { pid: Number(trimmed), processStart: null, host: probe.host(), boot: null, token: '', lockedAt: 'an unknown time' }
  }
  try {
    const parsed = JSON.parse(trimmed) as Partial<LockOwner>
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0 || typeof parsed.host !== 'string') return null
    return {
      pid: parsed.pid,
      processStart: typeof parsed.processStart === 'string' ? parsed.processStart : null,
      host: parsed.host,
      boot: typeof parsed.boot === 'string' ? parsed.boot : null,
      token: typeof parsed.token === 'string' ? parsed.token : '',
      lockedAt: typeof parsed.lockedAt === 'string' ? parsed.lockedAt : 'an unknown time',
    }
  } catch {
    return null
  }
}

export const systemProbe: ProcessProbe = {
  pid: process.pid,
  isAlive(pid) {
    try {
      process.kill(pid, 0)
    } catch (error: unknown) {
      // EPERM: it exists but belongs to someone else.
      return (error as NodeJS.ErrnoException).code === 'EPERM'
    }
    // A killed process keeps its pid and start time until its parent reaps it: seconds here, for
    // good in a container whose pid 1 reaps nothing. Such a zombie holds no file and never writes
    // again, yet it wedged the lock: after a kill -9, the app refused to start again.
    return !isZombie(pid)
  },
  async startTime(pid) {
    if (process.platform === 'linux') return linuxStartTime(pid)
    if (process.platform === 'win32') return null
    // macOS and the BSDs: `ps` prints the start time to the second.
    return new Promise((resolve) => {
      execFile('ps', ['-o', 'lstart=', '-p', String(pid)], { timeout: 2000 }, (error, stdout) => resolve(error ? null : stdout.trim() || null))
    })
  },
  bootId() {
    try {
      return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    } catch {
      return null
    }
  },
  host: () => hostname(),
}

/** The fields of /proc/PID/stat after the command name (field 3, the state, first). */
function statFields(stat: string): string[] {
  // The command name (field 2) is in parentheses and may itself contain spaces or parentheses.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')
}

/** Field 22 of /proc/PID/stat: clock ticks after boot when the process started. */
async function linuxStartTime(pid: number): Promise<string | null> {
  try {
    return statFields(await readFile(`/proc/${pid}/stat`, 'utf8'))[19] ?? null
  } catch {
    return null
  }
}

/** Linux: the process has exited and waits to be reaped (state Z, or X while it is). Elsewhere: false. */
function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false
  try {
    const state = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[0]
    return state === 'Z' || state === 'X'
  } catch {
    return false
  }
}
