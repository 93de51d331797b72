/** Turning stored captures into what the contract sends to callers. */
import type { CaptureDetail, CaptureSummary } from '../shared/views'
import { headerValue } from '../shared/http-message'
import type { DeliveryAnalysis } from '../shared/providers'
import { deliveryKeyOf } from './deliveries/delivery-key'
import type { LoggedCapture, StoredCapture } from './store/persisted-schema'

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
    note: capture.note ?? null,
    pinned: capture.pinned ?? false,
    senderLeftAt: capture.senderLeftAt ?? null,
    forward: capture.forward ?? null,
    deliveryKey: deliveryKey ?? deliveryKeyOf(capture),
    damage: null,
  }
}

export function toCaptureDetail(capture: StoredCapture, body: Buffer, analysis: DeliveryAnalysis | null): CaptureDetail {
  return {
    ...toCaptureSummary(capture),
    request: {
      method: capture.method,
      target: capture.target,
      httpVersion: capture.httpVersion,
      headers: capture.headers,
      bodyBase64: body.toString('base64'),
      bodySha256: capture.body.sha256,
    },
    responseBodyBase64: capture.response.bodyBase64,
    analysis,
  }
}

/**
 * The detail of a capture whose stored bytes failed their check: what is still known (the record,
 * when only the body is damaged), no body, and why.
 */
export function toDamagedCaptureDetail(summary: CaptureSummary, record: StoredCapture | null, damage: string): CaptureDetail {
  return {
    ...summary,
    ...(record ? toCaptureSummary(record) : {}),
    damage,
    request: {
      method: record?.method ?? summary.method,
      target: record?.target ?? summary.target,
      httpVersion: record?.httpVersion ?? '',
      headers: record?.headers ?? [],
      bodyBase64: '',
      bodySha256: record?.body.sha256 ?? '',
    },
    responseBodyBase64: record?.response.bodyBase64 ?? '',
    analysis: null,
  }
}
