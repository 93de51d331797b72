import { useMemo, useState } from 'react'
import type { CaptureDetail as CaptureDetailData, Endpoint } from '@shared/views'
import { headerValue } from '@shared/http-message'
import { ApiCallError } from '../../api/api-client'
import { preparedBodiesOf } from '../../api/capture-detail-loader'
import { useCaptureDetail } from '../../api/queries'
import { CopyButton } from '../../components/copy-button'
import { DetailSection } from '../../components/detail-section'
import { base64ToBytes } from '../../lib/bytes'
import { formatBytes, formatDuration, formatExactBytes, formatFullTime } from '../../lib/format'
import { answerLongLabel, answerReason, answerStatusClass } from '../../lib/answer'
import { reasonPhrase } from '../../lib/http-status'
import { CompareWithButton } from '../compare/compare-buttons'
import { DeliveryFacts } from '../deliveries/delivery-facts'
import { BraintreePayload } from '../providers/braintree-payload'
import { RecognitionPanels } from '../providers/recognition-panels'
import { ReplayHistory, ResendButton } from '../replay/entry-points'
import { ForwardFact } from '../replay/forward-mark'
import { AnswerFactLabel, AnswerProgressNote, ResponseProgressNote } from './answer-progress-note'
import { BodyViewer } from './body-viewer'
import { curlForCapture, curlLeavesOut } from './capture-copy'
import { HeadersTable } from './headers-table'
import { ARRIVAL_NOT_KNOWN } from './import-time-text'
import { CaptureNote, PinToggle } from '../exchange/capture-annotations'
import { ChangedBeforeExportNotice, ChangedBodyLine } from '../exchange/changed-before-export-notice'
import { ExportCaptureButton } from '../exchange/exchange-buttons'
import { revealHidden } from '../../components/revealed-text'

interface CaptureDetailProps {
  captureId: string
  endpointFor: (endpointId: string) => Endpoint | undefined
  onDelete: (id: string) => void
  isDeleting: boolean
}

export function CaptureDetail({ captureId, endpointFor, onDelete, isDeleting }: CaptureDetailProps) {
  const { data, error, isPending } = useCaptureDetail(captureId)
  if (isPending) {
    return (
      <div className="detail-placeholder" data-testid="capture-detail-loading">
        Loading capture…
      </div>
    )
  }
  if (error) {
    const isGone = error instanceof ApiCallError && error.code === 'NOT_FOUND'
    return (
      <div className="detail-placeholder" data-testid="capture-detail-error">
        {isGone ? 'This capture no longer exists.' : `Could not load this capture: ${error.message}`}
      </div>
    )
  }
  return <LoadedCapture capture={data} endpoint={endpointFor(data.endpointId)} onDelete={onDelete} isDeleting={isDeleting} />
}

interface LoadedCaptureProps {
  capture: CaptureDetailData
  endpoint: Endpoint | undefined
  onDelete: (id: string) => void
  isDeleting: boolean
}

