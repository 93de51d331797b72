/**
 * The tunnel view reaches the cache two ways: as the answer to a start/stop/settings call and as
 * `tunnel-changed` events, which are batched before they are applied. Either can land last, so
 * neither may overwrite a newer state: the state with the higher revision wins.
 */
import type { TunnelSettings, TunnelState } from '@shared/tunnel'
import type { TunnelView } from '@shared/views'

/** `current` with `incoming`'s settings (when given) and the newer of the two states. */
export function mergeTunnelView(
  current: TunnelView | undefined,
  incoming: { state: TunnelState; stateRevision: number; settings?: TunnelSettings },
): TunnelView | undefined {
  const settings = incoming.settings ?? current?.settings
  if (settings === undefined) return current
  if (current !== undefined && current.stateRevision > incoming.stateRevision) return { ...current, settings }
  return { settings, state: incoming.state, stateRevision: incoming.stateRevision }
}
