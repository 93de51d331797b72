/**
 * A resend the app was killed in the middle of (kill -9 while the target held it) is in the
 * capture's history after the restart: the list says it got no answer because the app stopped,
 * and its detail says the target may have received it, with what was sent. Uses its own app (not
 * the worker's), since it kills and starts it.
 */
import { test, expect } from '@playwright/test'
import { startHeadless, type HeadlessProcess } from '../src-main/test-support/headless-process'
import { send } from '../src-main/test-support/http-client'
import { startLoopbackTarget, type LoopbackTarget } from '../src-main/test-support/loopback-target'
import { makeTempDir } from '../src-main/test-support/temp-dir'
import { waitFor } from '../src-main/test-support/wait-for'
import type { CaptureSummary } from '../src-main/shared/views'

const cleanups: Array<() => Promise<void>> = []
test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

test('a resend cut short by a kill -9 reads as sent with no answer after the restart', async ({ page }) => {
  const { dir, remove } = await makeTempDir('callback-inspector-resend-killed-')
  cleanups.push(remove)
  const holding: LoopbackTarget = await startLoopbackTarget(() => undefined)
  cleanups.push(() => holding.close())
  const first: HeadlessProcess = await startHeadless(dir)
  cleanups.push(() => first.stop())
  await send(`${first.ready.receiver}/default/hook`, { body: '{"id":"evt_killed"}' })
  const [capture] = (await first.call<{ items: CaptureSummary[] }>('listCaptures')).items
  const resend = first.call('replayCapture', { captureId: capture!.id, targetUrl: `${holding.url}/hook` }).catch(() => 'killed')
  await waitFor(() => (holding.received.length === 1 ? true : undefined))
  const exited = new Promise((resolve) => first.child.once('exit', resolve))
  first.child.kill('SIGKILL')
  await exited
  expect(await resend).toBe('killed')

  const second = await startHeadless(dir)
  cleanups.push(() => second.stop())
  await page.goto(second.ready.ui)
  await page.getByTestId('capture-row').first().click()
  const record = page.getByTestId('replay-record')
  await expect(record).toHaveCount(1)
  await expect(record).toHaveAttribute('data-status', 'app-stopped')
  await expect(record.getByTestId('replay-record-status')).toHaveText('No answer')
  await expect(record.getByTestId('replay-record-status')).toHaveAttribute(
    'title',
    'the app stopped before the answer arrived; the target may have received it',
  )
  await record.getByRole('button').first().click()
  const detail = record.getByTestId('replay-record-detail')
  await expect(detail.getByTestId('replay-sent-body')).toContainText('evt_killed')
  await expect(detail.getByTestId('replay-app-stopped')).toContainText('The app stopped before the answer arrived; the target may have received it.')
  await expect(detail.getByTestId('replay-app-stopped')).toContainText(`${holding.url}/hook`)
})
