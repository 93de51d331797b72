/**
 * docs/api.md is the scripting API's reference: scripts are written from it, not from the source.
 * These tests hold it to the contract, so a procedure, an input field or an event added to the
 * contract cannot go undocumented, and a field documented as optional is optional.
 *
 * How the reference writes an input: a table row `| \`name\` | { a, b? } | … |`, or prose
 * `` `name { a, b? }` ``. `?` marks an optional field, `a | b` a choice of fields, and a field
 * given as `a: { … }` lists the fields of that object.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { procedureInputs, type ProcedureName } from '../shared/contract'
import { ERROR_HTTP_STATUS } from '../shared/errors'
import { readContractTypeFields, type FieldTree } from '../test-support/contract-type-fields'
import { formatByteLimit } from '../shared/byte-size'
import { MAX_API_BODY_BYTES, SSE_HEARTBEAT_MS } from './http-api'

const reference = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8')
const procedureNames = Object.keys(procedureInputs) as ProcedureName[]

/** A documented field: whether it is marked optional (`null`: a field table, which does not say), and the fields of its object value, if listed. */
interface DocumentedField {
  optional: boolean | null
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
    const saysOptional = documented.filter((entry) => entry.optional !== null)
    if (saysOptional.length > 0) {
      const documentedOptional = documented.length < groups.length || saysOptional.some((entry) => entry.optional === true)
      if (optional && !documentedOptional && !checkedByCore) problems.push(`${where}.${field} is optional but documented without "?"`)
      if (!optional && documentedOptional) problems.push(`${where}.${field} is required but documented as optional`)
    }
    const nestedShape = objectShape(schema)
    if (nestedShape === null) continue
    // An object's fields are listed where the input is (`send: { … }`), or on their own: a line
    // `- send: { … }` in code spans, or a field table (`filter`). An object whose fields are listed nowhere is a gap.
    const listedInline = documented.flatMap((entry) => (entry.fields === null ? [] : [entry.fields]))
    const nestedGroups = listedInline.length > 0 ? listedInline : fieldsListedApart(field)
    if (nestedGroups.length === 0) problems.push(`${where}.${field}'s fields are not documented`)
    else problems.push(...compare(`${where}.${field}`, nestedShape, nestedGroups))
  }
  for (const group of groups) {
    for (const field of group.keys()) {
      if (!(field in shape)) problems.push(`${where}.${field} is documented but is not an input of the contract`)
    }
  }
  return [...new Set(problems)]
}

