/**
 * Finding a built entry the app starts beside itself (a worker thread's or a child process's
 * script): `out/main/<name>`, next to the entry that imported this module or one folder up from
 * the chunk it was bundled into. `null` where there is none: unit tests run the TypeScript
 * sources, and their callers then do the same work inline.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export function findBuiltEntry(name: string): string | null {
  for (const candidate of [`./${name}`, `../${name}`]) {
    const file = fileURLToPath(new URL(candidate, import.meta.url))
    if (existsSync(file)) return file
  }
  return null
}
