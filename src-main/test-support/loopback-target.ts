/**
 * Test support: a loopback HTTP target on port 0 that records every request byte for byte (raw
 * header pairs, body) and answers with a handler. It also measures how many requests were in
 * flight at once, which is how the bulk replay's concurrency limit is checked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { HeaderPairs } from '../shared/http-message'

export interface ReceivedAtTarget {
  method: string
  target: string
  headers: HeaderPairs
  body: Buffer
}

export type TargetHandler = (request: ReceivedAtTarget, response: ServerResponse) => unknown

export interface LoopbackTarget {
  url: string
  received: ReceivedAtTarget[]
  maxInFlight: number
  close(): Promise<void>
}

function pairs(raw: string[]): HeaderPairs {
  const result: HeaderPairs = []
  for (let index = 0; index + 1 < raw.length; index += 2) result.push([raw[index] as string, raw[index + 1] as string])
  return result
}

export async function startLoopbackTarget(handler: TargetHandler = (_request, response) => response.end('OK')): Promise<LoopbackTarget> {
  const sockets = new Set<Socket>()
  let inFlight = 0
  const target: LoopbackTarget = {
    url: '',
    received: [],
    maxInFlight: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  const server: Server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    inFlight++
    target.maxInFlight = Math.max(target.maxInFlight, inFlight)
    response.on('close', () => inFlight--)
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      const received: ReceivedAtTarget = {
        method: incoming.method ?? '',
        target: incoming.url ?? '',
        headers: pairs(incoming.rawHeaders),
        body: Buffer.concat(chunks),
      }
      target.received.push(received)
      Promise.resolve(handler(received, response)).catch((error: unknown) => {
        response.statusCode = 500
        response.end(String(error))
      })
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('error', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return target
}
