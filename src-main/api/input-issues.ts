/**
 * What is wrong with a procedure's input, in words a script writer can act on. zod's own words
 * are kept where they are clear (its schemas in the contract carry most messages); three cases are
 * said better here, since they are what a hand-written call gets wrong most: a field left out
 * ("Invalid input: expected string, received undefined"), a misspelt field ("Unrecognized key:
 * \"endpointID\"", which did not say what the field is called) and an input that is not an object.
 */
import type { z } from 'zod'

type Issue = z.core.$ZodIssue

/**
 * How many problems one message names, and how many unknown fields one problem lists; the rest are
 * counted. A caller fixes the first few and calls again. Without a bound the message grew with the
 * input: 1.5 million wrong entries under `retention.perEndpoint` (a 25 MB input) got a 120 MB
 * answer, built in 40 s while the receiver stood still, and 300,000 misspelt fields were echoed
 * back whole (18 MB).
 */
export const MAX_DESCRIBED_ISSUES = 10
export const MAX_NAMED_UNKNOWN_FIELDS = 10

/** The first `limit` of `items`, each described, joined by `separator`, then how many more there are. */
function describeSome<T>(items: readonly T[], limit: number, separator: string, describe: (item: T) => string, more: (count: number) => string): string {
  const shown = items.slice(0, limit).map(describe).join(separator)
  return items.length > limit ? `${shown}${separator}${more(items.length - limit)}` : shown
}

/** The field names of the object schema at `path` (through optional, nullable, default and array wrappers), if it is one. */
function fieldsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | null {
  let current: unknown = schema
  const steps = [...path]
  for (let guard = 0; guard < 64; guard++) {
    const candidate = current as { shape?: Record<string, unknown>; unwrap?: () => unknown; element?: unknown; def?: { innerType?: unknown } }
    if (typeof candidate.unwrap === 'function' && candidate.shape === undefined && candidate.element === undefined) current = candidate.unwrap()
    else if (candidate.def?.innerType !== undefined) current = candidate.def.innerType
    else if (steps.length === 0) return candidate.shape === undefined ? null : Object.keys(candidate.shape)
    else {
      const step = steps.shift()
      if (candidate.shape !== undefined && typeof step === 'string') current = candidate.shape[step]
      else if (candidate.element !== undefined && typeof step === 'number') current = candidate.element
      else return null
      if (current === undefined) return null
    }
  }
  return null
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[step]
  }
  return current
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

function describeIssue(schema: z.ZodType, input: unknown, issue: Issue): string {
  const where = issue.path.map(String).join('.')
  if (issue.code === 'invalid_type' && issue.path.length === 0 && issue.expected === 'object') {
    return `the input must be a JSON object, not ${kindOf(input)} (send {} when there is nothing to give)`
  }
  if (issue.code === 'invalid_type' && issue.path.length > 0 && valueAt(input, issue.path) === undefined) {
    return `${where} is missing (a ${issue.expected})`
  }
  if (issue.code === 'unrecognized_keys') {
    const fields = fieldsAt(schema, issue.path)
    const unknown = describeSome(
      issue.keys,
      MAX_NAMED_UNKNOWN_FIELDS,
      ', ',
      (key) => JSON.stringify(key.slice(0, 80)),
      (more) => `and ${more} more`,
    )
    const prefix = where === '' ? '' : `${where}: `
    if (fields !== null) return `${prefix}unknown field${issue.keys.length > 1 ? 's' : ''} ${unknown}; the fields are ${fields.join(', ')}`
  }
  return where === '' ? issue.message : `${where}: ${issue.message}`
}

/** One line naming the problems of an input that failed `schema` (the first {@link MAX_DESCRIBED_ISSUES}, then how many more). */
export function describeInputIssues(schema: z.ZodType, input: unknown, issues: readonly Issue[]): string {
  return describeSome(
    issues,
    MAX_DESCRIBED_ISSUES,
    '; ',
    (issue) => describeIssue(schema, input, issue),
    (more) => `and ${more} more problem${more === 1 ? '' : 's'}`,
  )
}
