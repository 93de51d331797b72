/** Explains a signature verdict the way an integration engineer debugs it. Nothing is rendered as HTML. */
import { useLayoutEffect, useRef } from 'react'
import type { DeliveryAnalysis, TimestampCheck, VerificationAttempt } from '@shared/providers'
import { CopyButton } from '../../components/copy-button'
import { DetailSection } from '../../components/detail-section'
import { VERDICT_ICONS } from '../../lib/providers'
import { VerdictBadge } from './recognition-badges'
import { verdictHeadline } from './verdict-headline'
import { ARRIVAL_NOT_KNOWN } from '../captures/import-time-text'
import './providers.css'
import { roughDuration } from '@shared/rough-duration'

interface SignaturePanelProps {
  analysis: DeliveryAnalysis
  /** Opens the endpoint's keys, e.g. from "no key configured". */
  onOpenKeys?: () => void
  /** The capture's time is when it was imported (its source records none): its timestamp was not checked against a tolerance. */
  isArrivalUnknown?: boolean
}

/** Marks the verdict banner: where focus goes when "Add a key…" leaves with the verdict it offered to fix. */
export const VERDICT_BANNER_ATTRIBUTE = 'data-verdict-banner'

export function SignaturePanel({ analysis, onOpenKeys, isArrivalUnknown = false }: SignaturePanelProps) {
  const { verdict, explanation } = analysis
  return (
    <DetailSection title="Signature" aside={<VerdictBadge status={verdict.status} testId="signature-aside-verdict" />} testId="signature-panel">
      <div
        // Focusable from script only: it takes focus when the "Add a key…" in it goes.
        tabIndex={-1}
        className={`verdict-banner verdict-banner-${verdict.status}`}
        {...{ [VERDICT_BANNER_ATTRIBUTE]: '' }}
        data-testid="signature-verdict"
        data-verdict={verdict.status}
        data-reason={verdict.status === 'invalid' ? verdict.reason : undefined}
      >
        <span className={`verdict verdict-${verdict.status} verdict-banner-icon`} aria-hidden="true">
          {VERDICT_ICONS[verdict.status]}
        </span>
        <span className="verdict-banner-text">
          {verdictHeadline(verdict)}
          <span className="verdict-message" data-testid="signature-message">
            {verdict.message}
          </span>
        </span>
        {verdict.status === 'no-key' && onOpenKeys && <AddKeyButton onOpenKeys={onOpenKeys} />}
      </div>
      {explanation.scheme === null ? (
        <p className="muted">No signature scheme was checked for this capture.</p>
      ) : (
        <dl className="facts signature-facts" data-testid="signature-facts">
          <dt>Scheme</dt>
          <dd className="wire" data-testid="signature-scheme">
            {explanation.scheme}
          </dd>
          {explanation.algorithm && (
            <>
              <dt>Algorithm</dt>
              <dd className="wire wire-value">{explanation.algorithm}</dd>
            </>
          )}
          {explanation.signatureLocation && (
            <>
              <dt>Signature in</dt>
              <dd>{explanation.signatureLocation}</dd>
            </>
          )}
          <dt>Received</dt>
          <dd data-testid="signature-received">
            {explanation.receivedSignatures.length === 0 ? (
              <span className="muted">no signature received</span>
            ) : (
              explanation.receivedSignatures.map((signature, index) => (
                <code key={index} className="wire signature-value">
                  {signature}
                </code>
              ))
            )}
          </dd>
          {explanation.matchedVariant && (
            <>
              <dt>Matched variant</dt>
              <dd>{explanation.matchedVariant}</dd>
            </>
          )}
          {explanation.keyFingerprint && (
            <>
              <dt>Key fingerprint</dt>
              <dd className="wire">{explanation.keyFingerprint}</dd>
            </>
          )}
        </dl>
      )}

      {explanation.timestamp && <TimestampFacts check={explanation.timestamp} isArrivalUnknown={isArrivalUnknown} />}

      {explanation.attempts.length > 0 && (
        // A valid verdict is explained by the facts above (matched variant, key); the attempts, each
        // with its signed string, are what one reads when a signature did not verify. Shown in full,
        // they put the body a screen or two further down on every valid capture, so they start
        // closed then. Keyed by the verdict: a key added later (valid → …) starts it afresh.
        <details key={verdict.status} className="attempts" open={verdict.status !== 'valid'} data-testid="signature-attempts-disclosure">
          <summary className="panel-subtitle">Attempts ({explanation.attempts.length})</summary>
          <ol className="attempt-list" data-testid="signature-attempts">
            {explanation.attempts.map((attempt, index) => (
              <Attempt key={index} attempt={attempt} />
            ))}
          </ol>
        </details>
      )}

      {explanation.notes.length > 0 && (
        <ul className="plain-list signature-notes" data-testid="signature-notes">
          {explanation.notes.map((note, index) => (
            <li key={index}>{note}</li>
          ))}
        </ul>
      )}
    </DetailSection>
  )
}

/**
 * "Add a key…" shows only while the verdict is "no key": the key added through it turns the verdict
 * and removes the button, often just after the dialog gave focus back to it, and focus fell to
 * <body>. Removed while focused, it hands focus to the verdict banner (the one on screen once the
 * detail has its new verdict), which says the new verdict.
 */
