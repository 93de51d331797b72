/**
 * Who may read the data folder: only the user running the app. Captures hold whatever senders
 * put in headers and bodies (Basic credentials, signatures, personal and card data), so the
 * folder is created 0700 and every file in it 0600, whatever the umask, and an install made by an
 * older version (0755 folders, 0644 files) is tightened at start-up.
 *
 * On Windows `chmod` only toggles the read-only flag; the user profile's ACLs protect the folder.
 */
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'

export const PRIVATE_DIR_MODE = 0o700
export const PRIVATE_FILE_MODE = 0o600

/** Creates `dir` (and missing parents) readable by the user only; an existing `dir` is tightened too. */
export async function makePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  await chmod(dir, PRIVATE_DIR_MODE)
}

/** What the app keeps in a data folder; anything else there is the user's and is left alone. */
const DATA_DIR_ENTRIES = [
  'inspector.json',
  'inspector.lock',
  'inspector.log',
  'inspector.log.1',
  'answer-sequences.json',
  'captures',
  'replays',
  'secrets',
  'unreadable',
]

/**
 * Tightens the data folder and the app's files and folders in it to the user only. Touches
 * names, never contents: a few hundred `chmod`s for 100,000 captures (segments hold a thousand
 * each). Only the app's own entries are touched (a data folder pointed at a shared place keeps
 * the user's other files as they are); entries that vanish meanwhile are skipped; symbolic links
 * are left alone (chmod would follow them out of the folder).
 */
export async function tightenDataDir(dir: string): Promise<void> {
  await chmod(dir, PRIVATE_DIR_MODE)
  for (const name of DATA_DIR_ENTRIES) await tighten(join(dir, name))
}

async function tighten(path: string): Promise<void> {
  let stats
  try {
    stats = await lstat(path)
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  if (stats.isFile()) {
    if ((stats.mode & 0o777) !== PRIVATE_FILE_MODE) await chmod(path, PRIVATE_FILE_MODE).catch(ignoreVanished)
  } else if (stats.isDirectory()) {
    if ((stats.mode & 0o777) !== PRIVATE_DIR_MODE) await chmod(path, PRIVATE_DIR_MODE).catch(ignoreVanished)
    const names = await readdir(path).catch((error: unknown) => (ignoreVanished(error), [] as string[]))
    for (const name of names) await tighten(join(path, name))
  }
}

function ignoreVanished(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
}
