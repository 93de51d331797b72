/**
 * The tunnel as the app runs it: the receiver exposed through a local server that speaks the
 * localtunnel protocol (a test fixture standing in for localtunnel.me), captures arriving through
 * it, the API out of its reach, and recovery after the tunnel server restarts.
 */
import { describe, expect } from 'vitest'
import { requestThroughTunnel, startLocaltunnelServer, type LocaltunnelServer } from '../../e2e/fixtures/localtunnel-server'
import type { TunnelState } from '../shared/tunnel'
import type { Inspector } from './inspector'
import { requestRegistration } from './tunnel/registration'
import type { TunnelSupervisorDeps } from './tunnel/tunnel-supervisor'
import { useInspector } from '../test-support/inspector-fixture'
import { waitFor } from '../test-support/wait-for'

/**
 * How long the test's server holds a stopped client's name (the real server: about a second), and
 * how long the app waits after a stop, or after a loss, before asking for that name again (its
 * default: 1.5 s against the real server). The same half-second margin as the app has, at two
 * thirds of the wait. Not shorter: the server also forgets a client that has not connected a
 * socket within its grace period of registering, and the app must get that far on a busy machine.
 */
const SERVER_GRACE_MS = 500
const RECLAIM_DELAY_MS = 1_000

type OnlineState = Extract<TunnelState, { status: 'online' }>

/** What the tunnel logged, cleared before each test (the fixture's app logs nowhere else). */
const tunnelLog: Array<{ message: string; fields: Record<string, unknown> | undefined }> = []
const recordTunnelLog = (message: string, fields?: Record<string, unknown>): void => void tunnelLog.push({ message, fields })

/**
 * After a stop the app waits RECLAIM_DELAY_MS before asking for the name it held, for the server
 * to let go of it; the server lets go SERVER_GRACE_MS after it takes in the closed sockets. Both
 * are timers, and a machine that stalls while the server takes in the sockets starts the grace
 * late enough to end after the app's wait: the name is still taken and a random one comes back.
 * A test that restarts the tunnel sets this to the server's release of the name, and no
 * registration goes out before it: what the app's wait stands for, made certain. That the app
 * waits, and how long, is read from its log.
 */
let previousRunReleased: Promise<void> = Promise.resolve()
const registerOncePreviousRunReleased: TunnelSupervisorDeps['register'] = async (request, signal) => {
  await previousRunReleased
  return requestRegistration(request, signal)
}

/**
 * A clock that moves on by a millisecond each time it is read, from the real time: the time
 * between a stop and the next start's first attempt (which the app's wait is measured from) is
 * then a few reads, however long a busy machine takes between them.
 */
function createSteppingClock(): { now(): number } {
  let now = Date.now()
  return { now: () => (now += 1) }
}

/**
 * `server`: a localtunnel server of the test's own, stopped after it. The tunnel runs with the
 * app's own timeouts otherwise: with a 300 ms probe interval (so a 300 ms probe timeout) and 2 s
 * for a registration, a busy machine made two probes in a row time out, the tunnel was dropped and
 * registered again (an extra registration, or a request through it left hanging).
 */
const test = useInspector({
  deps: {
    tunnel: {
      reclaimDelayMs: RECLAIM_DELAY_MS,
      logger: { info: recordTunnelLog, warn: recordTunnelLog, error: recordTunnelLog },
      register: registerOncePreviousRunReleased,
      clock: createSteppingClock(),
    },
  },
}).extend<{ server: LocaltunnelServer }>({
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    tunnelLog.splice(0)
    previousRunReleased = Promise.resolve()
    const server = await startLocaltunnelServer({ graceMs: SERVER_GRACE_MS })
    try {
      await use(server)
    } finally {
      await server.stop()
    }
  },
})

/**
 * The tunnel once it is online. Not `startTunnel`'s answer: the server forgets a client that has
 * not connected a socket within its grace period of registering, so a machine that stalls for
 * longer than that right after registering sees its first attempt fail and a later one succeed
 * (seen with stalls of up to 0.8 s injected into the test process).
 */
