/** DeletedCaptures reads back every capture it was given, in order, past the size it was made for, hand-made ids included. */
import { randomUUID } from 'node:crypto'
import { expect, test } from 'vitest'
import { CaptureTable } from './capture-table'
import { DeletedCaptures } from './deleted-captures'

test('gives back each deleted capture’s id, seq and endpoint, in order, however many it was sized for', () => {
  const table = new CaptureTable()
  const block = table.block(3)
  const added = Array.from({ length: 200 }, (_, index) => ({
    // The app's ids are UUIDs (kept as 16 bytes); an imported file may bring any other id.
    id: index === 7 ? 'hand-made-id' : randomUUID(),
    seq: 1000 + index,
    endpointId: index % 3 === 0 ? 'shop' : 'billing',
  }))
  for (const capture of added) {
    table.add(block, {
      ...capture,
      receivedAtMs: 0,
      offset: 0,
      metadataBytes: 0,
      bodySize: 0,
      method: 'POST',
      provider: null,
      verdict: null,
      answerStatus: 200,
      outcome: 'captured',
      deliveryHash: 0,
      pinned: false,
      imported: false,
    })
  }

  const deleted = new DeletedCaptures(10)
  for (let slot = 0; slot < added.length; slot++) deleted.addSlot(table, block, slot)

  expect(deleted).toHaveLength(200)
  expect([...deleted]).toEqual(added)
  expect([deleted.idAt(7), deleted.seqAt(199), deleted.endpointIdAt(0)]).toEqual(['hand-made-id', 1199, 'shop'])
})
