/** Reading a request body whole, up to a limit, without ever buffering more than the limit. */
import type { IncomingMessage } from 'node:http'

export type BodyReadResult =
  | { kind: 'complete'; body: Buffer }
  /** The body was larger than allowed; `receivedBytes` were read before giving up. */
  | { kind: 'too-large'; receivedBytes: number; declaredSize: number | null }
  /** The client went away before the body ended; nothing was answered, so nothing is stored. */
  | { kind: 'aborted' }

export function declaredContentLength(request: IncomingMessage): number | null {
  const header = request.headers['content-length']
  if (header === undefined || !/^\d+$/.test(header)) return null
  return Number(header)
}

export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyReadResult> {
  const declaredSize = declaredContentLength(request)
  // Refuse before reading a byte when the sender already told us it is too large.
  if (declaredSize !== null && declaredSize > maxBytes) {
    request.pause()
    return Promise.resolve({ kind: 'too-large', receivedBytes: 0, declaredSize })
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let receivedBytes = 0
    let settled = false
    const settle = (result: BodyReadResult): void => {
      if (settled) return
      settled = true
      request.off('data', onData)
      request.off('end', onEnd)
      request.off('aborted', onAborted)
      request.off('close', onClose)
      resolve(result)
    }
    const onData = (chunk: Buffer): void => {
      receivedBytes += chunk.length
      if (receivedBytes > maxBytes) {
        request.pause()
        chunks.length = 0
        settle({ kind: 'too-large', receivedBytes, declaredSize })
        return
      }
      chunks.push(chunk)
    }
    // Most callbacks arrive in one chunk: use it as is rather than copy it.
    const onEnd = (): void => settle({ kind: 'complete', body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, receivedBytes) })
    const onAborted = (): void => settle({ kind: 'aborted' })
    const onClose = (): void => {
      if (!request.complete) settle({ kind: 'aborted' })
    }
    request.on('data', onData)
    request.on('end', onEnd)
    request.on('aborted', onAborted)
    request.on('close', onClose)
    // A stream error is always followed by 'close'; this listener only keeps it from throwing.
    request.on('error', () => undefined)
  })
}
