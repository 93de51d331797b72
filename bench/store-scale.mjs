// Store at scale: fills the real headless app with 100,000 captures of about 2 KB through its
// receiver (a quarter from another provider) and prints what issue 11 asks for: RSS at 10k, 50k
// and 100k, restart to ready and to the first page, first/deep/filtered page times, search
// times (first page and total), the receiver's p99 while searches run, delivery lookup time,
// clear time and the receiver's p99 during the clear. Plain node:http is measured in the same
// run as the reference for the receiver figures.
//
//   npm run bench:scale          (SCALE_CAPTURES=100000 SCALE_DURABILITY=sync by default)
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { apiCall, appArgs, startProcess, stopProcess as stopAppProcess } from './app-api.mjs'

const TOTAL = Number(process.env.SCALE_CAPTURES ?? 100_000)
const DURABILITY = process.env.SCALE_DURABILITY ?? 'sync'
const CHECKPOINTS = [10_000, 50_000, 100_000].filter((count) => count < TOTAL).concat(TOTAL)

function padTo(base, bytes) {
  const body = JSON.stringify(base)
  return JSON.stringify({ ...base, padding: 'x'.repeat(Math.max(0, bytes - body.length - 14)) })
}

/** Three IXOPAY callbacks to one Stripe event: a quarter from another provider; `@ID@` makes each unique. */
const templates = [
  ...[1, 2, 3].map((variant) => ({
    method: 'POST',
    path: `/default/callbacks/ixopay?orderId=${variant}`,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: padTo(
      {
        result: 'OK',
        uuid: '@ID@',
        merchantTransactionId: 'order-@ID@',
        transactionType: 'DEBIT',
        paymentMethod: 'Creditcard',
        amount: '9.99',
        currency: 'EUR',
        returnData: { _TYPE: 'cardData', type: 'visa', cardHolder: 'Jane Doe', firstSixDigits: '411111', lastFourDigits: '1111' },
      },
      2048,
    ),
  })),
  {
    method: 'POST',
    path: '/default/stripe',
    headers: { 'content-type': 'application/json', 'stripe-signature': 't=1700000000,v1=0000000000000000000000000000000000000000000000000000000000000000' },
    body: padTo(
      {
        id: 'evt_@ID@',
        object: 'event',
        type: 'payment_intent.succeeded',
        data: { object: { id: 'pi_@ID@', amount: 999, currency: 'eur', customer_mail: 'jane@example.com' } },
      },
      2048,
    ),
  },
]
// autocannon's own id replacement stalled its requests here: each body gets a counter instead.
let nextId = 0
const requests = templates.map(({ body, ...request }) => ({
  ...request,
  setupRequest: (prepared) => ({ ...prepared, body: body.split('@ID@').join(String(++nextId).padStart(8, '0')) }),
}))

/** Stops the app, and says so if a search process it started outlived it (it must not). */
async function stopProcess(child) {
  const searchPids = await childPids(child.pid)
  await stopAppProcess(child)
  await new Promise((resolve) => setTimeout(resolve, 1000))
  const left = searchPids.filter((pid) => existsSync(`/proc/${pid}`))
  if (left.length > 0) console.log(`   (a search process outlived the app: ${left.join(', ')})`)
}

async function rssMiB(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024
}

async function threadCount(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/Threads:\s+(\d+)/.exec(status)[1])
}

/** The app's child processes (the search process, when one runs), from each of its threads' /proc children list. */
async function childPids(pid) {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [])
  const lists = await Promise.all(tasks.map((tid) => readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '')))
  return lists.flatMap((list) => list.split(' ').filter(Boolean).map(Number))
}

/** RSS (MiB) of the app's child processes together; 0 when none runs. */
async function childrenRssMiB(pid) {
  const sizes = await Promise.all((await childPids(pid)).map((child) => rssMiB(child).catch(() => 0)))
  return sizes.reduce((sum, size) => sum + size, 0)
}

