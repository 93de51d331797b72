/**
 * The inspector core: receiver, store, endpoints and events, in plain Node. The Electron shell and
 * the headless entry both start exactly this and only differ in how callers reach `procedures`
 * and `events` (IPC or HTTP).
 */
import { setMaxListeners } from 'node:events'
import { join } from 'node:path'
import type { InspectorEvent } from '../shared/contract'
import { createCapturePipeline } from './capture-pipeline'
import { createEndpointRegistry, DEFAULT_ENDPOINT, type EndpointRegistry } from './endpoints'
import { createEventBus, type EventBus } from './event-bus'
import type { Logger } from './logger'
import { createSequenceState } from './responses'
import { createReplayService } from './replay-service'
import { createReplayHistory } from './store/replay-history'
import { InspectorError } from '../shared/errors'
import { createHealthNonce, createTunnelService, type TunnelServiceDeps } from './tunnel/tunnel-service'
import { createProcedureHandlers, type ProcedureHandlers } from './procedures'
import { startReceiver } from './receiver/receiver'
import type { LogFileIo } from './store/log-file-io'
import { openKeyStore } from './keys/key-store'
import { filePermissionSealer, type SecretSealer } from './keys/secret-sealer'
import { toRecognition } from './recognition'
import { createDeliveryJudge } from './delivery-judge'
import { createPaypalCertificates, type PaypalCertificateDeps } from './paypal-certificates'
import { openCaptureStore } from './store/capture-store'
import { acquireDataDirLock } from './store/data-dir-lock'
import { makePrivateDir, tightenDataDir } from './store/private-files'
import { openSequenceCountersFile } from './store/sequence-counters-file'
import { openSettingsStore } from './store/settings-store'
import { StorageIssues } from './store/storage-issues'
import { createStorageSettings } from './store/storage-settings'
import type { DurabilityMode } from '../shared/storage-settings'
import { createStorageHealth } from './storage-health'
import { createExchangeService } from './exchange/exchange-service'
import { secretsOfKeys } from './exchange/key-secrets'
import { toCaptureSummary } from './store/capture-summary'

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
/** Loopback only: the receiver reaches the internet through the tunnel, never directly. */
export const LOOPBACK_HOST = '127.0.0.1'

export interface InspectorConfig {
  dataDir: string
  /** 0 picks a free port. */
  receiverPort: number
  maxBodyBytes?: number
  /** How long a callback's body may stop arriving before it is refused with 408 (default 30 s). */
  bodyIdleTimeoutMs?: number
  /** How long a request's headers may take before it is refused with 408 (default 30 s). */
  headersTimeoutMs?: number
  /** Body bytes the receiver holds at once before it answers 503 (default from `maxBodyBytes`, see receiver/body-budget.ts). */
  maxBodyBytesInFlight?: number
  version: string
  /** `--durability`: overrides the saved setting for this run. */
  durability?: DurabilityMode
}

export interface InspectorDeps {
  logger: Logger
  now?: () => Date
  /** For the answer failure rate; seeded in tests. */
  random?: () => number
  /** Opens and writes capture logs; tests inject a failing disk. */
  logIo?: LogFileIo
  /** Seals signing keys at rest: Electron's safeStorage on the desktop, file permissions headless. */
  sealer?: SecretSealer
  /** Fetching and trusting PayPal certificates (tests serve one, and its trust anchor, without network). */
  paypalCertificates?: Pick<PaypalCertificateDeps, 'fetch' | 'roots'>
  /** Tunnel supervisor overrides (tests shorten its intervals). */
  tunnel?: TunnelServiceDeps['supervisor']
}

export interface Inspector {
  readonly receiverUrl: string
  readonly procedures: ProcedureHandlers
  readonly events: Pick<EventBus<InspectorEvent>, 'subscribe'>
  stop(): Promise<void>
}

