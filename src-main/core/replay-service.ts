/**
 * Resending captures from the core (never the renderer): single resends, edited or re-signed,
 * bulk jobs with progress and cancel, live forwarding, and simulated callbacks. Every send is
 * recorded in the capture's history; a resend (single or bulk) or a live forward is noted there
 * before it goes out, so one in flight when the app is killed still reads as sent, with no answer. While it awaits its
 * answer the history lists it as `sending` (a `replay-recorded` event says so as it goes out), and
 * its finished record, with the same id, replaces it (another `replay-recorded`).
 */
import { randomUUID } from 'node:crypto'
import type { InspectorEvent } from '../shared/contract'
import type { BulkJobView, CaptureSummary, ReplayPreview } from '../shared/views'
import { errorMessage, InspectorError } from '../shared/errors'
import type {
  BulkItemResult,
  BulkReplayInput,
  ForwardConfig,
  ForwardSummary,
  RecordedOutcome,
  ReplayCaptureInput,
  ReplayOutcome,
  ReplayRecord,
  ResignSkip,
  SigningKey,
  SimulateCallbackInput,
  SimulatedKeyInfo,
  SimulatorTemplateInfo,
} from '../shared/replay'
import type { EventBus } from './event-bus'
import { pathSignatureWarning } from './replay/path-signature'
import { sentSignatureWarning } from './replay/sent-signature'
import type { Logger } from './logger'
import {
  appStoppedOutcome,
  buildFromTemplate,
  buildReplayRequest,
  createReplayRecord,
  diffBodies,
  compareBodies,
  prepareForward,
  sendForward,
  listSimulatorTemplates,
  loadSimulatorTemplates,
  ownReceiverProblem,
  resignRequest,
  runBulkReplay,
  sendingOutcome,
  sendReplay,
  sentRequestView,
  withAnswerBodyKept,
  type ForwardResult,
  type OwnReceiver,
  type PreparedForward,
  type ReplayRequest,
  type ReplaySource,
} from './replay'
import type { ReplayRecordInput } from './replay/replay-record'
import type { ReplayHistory } from './store/replay-history'
import type { StoredCapture } from './store/persisted-schema'
import type { EndpointRegistry } from './endpoints'
import { signedPathFor } from './recognition'
import { splitTarget } from '../shared/slug'

/** Finished bulk jobs are kept this long for `getBulkReplay`, then forgotten. */
export const BULK_JOB_RETENTION_MS = 60 * 60 * 1000

export interface ReplayServiceDeps {
  events: EventBus<InspectorEvent>
  logger: Logger
  now: () => Date
  history: ReplayHistory
  /** The capture's list view (throws NOT_FOUND). */
  capture(id: string): Promise<CaptureSummary>
  /** The full record. */
  load(id: string): Promise<StoredCapture>
  readBody(id: string): Promise<Buffer>
  /** The endpoint's configured keys (HMAC secrets, public keys...), for re-signing. */
  keysOf(endpointId: string): SigningKey[]
  /** Remembers the last target of an endpoint's resends. */
  rememberTarget(endpointId: string, target: { url: string; keepCapturedPath: boolean }): Promise<void>
  /** Aborted when the app stops. */
  shutdown: AbortSignal
  /** This app's receiver addresses, so a forward to itself is refused. */
  ownReceiver?: OwnReceiver
  /**
   * The endpoints, for their signed-path setting: a test callback sent to `/<slug>` of the receiver
   * is verified with that endpoint's, and a capture's signature was verified with its own endpoint's.
   */
  endpoints: Pick<EndpointRegistry, 'find' | 'findBySlug'>
}

/** A live forward as sent: `recordId` is the id its history record was noted under before it went out (`null`: it did not go out). */
export type NotedForward = ForwardResult & { recordId: string | null }

interface BulkJob {
  view: BulkJobView
  controller: AbortController
}

