/**
 * A resend is in its capture's history from the moment it goes out: `listReplays` lists it as
 * `sending` and a `replay-recorded` event says so, and its answer then replaces it (same id, a
 * second event), so a history on screen shows it in flight and then answered without a reload.
 * A resend whose capture is deleted while it is awaited leaves no record behind in the history file.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ServerResponse } from 'node:http'
import { describe, expect } from 'vitest'
import type { ReplayRecord } from '../shared/replay'
import { send } from '../test-support/http-client'
import { useInspector } from '../test-support/inspector-fixture'
import { waitFor } from '../test-support/wait-for'

const test = useInspector()

describe('a resend awaiting its answer', () => {
  test('is listed and announced as sending, then replaced by its answer', async ({ inspector, events, startTarget }) => {
    const { procedures } = inspector
    const held: ServerResponse[] = []
    const target = await startTarget((_request, response) => held.push(response))
    await send(`${inspector.receiverUrl}/default/hook`, { body: '{"a":1}' })
    const [capture] = (await procedures.listCaptures({})).items
    const earlier = await startTarget((_request, response) => response.writeHead(201).end())
    await procedures.replayCapture({ captureId: capture!.id, targetUrl: earlier.url })

    const resent = procedures.replayCapture({ captureId: capture!.id, targetUrl: `${target.url}/hook` })
    await waitFor(() => (held.length === 1 ? true : undefined))
    const inFlight = await procedures.listReplays({ captureId: capture!.id })
    expect(inFlight.map((record) => record.outcome.kind)).toEqual(['sending', 'response'])
    expect(inFlight[0]!.outcome).toMatchObject({ kind: 'sending', url: `${target.url}/hook` })
    expect(inFlight[0]!.sent.url).toBe(`${target.url}/hook`)
    const announced = events.flatMap((event) => (event.type === 'replay-recorded' ? [event.record] : []))
    // The earlier resend: going out, then answered; this one: going out.
    expect(announced.map((record) => [record.id, record.outcome.kind])).toEqual([
      [inFlight[1]!.id, 'sending'],
      [inFlight[1]!.id, 'response'],
      [inFlight[0]!.id, 'sending'],
    ])

    held[0]!.writeHead(202).end('queued')
    const answered = await resent
    expect(answered.id).toBe(inFlight[0]!.id)
    const finished = await procedures.listReplays({ captureId: capture!.id })
    expect(finished.map((record) => [record.id, record.outcome.kind === 'response' && record.outcome.response.status])).toEqual([
      [answered.id, 202],
      [inFlight[1]!.id, 201],
    ])
    const last = events.filter((event) => event.type === 'replay-recorded').at(-1) as { record: ReplayRecord }
    expect([last.record.id, last.record.outcome.kind]).toEqual([answered.id, 'response'])
  })

  test('leaves no record in the history file when its capture is deleted meanwhile', async ({ inspector, dataDir, startTarget }) => {
    const { procedures } = inspector
    const held: ServerResponse[] = []
    const target = await startTarget((_request, response) => held.push(response))
    for (const body of ['{"a":1}', '{"a":2}']) await send(`${inspector.receiverUrl}/default/hook`, { body })
    const [kept, deleted] = (await procedures.listCaptures({})).items
    await procedures.replayCapture({ captureId: kept!.id, targetUrl: (await startTarget()).url })
    const resent = procedures.replayCapture({ captureId: deleted!.id, targetUrl: target.url })
    await waitFor(() => (held.length === 1 ? true : undefined))
    await procedures.deleteCapture({ id: deleted!.id })
    held[0]!.writeHead(200).end()
    await resent

    const replaysDir = join(dataDir, 'replays')
    const documents = (await readdir(replaysDir)).filter((name) => name.endsWith('.json'))
    const captureIds = await Promise.all(
      documents.map(async (name) =>
        (JSON.parse(await readFile(join(replaysDir, name), 'utf8')) as { records: ReplayRecord[] }).records.map((record) => record.captureId),
      ),
    )
    expect(captureIds.flat()).toEqual([kept!.id])
  })
})
