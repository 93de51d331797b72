import { TargetUrlField, TimeoutSecondsField } from './replay-fields'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { ProcedureInput } from '@shared/contract'
import type { CaptureDetail } from '@shared/views'
import { headerValue } from '@shared/http-message'
import type { ReplayRecord } from '@shared/replay'
import { call } from '../../api/api-client'
import { useForwardConfig, useReplayCapture } from '../../api/queries'
import { preparedBodiesOf } from '../../api/capture-detail-loader'
import { base64ToBytes, decodeUtf8Strict, looksBinary } from '../../lib/bytes'
import { decodeBody } from '@shared/body-charset'
import { lineBreaksOf, withLineBreaks } from './line-breaks'
import { contentCodingsOf } from '../../lib/content-coding'
import { formatExactBytes } from '../../lib/format'
import { useDebouncedValue } from '../../lib/use-debounced-value'
import { describeInvalidTargetUrl } from '@shared/target-url'
import { originFormOf } from '@shared/target-text'
import { targetUrlExample } from './target-url-example'
import { describeInvalidTimeout, REPLAY_TIMEOUT_MS, SEND_TIMEOUT_MAX_MS, SEND_TIMEOUT_MIN_MS } from '@shared/replay-limits'
import { HTTP_TOKEN_PATTERN, MAX_METHOD_CHARS } from '@shared/answer-catalog'
import { ModalDialog } from '../../components/modal-dialog'
import { previewQueryKey } from './preview-query-key'
import { HeadersEditor, rowProblem, toPairs, toRows, type HeaderRow } from './headers-editor'
import { PrivateKeyField, privateKeyFor } from './private-key-field'
import { jsonProblem, looksLikeJson } from './replay-format'
import { ReplayOutcomeView } from './replay-outcome'
import { useSecondTicks } from '../captures/use-second-ticks'
import { ChangesView, DifferenceStatement, SentRequest } from './sent-request'

const PREVIEW_DEBOUNCE_MS = 250
/**
 * Bodies up to this size can be edited as text; a larger one is sent as captured. A textarea
 * holding a 1 MB body took 3 s of UI thread to open (10 MB: over a minute), and the JSON check
 * re-read the whole text on every render.
 */
const MAX_EDITABLE_BODY_BYTES = 256 * 1024

interface ResendDialogProps {
  capture: CaptureDetail
  onClose: () => void
}

