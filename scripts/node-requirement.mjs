// The Node.js version the desktop app needs: Electron 45 and its binary downloader
// (@electron/get 5, which fetches the binary on first use) declare engines.node >= 22.12. On an
// older Node the download may fail, and `npm start` falls back to headless: the one line it prints
// must then name the Node version as the cause, not leave the user guessing.

/** The lowest Node.js version the desktop app (Electron 45 and its downloader) supports. */
export const DESKTOP_NODE_MINIMUM = '22.12.0'

function parts(version) {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version)
  return match ? match.slice(1, 4).map(Number) : null
}

/**
 * Why this Node.js is too old for the desktop app, or `null` when it is recent enough (or the
 * version cannot be read). `version` is `process.version`, e.g. `v20.19.0`.
 */
export function desktopNodeProblem(version, minimum = DESKTOP_NODE_MINIMUM) {
  const have = parts(version)
  const need = parts(minimum)
  if (!have || !need) return null
  for (let index = 0; index < 3; index++) {
    if (have[index] > need[index]) return null
    if (have[index] < need[index])
      return `Node.js ${version.replace(/^v/, '')} is older than ${minimum}, which Electron 45 and its binary downloader require (install Node.js ${minimum} or newer)`
  }
  return null
}