/** The fields of an input object documented apart from the procedure: `- \`name\`: \`{ … }\``, or a field table after a line that begins with \`name\`. */
function fieldsListedApart(name: string): Array<Map<string, DocumentedField>> {
  const escaped = name.replace(/[^\w]/g, '')
  const listed = [...reference.matchAll(new RegExp(`^- \`${escaped}\`: \`(\\{[^\`]*\\})\``, 'gm'))].flatMap((match) => parseInput(match[1] as string))
  if (listed.length > 0) return listed
  const lines = reference.split('\n')
  const introduced = lines.findIndex((line) => line.startsWith(`\`${escaped}\` `))
  if (introduced === -1) return []
  const header = lines.findIndex((line, index) => index > introduced && /^\| field \|/.test(line))
  // The table belongs to that line: only blank or prose lines between them.
  if (header === -1 || lines.slice(introduced + 1, header).some((line) => line.startsWith('|') || line.startsWith('#'))) return []
  const fields = new Map<string, DocumentedField>()
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break
    for (const [, field] of (line.split(/(?<!\\)\|/)[1] ?? '').matchAll(/`(\w+)`/g)) fields.set(field as string, { optional: null, fields: null })
  }
  return [fields]
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

  it('documents no procedure the contract does not have', () => {
    // Table rows and `name { … }` prose name procedures; any word shaped like one (a procedure's
    // verb, then a capital: `replayCaptures`) must be a procedure, or a field of an input or output.
    const verbs = new Set(procedureNames.map((name) => /^[a-z]+/.exec(name)?.[0]))
    const fieldNames = new Set([...inputFieldNames(), ...[...contractTypes.outputs.values()].flatMap(({ fields }) => treeNames(fields))])
    const shaped = [...reference.matchAll(/\b([a-z]+)([A-Z]\w*)\b/g)].filter((match) => verbs.has(match[1])).map((match) => match[0])
    const gone = [...new Set([...documentedOutputs().keys(), ...shaped])].filter((name) => !(name in procedureInputs) && !fieldNames.has(name))
    expect(gone).toEqual([])
  })

  it("documents every procedure's output fields, and no field it does not return", () => {
    const outputs = documentedOutputs()
    const problems = procedureNames.flatMap((name) => {
      const contract = contractTypes.outputs.get(name)
      if (contract === undefined) return [`${name} has no output type in ProcedureOutputs`]
      const documented = outputs.get(name)
      if (documented === undefined) return [`${name}: output not documented`]
      // Fail closed: a type the compiler could not read (an unresolved import reads as `any`) would check nothing.
      if (contract.fields === null) return [`${name}: the fields of its output type ${contract.typeText} cannot be read from the contract`]
      const fields = documentedOutputFields(name, documented, contract.typeText)
      return typeof fields === 'string' ? [fields] : compareTrees(`${name} →`, contract.fields, fields)
    })
    expect(problems).toEqual([])
  })

  it('lists every event type in the Events table with its fields, and no event that does not exist', () => {
    expect(contractTypes.events.size).toBeGreaterThan(5)
    const eventsSection = reference.slice(reference.indexOf('## Events'), reference.indexOf('## Procedures'))
    const rows = new Map([...eventsSection.matchAll(/^\| `([a-z-]+)` \| (.*) \|$/gm)].map((match) => [match[1] as string, match[2] as string]))
    const problems = [...contractTypes.events.keys()].filter((type) => !rows.has(type)).map((type) => `event ${type} is not in the Events table`)
    for (const [type, data] of rows) {
      const fields = contractTypes.events.get(type)
      if (fields === undefined) {
        problems.push(`event ${type} is documented but never sent`)
        continue
      }
      const documented = parseOutputGroups(firstCodeSpan(data) ?? '')
      problems.push(...compareTrees(`event ${type}`, fields, documented))
    }
    expect(problems).toEqual([])
  })

  it('documents the event stream and the limits as the HTTP API sets them', () => {
    expect(reference).toContain('`GET {api}/events`')
    expect(reference).toContain(`heartbeats (every ${SSE_HEARTBEAT_MS / 1000} s)`)
    expect(reference).toContain(`API input over ${formatByteLimit(MAX_API_BODY_BYTES)} (${MAX_API_BODY_BYTES.toLocaleString('en-US')} bytes;`)
  })

  it('lists every error code with its HTTP status, and no other', () => {
    const documented = new Map([...reference.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((match) => [match[1] as string, Number(match[2])]))
    expect(Object.fromEntries(documented)).toEqual(ERROR_HTTP_STATUS)
  })
})

// Outputs and events: the reference writes an output as `{ a, b: { c } }` (or `[{ … }]` for a
// list), or names a type (`Endpoint[]`, `ProviderSettingsView & { warnings }`) that it defines
// elsewhere as `X = { … }`, `X`: `{ … }`, `X` is a `Y` that adds `a`, `b`, or a field table
// (`| field | meaning |`) after a line that ends in `X`: or says it returns `X`.

const contractTypes = readContractTypeFields()

/** Every field name of every procedure's input, at any depth the schemas spell out. */
function inputFieldNames(): string[] {
  const names: string[] = []
  const walk = (schema: z.ZodType, depth: number): void => {
    const shape = objectShape(schema)
    if (shape === null || depth > 4) return
    for (const [field, inner] of Object.entries(shape)) {
      names.push(field)
      walk(inner, depth + 1)
    }
  }
  for (const name of procedureNames) walk(procedureInputs[name] as z.ZodType, 0)
  return names
}

function treeNames(tree: FieldTree | null): string[] {
  return tree === null ? [] : [...tree].flatMap(([name, nested]) => [name, ...treeNames(nested)])
}

/** The output text the reference gives each procedure: a table row's third cell, or prose `name { … }` → output. */
function documentedOutputs(): Map<string, string> {
  const outputs = new Map<string, string>()
  let inProcedureTable = false
  let previous = ''
  for (const line of reference.split('\n')) {
    if (!line.startsWith('|')) {
      inProcedureTable = false
      continue
    }
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim())
    if (cells[1] === 'procedure') inProcedureTable = true
    if (!inProcedureTable || !/^(`\w+`( \/ )?)+$/.test(cells[1] ?? '')) continue
    const output = /^the same\b/.test(cells[3] ?? '') ? previous : (cells[3] ?? '')
    previous = output
    for (const [, name] of (cells[1] ?? '').matchAll(/`(\w+)`/g)) outputs.set(name as string, output)
  }
  // Prose, where an arrow or "returns" follows the call (possibly on the next line).
  for (const match of reference.matchAll(/`(\w+) \{[^`]*\}`\s*(?:→|returns)\s*([^]*?)(?=\n\n)/g)) {
    if (!outputs.has(match[1] as string)) outputs.set(match[1] as string, match[2] as string)
  }
  return outputs
}

/** The text up to its first `: `, `; ` or `. ` outside code spans: the output, before what is said about it. */
function leadingPart(text: string): string {
  let inCode = false
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '`') inCode = !inCode
    else if (!inCode && /^[:;.](\s|$)/.test(text.slice(index, index + 2))) return text.slice(0, index)
  }
  return text
}

