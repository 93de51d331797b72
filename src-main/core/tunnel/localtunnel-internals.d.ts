/**
 * Types for the one internal module of localtunnel 2.0.2 we use (`lib/Tunnel.js`); the package is
 * pinned to that exact version because these members are not public API.
 */
declare module 'localtunnel/lib/Tunnel.js' {
  import { EventEmitter } from 'node:events'

  interface LocaltunnelTunnelOptions {
    port: number
    host: string
    subdomain?: string
    local_host?: string
  }

  /** What `_getInfo` builds from the registration body and hands to `TunnelCluster`. */
  interface LocaltunnelInfo {
    name: string
    url: string
    max_conn: number
    remote_host: string
    remote_ip?: string
    remote_port: number
    local_port: number
  }

  class Tunnel extends EventEmitter {
    constructor(options: LocaltunnelTunnelOptions)
    closed: boolean
    url?: string
    clientId?: string
    /** Created by `open()`; emits `'open'` (the server socket), `'dead'`, `'error'`. */
    tunnelCluster?: EventEmitter
    _getInfo(body: Record<string, unknown>): LocaltunnelInfo
    _init(callback: (error: Error | null, info?: LocaltunnelInfo) => void): void
    open(callback: (error?: Error) => void): void
    close(): void
  }

  export default Tunnel
}
