/**
 * What happens to every request an endpoint receives: choose the answer from the endpoint's
 * configuration, store the capture together with that answer, and only then send it. A request
 * is never answered before it is on disk; when it cannot be stored the sender gets 503 and
 * retries later.
 *
 * A pass-through forward cannot know its answer on arrival (it is the target's), so its capture is
 * stored first, with the forward `pending` and the connection held, and the answer is recorded on
 * it (one annotation) once the target answered or failed, before it is sent: a kill -9 while the
 * target is awaited keeps the capture, and "answered" still always means "recorded".
 *
 * Every forward goes out only once its capture is stored: the capture's history notes it first
 * (replay-history's journal), so one cut off by a kill -9 still reads as sent. A background
 * forward is built and checked before the capture is stored (its row shows whether it will go
 * out) and sent beside the sender's answer, never before it; a capture that is not forwarded
 * takes none of these steps.
 */
import { hash, randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { InspectorEvent } from '../shared/contract'
import { InspectorError } from '../shared/errors'
import type { AnswerChoice, CaptureRecognition } from '../shared/views'
import { toCaptureSummary } from './store/capture-summary'
import type { DeliveryAnalysis } from '../shared/providers'
import { toRecognition } from './recognition'
import { deliveryKeyFrom } from './deliveries/delivery-key'
import type { CaptureForward, ForwardConfig } from '../shared/replay'
import { captureForwardOf, settledBackgroundForward, startedForwardOf, type PreparedForward, type RelayAnswer } from './replay'
import type { NotedForward, ReplayService } from './replay-service'
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
  replays: Pick<ReplayService, 'prepareForward' | 'forward' | 'recordForward'>
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

/** What is known of a request on arrival, before its answer. */
interface Arrival {
  id: string
  bodySha256: string
  outcome: 'captured' | 'refused'
  recognition: CaptureRecognition | null
  deliveryKey: string
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
    if (forwardConfig?.enabled && forwardConfig.mode === 'pass-through') {
      await passThrough(request, response, forwardConfig, { id, bodySha256, outcome, recognition, deliveryKey })
      return
    }
    // Background: the configured answer at once, the forward on its own once the capture is stored
    // (noted in its history before it goes out, so it needs the capture's place in the store).
    const prepared = forwardConfig?.enabled ? deps.replays.prepareForward(request, forwardConfig) : null
    const decided = decideAnswer(request, recognition, deliveryKey)
    // What the list row shows of the forward (one that cannot be sent must not look like a normal answer).
    const forward = prepared && forwardConfig ? await startedForwardOf(prepared, forwardConfig.targetUrl) : null
    const choice = decided.choice
    const chosen: ChosenAnswer = { ...decided.chosen, answer: withConnectionHeaders(decided.chosen.answer, response.shouldKeepAlive, Date.now()) }
    const stored = await store(
      request,
      response,
      { id, bodySha256, outcome, recognition, deliveryKey },
      answerRecord(chosen.answer, choice, request.method),
      forward,
    )
    if (!stored) return
    if (prepared && forwardConfig && forward) void forwardInBackground(stored, prepared, forwardConfig, forward).catch(() => undefined)
    deps.afterStored(stored)
    await send(stored, response, chosen)
  }

  /** Stores the capture and announces it; `null` when it could not be stored (the sender then got 503). */
  async function store(
    request: ReceivedRequest,
    response: ServerResponse,
    arrival: Arrival,
    answer: StoredCapture['response'],
    forward: CaptureForward | null,
  ): Promise<StoredCapture | null> {
    let stored: StoredCapture
    try {
      stored = await deps.store.append(
        {
          id: arrival.id,
          endpointId: request.endpointId,
          receivedAt: request.receivedAt.toISOString(),
          durationMs: request.durationMs,
          method: request.method,
          target: request.target,
          httpVersion: request.httpVersion,
          headers: request.headers,
          ...(request.trailers ? { trailers: request.trailers } : {}),
          remoteAddress: request.remoteAddress,
          remotePort: request.remotePort,
          body: { sha256: arrival.bodySha256 },
          outcome: arrival.outcome,
          refusal: request.refusal,
          recognition: arrival.recognition,
          response: answer,
          forward,
        },
        request.body,
        arrival.deliveryKey,
      )
    } catch (error: unknown) {
      storeFailed(response, error)
      return null
    }
    deps.health.succeeded()
    // Nobody listening (a script run, a benchmark): no list view to build.
    if (deps.events.hasSubscribers()) deps.events.publish({ type: 'capture-received', capture: toCaptureSummary(stored, arrival.deliveryKey) })
    return stored
  }

  function storeFailed(response: ServerResponse, error: unknown): void {
    deps.health.failed(error)
    // Retry-After tells a sender that honours it when to come back, instead of at once or never.
    answerPlain(response, 503, 'Callback Inspector could not store this callback; retry later.', undefined, {
      'retry-after': String(STORE_FAILED_RETRY_AFTER_SECONDS),
    })
  }

  /** Sends the recorded answer; when it did not go out, the capture says why and when. */
  async function send(stored: StoredCapture, response: ServerResponse, chosen: ChosenAnswer): Promise<void> {
    const sent = await sendAnswer(response, chosen, { signal: deps.shutdown })
    // The answer the capture records never went out, so the capture says why and when: the sender
    // hung up while it was pending (a delay, a hang, a pass-through forward's target, or while the
    // capture was being stored: a slow disk, or a sender that closed its side once its request was
    // sent), or the app stopped first (a delay or a hang cut short; the store closes only after
    // this is written).
    if (sent.outcome === 'client-gone') await recordUnsent(stored, { senderLeftAt: now() })
    else if (sent.outcome === 'aborted') await recordUnsent(stored, { appStoppedAt: now() })
  }

  function now(): string {
    return (deps.now ?? (() => new Date()))().toISOString()
  }

  /**
   * Pass-through: the capture is stored first, its forward `pending` and its connection held (a
   * `hang` chosen by the forward: no answer yet), so a kill -9 while the target is awaited (up to
   * `timeoutMs`) keeps it, and after a restart it reads as cut off. Once the target answered (or
   * failed: then the configured answer), the answer is recorded on the capture, and only then sent.
   * When the app stops while the target is awaited, the capture records that no answer went out.
   */
  async function passThrough(request: ReceivedRequest, response: ServerResponse, config: ForwardConfig, arrival: Arrival): Promise<void> {
    const pending: CaptureForward = { mode: 'pass-through', targetUrl: config.targetUrl, state: 'pending', reason: null }
    const held = answerRecord({ kind: 'hang' }, { kind: 'forward', targetUrl: config.targetUrl }, request.method)
    const stored = await store(request, response, arrival, held, pending)
    if (!stored) return
    deps.afterStored(stored)
    // A sender that gives up while the target is awaited (its own timeout, often shorter) never gets an answer.
    let senderLeftAt: string | null = null
    const onSenderGone = (): void => void (senderLeftAt ??= now())
    response.once('close', onSenderGone)
    const forwarding = await deps.replays.forward(stored, deps.replays.prepareForward(request, config), config)
    response.off('close', onSenderGone)
    if (deps.shutdown.aborted) {
      // The app is stopping: the target's answer (if any came) is not relayed, and the connection
      // is closed without an answer. The store closes only after this is written.
      recordForward(stored, forwarding, 'app-stopped')
      const reason = `the app stopped while waiting for the target's answer, so the sender got no answer`
      await recordUnsent(stored, { forward: { ...pending, state: 'failed', reason }, appStoppedAt: now() })
      destroyConnection(response)
      return
    }
    // The provider gets the target's real answer, unless it failed or timed out.
    const decided = forwarding.relay ? relayAnswer(forwarding.relay, config.targetUrl) : decideAnswer(request, arrival.recognition, arrival.deliveryKey)
    let forward = await captureForwardOf(forwarding, config.targetUrl)
    if (senderLeftAt !== null && forward.state === 'relayed') forward = { ...forward, reason: 'the sender left before it came, so it was not relayed' }
    const chosen: ChosenAnswer = { ...decided.chosen, answer: withConnectionHeaders(decided.chosen.answer, response.shouldKeepAlive, Date.now()) }
    try {
      // The sender gone: the answer is recorded as for a delayed one it left before, and not sent.
      const capture = await deps.store.annotate(stored.id, {
        forward,
        response: answerRecord(chosen.answer, decided.choice, request.method),
        ...(senderLeftAt === null ? {} : { senderLeftAt }),
      })
      deps.events.publish({ type: 'capture-updated', capture })
    } catch (error: unknown) {
      // Deleted while the target was awaited (a clear, a delete, retention): the store is fine and
      // the user let go of the record, so the sender still gets its answer. Before, this read as a
      // storage failure: the banner said captures could not be written, and the sender got 503.
      const deleted = error instanceof InspectorError && error.code === 'NOT_FOUND'
      if (!deleted) {
        // The answer could not be recorded, so it is not sent: the sender retries, as for a capture
        // that could not be stored. The history says so rather than that it got the answer.
        recordForward(stored, forwarding, 'store-failed')
        storeFailed(response, error)
        return
      }
    }
    // Recorded once the answer's fate is known: before, a 503 for an answer that could not be
    // recorded read in the history as the target's answer relayed (or the configured one).
    recordForward(stored, forwarding, senderLeftAt === null ? null : 'sender-left')
    if (senderLeftAt !== null) return
    await send(stored, response, chosen)
  }

  /**
   * Records a pass-through forward in the capture's history; `notSent` when no answer reached the
   * sender (it left, or the app stopped, while the target was awaited; or it got 503 because the
   * answer could not be recorded), so the record never says it got one.
   */
  function recordForward(stored: StoredCapture, forwarding: NotedForward, notSent: 'sender-left' | 'app-stopped' | 'store-failed' | null): void {
    const recorded = notSent === null ? forwarding : { ...forwarding, summary: { ...forwarding.summary, usedConfiguredAnswer: false, reason: notSent } }
    void deps.replays.recordForward(stored, recorded).catch(() => undefined)
  }

  /** Sends a stored capture's background forward (the sender has its answer meanwhile) and records how it went. */
  async function forwardInBackground(stored: StoredCapture, prepared: PreparedForward, config: ForwardConfig, forward: CaptureForward): Promise<void> {
    const forwarding = await deps.replays.forward(stored, prepared, config)
    void deps.replays.recordForward(stored, forwarding).catch(() => undefined)
    if (forward.state === 'background') void forwarding.done.then((outcome) => recordBackgroundForward(stored, settledBackgroundForward(forward, outcome)))
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

  async function recordUnsent(stored: StoredCapture, change: { senderLeftAt: string } | { appStoppedAt: string; forward?: CaptureForward }): Promise<void> {
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

/** Closes a connection the app will not answer (it is stopping). */
function destroyConnection(response: ServerResponse): void {
  const socket = response.socket ?? response.req.socket
  if (socket && !socket.destroyed) socket.destroy()
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
