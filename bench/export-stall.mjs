// Export stall: how long a provider's callback waits while a large export is built and handed over.
// Fills the headless app with 10,000 captures of about 2 KB, then exports the endpoint through the
// API while a worker thread (its own event loop, so this process reading the answer does not skew
// it) sends a callback every 20 ms and times each answer. Prints the slowest answers during the
// export and before it (idle), and how long the export took.
//
//   node bench/export-stall.mjs     (STALL_CAPTURES=10000 STALL_FORMAT=har STALL_MODE=inline|pieces
//                                     STALL_REPEAT=2; BENCH_APP_ENTRY=<built headless.js>)
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { apiCall, APP_ENTRY, appArgs, startProcess, stopProcess } from './app-api.mjs'

const TOTAL = Number(process.env.STALL_CAPTURES ?? 10_000)
const FORMAT = process.env.STALL_FORMAT ?? 'har'
/** `inline`: one exportCaptures answer holding the file; `pieces`: the file read piece by piece (readExportPiece). */
const MODE = process.env.STALL_MODE ?? 'inline'
const REPEAT = Number(process.env.STALL_REPEAT ?? 2)
const PROBE_EVERY_MS = 20

function callbackBody(id) {
  const base = {
    result: 'OK',
    uuid: `uuid-${id}`,
    merchantTransactionId: `order-${id}`,
    transactionType: 'DEBIT',
    paymentMethod: 'Creditcard',
    amount: '9.99',
    currency: 'EUR',
    returnData: { _TYPE: 'cardData', type: 'visa', cardHolder: 'Jane Doe', firstSixDigits: '411111', lastFourDigits: '1111' },
  }
  return JSON.stringify({ ...base, padding: 'x'.repeat(2048 - JSON.stringify(base).length - 14) })
}

async function startApp() {
  const dataDir = await mkdtemp(join(tmpdir(), 'callback-inspector-stall-'))
  const { child, ready } = await startProcess(appArgs(dataDir, ['--durability', 'flush']))
  return { child, ready, dataDir }
}

async function fill(ready) {
  let next = 0
  async function sender() {
    while (next < TOTAL) {
      const id = next++
      const response = await fetch(`${ready.receiver}/default/callbacks/ixopay?orderId=${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: callbackBody(id),
      })
      await response.arrayBuffer()
      if (response.status >= 300) throw new Error(`callback ${id} answered ${response.status}`)
    }
  }
  await Promise.all(Array.from({ length: 16 }, sender))
}

/** The prober: a callback every 20 ms from its own thread; reports each answer's wait in ms. */
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads')
const http = require('node:http')
const agent = new http.Agent({ keepAlive: true })
const body = '{"probe":true}'
let timer
parentPort.on('message', (message) => { if (message === 'stop') { clearInterval(timer); agent.destroy(); parentPort.close() } })
timer = setInterval(() => {
  const sentAt = performance.now()
  const request = http.request(workerData.url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (response) => {
    response.resume()
    response.on('end', () => parentPort.postMessage({ sentAt: performance.timeOrigin + sentAt, waitMs: performance.now() - sentAt }))
  })
  request.on('error', (error) => parentPort.postMessage({ sentAt: performance.timeOrigin + sentAt, error: String(error) }))
  request.end(body)
}, ${PROBE_EVERY_MS})
`

const wallClock = () => performance.timeOrigin + performance.now()

/**
 * Exports the endpoint as the bench's mode says; answers the size handed over and when the app
 * began handing the file over (the answer's headers arrived, or exportCaptures answered in pieces
 * mode): before that it was building the file.
 */
async function exportEndpoint(ready, endpointId) {
  if (MODE === 'inline') {
    const response = await fetch(`${ready.api}/exportCaptures`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ endpointId, format: FORMAT }),
    })
    const handOverAt = wallClock()
    // Counted, not parsed: parsing 55 MB of JSON here is not the app's time.
    let bytes = 0
    for await (const chunk of response.body) bytes += chunk.length
    if (response.status !== 200) throw new Error(`exportCaptures answered ${response.status}`)
    return { answerBytes: bytes, handOverAt }
  }
  const first = await apiCall(ready, 'exportCaptures', { endpointId, format: FORMAT, delivery: 'pieces' })
  const handOverAt = wallClock()
  let base64 = 0
  for (let index = 0; index < first.pieces.count; index++) {
    const piece = await apiCall(ready, 'readExportPiece', { exportId: first.pieces.exportId, index })
    base64 += piece.dataBase64.length
  }
  return { answerBytes: base64, handOverAt }
}

function summarise(waits) {
  const sorted = [...waits].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
  return `${sorted.length} answers, median ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, slowest ${(sorted.at(-1) ?? NaN).toFixed(1)} ms`
}

const app = await startApp()
try {
  console.log(`Export stall: ${APP_ENTRY}, ${TOTAL} captures, format ${FORMAT}, mode ${MODE}, a callback every ${PROBE_EVERY_MS} ms`)
  const fillStart = performance.now()
  await fill(app.ready)
  console.log(`filled in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`)
  const endpoints = await apiCall(app.ready, 'listEndpoints')
  const endpointId = endpoints.find((endpoint) => endpoint.slug === 'default').id
  await sleep(2000)
  const probes = []
  const worker = new Worker(PROBER, { eval: true, workerData: { url: `${app.ready.receiver}/default/probe` } })
  worker.on('message', (message) => probes.push(message))
  await sleep(3000)
  const idle = probes.filter((probe) => probe.waitMs !== undefined).map((probe) => probe.waitMs)
  console.log(`idle (3 s before): ${summarise(idle)}`)
  for (let run = 1; run <= REPEAT; run++) {
    const from = probes.length
    const startedAt = wallClock()
    const { answerBytes, handOverAt } = await exportEndpoint(app.ready, endpointId)
    const endedAt = wallClock()
    // Callbacks sent while the export ran (their answers may come after it).
    await sleep(3000)
    const sentBetween = (start, end) => probes.slice(from).filter((probe) => probe.sentAt >= start && probe.sentAt <= end)
    const describe = (label, start, end) => {
      const sent = sentBetween(start, end)
      const failed = sent.filter((probe) => probe.error)
      const slowest = sent.reduce((worst, probe) => (probe.waitMs > (worst?.waitMs ?? -1) ? probe : worst), null)
      return `  ${label} (${((end - start) / 1000).toFixed(2)} s): ${summarise(sent.filter((probe) => probe.waitMs !== undefined).map((probe) => probe.waitMs))}${
        slowest ? ` (slowest sent ${((slowest.sentAt - startedAt) / 1000).toFixed(2)} s into the export)` : ''
      }${failed.length ? `, ${failed.length} failed: ${[...new Set(failed.map((probe) => probe.error))].join('; ')}` : ''}`
    }
    console.log(`export ${run}: ${((endedAt - startedAt) / 1000).toFixed(2)} s, ${(answerBytes / 1e6).toFixed(1)} MB of base64 handed over`)
    console.log(describe('whole export', startedAt, endedAt))
    console.log(describe('building the file', startedAt, handOverAt))
    console.log(describe('handing it over', handOverAt, endedAt))
  }
  worker.postMessage('stop')
} finally {
  await stopProcess(app.child)
  await rm(app.dataDir, { recursive: true, force: true })
}
