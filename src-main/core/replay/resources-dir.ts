/**
 * Where `resources/` is. From source (vitest: `src-main/core/replay/x.ts`) and from the build
 * (`out/main/x.js` or `out/main/chunks/x.js`) the depth differs, so the default walks up from this
 * module until it finds `resources/simulator`. A packaged app passes its own directory instead.
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { InspectorError } from '../../shared/errors'

/** Directories walked up at most before giving up. */
const MAX_LEVELS_UP = 8

/** The `resources` directory that holds `simulator/`, searched upwards from `startFile`. */
export function findResourcesDir(startFile: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(startFile)
  for (let level = 0; level <= MAX_LEVELS_UP; level++) {
    const candidate = join(dir, 'resources')
    if (existsSync(join(candidate, 'simulator'))) return candidate
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  throw new InspectorError('INTERNAL', `no resources/simulator directory above ${dirname(startFile)}`)
}
