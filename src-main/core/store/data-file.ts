/**
 * Opening a lowdb document safely: explicit adapter (lowdb's presets silently switch to memory
 * under NODE_ENV=test), compact JSON (the pretty-printed default costs more to write and read),
 * validation on read, and a file that cannot be read or validated moved aside, never replaced.
 *
 * The adapter is our own rather than lowdb's `DataFile`: its writer (steno) creates files with the
 * process umask (0644: other users could read captured credentials) and never syncs. Ours writes a
 * temporary file 0600, syncs it to disk, renames it over the document and syncs the folder, so a
 * document on disk is always either the old one or the new one, whole, even after a power loss.
 */
import { randomBytes } from 'node:crypto'
import { link, lstat, open, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { Low, type Adapter } from 'lowdb'
import type { z } from 'zod'
import type { StorageIssue } from '../../shared/views'
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files'

export type OpenedDocument<T> = { db: Low<T>; issue: null } | { db: null; issue: StorageIssue }

/** Reads `file` into a lowdb document; `null` `db` with an issue when it had to be moved aside. */
export async function openDocument<T>(
  file: string,
  schema: z.ZodType<T>,
  initial: () => T,
  quarantineDir: string,
  now: () => Date,
  stringify: (data: T) => string = compactJson,
): Promise<OpenedDocument<T>> {
  const db = createDocument(file, initial(), stringify)
  try {
    await db.read()
  } catch (error: unknown) {
    return { db: null, issue: await moveAside(file, describe(error), quarantineDir, now) }
  }
  const parsed = schema.safeParse(db.data)
  if (!parsed.success) {
    const problem = `does not match the expected format: ${summarise(parsed.error)}`
    return { db: null, issue: await moveAside(file, problem, quarantineDir, now) }
  }
  db.data = parsed.data
  return { db, issue: null }
}

/** A lowdb document at `file` holding `data` (written on the first `write()`). */
export function createDocument<T>(file: string, data: T, stringify: (data: T) => string = compactJson): Low<T> {
  return new Low<T>(new PrivateJsonFile<T>(file, stringify), data)
}

/** Reads and writes one JSON document, privately and atomically (see the top of this file). */
class PrivateJsonFile<T> implements Adapter<T> {
  /** Writes of one document run one after the other, so an older one never lands last. */
  private writing: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly file: string,
    private readonly stringify: (data: T) => string,
  ) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as T
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  write(data: T): Promise<void> {
    // Serialised now, so later changes to `data` do not leak into this write.
    const text = this.stringify(data)
    const run = this.writing.then(() => writeFileAtomically(this.file, text))
    this.writing = run.catch(() => undefined)
    return run
  }
}

/** Temporary file (0600) + fdatasync + rename + folder fsync: the document is replaced whole or not at all. */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`)
  const handle = await open(temporary, 'w', PRIVATE_FILE_MODE)
  try {
    await handle.writeFile(text, 'utf8')
    await handle.datasync()
  } catch (error: unknown) {
    await handle.close().catch(() => undefined)
    await unlink(temporary).catch(() => undefined)
    throw error
  }
  await handle.close()
  try {
    await rename(temporary, file)
  } catch (error: unknown) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
  await syncDirectory(dirname(file))
}

/**
 * Replaces `file` with `bytes` through a rename, so a reader sees the old file or the new one,
 * without syncing: for files the app can rebuild (a snapshot that fails its own check is ignored).
 */
export async function writeCacheFile(file: string, bytes: Buffer): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await writeFile(temporary, bytes, { mode: PRIVATE_FILE_MODE })
    await rename(temporary, file)
  } catch (error: unknown) {
    await unlink(temporary).catch(() => undefined)
    throw error
  }
}

/** Makes a rename or a new file in `dir` durable (a no-op where folders cannot be opened, as on Windows). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle
  try {
    handle = await open(dir, 'r')
  } catch {
    return
  }
  try {
    await handle.sync()
  } catch {
    // Some file systems refuse fsync on a folder; the data itself was synced.
  } finally {
    await handle.close()
  }
}

const compactJson = (data: unknown): string => JSON.stringify(data)

/**
 * Moves an unreadable file into the quarantine folder under a name no other file there has, and
 * describes it. The name is the time and the file's name; a rename onto a name already taken
 * replaced the file kept there without a word (`captures/000001.json` and `replays/000001.json`
 * found unreadable in the same millisecond, or one file moved aside twice), so the file is linked
 * to its new name first, which fails rather than replace, and a number is added until one is free.
 */
export async function moveAside(file: string, problem: string, quarantineDir: string, now: () => Date): Promise<StorageIssue> {
  const at = now().toISOString()
  await makePrivateDir(quarantineDir)
  const name = `${at.replace(/[:.]/g, '-')}-${basename(file)}`
  for (let attempt = 1; ; attempt++) {
    const movedTo = join(quarantineDir, attempt === 1 ? name : `${name}.${attempt}`)
    try {
      await link(file, movedTo)
    } catch (error: unknown) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST') continue
      // A file system without hard links: a rename, once nothing has that name.
      if (await pathExists(movedTo)) continue
      await rename(file, movedTo)
      return { file, problem, movedTo, at }
    }
    await unlink(file)
    return { file, problem, movedTo, at }
  }
}

async function pathExists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  )
}

function describe(error: unknown): string {
  if (error instanceof SyntaxError) return `is not valid JSON (${error.message})`
  if (error instanceof Error) return `cannot be read (${error.message})`
  return 'cannot be read'
}

function summarise(error: z.ZodError): string {
  const first = error.issues[0]
  if (!first) return 'unknown problem'
  const where = first.path.length > 0 ? first.path.join('.') : 'the document'
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : ''
  return `${where}: ${first.message}${more}`
}
