// Receiver throughput benchmark: sustained capture throughput and latency of the real headless
// app (store-then-answer), beside a plain node:http server measured in the same run, their ratio,
// and a loss check (captures on disk after a restart vs requests answered 2xx).
//
//   npm run bench        (BENCH_SECONDS=12 per server, BENCH_ROUNDS=4, BENCH_CONNECTIONS=50 by default)
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import { apiCall, appArgs, startProcess, stopProcess } from './app-api.mjs'

/** Seconds of load per server, split into `ROUNDS` slices. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 12)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4)
/** Pause before each slice, so one server's background work does not run into the next one's measurement. */
const SETTLE_MS = 1500
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
/** Per durability mode: `sync` waits for stable storage, so it is allowed a lower ratio (issue 11). */
const TARGETS = { sync: { ratio: 0.3, p99Ms: 15 }, flush: { ratio: 0.25, p99Ms: 15 } }

/** A 2 KB IXOPAY-like JSON callback. */
function callbackBody() {
  const base = {
    result: 'OK',
    uuid: 'f3c4d2b1a0e9f8d7c6b5',
    merchantTransactionId: 'order-1001',
    purchaseId: '20241230-d94c0d72f3a36e21f16e',
    transactionType: 'DEBIT',
    paymentMethod: 'Creditcard',
    amount: '9.99',
    currency: 'EUR',
    returnData: {
      _TYPE: 'cardData',
      type: 'visa',
      cardHolder: 'Jane Doe',
      expiryMonth: '12',
      expiryYear: '2030',
      firstSixDigits: '411111',
      lastFourDigits: '1111',
    },
    extraData: {},
  }
  const body = JSON.stringify(base)
  base.extraData.padding = 'x'.repeat(2048 - body.length - 14)
  return JSON.stringify(base)
}

/** One slice of load; its raw result (latency histogram still encoded) is merged with the others of its server. */
function load(url, body, seconds) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        connections: CONNECTIONS,
        duration: seconds,
        body,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        skipAggregateResult: true,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
    instance.on('error', reject)
  })
}

const body = callbackBody()
const sliceSeconds = SECONDS / ROUNDS
console.log(
  `Benchmark: ${CONNECTIONS} connections, POST of a ${Buffer.byteLength(body)}-byte JSON callback, ${SECONDS} s per server ` +
    `in ${ROUNDS} interleaved rounds of ${sliceSeconds} s\n`,
)

/** A server under test: where to send the load, and the slices of load it got. */
function server(name, url, extra = {}) {
  return { name, url, slices: [], ...extra }
}

/** Starts the app with one durability mode in a fresh data folder. */
async function startApp(durability) {
  const dataDir = await mkdtemp(join(tmpdir(), 'callback-inspector-bench-'))
  const args = appArgs(dataDir, ['--durability', durability])
  const { child, ready } = await startProcess(args)
  return server(`Callback Inspector receiver, durability ${durability}`, `${ready.receiver}/default/callbacks/ixopay?orderId=1001`, {
    durability,
    child,
    args,
    dataDir,
    answered: 0,
  })
}

/**
 * The disk's own flush latency, the floor under `sync`'s latency: a capture is answered only after
 * an fdatasync. 300 writes of 64 KB, each followed by one, into a zero-filled file (what the app
 * writes into with `sync`), before the load starts.
 */
async function diskFlushLatency() {
  const dir = await mkdtemp(join(tmpdir(), 'callback-inspector-bench-disk-'))
  const file = await open(join(dir, 'probe.log'), 'w+')
  const chunk = Buffer.alloc(64 * 1024, 120)
  const writes = 300
  try {
    await file.write(Buffer.alloc(chunk.length * writes), 0, chunk.length * writes, 0)
    await file.datasync()
    const times = []
    for (let index = 0; index < writes; index++) {
      const started = performance.now()
      await file.write(chunk, 0, chunk.length, index * chunk.length)
      await file.datasync()
      times.push(performance.now() - started)
    }
    times.sort((left, right) => left - right)
    const at = (share) => times[Math.min(times.length - 1, Math.floor(share * times.length))].toFixed(2)
    return { p50: at(0.5), p99: at(0.99), max: at(1) }
  } finally {
    await file.close()
    await rm(dir, { recursive: true, force: true })
  }
}
const disk = await diskFlushLatency()
console.log(`Disk flush latency (64 KB write + fdatasync, idle): p50 ${disk.p50} ms, p99 ${disk.p99} ms, max ${disk.max} ms\n`)

