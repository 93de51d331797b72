/** The tunnel service's memory of the subdomain across launches, against the loopback localtunnel server. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startLocaltunnelServer } from '../../../e2e/fixtures/localtunnel-server'
import type { InspectorEvent } from '../../shared/contract'
import { TUNNEL_HEALTH_NONCE_HEADER, TUNNEL_HEALTH_PATH, type TunnelState } from '../../shared/tunnel'
import { createEventBus } from '../event-bus'
import { silentLogger } from '../logger'
import { createTunnelService, type TunnelMemory } from './tunnel-service'
import { waitFor } from '../../test-support/wait-for'
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

  it('says why it asks for a subdomain: remembered from the last launch until it holds it, then held, or configured', async () => {
    // The server lets go of a stopped client within 50 ms, so a restart after 100 ms gets the name.
    const server = await startLocaltunnelServer({ graceMs: 50 })
    cleanups.push(() => server.stop())
    const events = createEventBus<InspectorEvent>(() => undefined)
    const states: TunnelState[] = []
    events.subscribe((event) => void (event.type === 'tunnel-changed' && states.push(event.state)))
    const settings = { serverUrl: server.url, subdomain: null as string | null, startWithApp: false }
    const service = createTunnelService(
      { receiverPort: 9, healthNonce: 'nonce' },
      {
        events,
        logger: silentLogger,
        loadSettings: () => settings,
        saveSettings: async () => undefined,
        // The app ran yesterday with "lastlaunch1" and nothing configured.
        loadMemory: () => ({ serverUrl: server.url, subdomain: 'lastlaunch1' }),
        saveMemory: async () => undefined,
        supervisor: { watchNetwork: quietNetwork, probeIntervalMs: 600_000, reclaimDelayMs: 100 },
      },
    )
    cleanups.push(() => service.stop())
    const online = async (): Promise<Extract<TunnelState, { status: 'online' }>> => {
      const state = await waitFor(() => {
        const last = service.state()
        return last.status === 'online' ? last : undefined
      })
      return state
    }

    // Another client took it overnight: the user never typed it, and this launch never held it.
    server.takeSubdomain('lastlaunch1')
    await service.start()
    expect(states.find((state) => state.status === 'connecting')).toMatchObject({ requestedSubdomain: 'lastlaunch1', requestedSubdomainSource: 'remembered' })
    expect(await online()).toMatchObject({ requestedSubdomain: 'lastlaunch1', requestedSubdomainSource: 'remembered', subdomainChanged: true })
    // Stopped and started on the stand-in: still the last launch's name, not one this launch had.
    await service.stop()
    states.length = 0
    await service.start()
    expect(await online()).toMatchObject({ requestedSubdomain: 'lastlaunch1', requestedSubdomainSource: 'remembered', subdomainChanged: true })

    // The other client lets go; the app takes the name back, and from then on it is this launch's.
    server.releaseSubdomain('lastlaunch1')
    await waitFor(() => {
      const state = service.state()
      return state.status === 'online' && state.subdomain === 'lastlaunch1' ? true : undefined
    })
    await service.stop()
    states.length = 0
    await service.start()
    expect(states.find((state) => state.status === 'connecting')).toMatchObject({ requestedSubdomain: 'lastlaunch1', requestedSubdomainSource: 'held' })
    expect(await online()).toMatchObject({ subdomain: 'lastlaunch1', requestedSubdomainSource: 'held', subdomainChanged: false })

    // A subdomain set in the settings is the user's.
    await service.updateSettings({ subdomain: 'typedbyuser' })
    expect(await online()).toMatchObject({ subdomain: 'typedbyuser', requestedSubdomain: 'typedbyuser', requestedSubdomainSource: 'configured' })
  })

  it("keeps the last proof of the run before a Stop and Start apart from the new run's own", async () => {
    // A receiver that answers the health probe, so each run proves itself.
    const receiver = http.createServer((req, res) => {
      if (req.url === TUNNEL_HEALTH_PATH) return void res.writeHead(200, { [TUNNEL_HEALTH_NONCE_HEADER]: 'nonce' }).end('{"nonce":"nonce"}')
      res.writeHead(404).end()
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => (receiver.close(() => resolve()), receiver.closeAllConnections())))
    const server = await startLocaltunnelServer({ graceMs: 50 })
    cleanups.push(() => server.stop())
    const events = createEventBus<InspectorEvent>(() => undefined)
    const states: TunnelState[] = []
    events.subscribe((event) => void (event.type === 'tunnel-changed' && states.push(event.state)))
    const service = createTunnelService(
      { receiverPort: (receiver.address() as AddressInfo).port, healthNonce: 'nonce' },
      {
        events,
        logger: silentLogger,
        loadSettings: () => ({ serverUrl: server.url, subdomain: 'proofkept', startWithApp: false }),
        saveSettings: async () => undefined,
        supervisor: { watchNetwork: quietNetwork, probeIntervalMs: 600_000, reclaimDelayMs: 100 },
      },
    )
    cleanups.push(() => service.stop())
    const proved = (): Promise<string> => waitFor(() => service.state().lastProvedAt ?? undefined)

    await service.start()
    const firstProof = await proved()
    expect(service.state()).toMatchObject({ status: 'online', earlierRunProvedAt: null })
    await service.stop()
    expect(service.state()).toEqual({ status: 'off', serverUrl: server.url, lastProvedAt: firstProof, earlierRunProvedAt: null })

    // Before, the new run's states had lastProvedAt null and nothing else: the dialog read "Not
    // proved working yet … so far", as if the tunnel had never worked.
    states.length = 0
    await service.start()
    const secondProof = await proved()
    const beforeItsProof = states.filter((state) => state.lastProvedAt === null)
    expect(beforeItsProof.map((state) => state.status)).toEqual(expect.arrayContaining(['connecting', 'online']))
    for (const state of beforeItsProof) expect(state.earlierRunProvedAt).toBe(firstProof)
    expect(service.state()).toMatchObject({ status: 'online', lastProvedAt: secondProof, earlierRunProvedAt: firstProof })

    // A restart by a settings change is a new run too.
    states.length = 0
    await service.updateSettings({ subdomain: 'proofkept2' })
    expect(states.find((state) => state.status === 'connecting')).toMatchObject({ lastProvedAt: null, earlierRunProvedAt: secondProof })
  })
})