/**
 * Waits (up to a minute, or `timeoutMs`) until the search, which brings the search sidecars up to
 * date in the background after captures arrived, has stopped: no search process (a child of the
 * app), and the app back to its thread count at start-up (builds that searched in a worker
 * thread). RSS measured while it runs is the search's, not what the store keeps.
 */
async function settled(pid, baseline, timeoutMs = 60_000) {
  const startedAt = performance.now()
  const busy = async () => (await threadCount(pid)) > baseline || (await childPids(pid)).length > 0
  while ((await busy()) && performance.now() - startedAt < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 500))
  return Math.round((performance.now() - startedAt) / 1000)
}

/** The highest RSS (MiB) of the app and, apart, of its search process, sampled every 100 ms until `stop()`. */
function peakRss(pid) {
  const peak = { app: 0, search: 0 }
  let running = true
  const sampling = (async () => {
    while (running) {
      peak.app = Math.max(peak.app, await rssMiB(pid))
      peak.search = Math.max(peak.search, await childrenRssMiB(pid))
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  return {
    async stop() {
      running = false
      await sampling
      return peak
    },
  }
}

function load(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ connections: 20, ...options }, (error, result) => (error ? reject(error) : resolve(result)))
    instance.on('error', reject)
  })
}

/** Steady receiver load (for p99 while something else runs) until `stop()`. */
function backgroundLoad(url, rate = 200) {
  let stopped = false
  const instance = autocannon(
    { url, method: 'POST', connections: 10, overallRate: rate, duration: 600, body: '{"probe":1}', headers: { 'content-type': 'application/json' } },
    () => undefined,
  )
  const done = new Promise((resolve) => instance.once('done', resolve))
  return {
    async stop() {
      if (!stopped) {
        stopped = true
        instance.stop()
      }
      return done
    },
  }
}

async function timed(action) {
  const startedAt = performance.now()
  const value = await action()
  return { ms: Math.round(performance.now() - startedAt), value }
}

const figures = []
const figure = (name, value, target = '') => {
  figures.push({ figure: name, value, target })
  console.log(`${name}: ${value}${target ? `   (${target})` : ''}`)
}

const dataDir = await mkdtemp(join(tmpdir(), 'callback-inspector-scale-'))
const args = appArgs(dataDir, ['--durability', DURABILITY])
/** Figures from a loaded machine are not comparable: each run says how loaded it was. */
const loadAverage = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')
console.log(`Store at scale: ${TOTAL.toLocaleString('en-US')} captures of about 2 KB (a quarter Stripe), durability ${DURABILITY}`)
console.log(`load average at start: ${loadAverage()}\n`)
let app = await startProcess(args)
let filled = 0
/** Fill requests answered 2xx: each must be among the captures stored (nothing answered is lost). */
let answered = 0
/** Fill requests that failed (a timeout or a dropped connection under a flood): not answered, may or may not be stored. */
let failed = 0
/** RSS (MiB) at each checkpoint, for the growth from 50k to the end. */
const rssAt = new Map()
const baselineThreads = await threadCount(app.child.pid)
for (const checkpoint of CHECKPOINTS) {
  const startedAt = performance.now()
  const whileFilling = peakRss(app.child.pid)
  const result = await load({ url: app.ready.receiver, requests, amount: checkpoint - filled })
  const fillPeak = await whileFilling.stop()
  const rate = Math.round((checkpoint - filled) / ((performance.now() - startedAt) / 1000))
  filled = checkpoint
  answered += result['2xx']
  failed += result.errors
  await new Promise((resolve) => setTimeout(resolve, 1500))
  const rssWhileUpkeep = await rssMiB(app.child.pid)
  const searchRssWhileUpkeep = await childrenRssMiB(app.child.pid)
  const waited = await settled(app.child.pid, baselineThreads)
  const rss = await rssMiB(app.child.pid)
  rssAt.set(checkpoint, rss)
  figure(
    `RSS at ${checkpoint.toLocaleString('en-US')} captures`,
    `${rss.toFixed(0)} MiB`,
    checkpoint === TOTAL ? `<= 150 MiB at 100k: ${TOTAL < 100_000 || rss <= 150 ? 'met' : 'missed'}` : '',
  )
  console.log(
    `   (filled at ${rate} captures/s, non-2xx ${result.non2xx}, failed ${result.errors}; highest during the fill ${fillPeak.app.toFixed(0)} MiB; ${rssWhileUpkeep.toFixed(0)} MiB 1.5 s after the fill, and ${searchRssWhileUpkeep.toFixed(0)} MiB of search process; measured after ${waited} s more, once the search had stopped)`,
  )
}
// Issue 11: memory that does not grow with the store, at most 10% more from 50,000 to 100,000.
if (rssAt.has(50_000) && TOTAL > 50_000) {
  const growth = ((rssAt.get(TOTAL) - rssAt.get(50_000)) / rssAt.get(50_000)) * 100
  figure(
    `RSS growth from 50,000 to ${TOTAL.toLocaleString('en-US')} captures`,
    `${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%`,
    `<= 10%: ${growth <= 10 ? 'met' : 'missed'}`,
  )
}
const total = (await apiCall(app.ready, 'listCaptures', { limit: 1 })).total
figure('captures stored', total, `answered 2xx ${answered}, failed ${failed}: ${total >= answered ? 'none lost' : `${answered - total} LOST`}`)

