/**
 * CHIP delivery keys hold `updated_on` (providers.md §2.4: dedupe on id, event_type, updated_on):
 * a retry resends the same snapshot, while two events of one purchase with one event type and
 * status (two failed payment attempts) are two deliveries. Versions before keyed CHIP without it,
 * and the store still holds captures keyed (and indexed) that way: a delivery's attempts stored
 * before and after group together, and the other events its old key named do not join it.
 */
import type { FileHandle } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { CaptureRecognition } from '../../shared/views'
import { toCaptureDetail } from '../capture-views'
import { analyzeDelivery } from '../providers'
import { toRecognition } from '../recognition'
import type { LoggedCapture, StoredCapture } from '../store/persisted-schema'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { waitFor } from '../../test-support/wait-for'
import { FRAME_HEADER_BYTES } from '../store/capture-log'
import { logFileIo, type LogFileIo } from '../store/log-file-io'
import { deliveryKeyFrom, deliveryKeyFromBody, deliveryKeyOf, indexedDeliveryKeysOf, readsKeyFromBody } from './delivery-key'

/** An RSA-2048-sized X-Signature: recognised as CHIP (not verified: no key is configured). */
const HEADERS: HeaderPairs = [
  ['Content-Type', 'application/json'],
  ['X-Signature', Buffer.alloc(256, 7).toString('base64')],
]

/** A failed payment attempt on purchase p-1, as CHIP sends it at `updatedOn`. */
const failure = (updatedOn: string): Buffer =>
  Buffer.from(`{"id":"p-1","type":"purchase","event_type":"purchase.payment_failure","status":"error","updated_on":${updatedOn}}`)

function recognitionToday(body: Buffer, headers: HeaderPairs = HEADERS): CaptureRecognition {
  return toRecognition(analyzeDelivery({ method: 'POST', target: '/in', headers, body }, { now: new Date('2026-12-07T12:00:00Z'), keys: [] }))
}

/** What a version before stored: the same recognition without `revision`. */
function recognitionStored(body: Buffer): CaptureRecognition {
  const { revision: _notKept, ...summary } = recognitionToday(body).summary
  return { ...recognitionToday(body), summary }
}

function logged(body: Buffer, recognition: CaptureRecognition, headers: HeaderPairs = HEADERS): LoggedCapture {
  return { ...testCapture(body, { headers, recognition }), seq: 1 } as LoggedCapture
}

const FIRST = 'chip:p-1:purchase.payment_failure:error:1700000000'
const SECOND = 'chip:p-1:purchase.payment_failure:error:1700000090'
const FORMER = 'chip:p-1:purchase.payment_failure:error'

