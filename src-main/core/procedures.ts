/**
 * The core side of every procedure in the contract. Inputs arrive already validated by
 * `api/dispatch.ts`; errors are raised as `InspectorError` with a contract error code.
 */
import type { z } from 'zod'
import type { InspectorEvent, ProcedureName, ProcedureOutput, procedureInputs } from '../shared/contract'
import type { AnswerConfigView, CaptureRecognition, Endpoint, ForwardConfigView, ProviderSettingsView, InspectorStatus } from '../shared/views'
import { errorMessage, InspectorError } from '../shared/errors'
import { toCaptureDetail, toDamagedCaptureDetail } from './capture-views'
import type { EndpointRegistry } from './endpoints'
import type { EventBus } from './event-bus'
import { DamagedCaptureError, type CapturePageQuery, type CaptureStore } from './store/capture-store'
import { createDeliveryProcedures } from './deliveries/delivery-procedures'
import type { StoredCapture, StoredEndpoint } from './store/persisted-schema'
import type { KeyStore } from './keys/key-store'
import type { ReplayService } from './replay-service'
import { ownReceiverProblem, type OwnReceiver } from './replay'
import type { ReplayHistory } from './store/replay-history'
import { validateKey } from './providers'
import { DEFAULT_PROVIDER_SETTINGS, toRecognition } from './recognition'
import type { DeliveryAnalysis } from '../shared/providers'
import type { StorageHealth } from './storage-health'
import type { StorageIssues } from './store/storage-issues'
import type { StorageSettings } from './store/storage-settings'
import { answerWarningsView, distinctProviders, type ProviderRef } from './answer-warnings'
import type { AnswerWarningsBasis } from '../shared/answer-warnings'
import { yieldToEventLoop } from './event-loop'
import { applyAnswerConfigChange, parseAnswerConfig, type SequenceState } from './responses'
import { preflightPublicUrl } from './tunnel/preflight'
import type { TunnelService } from './tunnel/tunnel-service'
import type { ExchangeService, ExportAnswer } from './exchange/exchange-service'
import { DEFAULT_ANSWER_CONFIG } from '../shared/responses'

/**
 * What each handler answers: the contract's output, except that an export's file may be given in
 * pieces (PiecedText), which the transports hand over as the one string callers receive.
 */
export type ProcedureHandlers = {
  [P in ProcedureName]: (input: z.output<(typeof procedureInputs)[P]>) => Promise<P extends 'exportCaptures' ? ExportAnswer : ProcedureOutput<P>>
}

export interface ProcedureContext {
  history: ReplayHistory
  sequences: SequenceState
  replays: ReplayService
  keys: KeyStore
  judge(capture: StoredCapture, body: Buffer, full?: boolean): DeliveryAnalysis
  tunnel: TunnelService
  version: string
  dataDir: string
  maxBodyBytes: number
  receiverUrl: () => string
  endpoints: EndpointRegistry
  store: CaptureStore
  /** The data files found unreadable since start; the status hands out a copy. */
  issues: StorageIssues
  events: EventBus<InspectorEvent>
  health: StorageHealth
  storageSettings: StorageSettings
  /** This app's receiver addresses: a forward target that is one of them is refused. */
  ownReceiver: OwnReceiver
  /** Export and import of captures (core/exchange). */
  exchange: ExchangeService
}

export const DEFAULT_PAGE_SIZE = 100
/**
 * How many of an endpoint's newest captures name the providers its answers are checked against:
 * the recent traffic, in one small page (the dialog asks again as the draft changes).
 */
const ANSWER_WARNINGS_RECENT_CAPTURES = 100
/** Captures re-verified between two yields to the event loop. */
const REANALYZE_SLICE = 200

