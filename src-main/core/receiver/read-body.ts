/** Reading a request body whole, up to a limit, without ever buffering more than the limit. */
import type { IncomingMessage } from 'node:http'
import type { BodyBudget } from './body-budget'
import { BodyChunks } from './body-chunks'

export type BodyReadResult =
  /** `heldBytes` stay taken from the budget until the caller gives them back (once the capture is answered). */
  | { kind: 'complete'; body: Buffer; heldBytes: number }
  /** The body was larger than allowed; `receivedBytes` were read (and discarded) before answering. */
  | { kind: 'too-large'; receivedBytes: number; declaredSize: number | null }
  /** The receiver already held as many body bytes as it may (`BodyBudget`); `receivedBytes` were read and discarded. */
  | { kind: 'busy'; receivedBytes: number; declaredSize: number | null }
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
  // Past 2^53 a number is no longer exact, and a capture records only exact ones: a refusal declaring
  // 9007199254740993 bytes was stored as a blank capture (no target, no headers). Such a size is
  // refused all the same; its exact digits stay in the captured Content-Length header.
  return Math.min(Number(header), Number.MAX_SAFE_INTEGER)
}

export function readBody(request: IncomingMessage, maxBytes: number, budget: BodyBudget, idleTimeoutMs = BODY_IDLE_TIMEOUT_MS): Promise<BodyReadResult> {
  const declaredSize = declaredContentLength(request)
  const declaredTooLarge = declaredSize !== null && declaredSize > maxBytes
  // A declared size is taken from the budget at once; a body of unknown size chunk by chunk.
  const declaredBusy = !declaredTooLarge && declaredSize !== null && !budget.tryTake(declaredSize)
  const refusedAtOnce: 'too-large' | 'busy' | null = declaredTooLarge ? 'too-large' : declaredBusy ? 'busy' : null
  // Nothing to wait for: a client expecting 100-continue sends no body until told to, and a
  // declared size beyond the drain limit is not worth reading.
  if (refusedAtOnce && (/100-continue/i.test(request.headers.expect ?? '') || (declaredSize ?? 0) > REFUSED_BODY_DRAIN_BYTES)) {
    request.pause()
    return Promise.resolve({ kind: refusedAtOnce, receivedBytes: 0, declaredSize })
  }
  return new Promise((resolve) => {
    const chunks = new BodyChunks()
    let receivedBytes = 0
    /** Bytes taken from the budget for this body (given back unless it is complete). */
    let held = declaredSize !== null && refusedAtOnce === null ? declaredSize : 0
    /** Why the rest of the body is read and thrown away, if it is. */
    let discarding: 'too-large' | 'busy' | null = null
    let settled = false
    let drainTimer: NodeJS.Timeout | undefined
    const settle = (result: BodyReadResult): void => {
      if (settled) return
      settled = true
      if (result.kind !== 'complete') budget.give(held)
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
      settle({ kind: discarding ?? 'too-large', receivedBytes, declaredSize })
    }
    const startDraining = (reason: 'too-large' | 'busy'): void => {
      discarding = reason
      chunks.clear()
      budget.give(held)
      held = 0
      drainTimer = setTimeout(refuse, REFUSED_BODY_DRAIN_MS)
    }
    const onData = (chunk: Buffer): void => {
      receivedBytes += chunk.length
      if (discarding) {
        if (receivedBytes > REFUSED_BODY_DRAIN_BYTES) refuse()
        return
      }
      if (receivedBytes > maxBytes) startDraining('too-large')
      else if (declaredSize === null && !budget.tryTake(chunk.length)) startDraining('busy')
      else {
        if (declaredSize === null) held += chunk.length
        chunks.add(chunk)
      }
    }
    const onEnd = (): void => {
      if (discarding) settle({ kind: discarding, receivedBytes, declaredSize })
      // Most callbacks arrive in one chunk: it is used as is rather than copied (BodyChunks).
      else settle({ kind: 'complete', body: chunks.toBuffer(), heldBytes: held })
    }
    const onIdle = (): void => {
      request.pause()
      settle(discarding ? { kind: discarding, receivedBytes, declaredSize } : { kind: 'stalled', receivedBytes, declaredSize })
    }
    // A sender that gives up while its refused body drains is still recorded as refused.
    const onAborted = (): void => (discarding ? refuse() : settle({ kind: 'aborted' }))
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
    if (refusedAtOnce) startDraining(refusedAtOnce)
  })
}
