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

export function createDispatch(procedures: ProcedureHandlers, logger: Logger): Dispatch {
  return async (procedure, input) => {
    if (!isProcedureName(procedure)) {
      return { ok: false, error: { code: 'UNKNOWN_PROCEDURE', message: `no procedure named "${String(procedure).slice(0, 80)}"` } }
    }
    const schema = procedureInputs[procedure]
    const given = input ?? {}
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
