/**
 * A capture as the pipeline hands it to the store (`CaptureStore.append`), for store tests: a
 * received POST answered 200, with the sha256 of `body`. `fields` replaces what a test cares about.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { NewCapture } from '../core/store/capture-store'

export function testCapture(body: Buffer, fields: Partial<NewCapture> = {}): NewCapture {
  const endpointId = fields.endpointId ?? 'e1'
  return {
    id: randomUUID(),
    endpointId,
    receivedAt: '2026-11-21T10:00:00.000Z',
    durationMs: 1,
    method: 'POST',
    target: `/${endpointId}/x`,
    httpVersion: '1.1',
    headers: [['Content-Type', 'text/plain']],
    remoteAddress: '127.0.0.1',
    remotePort: 5000,
    body: { sha256: createHash('sha256').update(body).digest('hex') },
    outcome: 'captured',
    refusal: null,
    recognition: null,
    response: { kind: 'respond', status: 200, headers: [], bodyBase64: '', delayMs: 0, chosenBy: { kind: 'default' } },
    ...fields,
  }
}
