/**
 * A scan shared between two runners (as between two search processes) answers as one runner
 * does: the same matches per segment, reported in the scan's order whichever part scanned them,
 * and a scan stopped early reports nothing after the segment that was enough.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { open, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir } from '../../test-support/temp-dir'
import { testCapture } from '../../test-support/test-capture'
import { scanLog } from './capture-log'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import { openCaptureStore } from './capture-store'
import { ID_BYTES, parseUuid } from './id-index'
import { sidecarPathOf } from './search-runner'
import type { ScanFilter, ScanSegment } from './search-scan'
import { createInlineScanner, createProcessScanner, PARALLEL_SCAN_SEGMENTS, type Scanner } from './search-scanner'

const now = () => new Date('2026-12-07T10:00:00Z')
/** Five segments: the last one partly filled. */
const COUNT = SEGMENT_MAX_CAPTURES * 4 + 200

let dir: string
let remove: () => Promise<void>

beforeAll(async () => {
  ;({ dir, remove } = await makeTempDir())
  const store = await openCaptureStore({ dir: join(dir, 'captures'), quarantineDir: join(dir, 'quarantine'), durability: 'flush' }, { now })
  const append = (index: number) => {
    // Every 7th names a customer; one, in the second segment, a rare word.
    const body = Buffer.from(JSON.stringify({ order: index, customer: index === 1500 ? 'Zanzibar' : index % 7 === 0 ? 'Jane' : 'nobody' }))
    return store.append(testCapture(body, { endpointId: 'shop', target: `/shop/callbacks?n=${index}` }), body)
  }
  // A hundred at a time, as concurrent callbacks arrive: one commit each.
  for (let first = 0; first < COUNT; first += 100)
    await Promise.all(Array.from({ length: Math.min(100, COUNT - first) }, (_unused, offset) => append(first + offset)))
  await store.close()
})

afterAll(async () => {
  await remove()
})

/** Every capture of every segment, newest segment first and newest capture first, as the store asks. */
async function segments(): Promise<ScanSegment[]> {
  const folder = join(dir, 'captures')
  const logs = (await readdir(folder)).filter((name) => name.endsWith('.log')).sort()
  const found: ScanSegment[] = []
  for (const name of logs.reverse()) {
    const logPath = join(folder, name)
    const handle = await open(logPath, 'r')
    const { frames } = await scanLog(handle, 0, (await handle.stat()).size).finally(() => handle.close())
    frames.reverse()
    const idBytes = new Uint8Array(frames.length * ID_BYTES)
    frames.forEach((frame, position) => parseUuid((frame.metadata as { id: string }).id, idBytes, position * ID_BYTES))
    found.push({
      logPath,
      sidecarPath: sidecarPathOf(logPath),
      idBytes,
      otherIds: [],
      offsets: Float64Array.from(frames, (frame) => frame.frameOffset),
      metadataBytes: Uint32Array.from(frames, (frame) => frame.metadataBytes),
      bodySizes: Uint32Array.from(frames, (frame) => frame.bodyBytes),
      annotations: [],
    })
  }
  return found
}

async function scan(scanner: Scanner, filter: ScanFilter, onSegment?: (index: number, matched: number[]) => boolean) {
  const scanned = await segments()
  return scanner.scan(filter, scanned, scanner.columns(1), onSegment)
}

const options = { onDamaged: () => undefined }

describe('a scan shared between runners', () => {
  it('finds what one runner finds, reporting the segments in order', async () => {
    expect(await segments()).toHaveLength(5)
    for (const query of ['jane', 'zanzibar']) {
      const filter = { query, nowMs: now().getTime() }
      const alone = await scan(createInlineScanner(options), filter)
      const reported: number[] = []
      const shared = await scan(createInlineScanner(options, 2), filter, (index) => {
        reported.push(index)
        return true
      })
      expect(shared).toEqual(alone)
      expect(reported).toEqual([0, 1, 2, 3, 4])
    }
    const jane = await scan(createInlineScanner(options, 2), { query: 'jane', nowMs: now().getTime() })
    expect(jane.reduce((sum, matched) => sum + (matched?.length ?? 0), 0)).toBe(Math.ceil(COUNT / 7))
  })

  it('stops once a segment was enough, and reports nothing after it', async () => {
    const scanner = createInlineScanner(options, 2)
    const reported: number[] = []
    const results = await scan(scanner, { query: 'jane', nowMs: now().getTime() }, (index) => {
      reported.push(index)
      return index < 1
    })
    expect(reported).toEqual([0, 1])
    expect(results.slice(0, 2).every((matched) => matched !== undefined && matched.length > 0)).toBe(true)
    expect(results.slice(2)).toEqual([undefined, undefined, undefined])
    // The scanner takes the next scan as usual (its columns went back once, not twice).
    const again = await scan(scanner, { query: 'zanzibar', nowMs: now().getTime() })
    expect(again.map((matched) => matched?.length)).toEqual([0, 0, 0, 1, 0])
  })
})

/** The built search entry, as the app starts it (`npm run build` makes it). */
const SEARCH_WORKER = resolve(import.meta.dirname, '../../../out/main/search-worker.js')

/** The pids of this process's children running the search entry (exited and reaped ones are gone). */
function searchProcesses(): number[] {
  const tasks = readdirSync('/proc/self/task')
  const pids = tasks.flatMap((task) => readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number))
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('search-worker')
    } catch {
      return false
    }
  })
}

describe.runIf(process.platform === 'linux')('search processes', () => {
  it('are all gone once closed, and none is started by what asks for one while or after it closes', async () => {
    if (!existsSync(SEARCH_WORKER)) throw new Error(`${SEARCH_WORKER} is missing: run "npm run build" first`)
    const scanner = createProcessScanner(SEARCH_WORKER, options, 2)
    scanner.warmUp(PARALLEL_SCAN_SEGMENTS)
    const started = searchProcesses()
    expect(started).toHaveLength(2)
    const scanned = await segments()

    const closing = scanner.close()
    // A page that was gathering its candidates asks for its processes, and upkeep for one, as the store closes.
    scanner.warmUp(PARALLEL_SCAN_SEGMENTS)
    scanner.maintain(scanned.map(({ logPath, sidecarPath }) => ({ logPath, sidecarPath })))
    await closing

    expect(searchProcesses()).toEqual([])
    for (const pid of started) expect(existsSync(`/proc/${pid}`)).toBe(false)
    await expect(scanner.scan({ query: 'jane', nowMs: now().getTime() }, scanned, scanner.columns(1))).rejects.toThrow(/closed/)
    expect(searchProcesses()).toEqual([])
  })
})
