import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startFailureMessage } from './start-failure'

/** The error Node gives when listening on a port another server holds. */
async function addressInUseError(): Promise<unknown> {
  const holder = net.createServer()
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
  const { port } = holder.address() as AddressInfo
  const second = net.createServer()
  try {
    return await new Promise((resolve) => {
      second.once('error', resolve)
      second.listen(port, '127.0.0.1')
    })
  } finally {
    holder.close()
  }
}

describe('startFailureMessage', () => {
  it('names the taken address and the flags that pick free ports', async () => {
    const error = await addressInUseError()
    const { port } = error as { port: number }
    // Before: "a port is already in use (listen EADDRINUSE: address already in use 127.0.0.1:4100)".
    expect(startFailureMessage(error)).toBe(
      `Callback Inspector could not start: 127.0.0.1:${port} is already in use (another Callback Inspector, or another program, listens there). ` +
        'Stop it, or let the app pick free ports: npm run serve -- --port 0 --receiver-port 0 (npm start -- … takes the same flags).',
    )
  })

  it('passes any other failure on as it is', () => {
    expect(startFailureMessage(new Error('the data folder is in use by pid 12'))).toBe(
      'Callback Inspector could not start: the data folder is in use by pid 12',
    )
  })
})
