/** A receiver that cannot listen (a taken port) fails its start, and logs nothing of it: the start's failure is reported once, by whoever started it. */
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import type { Logger } from '../logger'
import { startReceiver } from './receiver'

describe('a receiver on a taken port', () => {
  it('rejects with the address in use, without logging it as well', async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const port = (taken.address() as { port: number }).port
    const logged: string[] = []
    const logger: Logger = { info: () => undefined, warn: () => undefined, error: (message) => void logged.push(message) }
    try {
      await expect(
        startReceiver(
          { host: '127.0.0.1', port, maxBodyBytes: 1024, healthNonce: 'nonce' },
          { logger, now: () => new Date(), resolveEndpoint: () => undefined, handle: async () => undefined },
        ),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' })
      expect(logged).toEqual([])
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })
})
