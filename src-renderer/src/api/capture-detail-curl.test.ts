import { describe, expect, it } from 'vitest'
import { buildCurlCommand } from '../lib/curl'
import { buildCurlCommandOffThread } from './capture-detail-curl'

describe('buildCurlCommandOffThread', () => {
  it('gives the command the builder gives, for a small body and for a large one where no worker can start', async () => {
    const small = {
      method: 'POST',
      url: 'http://127.0.0.1:4100/default/pay',
      headers: [['Content-Type', 'application/json']] as Array<[string, string]>,
      body: new TextEncoder().encode('{"amount": 10.10}'),
    }
    expect(await buildCurlCommandOffThread(small)).toBe(buildCurlCommand(small))
    // Plain Node has no Worker: the large body is built on this thread, the same way.
    const large = { ...small, body: Uint8Array.from({ length: 200_000 }, (_, index) => index % 256) }
    expect(await buildCurlCommandOffThread(large)).toBe(buildCurlCommand(large))
  })
})