function LoadedCapture({ capture, endpoint, onDelete, isDeleting }: LoadedCaptureProps) {
  const { request, response } = capture
  // Decoded off the UI thread when the capture was loaded; decoded here only if it was not.
  const prepared = preparedBodiesOf(capture)
  const body = useMemo(() => prepared?.request.bytes ?? base64ToBytes(request.bodyBase64), [prepared, request.bodyBase64])
  const responseBody = useMemo(() => prepared?.response.bytes ?? base64ToBytes(capture.responseBodyBase64), [prepared, capture.responseBodyBase64])
  const contentType = headerValue(request.headers, 'content-type') ?? null
  const contentEncoding = headerValue(request.headers, 'content-encoding') ?? null
  const responseType = headerValue(response.headers, 'content-type') ?? null
  const isRefused = capture.outcome === 'refused'

  const curl = () => curlForCapture(capture, endpoint, body)
  // Said once copied, as a resend says it before sending: the command does not send the trailer fields.
  const curlLeftOut = curlLeavesOut(capture)
  const [copiedCurlOf, setCopiedCurlOf] = useState<string | null>(null)

  return (
    <article className="capture-detail" data-testid="capture-detail" data-capture-id={capture.id}>
      <header className="detail-header">
        <div className="request-line wire" data-testid="detail-request-line">
          <span className={`method method-${request.method.toLowerCase()}`}>{request.method}</span>{' '}
          <span className="request-target">{revealHidden(request.target)}</span>{' '}
          <span className="muted" data-testid="detail-http-version">
            HTTP/{request.httpVersion}
          </span>
        </div>
        <div className="detail-actions">
          <ResendButton capture={capture} />
          <CompareWithButton capture={capture} />
          <PinToggle capture={capture} />
          <ExportCaptureButton captureId={capture.id} />
          <CopyButton
            text={curl}
            label="Copy as curl"
            title={curlLeftOut === null ? undefined : `Copy as curl: ${curlLeftOut}`}
            testId="copy-curl"
            onCopied={() => setCopiedCurlOf(capture.id)}
          />
          <button
            type="button"
            className="button button-small button-danger-quiet"
            onClick={() => onDelete(capture.id)}
            disabled={isDeleting}
            data-testid="delete-capture"
          >
            Delete
          </button>
        </div>
      </header>
      {curlLeftOut !== null && copiedCurlOf === capture.id && (
        <p className="notice notice-warning" role="status" data-testid="copy-curl-left-out">
          Copied as curl: {curlLeftOut}.
        </p>
      )}

      <CaptureNote capture={capture} />

      {isRefused && capture.refusal && (
        <div className="notice notice-danger" data-testid="detail-refusal">
          <strong>
            Refused with {capture.refusal.status} {reasonPhrase(capture.refusal.status)}:
          </strong>{' '}
          {capture.refusal.reason}
          <dl className="inline-facts">
            <dt>Declared size</dt>
            <dd>{capture.refusal.declaredSize === null ? 'not declared' : formatExactBytes(capture.refusal.declaredSize)}</dd>
            <dt>Bytes received</dt>
            <dd>{formatExactBytes(capture.refusal.receivedBytes)}</dd>
          </dl>
        </div>
      )}

      <ChangedBeforeExportNotice capture={capture} />
      <RecognitionPanels
        analysis={capture.analysis}
        endpoint={endpoint}
        isImported={capture.origin === 'imported'}
        isArrivalUnknown={capture.receivedAtIsImportTime === true}
      />

      <dl className="facts" data-testid="detail-facts">
        {capture.receivedAtIsImportTime ? (
          // Its source (a curl command, a pasted message) does not say when it was received: the time is the import's.
          <>
            <dt>Imported</dt>
            <dd data-testid="detail-imported-time">
              {formatFullTime(capture.receivedAt)}
              {capture.importedFrom ? <> from {revealHidden(capture.importedFrom)}</> : ''}
              <span className="muted"> · {ARRIVAL_NOT_KNOWN}</span>
            </dd>
          </>
        ) : (
          <>
            <dt>Received</dt>
            <dd>{formatFullTime(capture.receivedAt)}</dd>
          </>
        )}
        {/* A pasted or curl import records neither: "0.00 ms" and a blank read as measured. */}
        <dt>Duration</dt>
        <dd>
          {capture.origin === 'imported' && capture.durationMs === 0 ? (
            <span className="muted">not recorded (imported)</span>
          ) : (
            formatDuration(capture.durationMs)
          )}
        </dd>
        <dt>From</dt>
        <dd className="wire">{capture.remoteAddress === '' ? <span className="muted">not recorded</span> : capture.remoteAddress}</dd>
        <dt>Endpoint</dt>
        <dd>{endpoint ? `${endpoint.name} (/${endpoint.slug})` : capture.endpointId}</dd>
        <dt>Body size</dt>
        <dd data-testid="detail-body-size">
          {isRefused ? (
            // The refusal above says how many bytes came; "0 bytes" and the hash of nothing read as the body's.
            <span className="muted">not stored (refused)</span>
          ) : (
            <>
              {formatExactBytes(capture.bodySize)}
              {capture.bodySize >= 1024 && <span className="muted"> ({formatBytes(capture.bodySize)})</span>}
            </>
          )}
        </dd>
        {!isRefused && (
          <>
            <dt>SHA-256</dt>
            <dd className="wire hash" data-testid="detail-body-sha256">
              {request.bodySha256}
            </dd>
          </>
        )}
        <AnswerFactLabel capture={capture} />
        <dd data-testid="detail-answered">
          <span className={`status ${answerStatusClass(response)}`}>{answerLongLabel(response)}</span>
          <span className="muted">
            {' '}
            · <span data-testid="detail-answer-choice">{answerReason(response)}</span>
            {response.delayMs > 0 && <span data-testid="detail-answer-delay">{` · delayed ${formatDuration(response.delayMs)}`}</span>}
          </span>
          <AnswerProgressNote capture={capture} />
        </dd>
        <ForwardFact forward={capture.forward} receivedAt={capture.receivedAt} />
        <DeliveryFacts captureId={capture.id} />
      </dl>

      <DetailSection
        title="Request headers"
        aside={
          request.trailers.length > 0
            ? `${request.headers.length} + ${request.trailers.length} trailer${request.trailers.length === 1 ? '' : 's'}`
            : request.headers.length
        }
        testId="detail-headers"
      >
        <HeadersTable headers={request.headers} testId="request-headers" />
        {request.trailers.length > 0 && (
          <>
            <p className="muted">Trailers, sent after the body:</p>
            <HeadersTable headers={request.trailers} testId="request-trailers" />
          </>
        )}
      </DetailSection>

      <DetailSection
        title="Request body"
        aside={`${capture.damage !== null ? `${formatExactBytes(capture.bodySize)} (damaged)` : formatExactBytes(body.length)}${contentType ? ` · ${contentType}` : ''}${contentEncoding ? ` · ${contentEncoding}` : ''}`}
        testId="detail-body"
      >
        {capture.damage !== null ? (
          <p className="notice notice-danger" role="alert" data-testid="capture-damaged">
            Damaged on disk: {capture.damage}. The stored bytes are not shown, copied or sent.
          </p>
        ) : isRefused && body.length === 0 ? (
          <p className="muted">The body was not stored: the request was refused.</p>
        ) : (
          <>
            {isRefused && <p className="notice notice-warning">Only the bytes read before refusing are shown.</p>}
            <ChangedBodyLine capture={capture} />
            <BodyViewer
              key={capture.id}
              bytes={body}
              prepared={prepared?.request}
              contentType={contentType}
              contentEncoding={contentEncoding}
              testId="request-body"
              downloadName={`capture-${capture.id}-request`}
            />
          </>
        )}
      </DetailSection>

      {capture.analysis?.provider.id === 'braintree' && capture.damage === null && <BraintreePayload body={body} captureId={capture.id} />}

      <DetailSection
        title="Response"
        aside={<span className={`status ${answerStatusClass(response)}`}>{answerLongLabel(response)}</span>}
        testId="detail-response"
      >
        <p className="response-line wire" data-testid="response-status">
          {answerLongLabel(response)}
          <ResponseProgressNote capture={capture} />
          <span className="muted"> · body {formatExactBytes(response.bodySize)}</span>
        </p>
        {response.status !== null && (
          <>
            <HeadersTable headers={response.headers} testId="response-headers" />
            <div className="response-body">
              <BodyViewer
                key={capture.id}
                bytes={responseBody}
                prepared={prepared?.response}
                contentType={responseType}
                contentEncoding={headerValue(response.headers, 'content-encoding') ?? null}
                testId="response-body"
                downloadName={`capture-${capture.id}-response`}
              />
            </div>
          </>
        )}
      </DetailSection>

      {!isRefused && <ReplayHistory captureId={capture.id} />}
    </article>
  )
}
