/**
 * The list view of a stored capture (everything but the body bytes). The store pages, finds and
 * annotates captures as these summaries, so the mapping from its record sits with it; the detail
 * view built on top of it is in core/capture-views.ts.
 */
import type { CaptureSummary } from '../../shared/views'
import { headerValue } from '../../shared/http-message'
import { deliveryKeyOf } from '../deliveries/delivery-key'
import type { LoggedCapture } from './persisted-schema'

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
    refusal: capture.refusal,
    recognition: capture.recognition,
    response: {
      kind: capture.response.kind,
      status: capture.response.status,
      headers: capture.response.headers,
      bodySize: Buffer.byteLength(capture.response.bodyBase64, 'base64'),
      delayMs: capture.response.delayMs,
      chosenBy: capture.response.chosenBy,
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
