import { defineConfig } from '@playwright/test'
import { findChromium } from './scripts/chromium-path.mjs'

const executablePath = (await findChromium()) ?? undefined

/**
 * End-to-end tests drive the real UI in Chromium against the headless app (built by `npm run
 * build`), each worker starting its own app on port 0 with a temp data folder. The Electron
 * smoke project runs only where ELECTRON_PATH points at an Electron binary.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'web',
      testIgnore: /electron\.spec\.ts/,
      use: {
        browserName: 'chromium',
        viewport: { width: 1400, height: 900 },
        launchOptions: {
          executablePath,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
    { name: 'electron', testMatch: /electron\.spec\.ts/ },
  ],
})