/** Resend one capture: as captured or edited, optionally re-signed, with a preview of exactly what goes out. */
export function ResendDialog({ capture, onClose }: ResendDialogProps) {
  const { request } = capture
  const forward = useForwardConfig(capture.endpointId)
  const lastTarget = forward.data?.lastTarget ?? null
  const [targetDraft, setTargetDraft] = useState<string | null>(null)
  const [keepPathDraft, setKeepPathDraft] = useState<boolean | null>(null)
  const targetUrl = targetDraft ?? lastTarget?.url ?? ''
  const keepCapturedPath = keepPathDraft ?? lastTarget?.keepCapturedPath ?? false
  const [resign, setResign] = useState(false)
  const [privateKeyText, setPrivateKeyText] = useState('')
  const provider = capture.recognition?.provider.id ?? null
  const [mode, setMode] = useState<'as-captured' | 'edit'>('as-captured')
  const [method, setMethod] = useState(request.method)
  const [rows, setRows] = useState<HeaderRow[]>(() => toRows(request.headers))
  const original = useMemo(() => {
    // The bytes the capture loader decoded off the UI thread; decoded here only when it did not (a small body).
    const bytes = preparedBodiesOf(capture)?.request.bytes ?? base64ToBytes(request.bodyBase64)
    const none = { text: null, size: bytes.length, isTooLarge: false, otherCharset: null, compressed: null, lineBreaks: 'lf' as const }
    if (bytes.length > MAX_EDITABLE_BODY_BYTES) return { ...none, isTooLarge: true }
    const utf8 = decodeUtf8Strict(bytes)
    const text = utf8 !== null && !looksBinary(utf8) ? utf8 : null
    // Compressed (gzip JSON, say) is not binary: the editor only cannot compress what it writes.
    const codings = text === null ? contentCodingsOf(headerValue(request.headers, 'content-encoding') ?? null) : []
    if (codings.length > 0) return { ...none, compressed: codings.join(', ') }
    // Text in another charset (ISO-8859-1, UTF-16…) is not binary: the editor only cannot write it.
    const decoded = text === null ? decodeBody(bytes, headerValue(request.headers, 'content-type') ?? null) : null
    const otherCharset = decoded && decoded.encoding !== 'UTF-8' && decoded.text !== null && !looksBinary(decoded.text) ? decoded.encoding : null
    const lineBreaks = text === null ? 'lf' : lineBreaksOf(text)
    // Mixed line breaks: the textarea would make them all LF, so the body is sent as captured.
    if (lineBreaks === 'mixed') return { ...none, lineBreaks }
    return { ...none, text, otherCharset, lineBreaks }
  }, [capture, request.bodyBase64, request.headers])
  const [bodyText, setBodyText] = useState(original.text ?? '')
  const [timeoutSeconds, setTimeoutSeconds] = useState(String(REPLAY_TIMEOUT_MS / 1000))
  const [followRedirects, setFollowRedirects] = useState(false)
  const [result, setResult] = useState<ReplayRecord | null>(null)
  // The send on its way, shown where its answer will be: the history row saying so is behind this dialog.
  const [sending, setSending] = useState<{ url: string; startedAt: string; timeoutMs: number } | null>(null)
  // What the last send sent: once the form says otherwise, its answer belongs to another request.
  const [sentRequestKey, setSentRequestKey] = useState<string | null>(null)
  const replay = useReplayCapture()
  const resultRef = useRef<HTMLDivElement>(null)

  const contentType = headerValue(request.headers, 'content-type') ?? null
  const isEditing = mode === 'edit'
  const targetExample = targetUrlExample(provider)
  const targetProblem = describeInvalidTargetUrl(targetUrl, targetExample)
  const headerProblems = isEditing ? rows.map(rowProblem).filter((problem) => problem !== null) : []
  const methodProblem = isEditing && !(HTTP_TOKEN_PATTERN.test(method) && method.length <= MAX_METHOD_CHARS) ? 'a method is a token like POST' : null
  const bodyJsonProblem = useMemo(
    () => (isEditing && original.text !== null && looksLikeJson(contentType, bodyText) ? jsonProblem(bodyText) : null),
    [isEditing, original.text, contentType, bodyText],
  )
  const timeoutMs = Math.round(Number(timeoutSeconds) * 1000)
  const timeoutProblem = describeInvalidTimeout(timeoutMs, SEND_TIMEOUT_MIN_MS, SEND_TIMEOUT_MAX_MS)
  const canBuild = targetProblem === null && headerProblems.length === 0 && methodProblem === null

  const input = useMemo((): ProcedureInput<'previewReplay'> => {
    const edits: NonNullable<ProcedureInput<'previewReplay'>['edits']> = {}
    if (isEditing) {
      if (method !== request.method) edits.method = method
      const pairs = toPairs(rows)
      if (JSON.stringify(pairs) !== JSON.stringify(request.headers)) edits.headers = pairs
      // The textarea gives LF line breaks only: a CRLF body gets its own back.
      const sentText = original.lineBreaks === 'mixed' ? bodyText : withLineBreaks(bodyText, original.lineBreaks)
      if (original.text !== null && sentText !== original.text) edits.body = { encoding: 'utf8', text: sentText }
    }
    const privateKey = resign ? privateKeyFor(provider, privateKeyText) : null
    return {
      captureId: capture.id,
      targetUrl,
      keepCapturedPath,
      resign,
      ...(privateKey ? { privateKeys: [privateKey] } : {}),
      ...(Object.keys(edits).length > 0 ? { edits } : {}),
    }
  }, [
    isEditing,
    method,
    rows,
    bodyText,
    original.text,
    original.lineBreaks,
    request.method,
    request.headers,
    capture.id,
    targetUrl,
    keepCapturedPath,
    resign,
    provider,
    privateKeyText,
  ])

  const previewInput = useDebouncedValue(input, PREVIEW_DEBOUNCE_MS)
  // A pasted private key must not live on in the query cache (gcTime 0 below drops the entry too).
  const privateKeyNonce = useNonceFor(previewInput.privateKeys)
  const preview = useQuery({
    queryKey: previewQueryKey(previewInput, privateKeyNonce),
    queryFn: () => call('previewReplay', previewInput),
    enabled: canBuild && describeInvalidTargetUrl(previewInput.targetUrl) === null,
    placeholderData: keepPreviousData,
    retry: false,
    gcTime: 0,
  })

  useEffect(() => {
    if (result || sending) resultRef.current?.scrollIntoView({ block: 'nearest' })
  }, [result, sending])
  useSecondTicks(sending !== null)

  const requestKey = JSON.stringify([input, timeoutMs, followRedirects])
  const isAnswerOfAnEarlierRequest = sentRequestKey !== null && sentRequestKey !== requestKey

  function send(): void {
    if (!canBuild || timeoutProblem !== null || replay.isPending) return
    setSentRequestKey(requestKey)
    // The preview's URL is exactly the one requested (the kept path resolved), when it is of this very input.
    const url = previewInput === input && preview.data ? preview.data.sent.url : targetUrl
    setSending({ url, startedAt: new Date().toISOString(), timeoutMs })
    replay.mutate({ ...input, send: { timeoutMs, followRedirects } }, { onSuccess: setResult, onSettled: () => setSending(null) })
  }

  function resetEdits(): void {
    setMethod(request.method)
    setRows(toRows(request.headers))
    setBodyText(original.text ?? '')
  }

  return (
    <ModalDialog closeLink title="Resend capture" onClose={onClose} testId="resend-dialog" size="wide">
      <form
        className="resend-layout"
        onSubmit={(event) => {
          event.preventDefault()
          send()
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault()
            send()
          }
        }}
      >
        <div className="resend-form">
          <TargetUrlField
            value={targetUrl}
            problem={targetProblem}
            example={targetExample}
            hint={`Remembered for this endpoint. e.g. ${targetExample}`}
            testId="resend-target"
            onChange={setTargetDraft}
          />
          <label className="checkbox">
            <input type="checkbox" checked={keepCapturedPath} onChange={(event) => setKeepPathDraft(event.target.checked)} data-testid="resend-keep-path" />
            Keep the captured path and query <span className="muted wire">({pathBeyondSlug(request.target)})</span>
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={resign} onChange={(event) => setResign(event.target.checked)} data-testid="resend-resign" />
            Re-sign with this endpoint’s keys (fresh timestamp or Date)
          </label>
          {resign && <PrivateKeyField provider={provider} value={privateKeyText} onChange={setPrivateKeyText} />}
          <details className="replay-disclosure">
            <summary>Send options</summary>
            <div className="resend-options">
              <TimeoutSecondsField
                value={timeoutSeconds}
                problem={timeoutProblem}
                maxSeconds={SEND_TIMEOUT_MAX_MS / 1000}
                testId="resend-timeout"
                onChange={setTimeoutSeconds}
              />
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={followRedirects}
                  onChange={(event) => setFollowRedirects(event.target.checked)}
                  data-testid="resend-follow-redirects"
                />
                Follow redirects (off: a redirect is shown with its Location; credentials and signatures are never sent to another origin, and https is never
                followed to http)
              </label>
            </div>
          </details>

          <fieldset className="segmented" data-testid="resend-mode">
            <legend className="field-label">Request</legend>
            <label className={`segment ${!isEditing ? 'segment-active' : ''}`}>
              <input type="radio" name="resend-mode" checked={!isEditing} onChange={() => setMode('as-captured')} data-testid="resend-mode-captured" />
              As captured
            </label>
            <label className={`segment ${isEditing ? 'segment-active' : ''}`}>
              <input type="radio" name="resend-mode" checked={isEditing} onChange={() => setMode('edit')} data-testid="resend-mode-edit" />
              Edit
            </label>
          </fieldset>

          {isEditing && (
            <div className="resend-editor" data-testid="resend-editor">
              <label className="field field-inline">
                <span className="field-label">Method</span>
                <input
                  className="input wire input-narrow"
                  value={method}
                  spellCheck={false}
                  aria-invalid={methodProblem !== null}
                  onChange={(event) => setMethod(event.target.value.toUpperCase())}
                  data-testid="resend-method"
                />
                {methodProblem && <span className="field-error">{methodProblem}</span>}
              </label>
              <div className="field">
                <span className="field-label">Headers</span>
                <HeadersEditor rows={rows} onChange={setRows} />
                {headerProblems.map((problem, index) => (
                  <span key={index} className="field-error" data-testid="header-problem">
                    {problem}
                  </span>
                ))}
              </div>
              <label className="field">
                <span className="field-label">Body</span>
                {original.isTooLarge ? (
                  <span className="notice replay-small" data-testid="resend-body-too-large">
                    The body is {formatExactBytes(original.size)}: too large to edit here, it is sent as captured. Method and headers can still be edited.
                  </span>
                ) : original.text === null ? (
                  <span className="notice replay-small" data-testid="resend-body-not-editable">
                    {original.compressed !== null
                      ? `The body is ${original.compressed}-compressed (${formatExactBytes(original.size)}), which the editor cannot write: it is sent as captured. Method and headers can still be edited.`
                      : original.otherCharset !== null
                        ? `The body is ${original.otherCharset} text (${formatExactBytes(original.size)}) and the editor writes UTF-8: it is sent as captured. Method and headers can still be edited.`
                        : original.lineBreaks === 'mixed'
                          ? `The body mixes line breaks (CRLF, LF or a lone CR), which the editor would all make LF: it is sent as captured. Method and headers can still be edited.`
                          : `The body is binary (${formatExactBytes(original.size)}): it is sent as captured. Method and headers can still be edited.`}
                  </span>
                ) : (
                  <>
                    <textarea
                      className="input wire resend-body"
                      value={bodyText}
                      spellCheck={false}
                      rows={14}
                      aria-invalid={bodyJsonProblem !== null}
                      aria-describedby="resend-body-status"
                      onChange={(event) => setBodyText(event.target.value)}
                      data-testid="resend-body"
                    />
                    <span id="resend-body-status" className={bodyJsonProblem ? 'field-error' : 'field-hint'} role="status" data-testid="resend-body-status">
                      {bodyJsonProblem
                        ? `Not valid JSON: ${bodyJsonProblem}. It can still be sent as is.`
                        : looksLikeJson(contentType, bodyText)
                          ? 'Valid JSON.'
                          : `${contentType ?? 'text'}, sent as UTF-8.`}
                    </span>
                  </>
                )}
              </label>
              <button type="button" className="link-button" onClick={resetEdits} data-testid="resend-reset-edits">
                Undo all edits
              </button>
            </div>
          )}
        </div>

        <div className="resend-side">
          {sending ? (
            <div ref={resultRef} className="resend-result" data-testid="resend-result" aria-live="polite">
              <h3 className="replay-heading">What came back</h3>
              <ReplayOutcomeView outcome={{ kind: 'sending', url: sending.url, startedAt: sending.startedAt }} />
              <p className="muted replay-small" data-testid="resend-sending-note">
                {sendingFor(sending.startedAt, sending.timeoutMs)} Closing this dialog does not stop it: the capture's Resends history shows it, and then its
                answer.
              </p>
            </div>
          ) : (
            (result || replay.error) && (
              <div ref={resultRef} className="resend-result" data-testid="resend-result" aria-live="polite">
                <h3 className="replay-heading">What came back</h3>
                {isAnswerOfAnEarlierRequest && (
                  <p className="notice replay-small" data-testid="resend-result-earlier">
                    This answered the last send. The request has been changed since: what is below has not been sent yet.
                  </p>
                )}
                {replay.error ? (
                  <p className="form-error" role="alert">
                    Could not resend: {replay.error.message}
                  </p>
                ) : (
                  result && (
                    <>
                      {result.unrecorded !== undefined && (
                        <p className="notice notice-warning replay-small" role="alert" data-testid="resend-result-unrecorded">
                          Sent, but not in this capture's resend history: {result.unrecorded}.
                        </p>
                      )}
                      <ReplayOutcomeView outcome={result.outcome} />
                    </>
                  )
                )}
              </div>
            )
          )}
          <h3 className="replay-heading">What will be sent {preview.isFetching && <span className="muted replay-small">(updating…)</span>}</h3>
          {!canBuild ? (
            <p className="muted" data-testid="resend-preview-blocked">
              {targetProblem ?? methodProblem ?? headerProblems[0]}
            </p>
          ) : preview.error ? (
            <p className="form-error" role="alert" data-testid="resend-preview-error">
              {preview.error.message}
            </p>
          ) : preview.data ? (
            <div className="resend-preview" data-testid="resend-preview">
              <DifferenceStatement sent={preview.data.sent} differences={preview.data.differences} resign={preview.data.resign} />
              {preview.data.warnings.map((warning) => (
                <div key={warning} className="notice notice-warning replay-small" role="alert" data-testid="resend-signature-warning">
                  <p>{warning}</p>
                  <div className="modal-actions">
                    {!resign && (
                      <button type="button" className="button" onClick={() => setResign(true)} data-testid="resend-warning-resign">
                        Re-sign
                      </button>
                    )}
                  </div>
                </div>
              ))}
              {resign && preview.data.resign && preview.data.resign.changes.length === 0 && preview.data.resign.skipped.length === 0 && (
                <p className="notice notice-warning replay-small" data-testid="resign-nothing">
                  Nothing to re-sign: no key on this endpoint matches a signature on this capture.
                </p>
              )}
              <ChangesView
                differences={preview.data.differences}
                resign={preview.data.resign}
                bodyDiff={preview.data.bodyDiff}
                bodyComparison={preview.data.bodyComparison}
              />
              <SentRequest sent={preview.data.sent} showBody={false} />
            </div>
          ) : (
            <p className="muted">Preparing the preview…</p>
          )}
        </div>

        <div className="modal-actions resend-actions">
          <span className="muted replay-small">
            <kbd>Ctrl</kbd>+<kbd>Enter</kbd> sends
          </span>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button type="submit" className="button button-primary" disabled={!canBuild || timeoutProblem !== null || replay.isPending} data-testid="resend-send">
            {replay.isPending ? 'Sending…' : result ? 'Send again' : 'Send'}
          </button>
        </div>
      </form>
    </ModalDialog>
  )
}

/** How long the send has waited for its answer, and how long it will: `Waiting 3 s so far (gives up after 30 s).` */
function sendingFor(startedAt: string, timeoutMs: number): string {
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(startedAt)) / 1000))
  return `Waiting ${seconds} s so far (gives up after ${Math.round(timeoutMs / 1000)} s).`
}

/** The captured target's path and query (see `originFormOf`) minus the endpoint's `/<slug>` prefix: what "keep the path" appends. */
function pathBeyondSlug(target: string): string {
  const rest = originFormOf(target).replace(/^\/[^/?#]+/, '')
  return rest === '' ? '/' : rest
}

/**
 * A random id that changes whenever `secret` changes, to stand in a query key for a value that must
 * not be kept in the query cache. The value itself stays in this component only.
 */
function useNonceFor(secret: unknown): string | null {
  const [last, setLast] = useState<{ text: string; nonce: string } | null>(null)
  if (secret === undefined) return null
  const text = JSON.stringify(secret)
  if (last?.text !== text) {
    // A new secret: a new nonce, kept in state (set during render, so the key changes in this very render).
    const next = { text, nonce: crypto.randomUUID() }
    setLast(next)
    return next.nonce
  }
  return last.nonce
}
