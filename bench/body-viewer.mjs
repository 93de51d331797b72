// Body viewer benchmark: how long the real UI (headless app + Chromium) takes to show a body once
// its capture has loaded, and the longest main-thread task meanwhile, for hostile shapes up to the
// 10 MB limit, beside a tiny JSON body measured in the same run as the baseline.
//
//   npm run build && node bench/body-viewer.mjs
//
// Targets: a usable view within 1 s of the capture loading, and no
// main-thread task long enough to freeze the window. "capture loaded" is what the rest of the
// app costs (fetching and decoding the body); it is printed so the two are not confused.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { findChromium } from '../scripts/chromium-path.mjs'
import { apiCall, appArgs, startProcess, stopProcess } from './app-api.mjs'

const TARGET_VIEW_MS = 1000

const objects = (count) =>
  '[' +
  Array.from({ length: count }, (_, index) =>
    JSON.stringify({ id: `pi_${index}`, amount: '10.10', sequence: index, nested: { captured: true, refund: null, note: 'line one\nline two' } }),
  ).join(',') +
  ']'

/** name, content type, body, the test id that shows the first usable view, the one that shows the full view. */
const CASES = [
  ['tiny JSON (baseline)', 'application/json', '{"amount": 10.10}', 'json-rows', 'json-rows'],
  ['100,000-item JSON array', 'application/json', '[' + Array.from({ length: 100_000 }, () => '0').join(',') + ']', 'json-rows', 'json-rows'],
  ['1 MB of "<" as XML', 'application/xml', '<'.repeat(1024 * 1024), 'xml-body', 'xml-body'],
  ['10 MB JSON, 84,000 objects', 'application/json', objects(84_000), 'json-parsing-preview', 'json-rows'],
  [
    '10 MB JSON, 5,000,000 zeros',
    'application/json',
    '[' + Array.from({ length: 4_999_999 }, () => '0').join(',') + ']',
    'json-parsing-preview',
    'json-too-large',
  ],
  ['5 MB text, one line', 'text/plain', 'x'.repeat(5 * 1024 * 1024), 'text-body', 'text-body'],
]

function startApp(dataDir) {
  return startProcess(appArgs(dataDir))
}

const dataDir = await mkdtemp(join(tmpdir(), 'body-viewer-bench-'))
const { child, ready } = await startApp(dataDir)
const executablePath = (await findChromium()) ?? undefined
const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
try {
  const slug = `bench-${Date.now().toString(36)}`
  await apiCall(ready, 'createEndpoint', { name: 'Body viewer bench', slug })
  for (const [index, [, contentType, body]] of CASES.entries()) {
    const response = await fetch(`${ready.receiver}/${slug}/case-${index}`, { method: 'POST', headers: { 'content-type': contentType }, body })
    if (!response.ok) throw new Error(`case ${index}: the receiver answered ${response.status}`)
  }

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  // Long tasks (over 50 ms) on the page's main thread, as the browser reports them.
  await page.addInitScript(() => {
    window.__longTasks = []
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((entry) => entry.duration))).observe({
      type: 'longtask',
      buffered: true,
    })
  })
  await page.goto(ready.ui)
  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${slug}"] [data-testid=endpoint-select]`).click()
  await page
    .getByTestId('capture-row')
    .nth(CASES.length - 1)
    .waitFor()

  console.log(`Body viewer in Chromium (${(await browser.version()) || 'unknown version'}); view times are after the capture has loaded.`)
  console.log('case                             body size   capture loaded   first view   full view   longest task')
  for (const [index, [name, , body, firstView, fullView]] of CASES.entries()) {
    await page.evaluate(() => (window.__longTasks = []))
    const started = performance.now()
    await page
      .getByTestId('capture-row')
      .filter({ hasText: `/case-${index}` })
      .first()
      .click()
    await page.waitForFunction((path) => document.querySelector('[data-testid=detail-request-line]')?.textContent?.includes(path), `/case-${index} `, {
      polling: 10,
      timeout: 120_000,
    })
    const loaded = performance.now()
    const body$ = page.getByTestId('request-body')
    await body$.getByTestId(firstView).first().waitFor({ timeout: 120_000 })
    const first = performance.now()
    await body$.getByTestId(fullView).first().waitFor({ timeout: 120_000 })
    const full = performance.now()
    const longest = Math.max(0, ...(await page.evaluate(() => window.__longTasks)))
    const mark = (ms) => `${ms.toFixed(0).padStart(6)} ms${ms <= TARGET_VIEW_MS ? ' ' : '!'}`
    console.log(
      `${name.padEnd(32)} ${(body.length / 1024 / 1024).toFixed(2).padStart(6)} MB   ${(loaded - started).toFixed(0).padStart(9)} ms   ${mark(first - loaded)}   ${mark(full - loaded)}  ${longest.toFixed(0).padStart(6)} ms`,
    )
  }
  console.log(
    `"!" marks a view slower than the ${TARGET_VIEW_MS} ms target. Longest task: the longest main-thread task while that case opened (capture loading included).`,
  )
} finally {
  await browser.close()
  await stopProcess(child)
  await rm(dataDir, { recursive: true, force: true })
}