describe('CHIP keys with updated_on', () => {
  it('a retry (same updated_on) is one delivery; another event of the purchase (another updated_on) is another', () => {
    const key = (body: Buffer) => deliveryKeyOf(logged(body, recognitionToday(body)))
    expect(key(failure('1700000000'))).toBe(FIRST)
    expect(key(Buffer.from(failure('1700000000')))).toBe(FIRST)
    expect(key(failure('1700000090'))).toBe(SECOND)
    // As the body wrote it: 1.7e9 is another spelling, so another snapshot's bytes.
    expect(key(failure('1.7e9'))).toBe(`${FORMER}:1.7e9`)
    // The {event_type, object} wrapper CHIP's skill file shows reads updated_on from the object.
    const wrapped = Buffer.from('{"event_type":"purchase.paid","object":{"id":"p-2","type":"purchase","status":"paid","updated_on":5}}')
    expect(key(wrapped)).toBe('chip:p-2:purchase.paid:paid:5')
  })

  it('keeps the key without it where the body has none, and for CHIP Send', () => {
    const none = Buffer.from('{"id":"p-1","type":"purchase","event_type":"purchase.paid","status":"paid"}')
    expect(deliveryKeyOf(logged(none, recognitionToday(none)))).toBe('chip:p-1:purchase.paid:paid')
    const sendHeaders: HeaderPairs = [...HEADERS, ['Event-Type', 'send_instruction_status']]
    const send = Buffer.from('{"id":77,"state":"completed","amount":"10.00","updated_at":"2026-01-01T00:00:00Z"}')
    expect(deliveryKeyOf(logged(send, recognitionToday(send, sendHeaders), sendHeaders))).toBe('chip:77:send_instruction_status:completed')
  })

  it('are looked up under the key versions before gave them', () => {
    expect(indexedDeliveryKeysOf(FIRST)).toEqual([FIRST, FORMER])
    expect(indexedDeliveryKeysOf('chip:p-1:purchase.paid:paid')).toEqual(['chip:p-1:purchase.paid:paid'])
    // Other providers' keys of four parts are not CHIP's.
    expect(indexedDeliveryKeysOf('ixopay:tx-1:DEBIT:OK')).toEqual(['ixopay:tx-1:DEBIT:OK'])
  })

  it('a record stored without updated_on has, read again from its body, the key of its own event', () => {
    const first = logged(failure('1700000000'), recognitionStored(failure('1700000000')))
    const second = logged(failure('1700000090'), recognitionStored(failure('1700000090')))
    // As stored, the two events share one key.
    expect(deliveryKeyOf(first)).toBe(FORMER)
    expect(deliveryKeyOf(second)).toBe(FORMER)
    expect(readsKeyFromBody(first, FORMER)).toBe(true)
    expect(deliveryKeyFromBody(first, failure('1700000000'))).toBe(FIRST)
    expect(deliveryKeyFromBody(second, failure('1700000090'))).toBe(SECOND)
    // The detail of the capture names the same delivery as the list does.
    expect(toCaptureDetail({ ...first, frame: { segment: 1, offset: 0, metadataBytes: 1 } } as StoredCapture, failure('1700000000'), null).deliveryKey).toBe(
      FIRST,
    )
    // A record this version stored is not read again.
    const today = logged(failure('1700000000'), recognitionToday(failure('1700000000')))
    expect(readsKeyFromBody(today, deliveryKeyOf(today))).toBe(false)
  })
})

const T0 = Date.parse('2026-12-07T08:00:00.000Z')
const test = useCaptureStore({ now: () => new Date(T0) })

