/**
 * Makes the `--data-dir` folder, and the folders above it that are missing, one level at a time
 * before anything else touches it, so a folder that cannot be made stops the start with a sentence
 * naming it. Node's recursive mkdir (which the app uses further in) never settles when a parent
 * exists but cannot hold children: a path under /proc, or under a symbolic link to a disk that is not
 * mounted, gets ENOENT, then EEXIST for the parent, forever (the headless app sat silent at start).
 * A file in the way read as "EEXIST: file already exists, mkdir '…'".
 */
import { lstat, mkdir, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { PRIVATE_DIR_MODE } from '../core/store/private-files'

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code
}

/** Creates `dir` (absolute) and its missing parents, each 0700; an existing folder is left as it is. */
export async function prepareDataDir(dir: string): Promise<void> {
  const missing: string[] = []
  for (let current = dir; ; current = dirname(current)) {
    try {
      if (!(await stat(current)).isDirectory()) throw new Error(`the data folder ${dir} cannot be made: ${current} is a file, not a folder`)
      break
    } catch (error: unknown) {
      // ENOTDIR: a file further up; the walk goes on to name it.
      if (codeOf(error) !== 'ENOENT' && codeOf(error) !== 'ENOTDIR') throw error
    }
    missing.unshift(current)
    if (dirname(current) === current) break
  }
  for (const folder of missing) {
    try {
      await mkdir(folder, { mode: PRIVATE_DIR_MODE })
    } catch (error: unknown) {
      const code = codeOf(error) ?? 'an unknown error'
      if (code === 'EEXIST' && (await lstat(folder)).isSymbolicLink()) {
        throw new Error(`the data folder ${dir} cannot be made: ${folder} is a link to something that does not exist (a disk that is not mounted?)`, {
          cause: error,
        })
      }
      throw new Error(`the data folder ${dir} cannot be made: creating ${folder} failed (${code}); choose another --data-dir`, { cause: error })
    }
  }
}
