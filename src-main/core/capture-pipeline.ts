/**
 * What happens to every request an endpoint receives: choose the answer from the endpoint's
 * configuration, store the capture together with that answer, and only then send it. A request
 * is never answered before it is on disk; when it cannot be stored the sender gets 503 and
 * retries later.
 */
import { hash, randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { InspectorEvent } from '../shared/contract'
import type { AnswerChoice, CaptureRecognition } from '../shared/views'
import { toCaptureSummary } from './store/capture-summary'
import type { DeliveryAnalysis } from '../shared/providers'
import { toRecognition } from './recognition'
import { deliveryKeyFrom } from './deliveries/delivery-key'
import type { CaptureForward, ForwardConfig } from '../shared/replay'
import { captureForwardOf, settledBackgroundForward, type RelayAnswer } from './replay'
import type { ReplayService } from './replay-service'
import { DEFAULT_ANSWER_CONFIG, type ChosenAnswer, type EndpointAnswerConfig, type ResolvedAnswer } from '../shared/responses'
import type { EventBus } from './event-bus'
import { answerPlain, type ReceivedRequest } from './receiver/receiver'
import { chooseAnswer, resolvedBodyBytes, sendAnswer, withConnectionHeaders, type SequenceState } from './responses'
import type { CaptureStore } from './store/capture-store'
import type { StoredCapture } from './store/persisted-schema'
import type { StorageHealth } from './storage-health'

/** `Retry-After` of the 503 sent when a capture cannot be stored: long enough for a full disk to be dealt with. */
export const STORE_FAILED_RETRY_AFTER_SECONDS = 30
/** `Retry-After` of the 503 sent when too many bodies arrive at once: their captures are stored within seconds. */
export const BUSY_RETRY_AFTER_SECONDS = 5

export interface CapturePipelineDeps {
  store: CaptureStore
  events: EventBus<InspectorEvent>
  health: StorageHealth
  answerConfigOf(endpointId: string): EndpointAnswerConfig | undefined
  forwardConfigOf(endpointId: string): ForwardConfig | undefined
  replays: Pick<ReplayService, 'forward' | 'recordForward'>
  /** Runs after a capture is stored and answered (follow-up work such as fetching a certificate). */
  afterStored(stored: StoredCapture): void
  /** Recognises and verifies a delivery with its endpoint's settings and keys. */
  judge(request: ReceivedRequest): DeliveryAnalysis
  sequences: SequenceState
  random: () => number
  /** Aborted when the app stops: pending delays and hangs end at once. */
  shutdown: AbortSignal
  /** When a sender left (defaults to the system clock). */
  now?: () => Date
}

export function createCapturePipeline(deps: CapturePipelineDeps) {
  return async function handleRequest(request: ReceivedRequest, response: ServerResponse): Promise<void> {
    // One-shot: no Hash object per capture.
    const bodySha256 = hash('sha256', request.body)
    const analysis = request.refusal ? null : deps.judge(request)
    const recognition = analysis ? toRecognition(analysis) : null
    const id = randomUUID()
    const outcome = request.refusal ? 'refused' : 'captured'
    // Computed once here and passed along: the answer sequence counts per delivery with the same
    // rule that groups stored captures into deliveries (deliveries/delivery-key.ts), the store
    // indexes it, and the list view shows it.
    const deliveryKey = deliveryKeyFrom({ id, outcome, headers: request.headers, recognition, bodySha256 })
    const forwardConfig = request.refusal ? undefined : deps.forwardConfigOf(request.endpointId)
    const forwarding = forwardConfig?.enabled ? await deps.replays.forward(request, forwardConfig) : null
    // Pass-through: the provider gets the target's real answer, unless it failed or timed out.
    const decided = forwarding?.relay ? relayAnswer(forwarding.relay, forwardConfig!.targetUrl) : decideAnswer(request, recognition, deliveryKey)
    // What the list row shows of the forward (a failed pass-through must not look like a normal answer).
    const forward = forwarding && forwardConfig ? await captureForwardOf(forwarding, forwardConfig.targetUrl) : null
    const choice = decided.choice
    const chosen: ChosenAnswer = { ...decided.chosen, answer: withConnectionHeaders(decided.chosen.answer, response.shouldKeepAlive, Date.now()) }
    let stored: StoredCapture
    try {
      stored = await deps.store.append(
        {
          id,
          endpointId: request.endpointId,
          receivedAt: request.receivedAt.toISOString(),
          durationMs: request.durationMs,
          method: request.method,
          target: request.target,
          httpVersion: request.httpVersion,
          headers: request.headers,
          remoteAddress: request.remoteAddress,
          remotePort: request.remotePort,
          body: { sha256: bodySha256 },
          outcome,
          refusal: request.refusal,
          recognition,
          response: answerRecord(chosen.answer, choice, request.method),
          forward,
        },
        request.body,
        deliveryKey,
      )
    } catch (error: unknown) {
      deps.health.failed(error)
      // Retry-After tells a sender that honours it when to come back, instead of at once or never.
      answerPlain(response, 503, 'Callback Inspector could not store this callback; retry later.', undefined, {
        'retry-after': String(STORE_FAILED_RETRY_AFTER_SECONDS),
      })
      return
    }
    deps.health.succeeded()
    // Nobody listening (a script run, a benchmark): no list view to build.
    if (deps.events.hasSubscribers()) deps.events.publish({ type: 'capture-received', capture: toCaptureSummary(stored, deliveryKey) })
    if (forwarding) void deps.replays.recordForward(stored, forwarding).catch(() => undefined)
    if (forwarding && forward?.state === 'background')
      void forwarding.done.then((outcome) => recordBackgroundForward(stored, settledBackgroundForward(forward, outcome)))
    deps.afterStored(stored)
    const sent = await sendAnswer(response, chosen, { signal: deps.shutdown })
    // The answer the capture records never went out, so the capture says why and when: the sender
    // hung up while it was pending (a delay, a hang, or while the capture was being stored: a slow
    // disk, or a sender that closed its side once its request was sent), or the app stopped first
    // (a delay or a hang cut short; the store closes only after this is written).
    const at = (): string => (deps.now ?? (() => new Date()))().toISOString()
    if (sent.outcome === 'client-gone') await recordUnsent(stored, { senderLeftAt: at() })
    else if (sent.outcome === 'aborted') await recordUnsent(stored, { appStoppedAt: at() })
  }

  /** A background forward settled after the capture was stored: its row shows how it went, live. */
  async function recordBackgroundForward(stored: StoredCapture, forward: CaptureForward): Promise<void> {
    try {
      const capture = await deps.store.annotate(stored.id, { forward })
      deps.events.publish({ type: 'capture-updated', capture })
    } catch {
      // Deleted meanwhile, or the index could not be written: the outcome is still in the history.
    }
  }

  async function recordUnsent(stored: StoredCapture, change: { senderLeftAt: string } | { appStoppedAt: string }): Promise<void> {
    try {
      const capture = await deps.store.annotate(stored.id, change)
      deps.events.publish({ type: 'capture-updated', capture })
    } catch {
      // Deleted meanwhile, or the index could not be written: the capture itself is unaffected.
    }
  }

  function decideAnswer(request: ReceivedRequest, recognition: CaptureRecognition | null, deliveryKey: string): { chosen: ChosenAnswer; choice: AnswerChoice } {
    if (request.refusal) {
      const body = Buffer.from(request.refusal.reason)
      const answer: ResolvedAnswer = {
        kind: 'respond',
        status: request.refusal.status,
        headers: [
          ['Content-Type', 'text/plain; charset=utf-8'],
          ['X-Content-Type-Options', 'nosniff'],
          ['Content-Length', String(body.length)],
          // Refused for load (the receiver's body budget): a sender that honours it comes back then.
          ...(request.refusal.status === 503 ? [['Retry-After', String(BUSY_RETRY_AFTER_SECONDS)] as [string, string]] : []),
        ],
        body: { encoding: 'utf8', data: request.refusal.reason, size: body.length },
        delayMs: 0,
      }
      return { chosen: { answer, chosenBy: { kind: 'default' } }, choice: { kind: 'refusal' } }
    }
    const chosen = chooseAnswer(
      deps.answerConfigOf(request.endpointId) ?? DEFAULT_ANSWER_CONFIG,
      {
        endpointId: request.endpointId,
        method: request.method,
        target: request.target,
        pathWithinEndpoint: request.pathWithinEndpoint,
        headers: request.headers,
        body: request.body,
        provider: recognition && recognition.provider.id !== 'unknown' ? recognition.provider.id : null,
        providerVariant: recognition?.provider.variant ?? undefined,
        verdict: recognition?.verdict.status ?? null,
        deliveryKey,
      },
      deps.sequences,
      { random: deps.random },
    )
    return { chosen, choice: chosen.chosenBy }
  }
}

function relayAnswer(relay: RelayAnswer, targetUrl: string): { chosen: ChosenAnswer; choice: AnswerChoice } {
  const answer: ResolvedAnswer = {
    kind: 'respond',
    status: relay.status,
    headers: [...relay.headers.filter(([name]) => name.toLowerCase() !== 'content-length'), ['Content-Length', String(relay.body.length)]],
    body: { encoding: 'base64', data: relay.body.toString('base64'), size: relay.body.length },
    delayMs: 0,
  }
  return { chosen: { answer, chosenBy: { kind: 'default' } }, choice: { kind: 'forward', targetUrl } }
}

/** What the capture records of its answer: as sent, so no body for a HEAD request (Node drops one written anyway). */
function answerRecord(answer: ResolvedAnswer, chosenBy: AnswerChoice, method: string): StoredCapture['response'] {
  switch (answer.kind) {
    case 'respond':
      return {
        kind: 'respond',
        status: answer.status,
        headers: answer.headers,
        bodyBase64: answer.body && method !== 'HEAD' ? resolvedBodyBytes(answer.body).toString('base64') : '',
        delayMs: answer.delayMs,
        chosenBy,
      }
    case 'close':
    case 'reset':
      return { kind: answer.kind, status: null, headers: [], bodyBase64: '', delayMs: answer.delayMs, chosenBy }
    case 'hang':
      return { kind: 'hang', status: null, headers: [], bodyBase64: '', delayMs: 0, chosenBy }
  }
}
