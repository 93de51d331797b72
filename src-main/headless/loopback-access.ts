/**
 * Which Host and Origin headers the headless API accepts. The UI is served on 127.0.0.1 and is
 * equally reachable as `localhost` (what users type): both names of the same loopback port are
 * accepted as Host, and so as Origin, or the UI opened via `localhost` could load but not call the
 * API. Anything else (another port, a rebinding host name, another site's origin) stays refused.
 */
export interface LoopbackAccess {
  hosts: string[]
  origins: string[]
}

export function loopbackAccess(port: number | string): LoopbackAccess {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`]
  return { hosts, origins: hosts.map((host) => `http://${host}`) }
}