describe('a CHIP delivery whose attempts straddle the change', () => {
  test('groups the attempts stored without updated_on with the later retry, and not the other event of the purchase', async ({ openStore }) => {
    const store = await openStore()
    const failing = { ...testCapture(Buffer.alloc(0)).response, status: 500 }
    const appendOld = async (updatedOn: string, at: number) => {
      const body = failure(updatedOn)
      const capture = testCapture(body, {
        headers: HEADERS,
        recognition: recognitionStored(body),
        response: failing,
        receivedAt: new Date(T0 + at).toISOString(),
      })
      // Keyed (and indexed) as that version keyed it.
      return store.append(capture, body, deliveryKeyFrom({ ...capture, bodySha256: capture.body.sha256 }))
    }
    const before = await appendOld('1700000000', 0)
    const beforeAgain = await appendOld('1700000000', 120_000)
    const otherEvent = await appendOld('1700000090', 130_000)
    const body = failure('1700000000')
    const after = await store.append(
      testCapture(body, { headers: HEADERS, recognition: recognitionToday(body), receivedAt: new Date(T0 + 480_000).toISOString() }),
      body,
    )

    const attempts = await store.deliveryAttempts(FIRST)
    expect(attempts.map((each) => each.id).sort()).toEqual([before.id, beforeAgain.id, after.id].sort())
    expect((await store.get(before.id))?.deliveryKey).toBe(FIRST)
    expect((await store.get(otherEvent.id))?.deliveryKey).toBe(SECOND)
    expect((await store.deliveryAttempts(SECOND)).map((each) => each.id)).toEqual([otherEvent.id])
    const [facts, others] = await store.deliveryAttemptFacts([
      { deliveryKey: FIRST, endpointId: 'e1' },
      { deliveryKey: SECOND, endpointId: 'e1' },
    ])
    expect(facts?.map((fact) => fact.id).sort()).toEqual([before.id, beforeAgain.id, after.id].sort())
    expect(others?.map((fact) => fact.id)).toEqual([otherEvent.id])
  })

  test('a listing reads their bodies once: what they say is kept in the index, and no listing after reads one, nor after a restart', async ({ openStore }) => {
    const disk = bodyReadsCounted()
    const store = await openStore({ io: disk.io })
    const stored = []
    for (const [updatedOn, at] of [
      ['1700000000', 0],
      ['1700000000', 120_000],
      ['1700000090', 130_000],
    ] as const) {
      const body = failure(updatedOn)
      const capture = testCapture(body, { headers: HEADERS, recognition: recognitionStored(body), receivedAt: new Date(T0 + at).toISOString() })
      stored.push(await store.append(capture, body, deliveryKeyFrom({ ...capture, bodySha256: capture.body.sha256 })))
    }
    for (const { id } of stored) disk.bodyAt((await store.load(id)).frame, failure('1700000000').length)
    const keys = [SECOND, FIRST, FIRST]

    const first = await store.page({ limit: 10 })
    expect(first.items.map((item) => item.deliveryKey)).toEqual(keys)
    expect(disk.bodyReads()).toBe(3)
    // Kept once written: the next listing reads none.
    await waitFor(async () => {
      disk.reset()
      await store.page({ limit: 10 })
      return disk.bodyReads() === 0 ? true : undefined
    })
    await store.close()

    const reopened = await openStore({ io: disk.io })
    disk.reset()
    const again = await reopened.page({ limit: 10 })
    expect(again.items.map((item) => item.deliveryKey)).toEqual(keys)
    // What is kept is what today's version recognises in the bytes (its verdict as it was).
    expect(again.items.map((item) => item.recognition)).toEqual(
      ['1700000090', '1700000000', '1700000000'].map((updatedOn) => recognitionToday(failure(updatedOn))),
    )
    expect((await reopened.deliveryAttempts(FIRST)).map((attempt) => attempt.id).sort()).toEqual([stored[0]!.id, stored[1]!.id].sort())
    expect((await reopened.deliveryAttempts(SECOND)).map((attempt) => attempt.id)).toEqual([stored[2]!.id])
    expect(disk.bodyReads()).toBe(0)
    // The body is still there, byte for byte, for whoever opens the capture.
    expect((await reopened.readBody(stored[2]!.id)).equals(failure('1700000090'))).toBe(true)
  })
})

/**
 * The real file system, counting the reads of capture logs that reach into a body registered
 * with `bodyAt` (a frame's place, as `load` gives it, and the body's size).
 */
function bodyReadsCounted(): {
  io: LogFileIo
  bodyAt(frame: { offset: number; metadataBytes: number }, size: number): void
  bodyReads(): number
  reset(): void
} {
  const bodies: Array<{ start: number; end: number }> = []
  let count = 0
  const io: LogFileIo = {
    ...logFileIo,
    async open(path) {
      const handle = await logFileIo.open(path)
      const read = handle.read.bind(handle) as (buffer: Buffer, offset: number, length: number, position: number) => ReturnType<FileHandle['read']>
      handle.read = ((buffer: Buffer, offset: number, length: number, position: number) => {
        if (bodies.some(({ start, end }) => position < end && position + length > start)) count++
        return read(buffer, offset, length, position)
      }) as FileHandle['read']
      return handle
    },
  }
  return {
    io,
    bodyAt(frame, size) {
      const start = frame.offset + FRAME_HEADER_BYTES + frame.metadataBytes
      bodies.push({ start, end: start + size })
    },
    bodyReads: () => count,
    reset() {
      count = 0
    },
  }
}
