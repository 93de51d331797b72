/**
 * Judging a delivery for the endpoint it arrived at: recognition and verification
 * (`recognition.ts`) with that endpoint's provider settings and keys, plus the PayPal certificate
 * the app fetched for it, if any. Every path that judges (the receiver, opening a capture,
 * re-analysing after a key change, imports) goes through `judge`, so they all see the same keys.
 *
 * PayPal names its signing certificate in the callback (`PAYPAL-CERT-URL`). When the endpoint has
 * none configured, the capture is stored as `no-key` first (a request is never held for a fetch),
 * and `recheckPaypalCapture` fetches the certificate and judges the capture again, once it is there.
 */
import type { InspectorEvent } from '../shared/contract'
import type { DeliveryAnalysis, PinnableProviderId } from '../shared/providers'
import type { EndpointRegistry } from './endpoints'
import type { EventBus } from './event-bus'
import type { KeyStore } from './keys/key-store'
import type { Logger } from './logger'
import type { PaypalCertificates } from './paypal-certificates'
import { DEFAULT_PROVIDER_SETTINGS, judgeDelivery, toRecognition, type DeliveryToJudge } from './recognition'
import type { CaptureStore } from './store/capture-store'
import { isArrivalUnknown } from './store/capture-summary'
import { headersRemovedOnExport } from '../shared/changed-before-export'
import type { StoredCapture } from './store/persisted-schema'

export interface DeliveryJudgeDeps {
  endpoints: Pick<EndpointRegistry, 'find'>
  keys: Pick<KeyStore, 'keysFor'>
  paypalCertificates: PaypalCertificates
  /** Where a re-judged PayPal capture's body is read and its new recognition written. */
  store: Pick<CaptureStore, 'readBody' | 'updateRecognitions'>
  events: Pick<EventBus<InspectorEvent>, 'publish'>
  logger: Logger
}

/** A stored capture, as much of it as judging needs (its body is read separately). */
export type CaptureToJudge = Pick<
  StoredCapture,
  'endpointId' | 'method' | 'target' | 'headers' | 'receivedAt' | 'importedAs' | 'receivedAtIsImportTime' | 'origin' | 'importedFrom' | 'changedBeforeExport'
>

/** Plain functions (no `this`), so the composition root can hand them around on their own. */
export interface DeliveryJudge {
  /**
   * `full: false` when the caller keeps only the recognition (`toRecognition`: the capture path,
   * re-analysis, imports): the generic field listing of an unknown sender, which only an opened
   * capture shows, is not built (it doubles the work of judging such a body). `asProvider`:
   * recognise as this provider whatever the endpoint says (an imported body the user labelled).
   */
  judge: (endpointId: string, delivery: DeliveryToJudge, full?: boolean, asProvider?: PinnableProviderId) => DeliveryAnalysis
  /**
   * A stored capture judged again, as of its arrival, with its endpoint's current settings and
   * keys: `full` as for `judge` (`false` to re-analyse after a key or setting change, `true` to
   * open it). Hand this function itself to a caller, so `full` always reaches it.
   */
  judgeCapture: (capture: CaptureToJudge, body: Buffer, full?: boolean) => DeliveryAnalysis
  /**
   * For a capture just stored: when it is a PayPal callback judged `no-key`, fetches the certificate
   * it names (only with a webhook id, only from PayPal's certificate location; see
   * paypal-certificates.ts), then judges it again, stores the new recognition and publishes
   * `captures-reanalyzed`. Callers do not wait for it (the certificate may take seconds); the
   * promise, for tests, settles when it is done and never rejects: a failure is logged.
   */
  recheckPaypalCapture: (stored: StoredCapture) => Promise<void>
}

export function createDeliveryJudge(deps: DeliveryJudgeDeps): DeliveryJudge {
  const { endpoints, keys, paypalCertificates } = deps

  function judge(endpointId: string, delivery: DeliveryToJudge, full = true, asProvider?: PinnableProviderId): DeliveryAnalysis {
    const endpoint = endpoints.find(endpointId)
    const fetched = paypalCertificates.keyFor(delivery.headers)
    const endpointKeys = keys.keysFor(endpointId)
    const settings = endpoint?.providerSettings ?? DEFAULT_PROVIDER_SETTINGS
    const analysis = judgeDelivery(
      delivery,
      asProvider ? { ...settings, pinnedProvider: asProvider } : settings,
      fetched ? [...endpointKeys, fetched] : endpointKeys,
      full,
    )
    const certificateProblem =
      analysis.provider.id === 'paypal' && analysis.verdict.status === 'no-key' ? paypalCertificates.problemFor(delivery.headers) : null
    if (certificateProblem) analysis.explanation.notes.push(`The certificate at PAYPAL-CERT-URL was not used: ${certificateProblem}.`)
    return analysis
  }

  function judgeCapture(capture: CaptureToJudge, body: Buffer, full = true): DeliveryAnalysis {
    const { method, target, headers } = capture
    // An imported body the user said came from a provider is judged as that provider again, as its import was.
    const delivery = {
      method,
      target,
      headers,
      body,
      receivedAt: new Date(capture.receivedAt),
      arrivalUnknown: isArrivalUnknown(capture),
      removedOnExport: headersRemovedOnExport(capture.changedBeforeExport),
    }
    return judge(capture.endpointId, delivery, full, capture.importedAs)
  }

  return {
    judge,
    judgeCapture,
    recheckPaypalCapture(stored) {
      if (stored.recognition?.provider.id !== 'paypal' || stored.recognition.verdict.status !== 'no-key') return Promise.resolve()
      return paypalCertificates
        .fetchFor(stored.headers, keys.keysFor(stored.endpointId))
        .then(async (fetched) => {
          if (!fetched) return
          const body = await deps.store.readBody(stored.id)
          const recognition = toRecognition(judgeCapture(stored, body, false))
          await deps.store.updateRecognitions([{ id: stored.id, recognition }])
          deps.events.publish({ type: 'captures-reanalyzed', endpointId: stored.endpointId, count: 1 })
        })
        .catch((error: unknown) => deps.logger.error('could not re-verify a PayPal callback', { error: String(error) }))
    },
  }
}
