/**
 * The socket half of the localtunnel protocol, driven with a registration we made ourselves
 * (see registration.ts), behind a small interface the supervisor can also fake.
 *
 * The protocol has no handshake and no framing: the client opens `max_conn_count` plain TCP
 * sockets to the port the server named, and the server writes public HTTP requests onto them. Each
 * socket, once the server writes a request onto it, is paired with one connection to the receiver
 * and the bytes are piped both ways unchanged, so every request keeps the public `Host` it arrived
 * with.
 *
 * Why not localtunnel 2.0.2's own `TunnelCluster`: it dials the local side as `localhost`, which
 * resolves to `::1` first on many systems, so another program listening on `[::1]:<port>` (the
 * receiver binds 127.0.0.1 only) would get the public traffic; and its only way to change that,
 * `local_host`, also rewrites the `Host` header, on the first request of each socket only. Here
 * the local leg always dials 127.0.0.1 and never touches the bytes.
 *
 * Note on the server leg: the protocol has no TLS. Providers reach the tunnel server over HTTPS,
 * but what the server relays to this machine (headers, signatures, bodies) and the receiver's
 * answers cross the internet in clear (README, "Tunnel").
 */
import net from 'node:net'
import { MAX_ANSWER_DELAY_MS } from '../../shared/answer-catalog'
import type { TunnelRegistration } from './registration'
import { errorMessage } from '../../shared/errors'
import { errorCode, TunnelProblemError } from './tunnel-problem'

/** Delay before dialling the receiver again when it refused (it may be restarting). */
const LOCAL_RETRY_MS = 1_000

/**
 * A server-leg socket is steady once it has stayed connected this long or the server has written
 * onto it: the server counted it as one of ours (a socket it drops, over its limit, closes at once
 * without a byte). One that closes sooner without carrying a byte is a quick drop: once every
 * socket has been dropped so twice in a row, replacements wait {@link LOCAL_RETRY_MS}, as a server
 * that accepts and drops at once would otherwise be redialled in a tight loop. The first drops are
 * replaced at once, so a restarting server is noticed at once.
 */
const STEADY_SOCKET_MS = 1_000

/**
 * The real server lets a client go once it has had no socket connected for a second (localtunnel
 * server 0.8 `lib/Client.js`, its grace timeout after the agent goes offline): the client's port
 * closes and the system may hand it to the next client that registers. A socket dialled to that
 * port later reaches a stranger's tunnel, and the stranger's public requests would be captured and
 * answered here.
 */
const SERVER_RELEASE_MS = 1_000

/**
 * With no steady socket, the server's port is dialled only this soon after the registration was
 * last surely ours (the open began, or the last steady socket closed): at most half the server's
 * grace, the other half left for the server having seen that close before us and for the dial's
 * way there. Later, the connection reports the loss instead, and the supervisor registers again.
 * Less on a slow path: see {@link redialWindowMs}.
 */
const REDIAL_WHILE_SURELY_OURS_MS = SERVER_RELEASE_MS / 2

/** Left for a timer that runs late and a dial a little slower than the usual round trip. */
const REDIAL_MARGIN_MS = 100

/**
 * How many of the last server-leg dials' connect times the round trip is judged by: their median,
 * so one dial held up by a stall of this process (its connect event read late) does not count.
 */
const CONNECT_TIME_SAMPLES = 10

/**
 * How long after the registration was last surely ours a dial may still go out, given the round
 * trip to the server (a TCP handshake's connect time, the median of the last dials). The server
 * learnt of the last close about half a round trip before we did, and a dial reaches it half a
 * round trip after it leaves, so a dial `x` ms after we saw the close arrives in time only while
 * `x` plus a round trip stays under the server's grace. The fixed half second assumed a round trip well under half a
 * second; over a slow path (a satellite or congested mobile link: 0.6 s and more) a dial late in it
 * reached the port after the server had let it go, and maybe another client's tunnel.
 */
