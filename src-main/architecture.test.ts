/**
 * The import rules of the architecture, checked on the source: a plain-Node test would not catch
 * a stray `electron` import in the core (it only fails where Electron's binary is missing).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')

function sourceFiles(dir: string): string[] {
  return (
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      // Tests may import their runner (vitest) and fixtures wherever they sit; the rules are for the product.
      .filter((entry) => entry.isFile() && /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
      .map((entry) => relative(root, join(entry.parentPath, entry.name)))
  )
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  return [...text.matchAll(/^\s*(?:import|export)\s(?:type\s)?[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1]!,
  )
}

function violations(dir: string, allowed: (specifier: string, file: string) => boolean): string[] {
  return sourceFiles(dir).flatMap((file) =>
    importsOf(file)
      .filter((specifier) => !allowed(specifier, file))
      .map((specifier) => `${file} imports ${specifier}`),
  )
}

describe('import rules', () => {
  it('reads the sources it checks', () => {
    expect(sourceFiles('src-main/core').length).toBeGreaterThan(50)
    expect(importsOf('src-main/core/inspector.ts')).toContain('./receiver/receiver')
  })

  it('the core never imports electron, the API layer or the shells', () => {
    expect(violations('src-main/core', (specifier) => specifier !== 'electron' && !/\/(api|electron|headless|preload)\//.test(specifier))).toEqual([])
  })

  it('shared imports only zod and itself', () => {
    expect(violations('src-main/shared', (specifier) => specifier === 'zod' || specifier.startsWith('./'))).toEqual([])
  })

  it('the preload imports only electron and the IPC channel names', () => {
    expect(violations('src-main/preload', (specifier) => specifier === 'electron' || specifier === '../shared/ipc-channels')).toEqual([])
  })

  it('electron is imported only by the shell and the preload', () => {
    const outside = ['src-main/core', 'src-main/api', 'src-main/headless', 'src-main/shared', 'src-renderer/src'].flatMap((dir) =>
      violations(dir, (specifier) => specifier !== 'electron'),
    )
    expect(outside).toEqual([])
  })

  it('the renderer reaches the main side only through the shared contract', () => {
    expect(violations('src-renderer/src', (specifier) => !specifier.includes('src-main/') || specifier.includes('src-main/shared/'))).toEqual([])
  })
})
