/**
 * The tunnel in the real UI (issue 6), against a loopback server that speaks the localtunnel
 * protocol: start it, see the public URL, send a callback through it and see it captured; a taken
 * subdomain is reported prominently.
 */
import { randomBytes } from 'node:crypto'
import { requestThroughTunnel, startLocaltunnelServer, type LocaltunnelServer } from './fixtures/localtunnel-server'
import { expect, test } from './fixtures/inspector'
import { saveScreenshot } from './fixtures/screenshots'

let server: LocaltunnelServer

test.beforeEach(async () => {
  server = await startLocaltunnelServer()
})

test.afterEach(async ({ inspector }) => {
  // Tunnel settings are per installation: leave the worker's app as it was.
  await inspector.app.call('stopTunnel', {})
  await inspector.app.call('setTunnelSettings', { serverUrl: 'https://localtunnel.me', subdomain: null, startWithApp: false })
  await server.stop()
})

test('start the tunnel, see its URL, and capture a callback sent through it', async ({ page, inspector }) => {
  const slug = `tunnel-${Date.now().toString(36)}`
  await inspector.app.call('createEndpoint', { name: 'E2E tunnel', slug })
  const subdomain = `e2e${randomBytes(4).toString('hex')}`
  await inspector.openUi(page)
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()
  await expect(page.getByTestId('tunnel-control')).toHaveAttribute('data-status', 'off')

  await page.getByTestId('tunnel-toggle').click()
  const dialog = page.getByTestId('tunnel-dialog')
  await dialog.getByTestId('tunnel-server-url').fill(server.url)
  await dialog.getByTestId('tunnel-subdomain').fill(subdomain)
  await dialog.getByTestId('tunnel-save').click()
  await expect(dialog.getByTestId('tunnel-save')).toBeDisabled()
  // The answer to "start" lands after the live events that followed it (the probe's success), as
  // on a loaded machine: the older state it carries must not hide the newer one.
  await page.route('**/api/startTunnel', async (route) => {
    const response = await route.fetch()
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    await route.fulfill({ response })
  })
  const startAnswered = page.waitForResponse('**/api/startTunnel')
  await dialog.getByTestId('tunnel-start').click()

  const publicBase = `http://${subdomain}.localhost:${server.port}`
  await expect(dialog.getByTestId('tunnel-state')).toHaveAttribute('data-status', 'online')
  await expect(dialog.getByTestId('tunnel-public-url')).toHaveText(new RegExp(`^${publicBase.replace(/\./g, '\\.')}/?$`))
  await expect(dialog.getByTestId('tunnel-last-proved')).not.toContainText('not yet')
  await startAnswered
  await expect(dialog.getByTestId('tunnel-stop')).toBeEnabled()
  await expect(dialog.getByTestId('tunnel-last-proved')).not.toContainText('not yet')
  await saveScreenshot(page, 'tunnel-dialog-online')
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()

  const item = page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"]`)
  await expect(item.getByTestId('endpoint-public-url')).toHaveText(`${publicBase}/${slug}`)
  await expect(page.getByTestId('tunnel-url-topbar')).toContainText(publicBase)

  const answer = await requestThroughTunnel(server.port, subdomain, {
    method: 'POST',
    path: `/${slug}/via-tunnel?x=1`,
    headers: { 'content-type': 'application/json' },
    body: '{"through":"tunnel"}',
  })
  expect(answer.status).toBe(200)
  await expect(page.getByTestId('capture-row').filter({ hasText: '/via-tunnel?x=1' })).toHaveCount(1)
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('request-headers')).toContainText(`${subdomain}.localhost`)

  // Pre-flight for IXOPAY: the loopback tunnel URL is plain http on another port, not public.
  await item.getByTestId('check-public-url').click()
  const checks = page.getByTestId('preflight-dialog').getByTestId('preflight-check')
  await expect(checks.filter({ hasText: 'HTTPS' })).toHaveAttribute('data-ok', 'false')
  await saveScreenshot(page, 'tunnel-preflight')
  await page.keyboard.press('Escape')

  await saveScreenshot(page, 'tunnel-online', { bothSchemes: true })

  await page.getByTestId('tunnel-toggle').click()
  await dialog.getByTestId('tunnel-stop').click()
  await expect(page.getByTestId('tunnel-control')).toHaveAttribute('data-status', 'off')
  await expect(item.getByTestId('endpoint-public-url')).toHaveCount(0)
})

test('a taken subdomain is reported as changed, prominently', async ({ page, inspector }) => {
  const wanted = `taken${randomBytes(4).toString('hex')}`
  server.takeSubdomain(wanted)
  await inspector.app.call('setTunnelSettings', { serverUrl: server.url, subdomain: wanted })
  await inspector.openUi(page)
  await page.getByTestId('tunnel-toggle').click()
  await page.getByTestId('tunnel-dialog').getByTestId('tunnel-start').click()

  const warning = page.getByTestId('tunnel-subdomain-warning')
  await expect(warning).toBeVisible()
  await expect(warning).toContainText(`You asked for “${wanted}” but got`)
  await expect(warning).toContainText('update the callback URL at your provider')
  await expect(page.getByTestId('tunnel-dialog-subdomain-warning')).toBeVisible()
  await page.keyboard.press('Escape')
  await saveScreenshot(page, 'tunnel-subdomain-changed')
})
