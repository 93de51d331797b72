/**
 * Captures survive a restart of the app: the UI of a fresh process on the same data folder shows
 * everything captured before, bodies byte for byte. Uses its own app (not the worker's), since it
 * stops and starts it.
 */
import { test, expect } from '@playwright/test'
import { startHeadless } from '../src-main/test-support/headless-process'
import { send } from '../src-main/test-support/http-client'
import { makeTempDir } from '../src-main/test-support/temp-dir'

test('everything captured before a restart is still there after it', async ({ page }) => {
  const { dir, remove } = await makeTempDir('callback-inspector-restart-')
  try {
    const first = await startHeadless(dir)
    const jsonBody = '{"result":"OK","uuid":"before-restart","amount":"9.99","currency":"EUR"}'
    const binaryBody = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f])
    await send(`${first.ready.receiver}/default/callbacks/ixopay?orderId=1`, { headers: [['Content-Type', 'application/json']], body: jsonBody })
    await send(`${first.ready.receiver}/default/binary`, { headers: [['Content-Type', 'application/octet-stream']], body: binaryBody })
    await page.goto(first.ready.ui)
    await expect(page.getByTestId('capture-row')).toHaveCount(2)
    await first.stop()

    const second = await startHeadless(dir)
    try {
      await page.goto(second.ready.ui)
      await expect(page.getByTestId('capture-row')).toHaveCount(2)
      await page.getByTestId('capture-row').filter({ hasText: '/callbacks/ixopay?orderId=1' }).click()
      await expect(page.getByTestId('capture-detail')).toContainText('before-restart')
      const [summary] = (await second.call<{ items: Array<{ id: string; target: string }> }>('listCaptures', {})).items.filter(
        (item) => item.target === '/default/binary',
      )
      const detail = await second.call<{ request: { bodyBase64: string } }>('getCapture', { id: summary!.id })
      expect(Buffer.from(detail.request.bodyBase64, 'base64').equals(binaryBody)).toBe(true)
    } finally {
      await second.stop()
    }
  } finally {
    await remove()
  }
})