// Pages.
const [endpoint] = await apiCall(app.ready, 'listEndpoints')
const first = await timed(() => apiCall(app.ready, 'listCaptures', { endpointId: endpoint.id, limit: 100 }))
figure('first page (100)', `${first.ms} ms`)
const deep = await timed(() => apiCall(app.ready, 'listCaptures', { endpointId: endpoint.id, limit: 100, cursor: String(200) }))
figure('deep page (the oldest 100)', `${deep.ms} ms`)
const filtered = await timed(() => apiCall(app.ready, 'listCaptures', { endpointId: endpoint.id, limit: 100, filter: { provider: 'stripe' } }))
figure(`filtered page (provider stripe, total ${filtered.value.total})`, `${filtered.ms} ms`)
const text = await timed(() => apiCall(app.ready, 'listCaptures', { endpointId: endpoint.id, limit: 100, filter: { text: 'payment_intent' } }))
figure(`text filter page (total ${text.value.total})`, `${text.ms} ms`)
const sample = first.value.items[7]
const delivery = await timed(() => apiCall(app.ready, 'getDelivery', { captureId: sample.id }).catch(() => null))
figure('delivery attempts of one capture (getDelivery)', `${delivery.ms} ms`, '<= 100 ms')

// Searches, with the receiver under steady load meanwhile.
await apiCall(app.ready, 'createEndpoint', { name: 'side', slug: 'side' })
const side = backgroundLoad(`${app.ready.receiver}/side/probe`)
await new Promise((resolve) => setTimeout(resolve, 1000))
const duringSearches = peakRss(app.child.pid)
console.log(
  `   (load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')} when the searches start: compare figures only from a quiet machine)`,
)
// A search's first page (listCapturePage) and its total (countCaptures) are asked apart: the page does not wait for the count.
async function search(label, input) {
  const page = await timed(() => apiCall(app.ready, 'listCapturePage', { limit: 100, ...input }))
  const count = await timed(() => apiCall(app.ready, 'countCaptures', input))
  figure(`search ${label}: first page (${page.value.items.length} items)`, `${page.ms} ms`, '<= 500 ms')
  figure(`search ${label}: total (${count.value.total})`, `${count.ms} ms`, '<= 2,000 ms')
}
await search('body:customer_mail', { endpointId: endpoint.id, filter: { query: 'body:customer_mail' } })
await search('for a rare word', { endpointId: endpoint.id, filter: { query: `"${sample.id.slice(0, 8)}" OR nosuchvalue` } })
await search('jane -stripe', { filter: { query: 'jane -stripe' } })
const together = await timed(() => apiCall(app.ready, 'listCaptures', { endpointId: endpoint.id, limit: 100, filter: { query: 'body:customer_mail' } }))
figure(`listCaptures body:customer_mail, page and total together (${together.value.total})`, `${together.ms} ms`)
const duringSearch = await side.stop()
const peak = await duringSearches.stop()
figure('receiver p99 while searches ran', `${duringSearch.latency.p99} ms`, '<= 50 ms')
// The app and its search process apart: the process's memory is the app's too while it runs.
figure('RSS while the searches ran, highest: app / search process', `${peak.app.toFixed(0)} / ${peak.search.toFixed(0)} MiB`)
figure(
  'RSS right after the searches: app / search process',
  `${(await rssMiB(app.child.pid)).toFixed(0)} / ${(await childrenRssMiB(app.child.pid)).toFixed(0)} MiB`,
)
// The search stops 30 s after the last thing asked of it (a search, or sidecar upkeep for what
// arrived meanwhile), and its memory with it: measured once it has, not at a fixed time.
await new Promise((resolve) => setTimeout(resolve, 1000))
const searchStoppedAfter = await settled(app.child.pid, baselineThreads, 120_000)
const rssAfterSearches = await rssMiB(app.child.pid)
const lingering = await childPids(app.child.pid)
figure(
  `RSS after the searches, once the search stopped (${searchStoppedAfter + 1} s later)`,
  `${rssAfterSearches.toFixed(0)} MiB${lingering.length > 0 ? `, and a search process still running (${(await childrenRssMiB(app.child.pid)).toFixed(0)} MiB)` : ''}`,
  `<= 150 MiB: ${rssAfterSearches <= 150 && lingering.length === 0 ? 'met' : 'missed'}`,
)

