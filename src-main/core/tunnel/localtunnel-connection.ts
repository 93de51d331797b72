/**
 * The socket half of the localtunnel client, driven with a registration we made ourselves
 * (see registration.ts for why), behind a small interface the supervisor can also fake.
 */
import type { Socket } from 'node:net'
import Tunnel from 'localtunnel/lib/Tunnel.js'
import type { TunnelRegistration } from './registration'
import { errorMessage, TunnelProblemError } from './tunnel-problem'

/** What a live tunnel reports to the supervisor. */
export type TunnelConnectionEvent =
  /** The client could not (re)open a socket to the server: usually the server restarted and forgot us. */
  | { type: 'error'; message: string }
  /** The number of sockets connected to the server changed. */
  | { type: 'sockets-changed'; live: number }

/** An open tunnel: sockets from the server to the receiver. */
export interface TunnelConnection {
  /** Sockets currently connected to the server. */
  liveSockets(): number
  /** Close the client and destroy its sockets; resolves once they are closed. Idempotent. */
  close(): Promise<void>
}

export interface OpenTunnelOptions {
  registration: TunnelRegistration
  /** The receiver port: the only local port a tunnel ever forwards to. */
  localPort: number
  localHost: '127.0.0.1'
  /** Aborting closes the client and rejects, while opening; ignored once open. */
  signal: AbortSignal
  /** Receives events from the start until `close()`; must not throw. */
  onEvent: (event: TunnelConnectionEvent) => void
}

/**
 * Open a tunnel for a registration. Resolves when the first socket to the server is connected;
 * rejects with a {@link TunnelProblemError} when the server's tunnel port refuses or `signal` aborts,
 * after closing the client.
 */
export type OpenTunnel = (options: OpenTunnelOptions) => Promise<TunnelConnection>

/** The default {@link OpenTunnel}: localtunnel 2.0.2's own `Tunnel` and `TunnelCluster`. */
export const openLocaltunnelConnection: OpenTunnel = (options) =>
  new Promise<TunnelConnection>((resolve, reject) => {
    const { registration, localPort, signal, onEvent } = options
    // No `local_host`: with it the client's HeaderHostTransformer rewrites the Host header, and only
    // on the first request of each socket (environment.md), so captures would lose the public host
    // some of the time. Without it the client dials `localhost:<localPort>`, which is loopback; the
    // health probe's nonce proves that what answers there is our receiver.
    const client = new Tunnel({ host: registration.serverUrl, port: localPort })
    const sockets = new Set<Socket>()
    let isSettled = false
    let isClosed = false
    let closing: Promise<void> | null = null

    const emit = (event: TunnelConnectionEvent): void => {
      if (!isClosed) onEvent(event)
    }

    const close = (): Promise<void> => {
      if (closing !== null) return closing
      isClosed = true
      signal.removeEventListener('abort', onAbort)
      // Tunnel.close() destroys the sockets it knows of and stops it reopening dead ones; sockets
      // still connecting are destroyed by the client as soon as they connect. We destroy ours too
      // and wait for their 'close' so stop() returns with nothing open.
      client.close()
      const pending = [...sockets].map(
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

    // The 'error' listener stays for the client's whole life, closed or not: TunnelCluster re-emits
    // ECONNREFUSED from every socket it reopens, and an EventEmitter with no 'error' listener throws,
    // which crashed the process on every server restart (localtunnel/localtunnel#81, #321, #388).
    client.on('error', (error: unknown) => {
      const message = `the tunnel server's port ${registration.port} refused the tunnel (${errorMessage(error)})`
      if (!isSettled) {
        fail(new TunnelProblemError('TUNNEL_CONNECT_FAILED', message))
        return
      }
      emit({ type: 'error', message })
    })

    // Hand the client our registration instead of letting it register (registration.ts).
    client._init = (callback) => {
      callback(
        null,
        client._getInfo({
          id: registration.id,
          ip: registration.ip ?? undefined,
          port: registration.port,
          url: registration.url,
          cached_url: registration.cachedUrl ?? undefined,
          max_conn_count: registration.maxConnCount,
        }),
      )
    }

    if (signal.aborted) {
      onAbort()
      return
    }
    signal.addEventListener('abort', onAbort, { once: true })

    // Synchronous with our _init: the cluster exists when open() returns and no socket has connected yet.
    client.open((error?: Error) => {
      if (error !== undefined) fail(new TunnelProblemError('TUNNEL_CONNECT_FAILED', errorMessage(error)))
    })
    const cluster = client.tunnelCluster
    if (cluster === undefined) {
      fail(new TunnelProblemError('TUNNEL_CONNECT_FAILED', 'the localtunnel client did not start'))
      return
    }
    // Socket deaths are our loss signal: the client reports none itself (localtunnel/localtunnel#315).
    cluster.on('open', (socket: Socket) => {
      if (isClosed) return
      sockets.add(socket)
      socket.once('close', () => {
        sockets.delete(socket)
        emit({ type: 'sockets-changed', live: sockets.size })
      })
      emit({ type: 'sockets-changed', live: sockets.size })
      if (!isSettled) {
        isSettled = true
        signal.removeEventListener('abort', onAbort)
        resolve({ liveSockets: () => sockets.size, close })
      }
    })
  })
