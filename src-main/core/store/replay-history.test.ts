/**
 * The replay history of deleted captures goes with them (`deleteFor`, given what the store's
 * delete returned): their resends are gone, after a reopen too, while other captures' resends
 * and simulated callbacks stay; a group left without records leaves no document behind, and a
 * group that never had one is not created.
 *
 * A send noted before it goes out (`begin`) is in the history of a run that opens the folder as a
 * killed run left it (a copy taken while the send was awaited), reading that the app stopped
 * before the answer arrived; once finished (`add`) it is there once, with its answer. The journal
 * is synced only under the store's `sync` durability.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { ReplayRecord } from '../../shared/replay'
import type { StorageIssue } from '../../shared/views'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { SEGMENT_MAX_CAPTURES } from './capture-segments'
import type { StoredCapture } from './persisted-schema'
import { createReplayHistory, SENDING_JOURNAL, type JournalSync } from './replay-history'
import { syncDirectory } from './data-file'
import type { Durability } from './log-file-io'
import { appStoppedOutcome } from '../replay/replay-record'
import { makeTempDir } from '../../test-support/temp-dir'

const now = () => new Date('2026-11-21T10:00:00Z')

function resendOf(captureId: string | null): ReplayRecord {
  return {
    id: randomUUID(),
    captureId,
    kind: captureId === null ? 'simulate' : 'resend',
    at: now().toISOString(),
    sent: { method: 'POST', url: 'http://127.0.0.1:9/x', headers: [], bodyBase64: '' },
    differences: [],
    resign: null,
    outcome: { kind: 'failure', message: 'connection refused' },
    forward: null,
    templateId: null,
  } as unknown as ReplayRecord
}

describe('replay history of deleted captures', () => {
  const test = useCaptureStore({ now })

  test('goes with them, across history groups and a reopen; other captures keep theirs', async ({ dataDir, openStore: open }) => {
    const replaysDir = join(dataDir, 'replays')
    const history = () => createReplayHistory(replaysDir, join(dataDir, 'unreadable'), now, () => undefined)
    const store = await open()
    // Three history groups' worth of captures (1,000 seqs each), every third on endpoint "b".
    const stored: StoredCapture[] = []
    for (let index = 0; index < SEGMENT_MAX_CAPTURES * 2 + 100; index++) {
      const body = Buffer.from(`body ${index}`)
      stored.push(await store.append(testCapture(body, { endpointId: index % 3 === 2 ? 'b' : 'a' }), body))
    }
    const resent = [stored[10]!, stored[13]!, stored[1500]!, stored[1502]!]
    const first = history()
    for (const capture of resent) await first.add(capture.seq, resendOf(capture.id))
    await first.add(stored[12]!.seq, resendOf(null))
    const groupFiles = () => readdirSync(replaysDir).filter((name) => name.endsWith('.json'))
    expect(groupFiles()).toEqual(['000001.json', '000002.json'])

    await first.deleteFor(await store.deleteByEndpoint('a'))

    const [ofA, ofA2, ofA3, ofB] = resent
    expect(ofB!.endpointId).toBe('b')
    for (const reader of [first, history()]) {
      for (const capture of [ofA!, ofA2!, ofA3!]) expect(await reader.list(capture.seq, capture.id)).toEqual([])
      expect(await reader.list(ofB!.seq, ofB!.id)).toHaveLength(1)
    }
    // Group 1 keeps the simulated callback; group 2 keeps b's resend; group 3 never had a document.
    expect(groupFiles()).toEqual(['000001.json', '000002.json'])
    expect(existsSync(join(replaysDir, '000003.json'))).toBe(false)

    await first.deleteFor(await store.deleteByEndpoint('b'))
    expect(await history().list(ofB!.seq, ofB!.id)).toEqual([])
    // Left without records, group 2's document is removed rather than kept empty.
    expect(groupFiles()).toEqual(['000001.json'])
  })

  test('are not kept again: a resend finished after the deletion, or its journal line after a crash', async ({ dataDir, openStore: open }) => {
    const replaysDir = join(dataDir, 'replays')
    const store = await open()
    const history = () => createReplayHistory(replaysDir, join(dataDir, 'unreadable'), now, () => undefined, { captureExists: (id) => store.has(id) })
    const stored: StoredCapture[] = []
    for (let index = 0; index < 3; index++) {
      const body = Buffer.from(`body ${index}`)
      stored.push(await store.append(testCapture(body, { endpointId: 'a' }), body))
    }
    const [finishedLate, crashed, kept] = stored
    const live = history()
    await live.add(kept!.seq, resendOf(kept!.id))
    // Both resends go out; their captures are deleted (history and all) while they are awaited.
    const late = { ...resendOf(finishedLate!.id), outcome: appStoppedOutcome('http://127.0.0.1:9/x', now()) }
    const cutOff = { ...resendOf(crashed!.id), outcome: appStoppedOutcome('http://127.0.0.1:9/x', now()) }
    await live.begin(finishedLate!.seq, late)
    await live.begin(crashed!.seq, cutOff)
    await live.deleteFor(await store.deleteMany([finishedLate!.id, crashed!.id]))

    // The first answer comes: it has no capture to belong to.
    await live.add(finishedLate!.seq, { ...late, outcome: resendOf(null).outcome })
    const documentIds = () =>
      (JSON.parse(readFileSync(join(replaysDir, '000001.json'), 'utf8')) as { records: ReplayRecord[] }).records.map((record) => record.captureId)
    expect(documentIds()).toEqual([kept!.id])
    // The app is killed before the other answer comes: the next run finds its journal line.
    expect(readFileSync(join(replaysDir, SENDING_JOURNAL), 'utf8')).toContain(crashed!.id)
    const next = history()
    expect((await next.list(kept!.seq, kept!.id)).map((record) => record.captureId)).toEqual([kept!.id])
    expect(await next.list(crashed!.seq, crashed!.id)).toEqual([])
    expect(documentIds()).toEqual([kept!.id])
    expect(readFileSync(join(replaysDir, SENDING_JOURNAL), 'utf8')).toBe('')
  })

  test('left by an earlier version that deleted captures without their history, go when their document is next opened, and only then', async ({
    dataDir,
    openStore: open,
  }) => {
    const replaysDir = join(dataDir, 'replays')
    const store = await open()
    const stored: StoredCapture[] = []
    for (let index = 0; index < SEGMENT_MAX_CAPTURES + 10; index++) {
      const body = Buffer.from(`body ${index}`)
      stored.push(await store.append(testCapture(body, { endpointId: 'a' }), body))
    }
    const [orphan, kept] = [stored[3]!, stored[4]!]
    const orphanInGroup2 = stored[SEGMENT_MAX_CAPTURES + 5]!
    // As an earlier version left them: the resends stay after their captures were deleted.
    const earlier = createReplayHistory(replaysDir, join(dataDir, 'unreadable'), now, () => undefined)
    for (const capture of [orphan, kept, orphanInGroup2]) await earlier.add(capture.seq, resendOf(capture.id))
    await earlier.add(orphan.seq, resendOf(null))
    await store.deleteMany([orphan.id, orphanInGroup2.id])
    const documentIds = (group: string) =>
      (JSON.parse(readFileSync(join(replaysDir, `${group}.json`), 'utf8')) as { records: ReplayRecord[] }).records.map((record) => record.captureId)
    expect(documentIds('000001')).toEqual([orphan.id, kept.id, null])

    const history = createReplayHistory(replaysDir, join(dataDir, 'unreadable'), now, () => undefined, { captureExists: (id) => store.has(id) })
    // Looking at a capture of group 1 opens its document: the orphan goes, the rest stays, on disk too.
    expect(await history.list(kept.seq, kept.id)).toHaveLength(1)
    expect(documentIds('000001')).toEqual([kept.id, null])
    // Group 2 was not opened: nothing read it, nothing changed.
    expect(documentIds('000002')).toEqual([orphanInGroup2.id])
    // Resent now, a capture of group 2 opens its document: its orphan goes as the new record is kept.
    await history.add(stored[SEGMENT_MAX_CAPTURES + 6]!.seq, resendOf(stored[SEGMENT_MAX_CAPTURES + 6]!.id))
    expect(documentIds('000002')).toEqual([stored[SEGMENT_MAX_CAPTURES + 6]!.id])
  })
})

describe('a send in flight when the app stops', () => {
  const removals: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const remove of removals.splice(0)) await remove()
  })

  async function folders(): Promise<{ live: string; killed: string }> {
    const { dir, remove } = await makeTempDir()
    removals.push(remove)
    return { live: join(dir, 'live'), killed: join(dir, 'killed') }
  }
  /** The journal's lines: none once no send is in flight (the file is kept, emptied). */
  const journalLines = (dir: string) =>
    readFileSync(join(dir, 'replays', SENDING_JOURNAL), 'utf8')
      .split('\n')
      .filter(Boolean)
  const historyIn = (dir: string) => createReplayHistory(join(dir, 'replays'), join(dir, 'unreadable'), now, () => undefined)
  /** The folder as a kill -9 at this moment leaves it: what is on disk. */
  const killedCopy = (from: string, to: string) => cpSync(from, to, { recursive: true })

  function noted(captureId: string): ReplayRecord {
    return { ...resendOf(captureId), outcome: appStoppedOutcome('http://127.0.0.1:9/x', now()) }
  }

  it('is in the history of the next run, once, as sent with no answer; finished, it has its answer', async () => {
    const { live, killed } = await folders()
    const history = historyIn(live)
    const earlier = resendOf('capture-1')
    await history.add(1, earlier)
    const sending = noted('capture-1')
    const bulkSending = noted('capture-2500')
    await history.begin(1, sending)
    await history.begin(2500, bulkSending)
    killedCopy(live, killed)

    const next = historyIn(killed)
    const listed = await next.list(1, 'capture-1')
    expect(listed.map((record) => record.id)).toEqual([sending.id, earlier.id])
    expect(listed[0]!.outcome).toEqual({
      kind: 'app-stopped',
      url: 'http://127.0.0.1:9/x',
      startedAt: now().toISOString(),
      message: 'the app stopped before the answer arrived; the target may have received it',
    })
    expect((await next.list(2500, 'capture-2500')).map((record) => record.id)).toEqual([bulkSending.id])
    // Moved into the documents, the journal is emptied; a third run finds each record once.
    expect(journalLines(killed)).toEqual([])
    expect((await historyIn(killed).list(1, 'capture-1')).map((record) => record.id)).toEqual([sending.id, earlier.id])

    // The run that was not killed finishes both: their answers replace nothing twice, and the journal is emptied.
    const answered = { ...sending, outcome: { ...earlier.outcome } }
    await history.add(1, answered)
    expect(journalLines(live)).toHaveLength(2)
    await history.add(2500, { ...bulkSending, outcome: { ...earlier.outcome } })
    expect(journalLines(live)).toEqual([])
    for (const reader of [history, historyIn(live)]) {
      expect(await reader.list(1, 'capture-1')).toEqual([answered, earlier])
    }
  })

  it('is written by the time close resolves: a record listed before its document was on disk lands before the app lets go of its folder', async () => {
    const { live, killed } = await folders()
    const history = historyIn(live)
    const sending = noted('capture-1')
    await history.begin(1, sending)
    const answered = { ...resendOf('capture-1'), id: sending.id }
    // Not awaited, as a forward's record is not: the app stops while its document is being written.
    void history.add(1, answered)
    await history.close()
    // Before, the inspector's stop did not wait: a test removing the folder then met a file written into it (ENOTEMPTY).
    killedCopy(live, killed)
    expect(await historyIn(killed).list(1, 'capture-1')).toEqual([answered])
    expect(journalLines(killed)).toEqual([])
  })

  it('keeps the journal small while a send stays in flight: rewritten with the lines in flight only, which a kill still finds', async () => {
    const { live, killed } = await folders()
    const limit = 8 * 1024
    const history = createReplayHistory(join(live, 'replays'), join(live, 'unreadable'), now, () => undefined, { journalRewriteBytes: limit })
    const journal = join(live, 'replays', SENDING_JOURNAL)
    // Held all along (a target that never answers), while 200 others go out and are answered one by one.
    const held = noted('capture-1')
    await history.begin(1, held)
    let largest = 0
    const answeredIds: string[] = []
    for (let index = 0; index < 200; index++) {
      const each = noted('capture-2')
      await history.begin(2, each)
      largest = Math.max(largest, statSync(journal).size)
      await history.add(2, { ...each, outcome: resendOf('capture-2').outcome })
      answeredIds.unshift(each.id)
    }
    expect(largest).toBeGreaterThan(limit / 2)
    expect(largest).toBeLessThanOrEqual(limit)
    expect(journalLines(live).length).toBeLessThan(limit / 300)
    const last = noted('capture-2')
    await history.begin(2, last)
    killedCopy(live, killed)

    const next = historyIn(killed)
    expect((await next.list(1, 'capture-1')).map((record) => [record.id, record.outcome.kind])).toEqual([[held.id, 'app-stopped']])
    const second = await next.list(2, 'capture-2')
    expect(second.map((record) => record.id)).toEqual([last.id, ...answeredIds])
    expect(second[0]!.outcome.kind).toBe('app-stopped')
  })

  it('syncs the journal as the store syncs captures: each append under sync, none under flush, the setting read at each write', async () => {
    const { live, killed } = await folders()
    const other = (await folders()).live
    let durability: Durability = 'flush'
    const syncs: string[] = []
    const journalSync: JournalSync = {
      async datasync(handle) {
        syncs.push('journal')
        await handle.datasync()
      },
      async syncDirectory(dir) {
        syncs.push('folder')
        await syncDirectory(dir)
      },
    }
    const historyOf = (dir: string) =>
      createReplayHistory(join(dir, 'replays'), join(dir, 'unreadable'), now, () => undefined, { durability: () => durability, journalSync })
    const history = historyOf(live)
    const first = noted('capture-1')
    await history.begin(1, first)
    await history.begin(1, noted('capture-1'))
    expect(syncs).toEqual([])
    // In the page cache, which a kill -9 of the app does not lose: the next run finds it.
    killedCopy(live, killed)
    expect((await historyIn(killed).list(1, 'capture-1')).map((record) => record.outcome.kind)).toEqual(['app-stopped', 'app-stopped'])

    // Switched to sync while the app runs: the next send's line is synced before it goes out.
    durability = 'sync'
    await history.begin(1, noted('capture-1'))
    expect(syncs).toEqual(['journal'])
    // A journal created under sync syncs its folder too, once.
    syncs.length = 0
    const fresh = historyOf(other)
    await fresh.begin(1, noted('capture-1'))
    await fresh.begin(1, noted('capture-1'))
    expect(syncs).toEqual(['journal', 'folder', 'journal'])
  })

  it('a send finished before the kill is not doubled by its journal line', async () => {
    const { live, killed } = await folders()
    const history = historyIn(live)
    const first = noted('capture-1')
    const second = noted('capture-1')
    await history.begin(1, first)
    await history.begin(1, second)
    const answered = { ...first, outcome: resendOf('capture-1').outcome }
    // Finished while the other is in flight: the journal still holds both lines.
    await history.add(1, answered)
    expect(journalLines(live)).toHaveLength(2)
    killedCopy(live, killed)

    const listed = await historyIn(killed).list(1, 'capture-1')
    expect(listed.map((record) => [record.id, record.outcome.kind])).toEqual([
      [second.id, 'app-stopped'],
      [first.id, 'failure'],
    ])
  })

  it('keeps the records before a journal line the kill cut short, reports it, and keeps the journal aside as it was', async () => {
    const { live } = await folders()
    const history = historyIn(live)
    const sending = noted('capture-1')
    await history.begin(1, sending)
    const journal = join(live, 'replays', SENDING_JOURNAL)
    const whole = readFileSync(journal, 'utf8')
    const damaged = `${whole}${whole.slice(0, 40)}`
    writeFileSync(journal, damaged)

    const issues: StorageIssue[] = []
    const next = createReplayHistory(join(live, 'replays'), join(live, 'unreadable'), now, (issue) => issues.push(issue))
    expect((await next.list(1, 'capture-1')).map((record) => record.id)).toEqual([sending.id])
    expect(issues).toHaveLength(1)
    expect(issues[0]!.file).toBe(journal)
    expect(issues[0]!.problem).toBe(
      "its last line (40 bytes) was cut short (a crash, a power loss or a full disk while a send was being noted): its record could not be read, so a send begun then may be missing from its capture's history; every other record was kept in its capture's history, and the sends noted from now on go to a new journal",
    )
    expect(readFileSync(issues[0]!.movedTo, 'utf8')).toBe(damaged)
    expect(existsSync(journal)).toBe(false)
  })

  it('keeps every readable record around a damaged line, reports the line, and keeps the journal aside as it was', async () => {
    const { live, killed } = await folders()
    const history = historyIn(live)
    const sends = [noted('capture-1'), noted('capture-1'), noted('capture-2'), noted('capture-1')]
    for (const [index, record] of sends.entries()) await history.begin(index === 2 ? 2 : 1, record)
    killedCopy(live, killed)
    const journal = join(killed, 'replays', SENDING_JOURNAL)
    // The second line's bytes overwritten in place (a disk error, a hand edit): its line end stays.
    const lines = readFileSync(journal, 'utf8').split('\n')
    lines[1] = `${lines[1]!.slice(0, 30)}${'\u0000'.repeat(lines[1]!.length - 30)}`
    const damaged = lines.join('\n')
    writeFileSync(journal, damaged)

    const issues: StorageIssue[] = []
    const next = createReplayHistory(join(killed, 'replays'), join(killed, 'unreadable'), now, (issue) => issues.push(issue))
    await next.recover()
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ file: journal, at: now().toISOString() })
    expect(issues[0]!.problem).toMatch(/^1 replay record at line 2 could not be read \(not valid JSON: .+\); every other record was kept/)
    expect(issues[0]!.movedTo.startsWith(join(killed, 'unreadable'))).toBe(true)
    expect(readFileSync(issues[0]!.movedTo, 'utf8')).toBe(damaged)
    expect((await next.list(1, 'capture-1')).map((record) => record.id)).toEqual([sends[3]!.id, sends[0]!.id])
    expect((await next.list(2, 'capture-2')).map((record) => record.id)).toEqual([sends[2]!.id])

    // A send noted now goes to a new journal; the next run finds it, and nothing to report.
    const later = noted('capture-1')
    await next.begin(1, later)
    expect(journalLines(killed)).toHaveLength(1)
    const third: StorageIssue[] = []
    const reopened = createReplayHistory(join(killed, 'replays'), join(killed, 'unreadable'), now, (issue) => third.push(issue))
    expect((await reopened.list(1, 'capture-1')).map((record) => record.id)).toEqual([later.id, sends[3]!.id, sends[0]!.id])
    expect(third).toEqual([])
  })

  it('a send whose answer could not be kept in its document reads, after a kill, with that answer, not as cut off by the stop', async () => {
    const { live, killed } = await folders()
    const history = historyIn(live)
    // The document is opened (empty); then its file cannot be replaced: a folder has its name.
    expect(await history.list(1, 'capture-1')).toEqual([])
    mkdirSync(join(live, 'replays', '000001.json', 'in-the-way'), { recursive: true })
    const sending = noted('capture-1')
    await history.begin(1, sending)
    const answered = { ...sending, outcome: resendOf('capture-1').outcome }
    await expect(history.add(1, answered)).rejects.toThrow()
    killedCopy(live, killed)
    rmSync(join(killed, 'replays', '000001.json'), { recursive: true })

    // Before: the journal's only line, [sending.id, 'app-stopped'] ("the app stopped before the answer arrived").
    const listed = await historyIn(killed).list(1, 'capture-1')
    expect(listed.map((record) => [record.id, record.outcome.kind])).toEqual([[sending.id, 'failure']])
    expect(listed[0]).toEqual(answered)
  })

  it('reads the line appended after a fragment an append that failed part way left', async () => {
    const { live, killed } = await folders()
    const history = historyIn(live)
    const first = noted('capture-1')
    await history.begin(1, first)
    const journal = join(live, 'replays', SENDING_JOURNAL)
    // As a write that stopped part way (a full disk) leaves it: no line end; the next send's line follows it.
    writeFileSync(journal, readFileSync(journal, 'utf8').slice(0, 60))
    const second = noted('capture-1')
    await history.begin(1, second)
    killedCopy(live, killed)

    expect((await historyIn(killed).list(1, 'capture-1')).map((record) => record.id)).toEqual([second.id])
  })
})
