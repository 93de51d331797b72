/**
 * Every data file the app keeps, found damaged at start-up (cut short mid-write, as a disk error
 * or a hand edit leaves it), at once: each record is reported in the status, kept aside in
 * `unreadable/` with the bytes it had (never replaced), the app starts, and every capture answered
 * before is still there, byte for byte (an index is rebuilt from its log). Derived files (the
 * table snapshot, the search sidecar) are caches: they are not reported, and nothing is lost
 * with them. A lock file left damaged by a crash is taken over.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { expect } from 'vitest'
import { send } from '../../test-support/http-client'
import { useInspector } from '../../test-support/inspector-fixture'
import { FAIL_TWICE_THEN_OK } from '../../test-support/answer-configs'
import { randomUUID } from 'node:crypto'
import type { ReplayRecord } from '../../shared/replay'
import type { StorageIssue } from '../../shared/views'
import { appStoppedOutcome } from '../replay/replay-record'
import { createReplayHistory, SENDING_JOURNAL } from './replay-history'

const test = useInspector()

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(dir, join(entry.parentPath, entry.name)))
}

test('reports each damaged data file, keeps it aside as it was, and loses no capture', { timeout: 60_000 }, async ({ app, dataDir, target }) => {
  let inspector = await app.start()
  const [endpoint] = await inspector.procedures.listEndpoints({})
  const endpointId = endpoint!.id
  await inspector.procedures.addKey({ endpointId, key: { kind: 'hmac-secret', provider: 'ixopay', value: 'secret-kept-in-keys' } })
  await inspector.procedures.setAnswerConfig({ endpointId, config: FAIL_TWICE_THEN_OK })
  const bodies = ['{"uuid":"a"}', '{"uuid":"b"}', Buffer.from([0, 0xff, 0x80, 0x7f]).toString('latin1')]
  for (const body of bodies) await send(`${inspector.receiverUrl}/default/cb`, { body: Buffer.from(body, 'latin1') })
  const ids = (await inspector.procedures.listCaptures({})).items.map((item) => item.id)
  await inspector.procedures.setCaptureNote({ id: ids[0]!, note: 'a note' })
  await inspector.procedures.replayCapture({ captureId: ids[0]!, targetUrl: target.url, keepCapturedPath: false })
  // The sequence's counters are saved within a second.
  await expect.poll(async () => (await filesUnder(dataDir)).includes('answer-sequences.json'), { timeout: 5_000 }).toBe(true)
  await app.stop()

  const files = await filesUnder(dataDir)
  // The app's records, as lowdb documents, and the caches beside them.
  const records = ['inspector.json', 'answer-sequences.json', 'captures/000001.json', ...files.filter((file) => /^replays\/\d+\.json$/.test(file))]
  for (const file of records) expect(files, file).toContain(file)
  const keysFile = files.find((file) => /^secrets\/keys\.json$/.test(file))
  expect(keysFile).toBeDefined()
  records.push(keysFile!)
  const caches = files.filter((file) => /^captures\/(\d+\.table|search\/\d+\.search)$/.test(file))
  const damaged = new Map<string, Buffer>()
  for (const file of [...records, ...caches]) {
    const whole = await readFile(join(dataDir, file))
    // Cut short in the middle, as a torn write leaves it.
    const cut = whole.subarray(0, Math.floor(whole.length / 2))
    await writeFile(join(dataDir, file), cut)
    damaged.set(file, cut)
  }
  // A lock file a crash left half written.
  await writeFile(join(dataDir, 'inspector.lock'), '{"pid":')

  inspector = await app.start()
  const replayDocuments = records.filter((file) => file.startsWith('replays/'))
  // Start-up reads what it must: a replay history document is read (and found damaged) when a capture's history is asked for.
  const atStart = (await inspector.procedures.getStatus({})).storage.issues
  expect(atStart.map((issue) => relative(dataDir, issue.file)).sort()).toEqual(records.filter((file) => !replayDocuments.includes(file)).sort())
  const announced: StorageIssue[] = []
  const unsubscribe = inspector.events.subscribe((event) => {
    if (event.type === 'storage-issue-found') announced.push(event.issue)
  })
  expect(await inspector.procedures.listReplays({ captureId: ids[0]! })).toEqual([])
  unsubscribe()
  const issues = (await inspector.procedures.getStatus({})).storage.issues
  expect(issues.map((issue) => relative(dataDir, issue.file)).sort()).toEqual([...records].sort())
  // Found after the status was read: the views are told, as the status now lists it.
  expect(announced).toEqual(issues.filter((issue) => replayDocuments.includes(relative(dataDir, issue.file))))
  expect(announced).toHaveLength(replayDocuments.length)
  for (const issue of issues) {
    expect(issue.movedTo.startsWith(join(dataDir, 'unreadable'))).toBe(true)
    expect((await readFile(issue.movedTo)).equals(damaged.get(relative(dataDir, issue.file))!), issue.file).toBe(true)
  }
  // Every capture answered before, byte for byte (the index rebuilt from the log; its notes went with it).
  const after = await inspector.procedures.listCaptures({})
  expect(after.items.map((item) => item.id).sort()).toEqual([...ids].sort())
  for (const id of ids) {
    const capture = await inspector.procedures.getCapture({ id })
    expect(capture.damage ?? null).toBeNull()
    expect(bodies).toContain(Buffer.from(capture.request.bodyBase64, 'base64').toString('latin1'))
  }
  // The app works on: new callbacks are captured and the next start finds nothing wrong.
  expect((await send(`${inspector.receiverUrl}/default/cb`, { body: 'after' })).status).toBeLessThan(600)
  await app.stop()
  inspector = await app.start()
  expect((await inspector.procedures.getStatus({})).storage.issues).toEqual([])
  expect((await inspector.procedures.listCaptures({})).total).toBe(ids.length + 1)
})

test('a damaged line of the journal of sends in flight is in the status at start-up; the records beside it are kept', async ({ app, dataDir }) => {
  let inspector = await app.start()
  await send(`${inspector.receiverUrl}/default/cb`, { body: '{"n":1}' })
  const [capture] = (await inspector.procedures.listCaptures({})).items
  await app.stop()
  // As a killed run leaves it: two sends noted, still out; then the first line's bytes damaged in place.
  const journal = join(dataDir, 'replays', SENDING_JOURNAL)
  const killedRun = createReplayHistory(
    join(dataDir, 'replays'),
    join(dataDir, 'unreadable'),
    () => new Date(),
    () => undefined,
  )
  const noted = (): ReplayRecord =>
    ({
      id: randomUUID(),
      captureId: capture!.id,
      kind: 'resend',
      at: new Date().toISOString(),
      sent: { method: 'POST', url: 'http://127.0.0.1:9/x', headers: [], bodyBase64: '', differsFromCapture: false },
      differences: [],
      resign: null,
      outcome: appStoppedOutcome('http://127.0.0.1:9/x', new Date()),
    }) as unknown as ReplayRecord
  const [lost, kept] = [noted(), noted()]
  await killedRun.begin(capture!.seq, lost)
  await killedRun.begin(capture!.seq, kept)
  const lines = (await readFile(journal, 'utf8')).split('\n')
  lines[0] = lines[0]!.replace(lost.id, `${lost.id}"`)
  await writeFile(journal, lines.join('\n'))

  inspector = await app.start()
  const issues = (await inspector.procedures.getStatus({})).storage.issues
  expect(issues).toHaveLength(1)
  expect(issues[0]!.file).toBe(journal)
  expect(issues[0]!.problem).toMatch(/^1 replay record at line 1 could not be read \(not valid JSON/)
  expect(await readFile(issues[0]!.movedTo, 'utf8')).toBe(lines.join('\n'))
  expect((await inspector.procedures.listReplays({ captureId: capture!.id })).map((record) => record.id)).toEqual([kept.id])
})