export function createReplayService(deps: ReplayServiceDeps) {
  const jobs = new Map<string, BulkJob>()
  /** Resends and bulk items gone out and not yet finished, as the history lists them meanwhile: by record id. */
  const sending = new Map<string, ReplayRecord>()

  async function sourceOf(id: string): Promise<ReplaySource> {
    const capture = await deps.load(id)
    return {
      method: capture.method,
      target: capture.target,
      headers: capture.headers,
      ...(capture.trailers ? { trailers: capture.trailers } : {}),
      body: await deps.readBody(id),
    }
  }

  /** The request a resend would send: built from the capture, edited, and re-signed if asked. */
  async function prepare(
    input: Omit<ReplayCaptureInput, 'send'>,
  ): Promise<{ capture: CaptureSummary; request: ReplayRequest; resign: ReplayRecord['resign'] }> {
    const capture = await deps.capture(input.captureId)
    if (capture.outcome === 'refused')
      throw new InspectorError('BAD_REQUEST', 'this request was refused (its body was too large), so there is no body to resend')
    let request = buildReplayRequest(await sourceOf(capture.id), { targetUrl: input.targetUrl, keepCapturedPath: input.keepCapturedPath, edits: input.edits })
    let resign: ReplayRecord['resign'] = null
    if (input.resign) {
      const result = resignRequest(request, [...deps.keysOf(capture.endpointId), ...(input.privateKeys ?? [])], { now: deps.now() })
      request = result.request
      resign = result.summary
    }
    return { capture, request, resign }
  }

  /**
   * The path and query the receiving endpoint verifies a path-covering signature against, when a
   * test callback goes to this app's own receiver (a loopback address on its port, or the tunnel's
   * public URL) and that endpoint's signed-path setting is not "as received". Any other target
   * verifies what it receives, as the provider's own callback would be.
   */
  function receiverSignedPath(targetUrl: string): string | undefined {
    const url = new URL(targetUrl)
    if (deps.ownReceiver === undefined || ownReceiverProblem(url, deps.ownReceiver) === null) return undefined
    const target = `${url.pathname}${url.search}`
    const settings = deps.endpoints.findBySlug(splitTarget(target).slug)?.providerSettings
    return settings ? signedPathFor(target, settings) : undefined
  }

  /**
   * Stores and announces the record with the first 64 KB of the answer's body; returns it as read (a
   * resend shows the whole answer). The request was sent whatever happens here: a history that
   * cannot be written (a full disk) is said on the record returned (`unrecorded`), never turned
   * into an error that reads as if the resend had failed.
   */
  async function record(capture: Pick<CaptureSummary, 'id' | 'seq'> | null, entry: ReplayRecord): Promise<ReplayRecord> {
    const kept: ReplayRecord = { ...entry, outcome: withAnswerBodyKept(entry.outcome) }
    if (capture) {
      try {
        await deps.history.add(capture.seq, kept)
      } catch (error: unknown) {
        deps.logger.error('could not record a replay in the capture history', { kind: entry.kind, error: String(error) })
        const unrecorded = `it could not be kept in the capture's history: ${errorMessage(error)}`
        // Shown in flight, it is replaced by what came back (saying it was not kept), not left "sending".
        if (sending.delete(entry.id)) deps.events.publish({ type: 'replay-recorded', captureId: entry.captureId, record: { ...kept, unrecorded } })
        return { ...entry, unrecorded }
      } finally {
        sending.delete(entry.id)
      }
    }
    deps.events.publish({ type: 'replay-recorded', captureId: entry.captureId, record: kept })
    return entry
  }

  /**
   * A send cut off because the app is stopping (its requests are aborted) reads as such, not as
   * cancelled by the user: the request may have reached the target, which may have acted on it.
   */
  function unlessAppStopped(outcome: ReplayOutcome, url: string, startedAt: Date): RecordedOutcome {
    if (deps.shutdown.aborted && outcome.kind === 'failure' && outcome.failure.kind === 'aborted') return appStoppedOutcome(url, startedAt)
    return outcome
  }

  /**
   * Notes a resend in the capture's history before it goes out (see `ReplayHistory.begin`), lists
   * it as `sending` until it is finished and announces it so, and returns the id its finished
   * record takes. A journal that cannot be written does not stop the send: the finished record is
   * kept as before (or said to be unrecorded).
   */
  async function noteSending(
    capture: Pick<CaptureSummary, 'id' | 'seq'>,
    entry: Omit<ReplayRecordInput, 'outcome' | 'now' | 'id'>,
    forwardIfStopped?: ForwardSummary,
  ): Promise<{ id: string; startedAt: Date }> {
    const id = randomUUID()
    const startedAt = deps.now()
    const noted = createReplayRecord({
      ...entry,
      ...(forwardIfStopped ? { forward: forwardIfStopped } : {}),
      id,
      outcome: appStoppedOutcome(entry.request.url, startedAt),
      now: startedAt,
    })
    try {
      // Its sent body is already cut to what a record keeps (`sentRequestView`); there is no answer yet.
      await deps.history.begin(capture.seq, noted)
    } catch (error: unknown) {
      deps.logger.error('could not note a resend in the capture history before sending it', { kind: entry.kind, error: String(error) })
    }
    const inFlight: ReplayRecord = { ...noted, outcome: sendingOutcome(entry.request.url, startedAt) }
    sending.set(id, inFlight)
    deps.events.publish({ type: 'replay-recorded', captureId: capture.id, record: inFlight })
    return { id, startedAt }
  }

  return {
    async preview(input: Omit<ReplayCaptureInput, 'send'>): Promise<ReplayPreview> {
      const { capture, request, resign } = await prepare(input)
      const settings = deps.endpoints.find(capture.endpointId)?.providerSettings
      const pathWarning = pathSignatureWarning({
        providerId: capture.recognition?.provider.id ?? null,
        keys: deps.keysOf(capture.endpointId),
        capturedTarget: request.captured.target,
        signedPath: settings ? signedPathFor(request.captured.target, settings) : undefined,
        sentTarget: request.target,
        resign,
      })
      // A path change is named by the path warning (both paths); otherwise, will the signature as sent verify?
      const signatureWarning =
        pathWarning === null
          ? sentSignatureWarning({ recognition: capture.recognition, request, keys: deps.keysOf(capture.endpointId), settings, resign, now: deps.now() })
          : null
      return {
        sent: sentRequestView(request),
        differences: request.differences,
        resign,
        bodyDiff: diffBodies(request.captured.body, request.body),
        bodyComparison: compareBodies(request.captured.body, request.body),
        warnings: [pathWarning, signatureWarning].filter((warning): warning is string => warning !== null),
      }
    },

    async replay(input: ReplayCaptureInput): Promise<ReplayRecord> {
      const { capture, request, resign } = await prepare(input)
      await deps.rememberTarget(capture.endpointId, { url: input.targetUrl, keepCapturedPath: input.keepCapturedPath ?? false })
      const { id, startedAt } = await noteSending(capture, { captureId: capture.id, kind: 'resend', request, resign })
      const outcome = unlessAppStopped(await sendReplay(request, { ...input.send, signal: deps.shutdown, now: deps.now }), request.url, startedAt)
      return record(capture, createReplayRecord({ id, captureId: capture.id, kind: 'resend', request, outcome, resign, now: deps.now() }))
    },

    /** Newest first: the sends awaiting their answer, then the history. */
    async history(captureId: string): Promise<ReplayRecord[]> {
      const capture = await deps.capture(captureId)
      // Taken before the history is read: one finished meanwhile is in the history by then (kept before it leaves `sending`).
      const inFlight = [...sending.values()].filter((record) => record.captureId === capture.id)
      const records = await deps.history.list(capture.seq, capture.id)
      if (inFlight.length === 0) return records
      const finished = new Set(records.map((record) => record.id))
      return [...inFlight.filter((record) => !finished.has(record.id)).reverse(), ...records]
    },

    /**
     * Starts replaying captures in the background, in capture order (ascending `seq`, whatever
     * order they are given in); refused requests have no body and are left out.
     */
    async startBulk(input: Omit<BulkReplayInput, 'captureIds'> & { captures: CaptureSummary[] }): Promise<BulkJobView> {
      if (input.captures.length === 0) throw new InspectorError('BAD_REQUEST', 'there are no captures to replay')
      const replayable = input.captures.filter((capture) => capture.outcome !== 'refused').sort((a, b) => a.seq - b.seq)
      if (replayable.length === 0) {
        throw new InspectorError('BAD_REQUEST', 'every capture chosen was refused (its body was too large), so there is no body to resend')
      }
      const jobId = randomUUID()
      const controller = new AbortController()
      const cancelOnShutdown = (): void => controller.abort()
      deps.shutdown.addEventListener('abort', cancelOnShutdown, { once: true })
      const results: BulkItemResult[] = replayable.map((capture) => ({ captureId: capture.id, seq: capture.seq, status: 'pending' as const, outcome: null }))
      const positionOf = new Map(replayable.map((capture, position) => [capture.seq, position]))
      const resignSkippedBySeq = new Map<number, ResignSkip[]>()
      const job: BulkJob = {
        controller,
        view: {
          jobId,
          targetUrl: input.targetUrl,
          total: replayable.length,
          done: 0,
          sent: 0,
          failed: 0,
          cancelled: 0,
          inFlight: 0,
          finished: false,
          wasCancelled: false,
          notResigned: 0,
          unrecorded: 0,
          results,
        },
      }
      jobs.set(jobId, job)
      void runBulkReplay(
        // Each request (and its body) is read when its turn comes, and let go once it is recorded.
        replayable.map((capture) => ({
          captureId: capture.id,
          seq: capture.seq,
          prepare: async () => {
            const prepared = await prepare({
              captureId: capture.id,
              targetUrl: input.targetUrl,
              keepCapturedPath: input.keepCapturedPath,
              resign: input.resign,
              privateKeys: input.privateKeys,
            })
            const noted = await noteSending(prepared.capture, { captureId: capture.id, kind: 'bulk', request: prepared.request, resign: prepared.resign })
            return { ...prepared, recordId: noted.id, startedAt: noted.startedAt }
          },
        })),
        {
          concurrency: input.concurrency,
          ratePerSecond: input.ratePerSecond,
          signal: controller.signal,
          send: input.send,
          now: deps.now,
          onProgress: (progress) => {
            Object.assign(job.view, {
              done: progress.done,
              sent: progress.sent,
              failed: progress.failed,
              cancelled: progress.cancelled,
              inFlight: progress.inFlight,
            })
            const position = positionOf.get(progress.item.seq)
            if (position !== undefined) job.view.results[position] = progress.item
            deps.events.publish({ type: 'bulk-replay-progress', job: summaryOf(job.view) })
          },
          async onSettled(item, prepared) {
            if (!prepared || !item.outcome) return
            if (input.resign) {
              // A signature left as captured is named on the item, never sent as if re-signed.
              const skipped = prepared.resign?.skipped ?? []
              resignSkippedBySeq.set(item.seq, skipped)
              const position = positionOf.get(item.seq)
              const shown = position === undefined ? undefined : job.view.results[position]
              if (position !== undefined && shown !== undefined) job.view.results[position] = { ...shown, resignSkipped: skipped }
              if (skipped.length > 0 && item.status !== 'cancelled') job.view.notResigned++
            }
            const entry = createReplayRecord({
              id: prepared.recordId,
              captureId: item.captureId,
              kind: 'bulk',
              request: prepared.request,
              outcome: unlessAppStopped(item.outcome, prepared.request.url, prepared.startedAt),
              resign: prepared.resign,
              now: deps.now(),
            })
            const recorded = await record(prepared.capture, entry).catch((error: unknown) => {
              deps.logger.error('could not record a bulk replay', { error: String(error) })
              return { unrecorded: String(error) }
            })
            if (recorded.unrecorded !== undefined) job.view.unrecorded++
          },
        },
      ).then(
        (result) => {
          job.view.results = result.results.map((item) => {
            const skipped = resignSkippedBySeq.get(item.seq)
            return skipped === undefined ? item : { ...item, resignSkipped: skipped }
          })
          job.view.finished = true
          job.view.inFlight = 0
          job.view.wasCancelled = result.cancelled
          deps.events.publish({ type: 'bulk-replay-progress', job: summaryOf(job.view) })
          deps.shutdown.removeEventListener('abort', cancelOnShutdown)
          setTimeout(() => jobs.delete(jobId), BULK_JOB_RETENTION_MS).unref()
        },
        (error: unknown) => deps.logger.error('bulk replay failed', { error: String(error) }),
      )
      return job.view
    },

    bulkJob(jobId: string): BulkJobView {
      const job = jobs.get(jobId)
      if (!job) throw new InspectorError('NOT_FOUND', `no bulk replay with id ${jobId}`)
      return job.view
    },

    cancelBulk(jobId: string): BulkJobView {
      const job = jobs.get(jobId)
      if (!job) throw new InspectorError('NOT_FOUND', `no bulk replay with id ${jobId}`)
      job.controller.abort()
      return job.view
    },

    /**
     * Builds an incoming capture's forward to the endpoint's target and checks it (see the capture
     * pipeline): cheap, nothing is sent, so the capture can be stored with what its row shows first.
     */
    prepareForward(source: ReplaySource, config: ForwardConfig): PreparedForward {
      return prepareForward(
        source,
        { targetUrl: config.targetUrl, keepCapturedPath: config.keepCapturedPath },
        { mode: config.mode, now: deps.now, ownReceiver: deps.ownReceiver },
      )
    },

    /**
     * Sends a stored capture's prepared forward, noted in its history first as a resend is (a kill -9
     * while it is out leaves a record saying the target may have received it): the record reads as
     * a stop would leave it, the provider's answer included (a pass-through sender gets none; a
     * background one had the configured answer). Pass-through resolves with the target's answer;
     * background once the send has started. `recordForward` finishes the record.
     */
    async forward(capture: Pick<CaptureSummary, 'id' | 'seq'>, prepared: PreparedForward, config: ForwardConfig): Promise<NotedForward> {
      const options = { mode: config.mode, timeoutMs: config.timeoutMs, signal: deps.shutdown, now: deps.now }
      if (prepared.notSent !== null) return { ...prepared.notSent, recordId: null }
      const isBackground = config.mode === 'background'
      const { id } = await noteSending(
        capture,
        {
          captureId: capture.id,
          kind: 'forward',
          request: prepared.request,
          resign: null,
          forward: { mode: config.mode, usedConfiguredAnswer: isBackground, reason: null },
        },
        { mode: config.mode, usedConfiguredAnswer: isBackground, reason: isBackground ? null : 'app-stopped' },
      )
      return { ...(await sendForward(prepared, options)), recordId: id }
    },

    /** Records a forward once it has finished, in the capture's history (finishing the record `forward` noted). */
    async recordForward(capture: Pick<CaptureSummary, 'id' | 'seq'>, result: NotedForward): Promise<void> {
      if (!result.request) return
      const done = await result.done
      const outcome = unlessAppStopped(done, result.request.url, new Date(done.timing.startedAt))
      await record(
        capture,
        createReplayRecord({
          ...(result.recordId === null ? {} : { id: result.recordId }),
          captureId: capture.id,
          kind: 'forward',
          request: result.request,
          outcome,
          forward: result.summary,
          now: deps.now(),
        }),
      )
    },

    templates(): Promise<SimulatorTemplateInfo[]> {
      return listSimulatorTemplates()
    },

    async simulate(input: SimulateCallbackInput, keys: SigningKey[]): Promise<{ record: ReplayRecord; key: SimulatedKeyInfo }> {
      const template = (await loadSimulatorTemplates()).find((candidate) => candidate.id === input.templateId)
      if (!template) throw new InspectorError('NOT_FOUND', `no simulator template "${input.templateId}"; see listSimulatorTemplates`)
      const signedPath = receiverSignedPath(input.targetUrl)
      const simulated = buildFromTemplate(template, {
        keys,
        now: deps.now(),
        targetUrl: input.targetUrl,
        ...(signedPath === undefined ? {} : { signedPath }),
      })
      // The provider may have added to the path it signed (Mercado Pago's ?data.id=): send to that.
      const request = buildReplayRequest(simulated.request, { targetUrl: simulated.url ?? input.targetUrl })
      const outcome = await sendReplay(request, { ...input.send, signal: deps.shutdown, now: deps.now })
      const entry = createReplayRecord({ captureId: null, kind: 'simulate', request, outcome, templateId: template.id, now: deps.now() })
      return { record: await record(null, entry), key: simulated.key }
    },
  }
}

export type ReplayService = ReturnType<typeof createReplayService>

/** Progress events carry counts, not every item's outcome. */
function summaryOf(view: BulkJobView): BulkJobView {
  return { ...view, results: [] }
}
