/**
 * A merchant server that answers 200 only to a correctly signed IXOPAY callback and 401 (saying
 * why) otherwise, like real integration code: replays are checked by what a receiver accepts.
 */
import { analyzeDelivery } from '../core/providers/index'
import { startLoopbackTarget, type LoopbackTarget, type TargetHandler } from './loopback-target'

/** The verifying answer, as a handler for a loopback target (or the `startTarget` fixture). */
export function verifyingIxopayHandler(secret: string): TargetHandler {
  return (request, response) => {
    const analysis = analyzeDelivery(
      { method: request.method, target: request.target, headers: request.headers, body: request.body },
      { now: new Date(), keys: [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }], pinnedProvider: 'ixopay' },
    )
    const isValid = analysis.verdict.status === 'valid'
    response.writeHead(isValid ? 200 : 401, { 'content-type': 'text/plain' }).end(isValid ? 'OK' : `rejected: ${analysis.verdict.message}`)
  }
}

export function verifyingIxopayTarget(secret: string): Promise<LoopbackTarget> {
  return startLoopbackTarget(verifyingIxopayHandler(secret))
}