export function redialWindowMs(roundTripMs: number): number {
  return Math.max(0, Math.min(REDIAL_WHILE_SURELY_OURS_MS, SERVER_RELEASE_MS - roundTripMs - REDIAL_MARGIN_MS))
}

/**
 * A socket that has carried no request for this long while connected counts as free: the server
 * hands a waiting request to a socket as soon as the socket connects or its last answer is in, so a
 * request that waited at the server (the health probe) would have been written onto it by then.
 */
const FREE_SOCKET_MS = 1_000

/**
 * A request the receiver has not answered for this long no longer counts as keeping its socket
 * busy: longer than the longest answer delay an endpoint can be set to, so only a hang (answered
 * never) or a socket whose answer can no longer leave (its network gone) outlasts it.
 */
const BUSY_SOCKET_LIMIT_MS = MAX_ANSWER_DELAY_MS + 10_000

/** What a live tunnel reports to the supervisor. */
export type TunnelConnectionEvent =
  /** A socket to the server was refused: usually the server restarted and forgot us. */
  | { type: 'error'; message: string }
  /**
   * The number of sockets connected to the server, or of those steady among them (connected for a
   * second, or carried a request), changed. While the server drops every new socket at once, `live`
   * flips between 0 and 1 and `steady` stays 0.
   */
  | { type: 'sockets-changed'; live: number; steady: number }

/** An open tunnel: sockets from the server to the receiver. */
export interface TunnelConnection {
  /** Sockets currently connected to the server. */
  liveSockets(): number
  /** Connected sockets that have stayed up for a second or carried a request: the server counts them as ours. */
  steadySockets(): number
  /**
   * How many times the server has written onto a socket so far. The server writes nothing but the
   * public requests sent to this tunnel, so a count that grew proves that the public URL reaches us.
   */
  serverWrites(): number
  /**
   * Every connected socket carries a request the receiver has not answered yet (slow or delayed
   * answers), and none has sat free for a second: a request sent to the public URL now waits at
   * the server until an answer frees a socket.
   */
  isSaturated(): boolean
  /** Close every socket; resolves once they are closed. Idempotent. */
  close(): Promise<void>
}

export interface OpenTunnelOptions {
  registration: TunnelRegistration
  /** The receiver port: the only local port a tunnel ever forwards to. */
  localPort: number
  /** Dialled as an address, never a name, so the system resolver cannot pick another loopback. */
  localHost: '127.0.0.1'
  /** Aborting closes the sockets and rejects, while opening; ignored once open. */
  signal: AbortSignal
  /** Receives events from the start until `close()`; must not throw. */
  onEvent: (event: TunnelConnectionEvent) => void
}

/**
 * Open a tunnel for a registration. Resolves when the first socket to the server is connected;
 * rejects with a {@link TunnelProblemError} when the server's tunnel port refuses or `signal` aborts,
 * after closing everything.
 */
export type OpenTunnel = (options: OpenTunnelOptions) => Promise<TunnelConnection>

