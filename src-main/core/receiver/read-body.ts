/** Reading a request body whole, up to a limit, without ever buffering more than the limit. */
import type { IncomingMessage } from 'node:http'

export type BodyReadResult =
  | { kind: 'complete'; body: Buffer }
  /** The body was larger than allowed; `receivedBytes` were read (and discarded) before answering. */
  | { kind: 'too-large'; receivedBytes: number; declaredSize: number | null }
  /** No body byte arrived for `idleTimeoutMs`: `receivedBytes` came before it stopped. */
  | { kind: 'stalled'; receivedBytes: number; declaredSize: number | null }
  /** The client went away before the body ended; nothing was answered, so nothing is stored. */
  | { kind: 'aborted' }

/**
 * A sender whose body is refused still needs to read our 413. Closing the connection while it is
 * still sending makes it fail with EPIPE or a reset before it ever sees the answer, so the rest of
 * a refused body is read and thrown away, up to these limits, before answering.
 */
export const REFUSED_BODY_DRAIN_BYTES = 64 * 1024 * 1024
export const REFUSED_BODY_DRAIN_MS = 5_000

/**
 * A body that stops arriving for this long is refused (408). The tunnel carries at most ten
 * connections at once, so ten senders that open a body and stop (measured: twelve slow uploads
 * through the tunnel) held every other callback back for as long as the receiver waited: up to
 * the 5-minute request timeout. A provider's server sends a callback in one go.
 */
export const BODY_IDLE_TIMEOUT_MS = 30_000

export function declaredContentLength(request: IncomingMessage): number | null {
  const header = request.headers['content-length']
  if (header === undefined || !/^\d+$/.test(header)) return null
  return Number(header)
}

export function readBody(request: IncomingMessage, maxBytes: number, idleTimeoutMs = BODY_IDLE_TIMEOUT_MS): Promise<BodyReadResult> {
  const declaredSize = declaredContentLength(request)
  const declaredTooLarge = declaredSize !== null && declaredSize > maxBytes
  // Nothing to wait for: a client expecting 100-continue sends no body until told to, and a
  // declared size beyond the drain limit is not worth reading.
  if (declaredTooLarge && (/100-continue/i.test(request.headers.expect ?? '') || declaredSize > REFUSED_BODY_DRAIN_BYTES)) {
    request.pause()
    return Promise.resolve({ kind: 'too-large', receivedBytes: 0, declaredSize })
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let receivedBytes = 0
    let tooLarge = false
    let settled = false
    let drainTimer: NodeJS.Timeout | undefined
    const settle = (result: BodyReadResult): void => {
      if (settled) return
      settled = true
      clearTimeout(drainTimer)
      request.off('timeout', onIdle)
      // The connection carries the answer next; the server sets its own keep-alive timeout after it.
      request.socket.setTimeout(0)
      request.off('data', onData)
      request.off('end', onEnd)
      request.off('aborted', onAborted)
      request.off('close', onClose)
      resolve(result)
    }
    const refuse = (): void => {
      request.pause()
      settle({ kind: 'too-large', receivedBytes, declaredSize })
    }
    const startDraining = (): void => {
      tooLarge = true
      chunks.length = 0
      drainTimer = setTimeout(refuse, REFUSED_BODY_DRAIN_MS)
    }
    const onData = (chunk: Buffer): void => {
      receivedBytes += chunk.length
      if (tooLarge) {
        if (receivedBytes > REFUSED_BODY_DRAIN_BYTES) refuse()
        return
      }
      if (receivedBytes > maxBytes) startDraining()
      else chunks.push(chunk)
    }
    const onEnd = (): void => {
      if (tooLarge) settle({ kind: 'too-large', receivedBytes, declaredSize })
      // Most callbacks arrive in one chunk: use it as is rather than copy it.
      else settle({ kind: 'complete', body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, receivedBytes) })
    }
    const onIdle = (): void => {
      request.pause()
      settle(tooLarge ? { kind: 'too-large', receivedBytes, declaredSize } : { kind: 'stalled', receivedBytes, declaredSize })
    }
    // A sender that gives up while its refused body drains is still recorded as refused.
    const onAborted = (): void => (tooLarge ? refuse() : settle({ kind: 'aborted' }))
    const onClose = (): void => {
      if (!request.complete) onAborted()
    }
    request.on('data', onData)
    request.on('end', onEnd)
    request.on('aborted', onAborted)
    request.on('close', onClose)
    // Most bodies have arrived by now: the socket's inactivity timer is set only for one still coming.
    if (!request.complete) request.setTimeout(idleTimeoutMs, onIdle)
    // A stream error is always followed by 'close'; this listener only keeps it from throwing.
    request.on('error', () => undefined)
    if (declaredTooLarge) startDraining()
  })
}
