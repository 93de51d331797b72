/**
 * The headless entry's flags as users read them: `--help` (USAGE), the README's "Running headless"
 * and docs/api.md's "Starting the app for scripts" each list exactly the flags the parser takes,
 * a value after those that take one, and every command line they show parses.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FLAG_OPTIONS, parseFlags, USAGE } from './flags'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const reference = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')

/** `--name` → whether it takes a value, as the parser says. */
const parserFlags = Object.fromEntries(Object.entries(FLAG_OPTIONS).map(([name, option]) => [`--${name}`, option.type === 'string']))

/** A markdown section, from its heading to the next heading of the same level. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`)
  expect(start, `${heading} is missing`).toBeGreaterThan(-1)
  const level = /^#+/.exec(heading)?.[0] ?? '##'
  const end = text.indexOf(`\n${level} `, start + heading.length + 1)
  return text.slice(start, end === -1 ? undefined : end)
}

/** The flags of a "Flags: `--a X`, `--b`, …" sentence: name → whether a value follows it. */
function listedFlags(text: string): Record<string, boolean> {
  const sentence = /Flags: ([^]*?)(?:\n\n|\.\s)/.exec(text)?.[1] ?? ''
  return Object.fromEntries([...sentence.matchAll(/`(--[a-z-]+)( [^`]+)?`/g)].map((match): [string, boolean] => [match[1] as string, match[2] !== undefined]))
}

/** The arguments of each command line that starts the app (`npm run serve -- …`, `npm start -- …`). */
function commandLines(text: string): string[][] {
  return [...text.matchAll(/npm (?:run serve|start) -- ([^`\n#]+)/g)].map((match) => (match[1] as string).trim().split(/\s+/))
}

describe('headless flags, as documented', () => {
  it('--help lists every flag the parser takes, with a value where it takes one', () => {
    const usage = Object.fromEntries([...USAGE.matchAll(/^ {2}(--[a-z-]+)( [A-Z]+)?/gm)].map((match) => [match[1], match[2] !== undefined]))
    expect(usage).toEqual(parserFlags)
  })

  it("the README's Running headless section lists exactly the parser's flags", () => {
    expect(listedFlags(section(readme, '## Running headless'))).toEqual(parserFlags)
  })

  it("docs/api.md's Starting the app section lists exactly the parser's flags", () => {
    expect(listedFlags(section(reference, '## Starting the app for scripts'))).toEqual(parserFlags)
  })

  it('every command line shown in the README and docs/api.md parses', () => {
    const lines = [...commandLines(readme), ...commandLines(reference)]
    expect(lines.length).toBeGreaterThan(2)
    for (const args of lines) expect(parseFlags(args), args.join(' ')).not.toHaveProperty('error')
  })
})
