/**
 * {@link useInspector} plus `dispatch`: procedures called as any client calls them, through the
 * dispatcher, which validates the input (so a test sees the refusals a client would).
 */
import type { Result } from '../shared/errors'
import { createDispatch, type Dispatch } from '../api/dispatch'
import { silentLogger } from '../core/logger'
import { useInspector, type InspectorFixtureOptions } from './inspector-fixture'

export function useDispatch(options: InspectorFixtureOptions = {}) {
  return useInspector(options).extend<{ dispatch: Dispatch }>({
    dispatch: async ({ inspector }, use) => use(createDispatch(inspector.procedures, silentLogger)),
  })
}

/** A procedure's value through `dispatch`; a refusal throws, saying its code and message. */
export async function call<T>(dispatch: Dispatch, procedure: string, input: unknown): Promise<T> {
  const result = (await dispatch(procedure, input)) as Result<T>
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value
}