async function tunnelOnline(procedures: Inspector['procedures'], isNew: (state: OnlineState) => boolean = () => true): Promise<OnlineState> {
  return waitFor(async () => {
    const { state } = await procedures.getTunnel({})
    return state.status === 'online' && isNew(state) ? state : undefined
  })
}

/** Registrations the server answered with another name than the one asked for (a random one instead). */
const handedAnotherName = (server: LocaltunnelServer) =>
  server.registrations().filter(({ requested, assigned }) => requested !== null && assigned !== requested)

describe('inspector with the tunnel', () => {
  test('captures callbacks through the tunnel, keeps the API out of reach, and reconnects with the same subdomain', async ({ inspector, server, events }) => {
    const { procedures } = inspector
    await procedures.setTunnelSettings({ serverUrl: server.url, subdomain: 'my-inspector' })
    await procedures.startTunnel({})
    const online = await tunnelOnline(procedures)
    expect(online).toMatchObject({ subdomain: 'my-inspector', subdomainChanged: false })
    const [endpoint] = await procedures.listEndpoints({})
    expect(endpoint!.publicUrl).toMatch(/^http:\/\/my-inspector\.localhost:\d+\/default$/)

    const through = await requestThroughTunnel(server.port, 'my-inspector', {
      method: 'POST',
      path: '/default/callbacks/ixopay?orderId=1',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: '{"result":"OK"}',
    })
    expect(through.status).toBe(200)
    const page = await procedures.listCaptures({})
    const capture = await procedures.getCapture({ id: page.items[0]!.id })
    expect(capture.target).toBe('/default/callbacks/ixopay?orderId=1')
    expect(capture.request.headers).toContainEqual(['x-forwarded-for', '203.0.113.9'])
    expect(capture.request.headers.find(([name]) => name.toLowerCase() === 'host')?.[1]).toMatch(/^my-inspector\.localhost/)

    // Only the receiver is exposed: no API procedure answers through the tunnel.
    const api = await requestThroughTunnel(server.port, 'my-inspector', {
      method: 'POST',
      path: '/api/listEndpoints',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(api.status).toBe(404)
    expect(api.body).not.toMatch(/"ok"/)

    await server.restart()
    // Online again means a new registration on the restarted server, with the same subdomain.
    const reconnected = await tunnelOnline(procedures, (state) => state.onlineSince !== online.onlineSince)
    expect(reconnected.subdomain).toBe('my-inspector')
    expect(events.some((event) => event.type === 'tunnel-changed' && event.state.status === 'reconnecting')).toBe(true)
    const again = await requestThroughTunnel(server.port, 'my-inspector', { method: 'POST', path: '/default/again', body: 'x' })
    expect(again.status).toBe(200)
    expect((await procedures.listCaptures({})).total).toBe(2)

    const stopped = await procedures.stopTunnel({})
    expect(stopped.state.status).toBe('off')

    // Every change has a higher revision than the one before, and the view names the newest.
    const revisions = events.flatMap((event) => (event.type === 'tunnel-changed' ? [event.stateRevision] : []))
    expect(revisions.length).toBeGreaterThan(3)
    expect(revisions.every((revision, index) => index === 0 || revision > revisions[index - 1]!)).toBe(true)
    expect(stopped.stateRevision).toBe(revisions.at(-1))
  }, 60_000)

  test('keeps the subdomain across a stop and start, and across a settings change that restarts the tunnel', async ({ inspector, server }) => {
    const { procedures } = inspector
    await procedures.setTunnelSettings({ serverUrl: server.url, subdomain: 'kept-across' })
    await procedures.startTunnel({})
    expect(await tunnelOnline(procedures)).toMatchObject({ subdomain: 'kept-across' })
    // The server holds the stopped client's name for a while; asking at once would get a random one.
    previousRunReleased = server.released('kept-across')
    await procedures.stopTunnel({})
    await procedures.startTunnel({})
    expect(await tunnelOnline(procedures)).toMatchObject({ subdomain: 'kept-across', subdomainChanged: false })
    // It waited for the server to let go, as long as it was told to (the default would be 1.5 s),
    // less the few clock readings between the stop and the attempt.
    const waits = tunnelLog.filter(({ message }) => message === 'tunnel: waiting for the server to release the previous run')
    expect(waits).toHaveLength(1)
    expect(waits[0]!.fields!.waitMs).toBeGreaterThan(RECLAIM_DELAY_MS - 100)
    expect(waits[0]!.fields!.waitMs).toBeLessThanOrEqual(RECLAIM_DELAY_MS)

    // No subdomain configured: the one handed out stays across a restart too.
    await procedures.setTunnelSettings({ subdomain: null })
    const random = await tunnelOnline(procedures)
    // A settings change of the server URL's spelling restarts the tunnel on the same server.
    previousRunReleased = server.released(random.subdomain)
    await procedures.setTunnelSettings({ serverUrl: `${server.url}/` })
    const restarted = await tunnelOnline(procedures, (state) => state.onlineSince !== random.onlineSince)
    expect(restarted).toMatchObject({ subdomain: random.subdomain, subdomainChanged: false })
    // Every name asked for was handed out at once: never a random one in between.
    expect(handedAnotherName(server)).toEqual([])
    // And the names asked for are the configured one, then the one held before the restart. (Asking
    // for none may take more than one random name: a first attempt that fails was never held.)
    const askedFor = server.registrations().flatMap(({ requested }) => (requested === null ? [] : [requested]))
    expect(new Set(askedFor)).toEqual(new Set(['kept-across', random.subdomain]))
  }, 60_000)

  test('a restart while on a stand-in asks for the subdomain it stood in for, and says so until it has it back', async ({ inspector, server }) => {
    const { procedures } = inspector
    await procedures.setTunnelSettings({ serverUrl: server.url, subdomain: null })
    await procedures.startTunnel({})
    const first = await tunnelOnline(procedures)
    // Someone else takes the name once this run lets go of it: the next run gets a stand-in.
    previousRunReleased = server.released(first.subdomain).then(() => server.takeSubdomain(first.subdomain))
    await procedures.stopTunnel({})
    await procedures.startTunnel({})
    const standIn = await tunnelOnline(procedures, (state) => state.onlineSince !== first.onlineSince)
    expect(standIn).toMatchObject({ requestedSubdomain: first.subdomain, subdomainChanged: true })

    previousRunReleased = server.released(standIn.subdomain)
    await procedures.stopTunnel({})
    await procedures.startTunnel({})
    // Not the stand-in, which would be handed out with no word that the providers' URL is stale.
    const again = await tunnelOnline(procedures, (state) => state.onlineSince !== standIn.onlineSince)
    expect(again).toMatchObject({ requestedSubdomain: first.subdomain, subdomainChanged: true })
    expect(server.registrations().filter(({ requested }) => requested === standIn.subdomain)).toEqual([])
    server.releaseSubdomain(first.subdomain)
    const back = await tunnelOnline(procedures, (state) => state.subdomain === first.subdomain)
    expect(back).toMatchObject({ subdomainChanged: false, url: first.url })
  }, 60_000)

  test('a run stopped before it was online leaves the subdomain to the next one', async ({ inspector, server }) => {
    const { procedures } = inspector
    await procedures.setTunnelSettings({ serverUrl: server.url, subdomain: null })
    await procedures.startTunnel({})
    const first = await tunnelOnline(procedures)
    previousRunReleased = server.released(first.subdomain)
    await procedures.stopTunnel({})
    // Stopped while it waits to ask for the name (or while a server is down): it never held one.
    const starting = procedures.startTunnel({})
    await procedures.stopTunnel({})
    await starting
    expect(server.registrations().filter(({ requested }) => requested !== null)).toEqual([])
    await procedures.startTunnel({})
    // Not a random name, handed out with no word that the providers' URL is stale.
    const again = await tunnelOnline(procedures, (state) => state.onlineSince !== first.onlineSince)
    expect(again).toMatchObject({ subdomain: first.subdomain, requestedSubdomain: first.subdomain, subdomainChanged: false })
    expect(handedAnotherName(server)).toEqual([])
    // Both runs after the first waited for the server to let go of the first, the run that held the name.
    expect(tunnelLog.filter(({ message }) => message === 'tunnel: waiting for the server to release the previous run')).toHaveLength(2)
  }, 60_000)

  test('asks again after a relaunch for the subdomain the server handed out, and says so when it gets another', async ({ app, server }) => {
    let inspector = await app.start()
    await inspector.procedures.setTunnelSettings({ serverUrl: server.url, subdomain: null })
    await inspector.procedures.startTunnel({})
    const yesterday = await tunnelOnline(inspector.procedures)
    // The app quits (the URL was given to a provider) and is launched again later.
    await app.stop()
    await server.released(yesterday.subdomain)
    inspector = await app.start()
    await inspector.procedures.startTunnel({})
    // Before, a new launch asked for a random name: the provider's URL was dead without a word.
    const today = await tunnelOnline(inspector.procedures)
    expect(today).toMatchObject({ subdomain: yesterday.subdomain, url: yesterday.url, requestedSubdomain: yesterday.subdomain, subdomainChanged: false })

    // Someone else has the name by the next launch: the app says so, and keeps asking for it.
    await app.stop()
    await server.released(yesterday.subdomain)
    server.takeSubdomain(yesterday.subdomain)
    inspector = await app.start()
    await inspector.procedures.startTunnel({})
    const standIn = await tunnelOnline(inspector.procedures)
    expect(standIn).toMatchObject({ requestedSubdomain: yesterday.subdomain, subdomainChanged: true })
    expect(standIn.subdomain).not.toBe(yesterday.subdomain)
    // The stand-in is not what the providers have: the next launch still asks for the old name.
    await app.stop()
    server.releaseSubdomain(yesterday.subdomain)
    await server.released(standIn.subdomain)
    inspector = await app.start()
    await inspector.procedures.startTunnel({})
    expect(await tunnelOnline(inspector.procedures)).toMatchObject({ subdomain: yesterday.subdomain, subdomainChanged: false })

    // A configured subdomain is the one to keep: once it is cleared (the tunnel off), the next
    // launch asks for a random one, as a restart within a launch does.
    await inspector.procedures.setTunnelSettings({ subdomain: 'configured-name' })
    await tunnelOnline(inspector.procedures, (state) => state.subdomain === 'configured-name')
    await inspector.procedures.stopTunnel({})
    await inspector.procedures.setTunnelSettings({ subdomain: null })
    await app.stop()
    const before = server.registrations().length
    inspector = await app.start()
    await inspector.procedures.startTunnel({})
    await tunnelOnline(inspector.procedures)
    expect(server.registrations().slice(before)[0]).toMatchObject({ requested: null })
  }, 60_000)

  test('refuses an invalid subdomain or server URL with a clear message', async ({ inspector }) => {
    await expect(inspector.procedures.setTunnelSettings({ subdomain: 'Bad_Name' })).rejects.toThrow(/cannot be a tunnel subdomain/)
    await expect(inspector.procedures.setTunnelSettings({ serverUrl: 'ftp://x' })).rejects.toThrow(/https/)
  })

  test('checks an endpoint public URL against a provider', async ({ inspector }) => {
    const [endpoint] = await inspector.procedures.listEndpoints({})
    const result = await inspector.procedures.checkPublicUrl({ endpointId: endpoint!.id, provider: 'ixopay', url: 'http://127.0.0.1:8080/default' })
    expect(result.checks.filter((check) => !check.ok).map((check) => check.check)).toEqual(expect.arrayContaining(['port', 'public-host']))
  })
})