export function createProcedureHandlers(context: ProcedureContext): ProcedureHandlers {
  const { endpoints, store, events } = context
  /** Refuses (NOT_FOUND) an endpoint id that names no endpoint; for handlers that need it to exist but not its settings. */
  const requireEndpoint = (id: string): void => {
    endpoints.get(id)
  }
  // Handlers are made once per run, as the app starts.
  const startedAt = new Date().toISOString()
  const deliveries = createDeliveryProcedures({ store, resendsOf: (captureId) => context.replays.history(captureId), runStorage })

  const toEndpoint = (endpoint: StoredEndpoint): Endpoint => ({
    id: endpoint.id,
    name: endpoint.name,
    slug: endpoint.slug,
    url: `${context.receiverUrl()}/${endpoint.slug}`,
    publicUrl: context.tunnel.publicUrl() === null ? null : `${context.tunnel.publicUrl() ?? ''}/${endpoint.slug}`,
    createdAt: endpoint.createdAt,
    captureCount: store.count(endpoint.id),
    pinnedCount: store.pinnedCount(endpoint.id),
    forward: endpoint.forward ?? null,
  })

  async function findCapture(id: string) {
    const capture = await store.get(id)
    if (!capture) throw new InspectorError('NOT_FOUND', `no capture with id ${id}`)
    return capture
  }

  /** Deletes the stored ones of these captures with their replay history, and tells the views. */
  async function deleteStored(ids: readonly string[]) {
    const doomed = await runStorage(() => store.deleteMany(ids))
    await runStorage(() => context.history.deleteFor(doomed))
    for (const capture of doomed) events.publish({ type: 'capture-deleted', id: capture.id, endpointId: capture.endpointId })
    return doomed
  }

  const forwardView = (endpoint: StoredEndpoint): ForwardConfigView => ({
    endpointId: endpoint.id,
    config: endpoint.forward ?? null,
    lastTarget: endpoint.replayTarget ?? null,
  })
  const tunnelView = () => ({
    settings: context.tunnel.settings(),
    state: context.tunnel.state(),
    stateRevision: context.tunnel.stateRevision(),
  })

  /**
   * The providers an endpoint receives from, as its answers are checked against them: the pinned
   * one (every capture is then read as it), else each provider among its newest captures.
   */
  async function answerWarningsBasis(endpoint: StoredEndpoint): Promise<{ source: AnswerWarningsBasis; providers: ProviderRef[] }> {
    const pinned = endpoint.providerSettings?.pinnedProvider
    if (pinned) return { source: 'pinned', providers: [{ id: pinned, variant: null }] }
    const newest = await runStorage(() => store.pageOnly({ endpointId: endpoint.id, limit: ANSWER_WARNINGS_RECENT_CAPTURES }))
    const providers = distinctProviders(newest.items.map((capture) => capture.recognition?.provider))
    return providers.length === 0 ? { source: 'none', providers } : { source: 'recent-captures', providers }
  }

  async function answerConfigView(endpoint: StoredEndpoint): Promise<AnswerConfigView> {
    const config = endpoint.answerConfig ?? DEFAULT_ANSWER_CONFIG
    return { endpointId: endpoint.id, config, ...answerWarningsView(config, await answerWarningsBasis(endpoint)) }
  }

  function providerSettingsView(endpoint: StoredEndpoint): ProviderSettingsView {
    const settings = endpoint.providerSettings ?? DEFAULT_PROVIDER_SETTINGS
    return {
      endpointId: endpoint.id,
      pinnedProvider: settings.pinnedProvider,
      signedPath: settings.signedPath,
      toleranceSeconds: settings.toleranceSeconds,
      keys: context.keys.describe(endpoint.id),
      keyProtection: context.keys.protection,
    }
  }

  /**
   * Recomputes the verdicts of an endpoint's captures after its keys or settings changed, in
   * slices so the receiver keeps answering meanwhile.
   */
  async function reanalyze(endpointId: string): Promise<void> {
    const updates: Array<{ id: string; recognition: CaptureRecognition }> = []
    for (const [index, id] of (await store.ids(endpointId)).entries()) {
      const stored = await store.load(id)
      if (stored.outcome !== 'captured') continue
      const body = await runStorage(() => store.readBody(id))
      updates.push({ id, recognition: toRecognition(context.judge(stored, body, false)) })
      if (index % REANALYZE_SLICE === REANALYZE_SLICE - 1) await yieldToEventLoop()
    }
    await runStorage(() => store.updateRecognitions(updates))
    events.publish({ type: 'captures-reanalyzed', endpointId, count: updates.length })
  }

  return {
    async getStatus(): Promise<InspectorStatus> {
      return {
        version: context.version,
        startedAt,
        receiverUrl: context.receiverUrl(),
        dataDir: context.dataDir,
        maxBodyBytes: context.maxBodyBytes,
        storage: { lastError: context.health.lastError, issues: context.issues.snapshot() },
      }
    },
    async listEndpoints() {
      return endpoints.list().map(toEndpoint)
    },
    async createEndpoint(input) {
      const endpoint = await endpoints.create(input)
      events.publish({ type: 'endpoints-changed' })
      return toEndpoint(endpoint)
    },
    async updateEndpoint(input) {
      const endpoint = await endpoints.update(input)
      events.publish({ type: 'endpoints-changed' })
      return toEndpoint(endpoint)
    },
    async deleteEndpoint({ id }) {
      requireEndpoint(id)
      // Captures first: an endpoint whose captures could not be deleted must stay visible.
      const doomed = await runStorage(() => store.deleteByEndpoint(id, { includePinned: true }))
      await runStorage(() => context.history.deleteFor(doomed))
      await context.keys.removeAll(id)
      // Its retention caps go with it: a later save naming them would be refused (no such endpoint).
      await context.storageSettings.forgetEndpoint(id)
      await endpoints.delete(id)
      events.publish({ type: 'endpoint-cleared', endpointId: id })
      events.publish({ type: 'endpoints-changed' })
      return { deleted: true }
    },
    async listCaptures({ endpointId, cursor, limit, filter, groupBy }) {
      if (endpointId !== undefined) requireEndpoint(endpointId)
      const beforeSeq = cursor === undefined ? undefined : Number(cursor)
      // The store's search engine pages every filter, the query language included.
      const pageOf = (request: CapturePageQuery) => runStorage(() => store.page(request))
      const request = { endpointId, beforeSeq, limit: limit ?? DEFAULT_PAGE_SIZE, filter }
      const page = groupBy === 'delivery' ? await deliveries.pageByDelivery(request, pageOf) : await pageOf(request)
      return {
        items: page.items,
        nextCursor: page.nextBeforeSeq === null ? null : String(page.nextBeforeSeq),
        total: page.total,
      }
    },
    async listCapturePage({ endpointId, cursor, limit, filter, order, groupBy }) {
      if (endpointId !== undefined) requireEndpoint(endpointId)
      const seq = cursor === undefined ? undefined : Number(cursor)
      const query = { endpointId, limit: limit ?? DEFAULT_PAGE_SIZE, filter }
      if (order === 'oldest') {
        const oldestFirst = (request: Parameters<typeof store.pageOldestFirst>[0]) => runStorage(() => store.pageOldestFirst(request))
        const request = { ...query, afterSeq: seq }
        const page = groupBy === 'delivery' ? await deliveries.pageByDeliveryOldestFirst(request, oldestFirst) : await oldestFirst(request)
        return { items: page.items, nextCursor: page.nextAfterSeq === null ? null : String(page.nextAfterSeq) }
      }
      const request = { ...query, beforeSeq: seq }
      const newestFirst = async (page: CapturePageQuery) => ({ ...(await runStorage(() => store.pageOnly(page))), total: 0 })
      const page = groupBy === 'delivery' ? await deliveries.pageByDelivery(request, newestFirst) : await newestFirst(request)
      return { items: page.items, nextCursor: page.nextBeforeSeq === null ? null : String(page.nextBeforeSeq) }
    },
    async countCaptures({ endpointId, filter }) {
      if (endpointId !== undefined) requireEndpoint(endpointId)
      return { total: await runStorage(() => store.countMatching(endpointId, filter)) }
    },
    getDelivery: (input) => deliveries.getDelivery(input),
    diffCaptures: (input) => deliveries.diffCaptures(input),
    async getCapture({ id }) {
      if (!store.has(id)) throw new InspectorError('NOT_FOUND', `no capture with id ${id}`)
      try {
        const capture = await store.load(id)
        const body = await runStorage(() => store.readBody(id))
        return toCaptureDetail(capture, body, capture.outcome === 'refused' ? null : context.judge(capture, body))
      } catch (error: unknown) {
        // Damaged bytes are reported as such, never shown as the body.
        if (!(error instanceof DamagedCaptureError)) throw error
        return toDamagedCaptureDetail(await findCapture(id), await store.load(id).catch(() => null), error.reason)
      }
    },
    async deleteCapture({ id }) {
      await findCapture(id)
      await deleteStored([id])
      return { deleted: true }
    },
    async deleteCaptures({ ids }) {
      // Ids no longer stored (deleted meanwhile) are skipped: `deletedCount` says what happened.
      return { deletedCount: (await deleteStored(ids)).length }
    },
    async getAnswerConfig({ endpointId }) {
      return answerConfigView(endpoints.get(endpointId))
    },
    async setAnswerConfig({ endpointId, config }) {
      const current = endpoints.get(endpointId).answerConfig ?? DEFAULT_ANSWER_CONFIG
      // A partial change (only `rules`, say) keeps the other parts.
      const endpoint = await endpoints.configure(endpointId, { answerConfig: parseAnswerConfig(applyAnswerConfigChange(current, config)) })
      events.publish({ type: 'endpoints-changed' })
      return answerConfigView(endpoint)
    },
    async previewAnswerWarnings({ endpointId, config }) {
      const endpoint = endpoints.get(endpointId)
      // Read exactly as setAnswerConfig would read it, so the preview is what Save would store.
      const draft = parseAnswerConfig(applyAnswerConfigChange(endpoint.answerConfig ?? DEFAULT_ANSWER_CONFIG, config))
      return { endpointId, ...answerWarningsView(draft, await answerWarningsBasis(endpoint)) }
    },
    async resetAnswerSequence({ endpointId }) {
      requireEndpoint(endpointId)
      context.sequences.reset(endpointId)
      return { reset: true }
    },
    async getProviderSettings({ endpointId }) {
      return providerSettingsView(endpoints.get(endpointId))
    },
    async setProviderSettings({ endpointId, ...change }) {
      const current = endpoints.get(endpointId).providerSettings ?? DEFAULT_PROVIDER_SETTINGS
      const next = {
        pinnedProvider: change.pinnedProvider === undefined ? current.pinnedProvider : change.pinnedProvider,
        signedPath: change.signedPath ?? current.signedPath,
        toleranceSeconds: change.toleranceSeconds === undefined ? current.toleranceSeconds : change.toleranceSeconds,
      }
      const endpoint = await endpoints.configure(endpointId, { providerSettings: next })
      await reanalyze(endpointId)
      return providerSettingsView(endpoint)
    },
    async addKey({ endpointId, key }) {
      const endpoint = endpoints.get(endpointId)
      const validation = validateKey(key)
      if (!validation.ok) throw new InspectorError('BAD_REQUEST', validation.message)
      await context.keys.add(endpointId, validation.key)
      await reanalyze(endpointId)
      return { ...providerSettingsView(endpoint), warnings: validation.warnings }
    },
    async removeKey({ endpointId, keyId }) {
      const endpoint = endpoints.get(endpointId)
      await context.keys.remove(endpointId, keyId)
      await reanalyze(endpointId)
      return providerSettingsView(endpoint)
    },
    previewReplay: (input) => context.replays.preview(input),
    replayCapture: (input) => context.replays.replay(input),
    async listReplays({ captureId }) {
      await findCapture(captureId)
      return context.replays.history(captureId)
    },
    async startBulkReplay({ captureIds, endpointId, filter, ...options }) {
      let ids: string[]
      if (endpointId !== undefined) {
        requireEndpoint(endpointId)
        ids = await runStorage(() => store.ids(endpointId, filter))
        if (ids.length === 0) {
          throw new InspectorError(
            'BAD_REQUEST',
            filter === undefined ? 'this endpoint has no captures to replay' : 'no capture of this endpoint matches the filter',
          )
        }
      } else ids = [...new Set(captureIds)]
      // The replay service sends them in capture order, however the selection was listed.
      return context.replays.startBulk({ ...options, captures: await Promise.all(ids.map(findCapture)) })
    },
    async exportCaptures({ captureIds, endpointId, filter, format, redact, redactPersonalData, delivery }) {
      let ids: string[]
      if (endpointId !== undefined) {
        requireEndpoint(endpointId)
        ids = await runStorage(() => store.ids(endpointId, filter))
        if (ids.length === 0) {
          throw new InspectorError(
            'BAD_REQUEST',
            filter === undefined ? 'this endpoint has no captures to export' : 'no capture of this endpoint matches the filter',
          )
        }
      } else {
        ids = [...new Set(captureIds)]
        for (const id of ids) await findCapture(id)
      }
      return context.exchange.exportCaptures({
        ids,
        format,
        redact: redact ?? false,
        redactPersonalData: redactPersonalData ?? false,
        delivery: delivery ?? 'inline',
      })
    },
    readExportPiece: async ({ exportId, index }) => context.exchange.readExportPiece(exportId, index),
    importCaptures: ({ format, ...input }) => context.exchange.importCaptures({ ...input, format: format ?? 'auto' }),
    getBulkReplay: async ({ jobId }) => context.replays.bulkJob(jobId),
    cancelBulkReplay: async ({ jobId }) => context.replays.cancelBulk(jobId),
    async getForwardConfig({ endpointId }) {
      return forwardView(endpoints.get(endpointId))
    },
    async setForwardConfig({ endpointId, config }) {
      requireEndpoint(endpointId)
      const loop = config === null ? null : ownReceiverProblem(new URL(config.targetUrl), context.ownReceiver)
      if (loop !== null) throw new InspectorError('BAD_REQUEST', loop)
      const endpoint = await endpoints.configure(endpointId, { forward: config })
      events.publish({ type: 'endpoints-changed' })
      return forwardView(endpoint)
    },
    listSimulatorTemplates: () => context.replays.templates(),
    async simulateCallback({ useKeysOf, ...input }) {
      if (input.keys === undefined && useKeysOf !== undefined) requireEndpoint(useKeysOf)
      const keys = input.keys ?? (useKeysOf === undefined ? [] : context.keys.keysFor(useKeysOf))
      return context.replays.simulate(input, keys)
    },
    async getTunnel() {
      return tunnelView()
    },
    async setTunnelSettings(change) {
      await context.tunnel.updateSettings(change)
      return tunnelView()
    },
    async startTunnel() {
      await context.tunnel.start()
      return tunnelView()
    },
    async stopTunnel() {
      await context.tunnel.stop()
      return tunnelView()
    },
    async checkPublicUrl({ endpointId, provider, url }) {
      const endpoint = endpoints.get(endpointId)
      const publicBase = context.tunnel.publicUrl()
      const target = url ?? (publicBase === null ? null : `${publicBase}/${endpoint.slug}`)
      if (target === null) throw new InspectorError('BAD_REQUEST', 'the tunnel is not online: start it, or pass the public URL to check')
      return { url: target, checks: preflightPublicUrl(target, provider) }
    },
    async clearEndpoint({ id, includePinned }) {
      requireEndpoint(id)
      const doomed = await runStorage(() => store.deleteByEndpoint(id, { includePinned }))
      await runStorage(() => context.history.deleteFor(doomed))
      const deletedCount = doomed.length
      // Pinned captures kept: the views drop exactly the deleted ones, not the whole endpoint.
      if (store.count(id) === 0) events.publish({ type: 'endpoint-cleared', endpointId: id })
      else for (const capture of doomed) events.publish({ type: 'capture-deleted', id: capture.id, endpointId: id })
      return { deletedCount }
    },
    async setCaptureNote({ id, note }) {
      await findCapture(id)
      // A blank note is no note.
      const capture = await runStorage(() => store.annotate(id, { note: note === null || note.trim() === '' ? null : note }))
      events.publish({ type: 'capture-updated', capture })
      return capture
    },
    getStorageSettings: async () => context.storageSettings.view(),
    setStorageSettings: (change) => runStorage(() => context.storageSettings.update(change)),
    async setCapturePinned({ id, pinned }) {
      await findCapture(id)
      const capture = await runStorage(() => store.annotate(id, { pinned }))
      events.publish({ type: 'capture-updated', capture })
      return capture
    },
  }
}

/** Storage failures reach callers as STORAGE_FAILED with the reason, not as INTERNAL. */
async function runStorage<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (error: unknown) {
    if (error instanceof InspectorError) throw error
    throw new InspectorError('STORAGE_FAILED', errorMessage(error))
  }
}
