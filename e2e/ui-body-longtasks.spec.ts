/**
 * Long main-thread tasks while working with a 10 MB body: opening it, Copy body (button and b),
 * Copy as curl (button and c). The browser reports every task over 50 ms (PerformanceObserver
 * "longtask"); the figures are printed and attached to the report, not asserted (they depend on
 * the machine). What is asserted is what the user gets: the exact body on the clipboard, and the
 * same curl command from the c key as from the button.
 */
import { createHash } from 'node:crypto'
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

declare global {
  interface Window {
    longTasks: number[]
  }
}

test('long tasks while opening and copying a 10 MB body are measured; the copies are exact', async ({ page, context, inspector }, testInfo) => {
  test.slow()
  const endpoint = await inspector.openOwnEndpoint(page, 'long-tasks')
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(inspector.app.ready.ui).origin })
  const objects = Array.from({ length: 84_000 }, (_, index) =>
    JSON.stringify({ id: `pi_${index}`, amount: '10.10', sequence: index, nested: { captured: true, refund: null, note: 'line one\nline two' } }),
  )
  const body = `[${objects.join(',')}]`
  expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/ten-mb', headers: [['Content-Type', 'application/json']], body })).toBe(200)
  await page.evaluate(() => {
    window.longTasks = []
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((entry) => Math.round(entry.duration)))).observe({ type: 'longtask' })
  })

  const clipboardSha256 = () =>
    page.evaluate(async () => {
      const text = await navigator.clipboard.readText()
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
      return { length: text.length, sha256: Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('') }
    })
  const figures: string[] = []
  /**
   * Runs an action with an empty clipboard and records the long tasks until `done` shows the app
   * has finished it and the page is idle again; checking the clipboard (megabytes read and hashed
   * in the page) comes after, outside the figures.
   */
  async function measured(label: string, action: () => Promise<void>, done: () => Promise<void>): Promise<void> {
    await page.evaluate(() => navigator.clipboard.writeText(''))
    await page.waitForTimeout(300)
    await page.evaluate(() => (window.longTasks = []))
    await action()
    await done()
    await page.waitForTimeout(500)
    const tasks = await page.evaluate(() => window.longTasks)
    figures.push(`${label}: ${tasks.length === 0 ? 'no task over 50 ms' : `tasks of ${tasks.join(', ')} ms (longest ${Math.max(...tasks)})`}`)
  }
  /** "Copied" on a copy button, seen by the page as it happens (it shows for a moment only). */
  const copiedOn = (testId: string) =>
    page.evaluate(
      (id) =>
        new Promise<void>((resolve) => {
          const button = document.querySelector(`[data-testid=${id}]`)!
          new MutationObserver((_, observer) => {
            if (button.getAttribute('data-copy-state') !== 'copied') return
            observer.disconnect()
            resolve()
          }).observe(button, { attributes: true, attributeFilter: ['data-copy-state'] })
        }),
      testId,
    )

  await measured(
    'open the 10 MB JSON body',
    () => row(page, '/ten-mb').click(),
    () => expect(page.getByTestId('json-rows')).toBeVisible({ timeout: 60_000 }),
  )
  const expectedBody = { length: body.length, sha256: createHash('sha256').update(body, 'utf8').digest('hex') }
  let copied: Promise<void> = Promise.resolve()
  await measured(
    'Copy body button',
    async () => {
      copied = copiedOn('body-copy')
      await page.getByTestId('body-copy').click()
    },
    () => copied,
  )
  expect(await clipboardSha256()).toEqual(expectedBody)
  await measured(
    'b key',
    async () => {
      await page.getByTestId('detail-request-line').click()
      await page.keyboard.press('b')
    },
    () => expect(page.getByText('Copied the body.')).toBeVisible({ timeout: 30_000 }),
  )
  expect(await clipboardSha256()).toEqual(expectedBody)

  await measured(
    'Copy as curl button',
    async () => {
      copied = copiedOn('copy-curl')
      await page.getByTestId('copy-curl').click()
    },
    () => copied,
  )
  const fromButton = await clipboardSha256()
  expect(fromButton.length).toBeGreaterThan(body.length)
  await measured(
    'c key',
    async () => {
      await page.getByTestId('detail-request-line').click()
      await page.keyboard.press('c')
    },
    () => expect(page.getByText('Copied the capture as a curl command.')).toBeVisible({ timeout: 60_000 }),
  )
  expect(await clipboardSha256()).toEqual(fromButton)

  console.log(`Long tasks with a 10 MB body:\n  ${figures.join('\n  ')}`)
  testInfo.annotations.push(...figures.map((description) => ({ type: 'long tasks', description })))
})
