/**
 * Turning stored captures into the detail view a caller opens: the record and its body, with the
 * analysis made now. The list view (`toCaptureSummary`) is the store's own, since the store pages
 * summaries.
 */
import type { CaptureDetail, CaptureSummary } from '../shared/views'
import type { DeliveryAnalysis } from '../shared/providers'
import { deliveryKeyFromBody, readsKeyFromBody } from './deliveries/delivery-key'
import { toCaptureSummary } from './store/capture-summary'
import type { StoredCapture } from './store/persisted-schema'

export function toCaptureDetail(capture: StoredCapture, body: Buffer, analysis: DeliveryAnalysis | null): CaptureDetail {
  const summary = toCaptureSummary(capture)
  return {
    ...summary,
    // A key of an earlier form is read again from the body, as the list and the Delivery view read it.
    deliveryKey: readsKeyFromBody(capture, summary.deliveryKey) ? deliveryKeyFromBody(capture, body) : summary.deliveryKey,
    request: {
      method: capture.method,
      target: capture.target,
      httpVersion: capture.httpVersion,
      headers: capture.headers,
      trailers: capture.trailers ?? [],
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
      trailers: record?.trailers ?? [],
      bodyBase64: '',
      bodySha256: record?.body.sha256 ?? '',
    },
    responseBodyBase64: record?.response.bodyBase64 ?? '',
    analysis: null,
  }
}