function AddKeyButton({ onOpenKeys }: { onOpenKeys: () => void }) {
  const ref = useRef<HTMLButtonElement>(null)
  useLayoutEffect(() => {
    const button = ref.current
    return () => {
      if (button === null || document.activeElement !== button) return
      queueMicrotask(() => {
        if (document.activeElement !== null && document.activeElement !== document.body) return
        document.querySelector<HTMLElement>(`[${VERDICT_BANNER_ATTRIBUTE}]`)?.focus({ preventScroll: true })
      })
    }
  }, [])
  return (
    <button ref={ref} type="button" className="button button-small" onClick={onOpenKeys} data-testid="signature-open-keys">
      Add a key…
    </button>
  )
}

function TimestampFacts({ check, isArrivalUnknown }: { check: TimestampCheck; isArrivalUnknown: boolean }) {
  if (isArrivalUnknown)
    // A curl command or raw HTTP records no arrival: an age counted from the import ("34 hours old")
    // would blame the sender for how long the evidence took to reach this app.
    return (
      <dl className="facts timestamp-facts" data-testid="signature-timestamp" data-within="unknown">
        <dt>Signed at</dt>
        <dd className="wire">{check.signedAt}</dd>
        <dt>Tolerance</dt>
        <dd data-testid="signature-arrival-unknown">
          not checked: {ARRIVAL_NOT_KNOWN} (its source records no time). Import it from a HAR or bundle that keeps its time to check it.
        </dd>
      </dl>
    )
  return (
    <dl className="facts timestamp-facts" data-testid="signature-timestamp" data-within={check.withinTolerance}>
      <dt>Signed at</dt>
      <dd className="wire">{check.signedAt}</dd>
      <dt>Skew</dt>
      <dd>
        {formatSkew(check.skewSeconds)}
        {check.skewSeconds < 0 && <span className="muted"> (in the future)</span>}
      </dd>
      <dt>Tolerance</dt>
      <dd>{check.toleranceSeconds === null ? 'not bounded by the scheme' : formatSkew(check.toleranceSeconds)}</dd>
      <dt>Within tolerance</dt>
      <dd className={check.withinTolerance ? 'text-ok' : 'text-danger'}>{check.withinTolerance ? 'yes' : 'no'}</dd>
    </dl>
  )
}

/** The span as the verdict's message says it ("about 3.1 years" beside "Skew 1119 days" read as two answers). */
function formatSkew(seconds: number): string {
  const abs = Math.abs(seconds)
  const sign = seconds < 0 ? '−' : ''
  if (abs < 120) return `${sign}${abs} s`
  const rough = roughDuration(abs)
  if (rough === null) return `${sign}${Math.round(abs / 60)} min (${abs} s)`
  return `${sign}${rough} (${abs} s)`
}

/** An attempt made without a key computed nothing: it did not fail to match, it was never compared. */
function attemptResult(attempt: VerificationAttempt): string {
  if (attempt.matched) return '✓ matched'
  return attempt.keyFingerprint === null && attempt.computedSignature === null ? '– not checked' : '✗ no match'
}

function Attempt({ attempt }: { attempt: VerificationAttempt }) {
  return (
    <li className={`attempt ${attempt.matched ? 'attempt-matched' : ''}`} data-testid="signature-attempt" data-matched={attempt.matched}>
      <div className="attempt-head">
        <span className={`attempt-result ${attempt.matched ? 'text-ok' : 'muted'}`} data-testid="signature-attempt-result">
          {attemptResult(attempt)}
        </span>
        <span className="attempt-variant">{attempt.variant}</span>
      </div>
      <dl className="facts attempt-facts">
        <dt>Key</dt>
        <dd>
          {attempt.keyFingerprint === null ? (
            <span className="muted">no key</span>
          ) : (
            <>
              {attempt.keyLabel && <span>{attempt.keyLabel} · </span>}
              <code className="wire">{attempt.keyFingerprint}</code>
            </>
          )}
        </dd>
        {attempt.bodyHash && (
          <>
            <dt>Body hash</dt>
            <dd className="wire hash">
              <span className="muted">{attempt.bodyHash.algorithm} </span>
              {attempt.bodyHash.hex}
            </dd>
          </>
        )}
        {attempt.computedSignature && (
          <>
            <dt>Computed</dt>
            <dd>
              <code className="wire signature-value" data-testid="attempt-computed">
                {attempt.computedSignature}
              </code>
            </dd>
          </>
        )}
        {attempt.detail && (
          <>
            <dt>Detail</dt>
            <dd>{attempt.detail}</dd>
          </>
        )}
      </dl>
      {attempt.signedString !== null && (
        <div className="signed-string">
          <div className="signed-string-head">
            <span className="muted">Signed string{attempt.signedStringTruncated && <strong className="text-warn"> (truncated for display)</strong>}</span>
            <CopyButton text={attempt.signedString} label="Copy" testId="copy-signed-string" />
          </div>
          <pre className="wire-text signed-string-text" data-testid="signed-string">
            {attempt.signedString}
          </pre>
        </div>
      )}
    </li>
  )
}
