/**
 * Opening a lowdb document safely: explicit adapter (lowdb's presets silently switch to memory
 * under NODE_ENV=test), compact JSON (the pretty-printed default costs more to write and read),
 * validation on read, and a file that cannot be read or validated moved aside, never replaced.
 */
import { mkdir, rename } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Low } from 'lowdb'
import { DataFile } from 'lowdb/node'
import type { z } from 'zod'
import type { StorageIssue } from '../../shared/contract'

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
  return new Low<T>(new DataFile<T>(file, { parse: JSON.parse, stringify }), data)
}

const compactJson = (data: unknown): string => JSON.stringify(data)

/** Moves an unreadable file into the quarantine folder under a unique name and describes it. */
export async function moveAside(file: string, problem: string, quarantineDir: string, now: () => Date): Promise<StorageIssue> {
  const at = now().toISOString()
  await mkdir(quarantineDir, { recursive: true })
  const movedTo = join(quarantineDir, `${at.replace(/[:.]/g, '-')}-${basename(file)}`)
  await rename(file, movedTo)
  return { file, problem, movedTo, at }
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
