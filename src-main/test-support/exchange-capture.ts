/** An import/export record of an empty POST to /default/cb, with what a test sets itself in `overrides`. */
import type { ExchangeCapture } from '../core/exchange/exchange-capture'

export function exchangeCapture(overrides: Partial<ExchangeCapture> = {}): ExchangeCapture {
  return {
    id: null,
    endpoint: null,
    receivedAt: null,
    durationMs: 0,
    method: 'POST',
    target: '/default/cb',
    httpVersion: '1.1',
    headers: [],
    body: Buffer.alloc(0),
    remoteAddress: '',
    remotePort: 0,
    outcome: 'captured',
    refusal: null,
    recognition: null,
    response: null,
    note: null,
    pinned: false,
    origin: 'received',
    importedFrom: null,
    resends: [],
    ...overrides,
  }
}
