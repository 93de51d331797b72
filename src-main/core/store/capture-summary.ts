/**
 * The list view of a stored capture (everything but the body bytes). The store pages, finds and
 * annotates captures as these summaries, so the mapping from its record sits with it; the detail
 * view built on top of it is in core/capture-views.ts.
 */
import type { CaptureSummary } from '../../shared/views'
import { headerValue } from '../../shared/http-message'
import { refusalReasonToShow } from '../../shared/refusal-reasons'
import { deliveryKeyOf } from '../deliveries/delivery-key'
import type { LoggedCapture } from './persisted-schema'
import { providerJudgement } from '../responses/provider-acknowledgements'

/**
 * An acknowledgement is a short text (IXOPAY's `OK`, Adyen's `[accepted]`, a Plexo signed
 * response): the provider's judge reads at most this much of the answer's body (base64
 * characters), so a large configured answer is not decoded for every listed capture.
 */
const JUDGED_BODY_BASE64 = 64 * 1024

/** How the recognised provider takes the HTTP answer this capture was given, and why unless it is a success (`AnswerRecord.providerTakesItAs`, `providerExplains`). */
function providerTakesItAs(capture: LoggedCapture): Pick<CaptureSummary['response'], 'providerTakesItAs' | 'providerExplains'> {
  const { response, recognition } = capture
  // Only an answer the receiver sent itself: a relayed forward answer is the target's, not ours to judge here.
  if (response.kind !== 'respond' || response.status === null || recognition === null || response.chosenBy.kind === 'forward') return {}
  const judgement = providerJudgement(recognition.provider.id, recognition.provider.variant, {
    status: response.status,
    bodyText: Buffer.from(response.bodyBase64.slice(0, JUDGED_BODY_BASE64), 'base64').toString('utf8'),
    delayMs: response.delayMs,
  })
  if (judgement === null) return {}
  return judgement.explanation === null
    ? { providerTakesItAs: judgement.judgement }
    : { providerTakesItAs: judgement.judgement, providerExplains: judgement.explanation }
}

/**
 * Works on the record as logged (the frame location is not part of the list view). `deliveryKey`:
 * the capture's key when the caller already computed it (the capture pipeline), else derived here.
 */
export function toCaptureSummary(capture: LoggedCapture, deliveryKey?: string): CaptureSummary {
  return {
    id: capture.id,
    seq: capture.seq,
    endpointId: capture.endpointId,
    receivedAt: capture.receivedAt,
    durationMs: capture.durationMs,
    method: capture.method,
    target: capture.target,
    remoteAddress: capture.remoteAddress,
    contentType: headerValue(capture.headers, 'content-type') ?? null,
    bodySize: capture.body.size,
    outcome: capture.outcome,
    // An earlier version's raw byte count in today's words; the record keeps what it says.
    refusal: capture.refusal === null ? null : { ...capture.refusal, reason: refusalReasonToShow(capture.refusal.reason) },
    recognition: capture.recognition,
    response: {
      kind: capture.response.kind,
      status: capture.response.status,
      headers: capture.response.headers,
      bodySize: Buffer.byteLength(capture.response.bodyBase64, 'base64'),
      delayMs: capture.response.delayMs,
      chosenBy: capture.response.chosenBy,
      ...providerTakesItAs(capture),
    },
    origin: capture.origin ?? 'received',
    importedFrom: capture.importedFrom ?? null,
    receivedAtIsImportTime: isArrivalUnknown(capture),
    ...(capture.changedBeforeExport ? { changedBeforeExport: capture.changedBeforeExport } : {}),
    note: capture.note ?? null,
    pinned: capture.pinned ?? false,
    senderLeftAt: capture.senderLeftAt ?? null,
    appStoppedAt: capture.appStoppedAt ?? null,
    forward: capture.forward ?? null,
    deliveryKey: deliveryKey ?? deliveryKeyOf(capture),
    damage: null,
  }
}

/**
 * A capture imported before `receivedAtIsImportTime` was kept, from a format that never records
 * when a request arrived (curl, raw HTTP, a pasted body: `importSourceOf` names them first in
 * `importedFrom`): its `receivedAt` is the import time too. HAR and bundle entries usually carry
 * their time, so those are not guessed.
 */
export function isTimelessImport(capture: { origin?: LoggedCapture['origin'] | undefined; importedFrom?: string | null | undefined }): boolean {
  return capture.origin === 'imported' && typeof capture.importedFrom === 'string' && /^(?:pasted )?(?:curl|raw HTTP|body)\b/.test(capture.importedFrom)
}

/** Whether a capture's `receivedAt` is when it was imported, not when it arrived (its source recorded no time). */
export function isArrivalUnknown(capture: {
  receivedAtIsImportTime?: boolean | undefined
  origin?: LoggedCapture['origin'] | undefined
  importedFrom?: string | null | undefined
}): boolean {
  return capture.receivedAtIsImportTime === true || isTimelessImport(capture)
}
