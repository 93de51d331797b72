/**
 * docs/api.md is the scripting API's reference: scripts are written from it, not from the source.
 * These tests hold it to the contract, so a procedure, an input field or an event added to the
 * contract cannot go undocumented, and a field documented as optional is optional.
 *
 * How the reference writes an input: a table row `| \`name\` | { a, b? } | … |`, or prose
 * `` `name { a, b? }` ``. `?` marks an optional field, `a | b` a choice of fields, and a field
 * given as `a: { … }` lists the fields of that object.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { procedureInputs, type ProcedureName } from '../shared/contract'

const reference = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')
const procedureNames = Object.keys(procedureInputs) as ProcedureName[]

/** A documented field: whether it is marked optional, and the fields of its object value, if listed. */
interface DocumentedField {
  optional: boolean
  fields: Map<string, DocumentedField> | null
}

/** The input signatures the reference gives for each procedure (a procedure may have several). */
function documentedInputs(): Map<string, string[]> {
  const inputs = new Map<string, string[]>()
  const add = (name: string, input: string) => inputs.set(name, [...(inputs.get(name) ?? []), input])
  for (const line of reference.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim())
    // A procedure table row: | `a` / `b` | input | output |
    if (line.startsWith('|') && cells.length >= 4 && /^(`\w+`( \/ )?)+$/.test(cells[1] ?? '')) {
      for (const [, name] of (cells[1] ?? '').matchAll(/`(\w+)`/g)) add(name as string, cells[2] ?? '')
    }
    // Prose: `name { … }`
    for (const [, name, input] of line.matchAll(/`(\w+) (\{[^`]*\})`/g)) add(name as string, input as string)
  }
  return inputs
}

/** Top-level groups `{ … }` of an input text, each parsed into its fields. */
function parseInput(text: string): Array<Map<string, DocumentedField>> {
  const groups: Array<Map<string, DocumentedField>> = []
  let depth = 0
  let start = -1
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (char === '{') {
      if (depth === 0) start = index + 1
      depth++
    } else if (char === '}') {
      depth--
      if (depth === 0) groups.push(parseFields(text.slice(start, index)))
    }
  }
  return groups
}

/** Fields of one `{ … }` group's inside: `a, b?, c: { d }, e | f + g?`. */
function parseFields(inside: string): Map<string, DocumentedField> {
  const fields = new Map<string, DocumentedField>()
  // Split at top-level commas.
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (const char of inside) {
    if (char === '{' || char === '(' || char === '[') depth++
    if (char === '}' || char === ')' || char === ']') depth--
    if (char === ',' && depth === 0) {
      parts.push(current)
      current = ''
    } else current += char
  }
  parts.push(current)
  for (const part of parts) {
    // `a | b + c?`: a choice of fields, each optional on its own. A field with a value (`a: … | null`) is one field.
    const alternatives = /^\s*\w+\??\s*:/.test(part) ? [part] : part.split(/\\?\||\+/)
    const isChoice = alternatives.length > 1
    for (const alternative of alternatives) {
      // Notes in parentheses, e.g. `concurrency? (1-32)`, are not fields.
      const match = /^\s*(\w+)(\?)?\s*(?::\s*(.*))?$/s.exec(alternative.replace(/\([^)]*\)/g, ''))
      if (match === null) continue
      const [, name, mark, value] = match
      const nested = value !== undefined && value.trimStart().startsWith('{') ? (parseInput(value)[0] ?? null) : null
      fields.set(name as string, { optional: mark === '?' || isChoice, fields: nested })
    }
  }
  return fields
}

/** The fields the reference documents for a procedure: `like \`x\` without \`y\`` borrows x's. */
function documentedFields(inputs: Map<string, string[]>, name: string): Array<Map<string, DocumentedField>> {
  const groups: Array<Map<string, DocumentedField>> = []
  for (const input of inputs.get(name) ?? []) {
    const like = /^like `(\w+)` without `(\w+)`/.exec(input)
    if (like !== null) {
      for (const borrowed of documentedFields(inputs, like[1] as string)) {
        borrowed.delete(like[2] as string)
        groups.push(borrowed)
      }
    } else groups.push(...parseInput(input))
  }
  return groups
}

/** The object shape behind a schema (through optional, nullable and default wrappers), if it is one. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  let current: unknown = schema
  for (let step = 0; step < 5; step++) {
    const candidate = current as { shape?: Record<string, z.ZodType>; unwrap?: () => unknown; def?: { innerType?: unknown } }
    if (candidate.shape !== undefined) return candidate.shape
    if (typeof candidate.unwrap === 'function') current = candidate.unwrap()
    else if (candidate.def?.innerType !== undefined) current = candidate.def.innerType
    else return null
  }
  return null
}

/** Problems between a schema's fields and the documented groups (a field is optional when absent from a group). */
function compare(where: string, shape: Record<string, z.ZodType>, groups: Array<Map<string, DocumentedField>>): string[] {
  const problems: string[] = []
  for (const [field, schema] of Object.entries(shape)) {
    const documented = groups.map((group) => group.get(field)).filter((entry) => entry !== undefined)
    if (documented.length === 0) {
      problems.push(`${where}.${field} is not documented`)
      continue
    }
    const optional = schema.safeParse(undefined).success
    // `z.unknown()` (a value the core validates, e.g. addKey's key) accepts anything: its optionality is the core's.
    const checkedByCore = schema.safeParse(Symbol('anything')).success
    const documentedOptional = documented.length < groups.length || documented.some((entry) => entry.optional)
    if (optional && !documentedOptional && !checkedByCore) problems.push(`${where}.${field} is optional but documented without "?"`)
    if (!optional && documentedOptional) problems.push(`${where}.${field} is required but documented as optional`)
    const nestedShape = objectShape(schema)
    const nestedGroups = documented.flatMap((entry) => (entry.fields === null ? [] : [entry.fields]))
    if (nestedShape !== null && nestedGroups.length > 0) problems.push(...compare(`${where}.${field}`, nestedShape, nestedGroups))
  }
  for (const group of groups) {
    for (const field of group.keys()) {
      if (!(field in shape)) problems.push(`${where}.${field} is documented but is not an input of the contract`)
    }
  }
  return [...new Set(problems)]
}

describe('docs/api.md against the contract', () => {
  const inputs = documentedInputs()

  it('documents every procedure with its input', () => {
    expect(procedureNames.filter((name) => !inputs.has(name))).toEqual([])
  })

  it("documents every procedure's input fields, optional ones marked with ?", () => {
    const problems = procedureNames.flatMap((name) => {
      const shape = objectShape(procedureInputs[name] as z.ZodType)
      return shape === null ? [`${name}: input is not an object schema`] : compare(name, shape, documentedFields(inputs, name))
    })
    expect(problems).toEqual([])
  })

  it('lists every event type in the Events table', () => {
    const sharedDir = new URL('../shared/', import.meta.url)
    const source = readdirSync(sharedDir)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => readFileSync(new URL(file, sharedDir), 'utf8'))
      .find((text) => text.includes('export type InspectorEvent ='))
    const union = source?.slice(source.indexOf('export type InspectorEvent =')).split(/\n\n/)[0] ?? ''
    const eventTypes = [...union.matchAll(/type: '([a-z-]+)'/g)].map((match) => match[1])
    expect(eventTypes.length).toBeGreaterThan(5)
    const eventsSection = reference.slice(reference.indexOf('## Events'), reference.indexOf('## Procedures'))
    const tableTypes = new Set([...eventsSection.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]))
    expect(eventTypes.filter((type) => !tableTypes.has(type))).toEqual([])
  })
})