// Restart: to ready, and to the first page.
const rssBefore = await rssMiB(app.child.pid)
await stopProcess(app.child)
app = await startProcess(args)
const firstAfterRestart = await timed(() => apiCall(app.ready, 'listCaptures', { limit: 100 }))
figure('restart to ready', `${Math.round(app.readyMs)} ms`, '<= 2,000 ms (with the first page)')
figure('restart to first page', `${Math.round(app.readyMs + firstAfterRestart.ms)} ms`, '<= 2,000 ms')
await new Promise((resolve) => setTimeout(resolve, 1000))
figure('RSS after restart', `${(await rssMiB(app.child.pid)).toFixed(0)} MiB (was ${rssBefore.toFixed(0)} MiB before)`)

// Clear the endpoint while another endpoint receives.
const sideAgain = backgroundLoad(`${app.ready.receiver}/side/probe`)
await new Promise((resolve) => setTimeout(resolve, 1000))
const [filledEndpoint] = await apiCall(app.ready, 'listEndpoints')
const whileClearing = peakRss(app.child.pid)
const clear = await timed(() => apiCall(app.ready, 'clearEndpoint', { id: filledEndpoint.id }))
await new Promise((resolve) => setTimeout(resolve, 500))
const duringClear = await sideAgain.stop()
const clearPeak = await whileClearing.stop()
figure(`clear an endpoint of ${clear.value.deletedCount.toLocaleString('en-US')} captures`, `${clear.ms} ms`, '<= 5,000 ms')
figure('receiver p99 during the clear', `${duringClear.latency.p99} ms`, '<= 50 ms')
figure('RSS during the clear, highest: app / search process', `${clearPeak.app.toFixed(0)} / ${clearPeak.search.toFixed(0)} MiB`)

await stopProcess(app.child)
await rm(dataDir, { recursive: true, force: true })
console.log(`\nload average at the end: ${loadAverage()}`)
console.table(figures)
