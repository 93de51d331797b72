// Makes sure the end-to-end tests have a Chromium before Playwright starts: finds one, or installs
// Debian's when running as root with apt, or stops with the exact command to run.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { findChromium } from './chromium-path.mjs'

const found = await findChromium()
if (found) {
  console.log(`end-to-end tests use Chromium at ${found}`)
  process.exit(0)
}

const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')
if (canApt) {
  console.log("No Chromium found; installing Debian's (apt-get install -y chromium)...")
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit' })
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
          stdio: 'inherit',
          env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        })
      : update
  if (install.status === 0 && (await findChromium())) process.exit(0)
}

console.error(
  [
    'The end-to-end tests need Chromium, and none was found.',
    'Install one, then run npm test again:',
    '  Debian/Ubuntu:  sudo apt-get install -y chromium',
    '  or point CHROMIUM_PATH at an existing Chromium or Chrome binary.',
  ].join('\n'),
)
process.exit(1)
