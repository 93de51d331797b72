/** The tunnel service's memory of the subdomain across launches, against the loopback localtunnel server. */
import { afterEach, describe, expect, it } from 'vitest'
import { startLocaltunnelServer } from '../../../e2e/fixtures/localtunnel-server'
import type { InspectorEvent } from '../../shared/contract'
import type { TunnelState } from '../../shared/tunnel'
import { createEventBus } from '../event-bus'
import { silentLogger } from '../logger'
import { createTunnelService, type TunnelMemory } from './tunnel-service'
import type { WatchNetwork } from './network-watch'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** No wake or network change in these tests. */
const quietNetwork: WatchNetwork = () => () => undefined

describe('tunnel service', () => {
  it('does not finish stopping before the subdomain it keeps for the next launch is written', async () => {
    const server = await startLocaltunnelServer()
    cleanups.push(() => server.stop())
    const events = createEventBus<InspectorEvent>(() => undefined)
    const saves: Array<{ memory: TunnelMemory | null; done: () => void }> = []
    const service = createTunnelService(
      // Nothing listens on the receiver port: the tunnel only has to get online.
      { receiverPort: 9, healthNonce: 'nonce' },
      {
        events,
        logger: silentLogger,
        loadSettings: () => ({ serverUrl: server.url, subdomain: null, startWithApp: false }),
        saveSettings: async () => undefined,
        // A slow disk: each write finishes when the test says.
        saveMemory: (memory) => new Promise<void>((resolve) => void saves.push({ memory, done: resolve })),
        supervisor: { watchNetwork: quietNetwork, probeIntervalMs: 600_000 },
      },
    )
    cleanups.push(() => service.stop())
    const online = new Promise<TunnelState>((resolve) =>
      events.subscribe((event) => event.type === 'tunnel-changed' && event.state.status === 'online' && resolve(event.state)),
    )
    await service.start()
    const state = await online
    if (state.status !== 'online') throw new Error('unreachable')
    expect(saves.map((save) => save.memory)).toEqual([{ serverUrl: server.url, subdomain: state.subdomain }])

    let hasStopped = false
    const stopping = service.stop().then(() => (hasStopped = true))
    // The tunnel is down, but the write is still going: the app must not let go of its data folder yet.
    await server.until(() => server.clients().every((client) => client.connectedSockets === 0), { what: 'the sockets closed' })
    await new Promise((resolve) => setImmediate(resolve))
    expect(hasStopped).toBe(false)
    saves[0]!.done()
    await stopping
    expect(hasStopped).toBe(true)
  })
})
