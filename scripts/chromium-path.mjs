// Where the end-to-end tests find a Chromium: Playwright cannot download its browsers here, so
// we look for one that is already installed (the system's first, then Playwright's own).
import { existsSync } from 'node:fs'

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable']

export async function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null
  const system = SYSTEM_CANDIDATES.find((candidate) => existsSync(candidate))
  if (system) return system
  try {
    const { chromium } = await import('playwright')
    const bundled = chromium.executablePath()
    if (bundled && existsSync(bundled)) return bundled
  } catch {
    // playwright's own browser is not installed; fall through
  }
  return null
}
