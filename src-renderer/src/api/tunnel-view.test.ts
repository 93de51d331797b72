import { describe, expect, it } from 'vitest'
import type { TunnelView } from '@shared/views'
import { DEFAULT_TUNNEL_SETTINGS } from '@shared/tunnel'
import { mergeTunnelView } from './tunnel-view'

const online = (lastProvedAt: string | null) =>
  ({
    status: 'online',
    serverUrl: 'http://127.0.0.1:1',
    lastProvedAt,
    earlierRunProvedAt: null,
    url: 'http://abcd.localhost:1',
    subdomain: 'abcd',
    requestedSubdomain: 'abcd',
    requestedSubdomainSource: 'configured',
    subdomainChanged: false,
    nextReclaimAt: null,
    onlineSince: '2026-11-21T10:00:00.000Z',
  }) as const

describe('mergeTunnelView', () => {
  it('keeps a newer state from an event when an older call answer lands after it', () => {
    const afterEvent: TunnelView = { settings: DEFAULT_TUNNEL_SETTINGS, state: online('2026-11-21T10:00:01.000Z'), stateRevision: 4 }
    const newSettings = { ...DEFAULT_TUNNEL_SETTINGS, subdomain: 'abcd' }
    const merged = mergeTunnelView(afterEvent, { settings: newSettings, state: online(null), stateRevision: 3 })
    expect(merged).toEqual({ settings: newSettings, state: online('2026-11-21T10:00:01.000Z'), stateRevision: 4 })
  })

  it('takes a newer state, from an answer or an event', () => {
    const current: TunnelView = { settings: DEFAULT_TUNNEL_SETTINGS, state: online(null), stateRevision: 3 }
    expect(mergeTunnelView(current, { state: online('2026-11-21T10:00:01.000Z'), stateRevision: 4 })).toEqual({
      settings: DEFAULT_TUNNEL_SETTINGS,
      state: online('2026-11-21T10:00:01.000Z'),
      stateRevision: 4,
    })
  })

  it('leaves an empty cache empty for an event (the first fetch brings settings)', () => {
    expect(mergeTunnelView(undefined, { state: online(null), stateRevision: 1 })).toBeUndefined()
  })
})
