/**
 * What happens to every request an endpoint receives: decide the answer, store the capture
 * (with the answer it is about to get), and only then answer. A request is never answered 2xx
 * before it is on disk; when it cannot be stored the sender gets 503 and retries later.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { InspectorEvent } from '../shared/contract'
import type { HeaderPairs } from '../shared/http-message'
import { toCaptureSummary } from './capture-views'
import type { EventBus } from './event-bus'
import { answerPlain, type ReceivedRequest } from './receiver/receiver'
import type { CaptureStore } from './store/capture-store'
import type { StorageHealth } from './storage-health'

export interface PlannedAnswer {
  status: number
  headers: HeaderPairs
  body: Buffer
}

export interface CapturePipelineDeps {
  store: CaptureStore
  events: EventBus<InspectorEvent>
  health: StorageHealth
}

export function createCapturePipeline(deps: CapturePipelineDeps) {
  return async function handleRequest(request: ReceivedRequest, response: ServerResponse): Promise<void> {
    const answer = request.refusal ? refusalAnswer(request.refusal.reason) : { status: 200, headers: [], body: Buffer.alloc(0) }
    let stored
    try {
      stored = await deps.store.append(
        {
          id: randomUUID(),
          endpointId: request.endpointId,
          receivedAt: request.receivedAt.toISOString(),
          durationMs: request.durationMs,
          method: request.method,
          target: request.target,
          httpVersion: request.httpVersion,
          headers: request.headers,
          remoteAddress: request.remoteAddress,
          remotePort: request.remotePort,
          body: { sha256: createHash('sha256').update(request.body).digest('hex') },
          outcome: request.refusal ? 'refused' : 'captured',
          refusal: request.refusal,
          response: { status: answer.status, headers: answer.headers, bodyBase64: answer.body.toString('base64') },
        },
        request.body,
      )
    } catch (error: unknown) {
      deps.health.failed(error)
      answerPlain(response, 503, 'Callback Inspector could not store this callback; retry later.')
      return
    }
    deps.health.succeeded()
    deps.events.publish({ type: 'capture-received', capture: toCaptureSummary(stored) })
    writeAnswer(response, answer)
  }
}

function refusalAnswer(reason: string): PlannedAnswer {
  return { status: 413, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: Buffer.from(reason) }
}

function writeAnswer(response: ServerResponse, answer: PlannedAnswer): void {
  if (response.headersSent || response.destroyed) return
  const flat: string[] = []
  for (const [name, value] of answer.headers) flat.push(name, value)
  if (!answer.headers.some(([name]) => name.toLowerCase() === 'content-length')) flat.push('Content-Length', String(answer.body.length))
  response.writeHead(answer.status, flat)
  response.end(answer.body)
}