export async function startInspector(config: InspectorConfig, deps: InspectorDeps): Promise<Inspector> {
  const now = deps.now ?? (() => new Date())
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const quarantineDir = join(config.dataDir, 'unreadable')
  await makePrivateDir(config.dataDir)
  const releaseLock = await acquireDataDirLock(join(config.dataDir, 'inspector.lock'))
  // Installs made before files were private (0755 folders, 0644 files) are tightened.
  await tightenDataDir(config.dataDir)

  try {
    const events = createEventBus<InspectorEvent>((error) => deps.logger.error('event listener failed', { error: String(error) }))
    const settings = await openSettingsStore(join(config.dataDir, 'inspector.json'), quarantineDir, now)
    const savedStorage = settings.data.storage
    // Every data file found unreadable, in one list for the status (settings first, then captures, keys…).
    // Announced as found, so a view that read the status at start-up learns of a file found damaged since.
    const issues = new StorageIssues((issue) => events.publish({ type: 'storage-issue-found', issue }))
    issues.add(settings.issue)
    // The history keeps no record of a capture the store no longer has (a deleted capture's resend
    // finishing, or its journal line after a crash); not known until the store is open.
    const opened: { store?: { has(id: string): boolean; readonly durability: DurabilityMode } } = {}
    const history = createReplayHistory(join(config.dataDir, 'replays'), quarantineDir, now, (issue) => issues.add(issue), {
      captureExists: (id) => opened.store?.has(id),
      // The journal of sends in flight is synced as the captures are (a durability change applies at once).
      durability: () => opened.store?.durability ?? config.durability ?? savedStorage?.durability ?? 'sync',
    })
    const store = await openCaptureStore(
      {
        dir: join(config.dataDir, 'captures'),
        quarantineDir,
        durability: config.durability ?? savedStorage?.durability ?? 'sync',
        retention: savedStorage?.retention,
      },
      {
        now,
        logIo: deps.logIo,
        issues,
        // Retention deletes in the background: the resends of what it deleted go too, and the views are told, as for a delete.
        async retentionDeleted(deleted) {
          // The views first: the captures are gone from the store already, whatever becomes of their resends.
          for (const capture of deleted) events.publish({ type: 'capture-deleted', id: capture.id, endpointId: capture.endpointId })
          await history.deleteFor(deleted)
        },
      },
    )
    opened.store = store
    // The journal of sends a crash left in flight is read now, not at the first resend, so a damaged
    // one is in the status the UI reads once; failing here, it is tried again at the history's first use.
    await history.recover().catch((error: unknown) => deps.logger.error('could not read the journal of sends in flight', { error: String(error) }))
    const storageSettings = createStorageSettings(settings, store, config.durability ?? null)
    for (const issue of issues.snapshot()) deps.logger.warn('a data file was unreadable and was moved aside', { ...issue })

    const keys = await openKeyStore(config.dataDir, deps.sealer ?? filePermissionSealer, quarantineDir, now)
    issues.add(keys.issue)
    const endpoints = createEndpointRegistry(settings, now)
    const paypalCertificates = createPaypalCertificates({ logger: deps.logger, now, ...deps.paypalCertificates })
    const { judge, judgeCapture, recheckPaypalCapture } = createDeliveryJudge({ endpoints, keys, paypalCertificates, store, events, logger: deps.logger })
    if (settings.isFresh) await endpoints.create({ ...DEFAULT_ENDPOINT })
    await recoverOrphanEndpoints(endpoints, store.endpointIds())

    const shutdown = new AbortController()
    // Every forward, resend and simulation in flight listens for the app's stop through it (Node's
    // HTTP client adds one listener per request and removes it when done): more than ten at once is
    // normal, not a leak, and Node's MaxListenersExceededWarning said otherwise on every busy run.
    setMaxListeners(0, shutdown.signal)
    const health = createStorageHealth(events, deps.logger, now)
    const replays = createReplayService({
      events,
      logger: deps.logger,
      now,
      history,
      async capture(id) {
        const capture = await store.get(id)
        if (!capture) throw new InspectorError('NOT_FOUND', `no capture with id ${id}`)
        return capture
      },
      load: (id) => store.load(id),
      readBody: (id) => store.readBody(id),
      keysOf: (endpointId) => keys.keysFor(endpointId),
      async rememberTarget(endpointId, target) {
        const current = endpoints.find(endpointId)?.replayTarget
        if (current?.url !== target.url || current.keepCapturedPath !== target.keepCapturedPath) await endpoints.configure(endpointId, { replayTarget: target })
      },
      shutdown: shutdown.signal,
      // Read when a forward is sent, after the receiver and the tunnel have started.
      ownReceiver: { ports: () => [receiver.port], publicUrls: () => [tunnel.publicUrl()].filter((url) => url !== null) },
      endpoints,
    })
    const sequenceFile = await openSequenceCountersFile(join(config.dataDir, 'answer-sequences.json'), quarantineDir, now, deps.logger)
    issues.add(sequenceFile.issue)
    const sequences = createSequenceState({
      restored: sequenceFile.restored,
      onChange: () => sequenceFile.saveSoon(() => sequences.snapshot()),
    })
    const pipeline = createCapturePipeline({
      store,
      events,
      health,
      answerConfigOf: (endpointId) => endpoints.find(endpointId)?.answerConfig,
      judge: (request) => judge(request.endpointId, request, false),
      // Not awaited: the capture is answered without waiting for a certificate fetch.
      afterStored: (stored) => void recheckPaypalCapture(stored),
      forwardConfigOf: (endpointId) => endpoints.find(endpointId)?.forward,
      replays,
      sequences,
      random: deps.random ?? Math.random,
      shutdown: shutdown.signal,
      now,
    })
    const healthNonce = createHealthNonce()
    const receiver = await startReceiver(
      {
        host: LOOPBACK_HOST,
        port: config.receiverPort,
        maxBodyBytes,
        healthNonce,
        ...(config.bodyIdleTimeoutMs ? { bodyIdleTimeoutMs: config.bodyIdleTimeoutMs } : {}),
        ...(config.headersTimeoutMs ? { headersTimeoutMs: config.headersTimeoutMs } : {}),
        ...(config.maxBodyBytesInFlight ? { maxBodyBytesInFlight: config.maxBodyBytesInFlight } : {}),
      },
      {
        logger: deps.logger,
        now,
        resolveEndpoint: (slug) => endpoints.findBySlug(slug)?.id,
        handle: pipeline,
      },
    )
    const tunnel = createTunnelService(
      { receiverPort: receiver.port, healthNonce },
      {
        events,
        logger: deps.logger,
        loadSettings: () => settings.data.tunnel,
        async saveSettings(next) {
          settings.data.tunnel = next
          await settings.save()
        },
        loadMemory: () => settings.data.tunnelMemory,
        async saveMemory(memory) {
          if (memory === null) delete settings.data.tunnelMemory
          else settings.data.tunnelMemory = memory
          await settings.save()
        },
        supervisor: deps.tunnel,
      },
    )
    if (tunnel.settings().startWithApp) void tunnel.start()
    const exchange = createExchangeService({
      appVersion: config.version,
      receiverUrl: () => receiver.url,
      maxBodyBytes,
      now,
      endpoint: (id) => endpoints.get(id),
      loadCapture: (id) => store.load(id),
      readBody: (id) => store.readBody(id),
      resendsOf: (capture) => history.list(capture.seq, capture.id),
      addResend: (capture, record) => history.add(capture.seq, record),
      secretsOf: (endpointId) => secretsOfKeys(keys.keysFor(endpointId)),
      // Exactly the receiver's judging path: the endpoint's settings and keys, as of arrival.
      judge: (endpointId, delivery, asProvider) => toRecognition(judge(endpointId, delivery, false, asProvider)),
      append: (capture, body) => store.append(capture, body),
      imported(stored) {
        if (events.hasSubscribers()) events.publish({ type: 'capture-received', capture: toCaptureSummary(stored) })
      },
      progress: (progress) => events.publish({ type: 'import-progress', ...progress }),
    })
    const procedures = createProcedureHandlers({
      version: config.version,
      dataDir: config.dataDir,
      maxBodyBytes,
      receiverUrl: () => receiver.url,
      endpoints,
      store,
      issues,
      events,
      health,
      storageSettings,
      sequences,
      tunnel,
      keys,
      replays,
      history,
      ownReceiver: { ports: () => [receiver.port], publicUrls: () => [tunnel.publicUrl()].filter((url) => url !== null) },
      exchange,
      // The function itself: re-analysis asks for the recognition only (full = false), and a wrapper dropped that.
      judge: judgeCapture,
    })

    return {
      receiverUrl: receiver.url,
      procedures,
      events,
      async stop() {
        // Pending delays and hangs end now rather than holding the shutdown for minutes.
        shutdown.abort()
        await tunnel.stop()
        await receiver.stop()
        await sequenceFile.flush()
        await store.close()
        // A resend's or forward's record is listed before its document is written: it lands before the folder is let go of.
        await history.close()
        await releaseLock()
      },
    }
  } catch (error: unknown) {
    await releaseLock()
    throw error
  }
}

/**
 * Captures whose endpoint is unknown (the settings file was unreadable and moved aside) get an
 * endpoint again, so they stay visible instead of silently disappearing from every list.
 */
async function recoverOrphanEndpoints(endpoints: EndpointRegistry, endpointIds: string[]): Promise<void> {
  const known = new Set(endpoints.list().map((endpoint) => endpoint.id))
  const orphans = [...new Set(endpointIds)].filter((id) => !known.has(id))
  for (const id of orphans) {
    await endpoints.adopt({ id, name: `Recovered ${id.slice(0, 8)}`, slug: `recovered-${id.slice(0, 8).toLowerCase()}` })
  }
}
