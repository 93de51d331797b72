/**
 * The single door from untrusted callers (renderer over IPC, scripts over HTTP) into the core:
 * looks the procedure up, validates its input against the contract, runs it, and wraps the
 * outcome in the `Result` envelope. Nothing else turns caller input into core calls.
 */
import { procedureInputs, type ProcedureName } from '../shared/contract'
import { InspectorError, type Result } from '../shared/errors'
import type { Logger } from '../core/logger'
import type { ProcedureHandlers } from '../core/procedures'
import { describeInputIssues } from './input-issues'

export type Dispatch = (procedure: string, input: unknown) => Promise<Result<unknown>>

/**
 * The most values (objects, arrays and each of their entries, at any depth) an input may hold.
 * No procedure takes near this many (10,000 capture ids is the largest list; a file comes as one
 * base64 string). Checked before the schema: zod spends its time on every entry of an unbounded
 * record and makes an issue of each, so 1.5 million wrong entries under
 * `retention.perEndpoint` (a 25 MB input, within the API's 32 MB) held the app for 25 s and
 * 1.7 GB however short the answer; this walk takes milliseconds.
 */
export const MAX_INPUT_VALUES = 100_000

/** Whether `input` holds more than `limit` values; stops counting once it does (a cycle, over IPC, too). */
function holdsMoreValuesThan(input: unknown, limit: number): boolean {
  const pending: unknown[] = [input]
  let counted = 1
  while (pending.length > 0) {
    const value = pending.pop()
    if (value === null || typeof value !== 'object') continue
    const entries = Array.isArray(value) ? (value as unknown[]) : Object.values(value)
    counted += entries.length
    if (counted > limit) return true
    for (const entry of entries) pending.push(entry)
  }
  return false
}

export function createDispatch(procedures: ProcedureHandlers, logger: Logger): Dispatch {
  return async (procedure, input) => {
    if (!isProcedureName(procedure)) {
      return { ok: false, error: { code: 'UNKNOWN_PROCEDURE', message: `no procedure named "${String(procedure).slice(0, 80)}"` } }
    }
    const schema = procedureInputs[procedure]
    const given = input ?? {}
    if (holdsMoreValuesThan(given, MAX_INPUT_VALUES)) {
      return {
        ok: false,
        error: {
          code: 'BAD_REQUEST',
          message: `invalid input for ${procedure}: it holds more than ${MAX_INPUT_VALUES.toLocaleString('en')} values; no procedure takes that many`,
        },
      }
    }
    const parsed = schema.safeParse(given)
    if (!parsed.success) {
      return {
        ok: false,
        error: { code: 'BAD_REQUEST', message: `invalid input for ${procedure}: ${describeInputIssues(schema, given, parsed.error.issues)}` },
      }
    }
    try {
      const handler = procedures[procedure] as (input: unknown) => Promise<unknown>
      return { ok: true, value: await handler(parsed.data) }
    } catch (error: unknown) {
      if (error instanceof InspectorError) return { ok: false, error: { code: error.code, message: error.message } }
      logger.error(`procedure ${procedure} failed`, { error: error instanceof Error ? error.stack : String(error) })
      const where = logger.location === undefined ? 'the app log' : `the app log (${logger.location})`
      return { ok: false, error: { code: 'INTERNAL', message: `${procedure} failed unexpectedly; ${where} says why` } }
    }
  }
}

function isProcedureName(name: unknown): name is ProcedureName {
  return typeof name === 'string' && Object.hasOwn(procedureInputs, name)
}