const codeSpans = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string)
const firstCodeSpan = (text: string): string | undefined => codeSpans(text)[0]

/** The fields of `{ … }` groups (alternatives, merged), with nested fields where a value is `{ … }` or `[{ … }]`. */
function parseOutputGroups(...texts: string[]): FieldTree {
  const tree: FieldTree = new Map()
  const toTree = (fields: Map<string, DocumentedField>): FieldTree =>
    new Map([...fields].map(([name, field]) => [name, field.fields === null ? null : toTree(field.fields)]))
  for (const text of texts) {
    for (const group of parseInput(text.replace(/: \[\{/g, ': {').replace(/\}\]/g, '}'))) mergeTree(tree, toTree(group))
  }
  return tree
}

function mergeTree(into: FieldTree, from: FieldTree): void {
  for (const [name, nested] of from) {
    const existing = into.get(name)
    if (existing === undefined || existing === null) into.set(name, nested)
    else if (nested !== null) mergeTree(existing, nested)
  }
}

/** The documented fields of an output text, or a problem. */
function documentedOutputFields(procedure: string, text: string, contractTypeText: string): FieldTree | string {
  const spans = codeSpans(leadingPart(text))
  const inline = spans.filter((span) => /^\[?\{/.test(span))
  const named = /^([A-Z]\w*)(\[\])?(?: & (\{.*\}))?$/.exec(spans[0] ?? '')
  if (named === null) return inline.length > 0 ? parseOutputGroups(...inline) : `${procedure}: output "${text}" names no type and lists no fields`
  const typeName = named[1] as string
  const extra = named[3]
  if (!new RegExp(`\\b${typeName}\\b`).test(contractTypeText)) return `${procedure}: documented as ${typeName}, the contract returns ${contractTypeText}`
  const defined = typeDefinition(typeName)
  if (defined === null) return `${procedure}: ${typeName} is not defined in the reference`
  if (extra !== undefined) mergeTree(defined, parseOutputGroups(extra))
  return defined
}

/** A named type's documented fields (see above), or null when the reference does not define it. */
function typeDefinition(name: string, depth = 0): FieldTree | null {
  const inline = new RegExp(`\`${name}(?: =|\`:) ?\`?(\\{[^\`]*\\})\``).exec(reference)
  if (inline !== null) return parseOutputGroups(inline[1] as string)
  const extended = new RegExp(`\`${name}\` is an? \`(\\w+)\` that adds ([^]*?)(?:\\.\\s|\\n\\n)`).exec(reference)
  if (extended !== null && depth < 3) {
    const base = typeDefinition(extended[1] as string, depth + 1)
    if (base === null) return null
    // Notes in parentheses (possibly nested: a link inside a note) are not fields.
    let added = extended[2] as string
    while (/\([^()]*\)/.test(added)) added = added.replace(/\([^()]*\)/g, '')
    for (const span of codeSpans(added)) mergeTree(base, /^\w+:/.test(span) ? parseOutputGroups(`{ ${span} }`) : new Map([[span, null]]))
    return base
  }
  const lines = reference.split('\n')
  const introduced = lines.findIndex((line) => line.trimEnd().endsWith(`\`${name}\`:`) || line.includes(`returns \`${name}\``))
  if (introduced === -1) return null
  const header = lines.findIndex((line, index) => index > introduced && /^\| field \|/.test(line))
  if (header === -1) return null
  const tree: FieldTree = new Map()
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break
    const first = line.split(/(?<!\\)\|/)[1] ?? ''
    for (const [, field] of first.matchAll(/`(\w+)`/g)) tree.set(field as string, null)
  }
  return tree
}

/** Both ways: a field the contract has and the reference lacks, and one the reference lists that does not exist. */
function compareTrees(where: string, contract: FieldTree, documented: FieldTree): string[] {
  const problems: string[] = []
  for (const field of contract.keys()) if (!documented.has(field)) problems.push(`${where} ${field} is not documented`)
  for (const [field, nested] of documented) {
    if (!contract.has(field)) {
      problems.push(`${where} ${field} is documented but not in the contract`)
      continue
    }
    const contractNested = contract.get(field)
    if (nested !== null && nested !== undefined && contractNested !== null && contractNested !== undefined) {
      problems.push(...compareTrees(`${where} ${field}.`, contractNested, nested))
    }
  }
  return problems
}
