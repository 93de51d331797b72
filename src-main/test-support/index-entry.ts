/** An index entry (what the store's memory keeps of a capture) for tests of the index alone: no file behind it. */
import { randomUUID } from 'node:crypto'
import { hashDeliveryKey } from '../core/store/capture-table'
import type { IndexEntry } from '../core/store/segment-index'

/** A Stripe capture answered 200, numbered `seq`, of delivery `key-<seq>` unless `fields` say otherwise. */
export function indexEntry(seq: number, fields: Partial<IndexEntry> = {}): IndexEntry {
  return {
    id: randomUUID(),
    seq,
    endpointId: 'e1',
    receivedAtMs: Date.parse('2026-11-21T10:00:00Z') + seq,
    frame: { offset: seq * 100, metadataBytes: 80 },
    bodySize: 8,
    method: 'POST',
    provider: 'stripe',
    verdict: 'valid',
    answerStatus: 200,
    outcome: 'captured',
    deliveryHash: hashDeliveryKey(`key-${seq}`),
    ...fields,
  }
}