/** The default {@link OpenTunnel}: `maxConnCount` sockets to the server, each piped to the receiver. */
export const openLocaltunnelConnection: OpenTunnel = (options) =>
  new Promise<TunnelConnection>((resolve, reject) => {
    const { registration, localPort, localHost, signal, onEvent } = options
    // As the localtunnel client: the IP the server names, else the server URL's host.
    const remoteHost = registration.ip ?? new URL(registration.serverUrl).hostname.replace(/^\[|\]$/g, '')
    /** Every socket we opened, either leg, so close() leaves nothing behind. */
    const allSockets = new Set<net.Socket>()
    /** Server-leg sockets that are connected. */
    const liveRemotes = new Set<net.Socket>()
    /** Those of them that are steady (see {@link STEADY_SOCKET_MS}). */
    const steadyRemotes = new Set<net.Socket>()
    /**
     * For each connected server-leg socket: since when it carries a request the receiver has not
     * answered (null while free), and since when it has been free.
     */
    const socketUse = new Map<net.Socket, { busySince: number | null; freeSince: number }>()
    let serverWrites = 0
    /** Connect times of the last server-leg dials (see {@link redialWindowMs}). */
    const connectTimes: number[] = []
    const roundTripMs = (): number => {
      if (connectTimes.length === 0) return 0
      const sorted = [...connectTimes].sort((a, b) => a - b)
      return sorted[Math.floor(sorted.length / 2)] ?? 0
    }
    const retryTimers = new Set<NodeJS.Timeout>()
    let quickDropsInARow = 0
    /** Server-leg sockets dialled and neither connected nor failed yet. */
    let dialsInFlight = 0
    /** Server-leg redials waiting for their timer. */
    let redialsPending = 0
    /** Replacements not dialled because the registration might no longer be ours; dialled once a socket is steady again. */
    let dialsOwed = 0
    /** Last clock time the registration was surely ours with no steady socket connected (see {@link REDIAL_WHILE_SURELY_OURS_MS}). */
    let surelyOursAt = Date.now()
    let lastReported = { live: 0, steady: 0 }
    let isSettled = false
    let isClosed = false
    let hasLetGo = false
    let closing: Promise<void> | null = null

    const emit = (event: TunnelConnectionEvent): void => {
      if (!isClosed) onEvent(event)
    }

    const steadyCount = (): number => steadyRemotes.size

    const isSaturated = (): boolean => {
      if (liveRemotes.size === 0) return false
      const now = Date.now()
      let busy = 0
      for (const remote of liveRemotes) {
        const use = socketUse.get(remote)
        if (use === undefined) return false
        if (use.busySince !== null && now - use.busySince < BUSY_SOCKET_LIMIT_MS) busy += 1
        else if (use.busySince !== null || now - use.freeSince >= FREE_SOCKET_MS) return false
      }
      return busy > 0
    }

    /** The server wrote onto `remote`: a request (or more of one) the receiver now owes an answer to. */
    const requestArrived = (remote: net.Socket): void => {
      serverWrites += 1
      const use = socketUse.get(remote)
      if (use !== undefined && use.busySince === null) use.busySince = Date.now()
    }

    /** The receiver answered on `remote`'s pair: the socket is free for the next request once the answer is out. */
    const answerLeft = (remote: net.Socket): void => {
      const use = socketUse.get(remote)
      if (use === undefined || use.busySince === null) return
      use.busySince = null
      use.freeSince = Date.now()
    }

    /** Tell the supervisor when the live or steady count changed since it last heard. */
    const reportSockets = (): void => {
      const now = { live: liveRemotes.size, steady: steadyCount() }
      if (now.live === lastReported.live && now.steady === lastReported.steady) return
      lastReported = now
      emit({ type: 'sockets-changed', ...now })
    }

    /**
     * Whether the server can have let go of this registration (and handed its port to another
     * client) in the `withinMs` since it was last surely ours: never while a steady socket is
     * connected, since the server counts it.
     */
    const isSurelyOurs = (withinMs: number): boolean => steadyCount() > 0 || Date.now() - surelyOursAt < withinMs

    const close = (): Promise<void> => {
      if (closing !== null) return closing
      isClosed = true
      signal.removeEventListener('abort', onAbort)
      for (const timer of retryTimers) clearTimeout(timer)
      retryTimers.clear()
      const pending = [...allSockets].map(
        (socket) =>
          new Promise<void>((done) => {
            if (socket.closed) {
              done()
              return
            }
            socket.once('close', () => done())
            socket.destroy()
          }),
      )
      closing = Promise.all(pending).then(() => undefined)
      return closing
    }

    const fail = (problem: TunnelProblemError): void => {
      if (isSettled) return
      isSettled = true
      void close()
      reject(problem)
    }

    function onAbort(): void {
      const reason: unknown = signal.reason
      fail(reason instanceof TunnelProblemError ? reason : new TunnelProblemError('REGISTRATION_TIMEOUT', 'opening the tunnel was cancelled'))
    }

    function track(socket: net.Socket): net.Socket {
      allSockets.add(socket)
      socket.once('close', () => allSockets.delete(socket))
      return socket
    }

    /** Run `callback` after `delayMs` unless closed first; returns the timer. */
    function later(delayMs: number, callback: () => void): NodeJS.Timeout {
      const timer = setTimeout(() => {
        retryTimers.delete(timer)
        callback()
      }, delayMs)
      retryTimers.add(timer)
      return timer
    }

    /**
     * One server-leg socket; when a connected one closes, it is replaced, as the protocol expects,
     * but only while the server cannot have given the port to someone else.
     */
    function openRemote(): void {
      if (isClosed) return
      if (!isSurelyOurs(redialWindowMs(roundTripMs()))) {
        dialsOwed += 1
        letGoOnceNothingIsLeft()
        return
      }
      const dialledAt = Date.now()
      const remote = track(net.connect({ host: remoteHost, port: registration.port }))
      remote.setKeepAlive(true)
      let wasConnected = false
      dialsInFlight += 1
      remote.on('error', (error: unknown) => {
        remote.destroy()
        if (wasConnected) return
        dialsInFlight -= 1
        // Refused means the server no longer listens for us (restarted, or forgot us): that is a
        // loss, not something reopening fixes. Other errors just close this socket, but while
        // opening, once every dial has failed so, nothing is left to wait for: a server that
        // forgot us between registering and our connecting (a machine stalled for longer than
        // its grace period) resets the dials, and the open waited for the registration timeout.
        const isRefused = errorCode(error) === 'ECONNREFUSED'
        if (isRefused || (!isSettled && dialsInFlight === 0)) {
          const message = `the tunnel server's port ${registration.port} ${isRefused ? 'refused the tunnel' : 'did not take the tunnel'} (${errorMessage(error)})`
          if (!isSettled) fail(new TunnelProblemError('TUNNEL_CONNECT_FAILED', message))
          else emit({ type: 'error', message })
          return
        }
        // Any other failure (a network blip: unreachable, timed out, reset) is this socket's
        // alone: dial it again shortly. Left alone, the tunnel ran on one socket fewer for good
        // each time a replacement failed so (the server closes a socket after most answers).
        redialLater()
      })
      remote.once('connect', () => {
        dialsInFlight -= 1
        connectTimes.push(Date.now() - dialledAt)
        if (connectTimes.length > CONNECT_TIME_SAMPLES) connectTimes.shift()
        if (isClosed) return void remote.destroy()
        if (!isSurelyOurs(SERVER_RELEASE_MS)) {
          // A dial that took longer to connect than the server waits for a client with no socket
          // (a lost SYN, resent a second later) may have reached the port's next owner: unused.
          remote.destroy()
          dialsOwed += 1
          letGoOnceNothingIsLeft()
          return
        }
        wasConnected = true
        liveRemotes.add(remote)
        socketUse.set(remote, { busySince: null, freeSince: Date.now() })
        // Steady after a second without a byte too. Checked once the I/O that was due meanwhile
        // has been read: after a stall of the process, a timer runs before the reads, and a socket
        // the server dropped at once would pass for one that stayed up.
        const steadyTimer = later(STEADY_SOCKET_MS, () => setImmediate(() => markSteady(remote)))
        remote.once('close', () => {
          clearTimeout(steadyTimer)
          retryTimers.delete(steadyTimer)
          const wasSteady = steadyRemotes.delete(remote)
          liveRemotes.delete(remote)
          socketUse.delete(remote)
          if (wasSteady && steadyCount() === 0) surelyOursAt = Date.now()
          reportSockets()
          quickDropsInARow = wasSteady ? 0 : quickDropsInARow + 1
          if (quickDropsInARow <= 2 * registration.maxConnCount) openRemote()
          else redialLater()
        })
        reportSockets()
        if (!isSettled) {
          isSettled = true
          signal.removeEventListener('abort', onAbort)
          resolve({ liveSockets: () => liveRemotes.size, steadySockets: steadyCount, serverWrites: () => serverWrites, isSaturated, close })
        }
        connectLocalOnFirstBytes(remote)
      })
    }

    /** A socket became steady: the registration is ours, so the replacements held back can be dialled. */
    function markSteady(remote: net.Socket): void {
      if (isClosed || remote.destroyed || !liveRemotes.has(remote) || steadyRemotes.has(remote)) return
      steadyRemotes.add(remote)
      reportSockets()
      const owed = dialsOwed
      dialsOwed = 0
      for (let i = 0; i < owed; i += 1) openRemote()
    }

    /** Open a server-leg socket after {@link LOCAL_RETRY_MS} (never once closed). */
    function redialLater(): void {
      if (isClosed) return
      redialsPending += 1
      later(LOCAL_RETRY_MS, () => {
        redialsPending -= 1
        openRemote()
      })
    }

    /**
     * Once no socket is connected, none is being dialled and none waits to be, and the
     * registration may no longer be ours, the tunnel is lost: say so once (or fail the open), and
     * leave the port alone. The supervisor registers again, asking for the same subdomain.
     */
    function letGoOnceNothingIsLeft(): void {
      if (liveRemotes.size > 0 || dialsInFlight > 0 || redialsPending > 0 || hasLetGo) return
      hasLetGo = true
      const seconds = (Date.now() - surelyOursAt) / 1_000
      const roundTrip = roundTripMs()
      const slowPath =
        redialWindowMs(roundTrip) < REDIAL_WHILE_SURELY_OURS_MS
          ? ` (with a round trip to the server of about ${(roundTrip / 1_000).toFixed(2)} s, a dial could arrive too late)`
          : ''
      const message =
        `no connection to the tunnel server's port ${registration.port} stayed up for ${seconds.toFixed(1)} s: ` +
        `the server may have let go of the tunnel and given the port to another client, so it is not dialled again${slowPath}`
      if (!isSettled) fail(new TunnelProblemError('TUNNEL_CONNECT_FAILED', message))
      else emit({ type: 'error', message })
    }
    /**
     * Dial the receiver only once the server writes a request onto the socket. A socket waits idle
     * until the server hands it a public request, and a receiver connection opened at once would
     * sit idle as long: the receiver (node:http) answers a connection that sends no request within
     * its headers timeout with an unasked "408 Request Timeout", which reached the server and was
     * relayed as the answer to the next callback on that socket (and to the health probe, so the
     * tunnel reconnected every minute). Reading meanwhile also notices the server closing the socket.
     */
    function connectLocalOnFirstBytes(remote: net.Socket): void {
      remote.once('data', (firstBytes: Buffer) => {
        remote.pause()
        remote.unshift(firstBytes)
        requestArrived(remote)
        markSteady(remote)
        connectLocal(remote)
      })
    }

    /** Pair a connected server-leg socket with the receiver; bytes pass unchanged both ways. */
    function connectLocal(remote: net.Socket): void {
      if (isClosed || remote.destroyed) return
      remote.pause()
      const local = track(net.connect({ host: localHost, port: localPort }))
      local.once('error', (error: unknown) => {
        local.destroy()
        if (errorCode(error) === 'ECONNREFUSED' && !isClosed && !remote.destroyed) {
          // The receiver is not listening (yet): keep the server socket and try again shortly.
          later(LOCAL_RETRY_MS, () => connectLocal(remote))
          return
        }
        remote.destroy()
      })
      local.once('connect', () => {
        local.on('error', () => remote.destroy())
        remote.on('close', () => local.destroy())
        // Beside the pipes, to see whether the socket carries a request the receiver owes an
        // answer to. The first bytes, put back above, come through here again: the same request.
        remote.on('data', () => requestArrived(remote))
        local.on('data', () => answerLeft(remote))
        remote.pipe(local).pipe(remote)
        remote.resume()
      })
    }

    if (signal.aborted) {
      onAbort()
      return
    }
    signal.addEventListener('abort', onAbort, { once: true })
    for (let i = 0; i < registration.maxConnCount; i += 1) openRemote()
  })
