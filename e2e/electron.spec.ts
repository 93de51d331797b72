/**
 * Electron smoke test: the real desktop shell starts, opens its sandboxed window, and the window
 * reaches the core over IPC. Electron's binary cannot be downloaded on our CI machines, so this
 * runs only where ELECTRON_PATH points at one, and says so plainly when skipped.
 */
import { _electron as electron, expect, test } from '@playwright/test'
import { existsSync } from 'node:fs'
import { makeTempDir } from '../src-main/test-support/temp-dir'

const electronPath = process.env.ELECTRON_PATH

const skipReason = 'Electron smoke test skipped: set ELECTRON_PATH to an Electron binary to run it'
const canRun = Boolean(electronPath && existsSync(electronPath))
if (!canRun) console.log(skipReason)
test.skip(!canRun, skipReason)

test('the desktop app opens its window and lists the default endpoint', async () => {
  const { dir, remove } = await makeTempDir('callback-inspector-electron-')
  const app = await electron.launch({ executablePath: electronPath, args: ['.'], env: { ...process.env, CALLBACK_INSPECTOR_USER_DATA: dir } })
  try {
    const window = await app.firstWindow()
    await expect(window.getByTestId('endpoint-item').first()).toContainText('Default')
    const isSandboxed = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require === 'undefined')
    expect(isSandboxed).toBe(true)
  } finally {
    await app.close()
    await remove()
  }
})
