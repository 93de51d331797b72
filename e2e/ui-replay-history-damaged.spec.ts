/**
 * A capture's replay history file found damaged when the capture is first opened (history files
 * are read on demand, not at start-up) is reported in the UI there and then: the storage notice
 * names the file and where it was moved. Before, the status the UI had read at start-up listed
 * nothing, so the history just looked empty. Uses its own app (not the worker's): it damages a
 * file between two runs.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test, expect } from '@playwright/test'
import { startHeadless } from '../src-main/test-support/headless-process'
import { send } from '../src-main/test-support/http-client'
import { startLoopbackTarget } from '../src-main/test-support/loopback-target'
import { makeTempDir } from '../src-main/test-support/temp-dir'
import type { CaptureSummary } from '../src-main/shared/views'

const cleanups: Array<() => Promise<void>> = []
test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

test('a replay history found damaged when its capture is opened is reported in the UI at once', async ({ page }) => {
  const { dir, remove } = await makeTempDir('callback-inspector-history-damaged-')
  cleanups.push(remove)
  const target = await startLoopbackTarget((_request, response) => response.writeHead(200).end('ok'))
  cleanups.push(() => target.close())
  const first = await startHeadless(dir)
  cleanups.push(() => first.stop())
  await send(`${first.ready.receiver}/default/hook`, { body: '{"id":"evt_history"}' })
  const [capture] = (await first.call<{ items: CaptureSummary[] }>('listCaptures')).items
  await first.call('replayCapture', { captureId: capture!.id, targetUrl: target.url })
  await first.stop()
  // Cut short, as a disk error leaves it.
  const history = join(dir, 'replays', '000001.json')
  const whole = await readFile(history, 'utf8')
  await writeFile(history, whole.slice(0, Math.floor(whole.length / 2)))

  const second = await startHeadless(dir)
  cleanups.push(() => second.stop())
  await page.goto(second.ready.ui)
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  // Nothing read it yet: nothing to report.
  await expect(page.getByTestId('storage-issues')).toHaveCount(0)
  await page.getByTestId('capture-row').first().click()
  const notice = page.getByTestId('storage-issues')
  await expect(notice).toContainText('A data file had a problem (nothing was overwritten)')
  await expect(notice).toContainText(history)
  await expect(notice).toContainText(join(dir, 'unreadable'))
})
