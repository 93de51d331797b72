/**
 * A stand-in subdomain (the wanted one was taken) is reported as for now, not for good: the app keeps
 * asking for the wanted name and moves back to it, so the banner and the dialog say so and where
 * callbacks reach the app meanwhile, instead of telling the user to update the provider's callback
 * URL to a stand-in that stops working when the app moves back.
 */
import { randomBytes } from 'node:crypto'
import type { TunnelState } from '../src-main/shared/tunnel'
import { startHeadless } from '../src-main/test-support/headless-process'
import { makeTempDir } from '../src-main/test-support/temp-dir'
import { startLocaltunnelServer } from './fixtures/localtunnel-server'
import { expect, test } from './fixtures/inspector'

test('a stand-in subdomain is explained as temporary, with where callbacks reach the app meanwhile', async ({ page, inspector }) => {
  const server = await startLocaltunnelServer()
  try {
    const wanted = `standin${randomBytes(4).toString('hex')}`
    server.takeSubdomain(wanted)
    await inspector.app.call('setTunnelSettings', { serverUrl: server.url, subdomain: wanted })
    await inspector.openUi(page)
    await page.getByTestId('tunnel-toggle').click()
    const dialog = page.getByTestId('tunnel-dialog')
    await dialog.getByTestId('tunnel-start').click()

    await expect(dialog.getByTestId('tunnel-public-url')).toHaveText(/^http:\/\/[a-z]+-[a-z]+-\d{2}\.localhost:\d+\/?$/)
    const standInUrl = ((await dialog.getByTestId('tunnel-public-url').textContent()) ?? '').trim()
    for (const warning of [page.getByTestId('tunnel-subdomain-warning'), dialog.getByTestId('tunnel-dialog-subdomain-warning')]) {
      await expect(warning).toContainText(`callbacks sent to the “${wanted}” URL do not reach this app for now`)
      // With when it asks next, counting down (the server holds the name for good here).
      await expect(warning).toContainText(/The app keeps asking for it \(next try (now|in \d+ s)\) and moves back to it once it is free/)
      await expect(warning).not.toContainText('update the callback URL at your provider')
    }
    await expect(page.getByTestId('tunnel-subdomain-warning')).toContainText(`Until then callbacks reach it only at ${standInUrl}`)
  } finally {
    await inspector.app.call('stopTunnel', {})
    await inspector.app.call('setTunnelSettings', { serverUrl: 'https://localtunnel.me', subdomain: null, startWithApp: false })
    await server.stop()
  }
})

test('after a relaunch, a taken subdomain is named as the one the tunnel had when the app last ran, not one the user asked for', async ({ page }) => {
  // Its own app (not the worker's): it stops and starts it on the same data folder.
  const server = await startLocaltunnelServer()
  const { dir, remove } = await makeTempDir('callback-inspector-tunnel-relaunch-')
  try {
    // Yesterday: no subdomain set, the server picked one, and the app kept it for the next launch.
    const first = await startHeadless(dir)
    let yesterday: string
    try {
      await first.call('setTunnelSettings', { serverUrl: server.url, subdomain: null })
      const started = await first.call<{ state: TunnelState }>('startTunnel', {})
      if (started.state.status !== 'online') throw new Error(`not online: ${JSON.stringify(started.state)}`)
      yesterday = started.state.subdomain
    } finally {
      await first.stop()
    }
    // Overnight another client took it.
    await server.released(yesterday)
    server.takeSubdomain(yesterday)

    const second = await startHeadless(dir)
    try {
      await page.goto(second.ready.ui)
      await page.getByTestId('tunnel-toggle').click()
      const dialog = page.getByTestId('tunnel-dialog')
      await dialog.getByTestId('tunnel-start').click()
      await expect(dialog.getByTestId('tunnel-public-url')).not.toContainText(yesterday)
      const standIn = (await second.call<{ state: TunnelState }>('getTunnel', {})).state
      expect(standIn).toMatchObject({ status: 'online', requestedSubdomain: yesterday, requestedSubdomainSource: 'remembered', subdomainChanged: true })
      for (const warning of [page.getByTestId('tunnel-subdomain-warning'), dialog.getByTestId('tunnel-dialog-subdomain-warning')]) {
        await expect(warning).toContainText(`“${yesterday}”, the subdomain the tunnel had when the app last ran, is taken right now`)
        await expect(warning).toContainText('To stay at')
        // Before: "You asked for …" and then "… is taken right now", for a name the user never typed.
        await expect(warning).not.toContainText(/you asked|set in the tunnel settings, “/i)
      }
    } finally {
      await second.stop()
    }
  } finally {
    await server.stop()
    await remove()
  }
})
