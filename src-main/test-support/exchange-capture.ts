/** An import/export record of an empty POST to /default/cb, with what a test sets itself in `overrides`. */
import { importedRequest, type ExchangeCapture } from '../core/exchange/exchange-capture'

export function exchangeCapture(overrides: Partial<ExchangeCapture> = {}): ExchangeCapture {
  return {
    ...importedRequest({ method: 'POST', target: '/default/cb', httpVersion: '1.1', headers: [], body: Buffer.alloc(0) }),
    origin: 'received',
    ...overrides,
  }
}