const baselineProcess = await startProcess(['bench/baseline-server.mjs'])
const baseline = server('plain node:http (baseline)', baselineProcess.ready.url)
// `sync` (the default: one fdatasync per group commit) and `flush` (page cache only), in the same run.
const apps = [await startApp('sync'), await startApp('flush')]
const servers = [baseline, ...apps]

// Warm-up, not counted: the JIT compiles the hot paths and the first segments are created.
for (const target of servers) {
  const warmUp = await load(target.url, body, 1)
  if (target.answered !== undefined) target.answered += warmUp['2xx']
}
// Interleaved: the machine's load drifts from second to second (the baseline alone moved between
// 22,000 and 40,000 req/s from one run to the next), so each round measures every server, in a
// rotating order, and a ratio compares servers measured under the same conditions.
for (let round = 0; round < ROUNDS; round++) {
  for (let turn = 0; turn < servers.length; turn++) {
    const target = servers[(round + turn) % servers.length]
    // The previous server's background work (index writes, at most a second behind) ends first.
    await sleep(SETTLE_MS)
    const slice = await load(target.url, body, sliceSeconds)
    target.slices.push(slice)
    if (target.answered !== undefined) target.answered += slice['2xx']
  }
}

await stopProcess(baselineProcess.child)
for (const app of apps) {
  await stopProcess(app.child)
  // Loss check from disk: a fresh process reads what the first one wrote.
  const reopened = await startProcess(app.args)
  app.stored = (await apiCall(reopened.ready, 'listCaptures', { limit: 1 })).total
  await stopProcess(reopened.child)
  await rm(app.dataDir, { recursive: true, force: true })
}

const perSecond = (slice) => slice.totalCompletedRequests / slice.duration
/** Every slice of a server together: requests per second over its whole time, latency percentiles over every request. */
function merged(target) {
  const result = autocannon.aggregateResult(target.slices, { url: target.url, connections: CONNECTIONS })
  const seconds = target.slices.reduce((sum, slice) => sum + slice.duration, 0)
  return { ...result, perSecond: result.requests.sent === 0 ? 0 : target.slices.reduce((sum, slice) => sum + slice.totalCompletedRequests, 0) / seconds }
}
const results = new Map(servers.map((target) => [target, merged(target)]))

console.table(
  servers.map((target) => {
    const result = results.get(target)
    return {
      server: target.name,
      'req/s': Math.round(result.perSecond),
      'req/s by round': target.slices.map((slice) => Math.round(perSecond(slice))).join(' / '),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      '2xx': result['2xx'],
      'non-2xx': result.non2xx,
      errors: result.errors,
    }
  }),
)
let ok = true
for (const app of apps) {
  const result = results.get(app)
  const ratio = result.perSecond / results.get(baseline).perSecond
  const byRound = app.slices.map((slice, round) => (perSecond(slice) / perSecond(baseline.slices[round])).toFixed(3)).join(' / ')
  const lost = Math.max(0, app.answered - app.stored)
  const target = TARGETS[app.durability]
  console.log(`\n[${app.durability}] throughput ratio (receiver / baseline): ${ratio.toFixed(3)}   target >= ${target.ratio}   (by round: ${byRound})`)
  console.log(`[${app.durability}] p99: ${result.latency.p99} ms   target <= ${target.p99Ms} ms`)
  console.log(`[${app.durability}] answered 2xx (warm-up included): ${app.answered}   captures on disk after restart: ${app.stored}   lost: ${lost}`)
  if (app.stored > app.answered)
    console.log(`[${app.durability}] (${app.stored - app.answered} stored requests were still waiting for their answer when a slice stopped)`)
  ok &&= ratio >= target.ratio && result.latency.p99 <= target.p99Ms && lost === 0 && result.non2xx === 0 && result.errors === 0
}
console.log(ok ? 'PASS' : 'FAIL')
process.exitCode = ok ? 0 : 1
