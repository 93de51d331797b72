/**
 * A tab that lost its connection to the app does not go on showing the tunnel as it was: the top
 * bar says the tunnel's state is unknown (no public URL to copy), the dialog says why and offers no
 * Start/Stop, and once the app is reachable again the tab shows the tunnel's state then, changed
 * meanwhile. The tab reaches the app through a proxy the test cuts and restores, as a dropped
 * network (or a sleeping laptop) would.
 */
import { createServer, request, type Server } from 'node:http'
import type { Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import { startLocaltunnelServer } from './fixtures/localtunnel-server'
import { expect, test } from './fixtures/inspector'

interface CuttableProxy {
  origin: string
  /** Closes every connection through it and accepts none until `restore`. */
  cut(): Promise<void>
  restore(): Promise<void>
}

/**
 * An HTTP relay to the app on a port of its own, streaming (the event stream passes through as it
 * comes). It addresses the app by the app's own host and origin: the app answers only requests
 * addressed to its loopback host, from its own origin.
 */
async function startCuttableProxy(target: URL): Promise<CuttableProxy> {
  const sockets = new Set<Socket>()
  let server: Server | null = null
  let port = 0
  async function listen(): Promise<void> {
    const relay = createServer((incoming, outgoing) => {
      const headers = { ...incoming.headers, host: target.host }
      if (headers.origin !== undefined) headers.origin = target.origin
      const upstream = request({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
        outgoing.flushHeaders()
        answer.pipe(outgoing)
      })
      upstream.on('error', () => outgoing.destroy())
      incoming.pipe(upstream)
    })
    relay.on('connection', (socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve) => relay.listen(port, '127.0.0.1', resolve))
    const address = relay.address()
    if (address === null || typeof address === 'string') throw new Error('the proxy has no port')
    port = address.port
    server = relay
  }
  async function cut(): Promise<void> {
    const relay = server
    server = null
    if (relay === null) return
    const closed = new Promise<void>((resolve) => relay.close(() => resolve()))
    for (const socket of sockets) socket.destroy()
    await closed
  }
  await listen()
  return { origin: `http://127.0.0.1:${port}`, cut, restore: listen }
}

test('while the tab is cut off from the app the tunnel state is unknown, and it is refreshed when the app is back', async ({ page, inspector }) => {
  const tunnelServer = await startLocaltunnelServer()
  const ui = new URL(inspector.app.ready.ui)
  const proxy = await startCuttableProxy(ui)
  try {
    const subdomain = `cut${randomBytes(4).toString('hex')}`
    await inspector.app.call('setTunnelSettings', { serverUrl: tunnelServer.url, subdomain })
    await inspector.app.call('startTunnel', {})
    await page.goto(`${proxy.origin}/${ui.hash}`)
    const control = page.getByTestId('tunnel-control')
    await expect(control).toHaveAttribute('data-status', 'online')
    await expect(page.getByTestId('tunnel-url-topbar')).toContainText(subdomain)
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'open')

    await proxy.cut()
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'reconnecting')
    await expect(control).toHaveAttribute('data-status', 'unknown')
    await expect(page.getByTestId('tunnel-pill-label')).toHaveText('Tunnel state unknown')
    await expect(page.getByTestId('tunnel-url-topbar')).toHaveCount(0)
    await page.getByTestId('tunnel-toggle').click()
    const dialog = page.getByTestId('tunnel-dialog')
    await expect(dialog.getByTestId('tunnel-state-unknown')).toContainText('Not connected to the app')
    await expect(dialog.getByTestId('tunnel-state-unknown')).toContainText(subdomain)
    await expect(dialog.getByTestId('tunnel-stop')).toBeDisabled()

    // The tunnel stops while the tab cannot hear of it.
    await inspector.app.call('stopTunnel', {})
    await proxy.restore()
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'open', { timeout: 20_000 })
    await expect(control).toHaveAttribute('data-status', 'off')
    await expect(dialog.getByTestId('tunnel-state')).toHaveAttribute('data-status', 'off')
    await expect(dialog.getByTestId('tunnel-start')).toBeEnabled()
  } finally {
    await proxy.cut()
    await inspector.app.call('stopTunnel', {})
    await inspector.app.call('setTunnelSettings', { serverUrl: 'https://localtunnel.me', subdomain: null, startWithApp: false })
    await tunnelServer.stop()
  }
})
