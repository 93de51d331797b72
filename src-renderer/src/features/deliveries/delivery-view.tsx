import { useEffect, useRef, useState } from 'react'
import type { AnswerRecord, CaptureSummary } from '@shared/views'
import { MAX_DELIVERY_PAGE_SIZE, type DeliveryAttemptInfo, type RetrySchedule } from '@shared/deliveries'
import type { DeliveryView as DeliveryData } from '@shared/views'
import { ApiCallError } from '../../api/api-client'
import { answerLongLabel, answerStatusClass } from '../../lib/answer'
import { formatCount, formatFullTime, formatListTime } from '../../lib/format'
import { CompareView } from '../compare/compare-view'
import { DELIVERED_RULE, describeDeliveryOutcome, describeDrift, describeDuplicates, formatGap, retryStepRuns, SCHEDULE_KIND_LABELS } from './delivery-format'
import { DeliveryAttemptJump } from './delivery-attempt-jump'
import { ExportDeliveryButton } from '../exchange/exchange-buttons'
import { describeListedAttempts, laterAttempts, pageEndFor, unlistedAttempts } from './delivery-pages'
import { useDeliveryPages } from './delivery-queries'
import './delivery-view.css'

/**
 * The Delivery view: every attempt of one delivery, the time between them, what each was
 * answered, and the provider's retry schedule beside them (when it publishes one). The latest
 * attempts come first; older ones page in on request, and "Go to attempt" shows the page holding
 * any attempt by its number.
 */
/**
 * `openAt`: the attempt the view was opened from and how many the delivery has (the capture
 * detail's "Attempt 7 of 520"): one older than the latest page opens on its page, marked, as if
 * gone to, instead of on attempts nobody asked about.
 */

/**
 * Two attempts compared from the list, with their numbers: the comparison names each side by the
 * attempt number the row's "Compare with #N" used, beside its capture number.
 */
interface AttemptComparison {
  leftId: string
  rightId: string
  attempts: { left: number; right: number }
}

export function DeliveryView({ captureId, openAt }: { captureId: string; openAt?: { attempt: number; totalAttempts: number } }) {
  const olderThanLatest = openAt !== undefined && pageEndFor(openAt.attempt, openAt.totalAttempts, MAX_DELIVERY_PAGE_SIZE) < openAt.totalAttempts
  // The attempt number the page gone to ends with (`pageEndFor`); none: the latest attempts.
  const [pageEnd, setPageEnd] = useState<number | undefined>(() =>
    olderThanLatest ? pageEndFor(openAt.attempt, openAt.totalAttempts, MAX_DELIVERY_PAGE_SIZE) : undefined,
  )
  const { delivery, error, isPending, isPlaceholderData, fetchNextPage, isFetchingNextPage } = useDeliveryPages(captureId, {
    upToAttempt: pageEnd,
    keepPrevious: true,
  })
  const [comparing, setComparing] = useState<AttemptComparison | null>(null)
  // The attempt gone to: highlighted, and focused once (`jump` counts the Go presses, so going to
  // the same attempt again brings it back into view).
  const [target, setTarget] = useState<{ attempt: number; jump: number } | null>(() => (olderThanLatest ? { attempt: openAt.attempt, jump: 0 } : null))
  const jumps = useRef(0)
  const focusedJump = useRef<number | null>(null)
  const viewRef = useRef<HTMLDivElement>(null)
  const lastComparedId = useRef<string | null>(null)
  // The button pressed goes away with the view it was in: focus follows to the other view (Back,
  // or the attempt's Compare button on return) instead of dropping to the page behind the dialog.
  useEffect(() => {
    const view = viewRef.current
    if (view === null) return
    if (comparing) {
      lastComparedId.current = comparing.rightId
      view.querySelector<HTMLElement>('[data-testid=delivery-back]')?.focus()
    } else if (lastComparedId.current !== null) {
      // The row first, then its button: a descendant selector would also match through the
      // capture detail around the dialog, which carries the open capture's id too.
      const row = view.querySelector(`[data-testid=delivery-attempt][data-capture-id="${CSS.escape(lastComparedId.current)}"]`)
      row?.querySelector<HTMLElement>('[data-testid=delivery-compare-previous]')?.focus()
    }
  }, [comparing])
  // After every render, not on `target` alone: the row gone to appears only once its page is
  // fetched (the previous pages stand in meanwhile), and is focused the first time it is there.
  useEffect(() => {
    const view = viewRef.current
    if (view === null || target === null || isPlaceholderData || focusedJump.current === target.jump) return
    const row = view.querySelector<HTMLElement>(`[data-testid=delivery-attempt][data-attempt="${target.attempt}"]`)
    if (row === null) return
    focusedJump.current = target.jump
    row.scrollIntoView({ block: 'center' })
    row.focus({ preventScroll: true })
  })
  /** Shows the page holding `attempt` (fetched unless already listed), with that attempt marked and focused. */
  const goToAttempt = (attempt: number, listed: DeliveryData): void => {
    // Already listed (the latest page, or one paged in): no fetch, the view only moves there.
    if (!listed.timeline.some((row) => row.attempt === attempt)) {
      const end = pageEndFor(attempt, listed.totalAttempts, MAX_DELIVERY_PAGE_SIZE)
      // On the latest page: that one, which goes on with the attempts still to come.
      setPageEnd(end === listed.totalAttempts ? undefined : end)
    }
    jumps.current += 1
    setTarget({ attempt, jump: jumps.current })
  }
  if (isPending || delivery === undefined) return <p className="muted">Loading the delivery…</p>
  if (error) {
    const isGone = error instanceof ApiCallError && error.code === 'NOT_FOUND'
    return (
      <p className="notice notice-danger" data-testid="delivery-error">
        {isGone ? 'This capture no longer exists.' : `Could not load the delivery: ${error.message}`}
      </p>
    )
  }
  if (comparing) {
    return (
      <div ref={viewRef}>
        <button type="button" className="link-button delivery-small" onClick={() => setComparing(null)} data-testid="delivery-back">
          ← Back to the delivery
        </button>
        <CompareView
          target={{ leftId: comparing.leftId, rightId: comparing.rightId }}
          attempts={comparing.attempts}
          answers={{ left: answerOf(delivery, comparing.leftId), right: answerOf(delivery, comparing.rightId) }}
        />
      </div>
    )
  }
  return (
    <div ref={viewRef}>
      <LoadedDelivery
        delivery={delivery}
        currentId={captureId}
        targetAttempt={target?.attempt ?? null}
        loadingAttempt={isPlaceholderData ? (target?.attempt ?? null) : null}
        onCompare={setComparing}
        onShowEarlier={() => void fetchNextPage()}
        isLoadingEarlier={isFetchingNextPage}
        onGoToAttempt={(attempt) => goToAttempt(attempt, delivery)}
        onBackToLatest={() => {
          setPageEnd(undefined)
          setTarget(null)
          // The button goes away with the older page: focus stays in the view, on the number box.
          viewRef.current?.querySelector<HTMLElement>('[data-testid=delivery-jump-number]')?.focus()
        }}
      />
    </div>
  )
}

/** What a listed attempt was answered (the comparison shows it beside each side); none for one not listed. */
function answerOf(delivery: DeliveryData, captureId: string): AnswerRecord | undefined {
  return delivery.attempts.find((attempt) => attempt.id === captureId)?.response
}

interface LoadedDeliveryProps {
  delivery: DeliveryData
  currentId: string
  /** The attempt "Go to attempt" went to (highlighted), if any. */
  targetAttempt: number | null
  /** The attempt whose page is being fetched, if any. */
  loadingAttempt: number | null
  onCompare: (comparison: AttemptComparison) => void
  onShowEarlier: () => void
  isLoadingEarlier: boolean
  onGoToAttempt: (attempt: number) => void
  onBackToLatest: () => void
}

function LoadedDelivery({
  delivery,
  currentId,
  targetAttempt,
  loadingAttempt,
  onCompare,
  onShowEarlier,
  isLoadingEarlier,
  onGoToAttempt,
  onBackToLatest,
}: LoadedDeliveryProps) {
  const byId = new Map(delivery.attempts.map((attempt) => [attempt.id, attempt]))
  const first = delivery.attempts[0]
  const summary = first?.recognition?.summary
  const earlier = unlistedAttempts(delivery)
  const later = laterAttempts(delivery)
  return (
    <div className="delivery-view" data-testid="delivery-view" data-delivery-key={delivery.deliveryKey}>
      <div className="delivery-summary">
        <div>
          <div className="delivery-title" data-testid="delivery-title">
            {first?.recognition ? first.recognition.provider.name : first?.outcome === 'refused' ? 'Refused request' : 'Unrecognised sender'}
            {summary?.eventType && <span className="wire"> · {summary.eventType}</span>}
            {(summary?.objectId ?? summary?.reference) && <span className="wire"> · {summary?.objectId ?? summary?.reference}</span>}
          </div>
          <div className="muted delivery-small">
            Grouped by {delivery.groupedBy} · <span className="wire">{delivery.deliveryKey}</span>
          </div>
        </div>
        <div className="delivery-outcome" data-testid="delivery-outcome">
          <span className="delivery-count">
            {formatCount(delivery.totalAttempts)} {delivery.totalAttempts === 1 ? 'attempt' : 'attempts'}
          </span>
          {/* Both from the whole delivery (the core counts them), however few of its attempts are listed. */}
          <span className={`tag ${delivery.succeeded ? 'delivery-tag-ok' : 'tag-danger'}`} title={DELIVERED_RULE} data-testid="delivery-outcome-tag">
            {describeDeliveryOutcome(delivery.succeeded)}
          </span>
          {delivery.duplicateCount > 0 && (
            <span className="tag delivery-tag-warn" data-testid="delivery-duplicate-count">
              {describeDuplicates(delivery.duplicateCount)}
            </span>
          )}
          <ExportDeliveryButton captureIds={delivery.attempts.map((attempt) => attempt.id)} total={delivery.totalAttempts} />
        </div>
      </div>

      {delivery.totalAttempts > 1 && <DeliveryAttemptJump totalAttempts={delivery.totalAttempts} loadingAttempt={loadingAttempt} onGo={onGoToAttempt} />}

      {(earlier > 0 || later > 0) && (
        <p className="notice notice-warning delivery-small" data-testid="delivery-earlier">
          {describeListedAttempts(delivery)}{' '}
          {earlier > 0 && (
            <button type="button" className="link-button" onClick={onShowEarlier} disabled={isLoadingEarlier} data-testid="delivery-show-earlier">
              {isLoadingEarlier ? 'Loading earlier attempts…' : `Show ${formatCount(Math.min(earlier, MAX_DELIVERY_PAGE_SIZE))} earlier`}
            </button>
          )}
          {earlier > 0 && later > 0 && ' · '}
          {later > 0 && (
            <button type="button" className="link-button" onClick={onBackToLatest} data-testid="delivery-back-to-latest">
              Back to the latest attempts
            </button>
          )}
        </p>
      )}

      <div className="delivery-columns">
        <table className="delivery-timeline" data-testid="delivery-timeline">
          <thead>
            <tr>
              <th scope="col">Attempt</th>
              <th scope="col">Received</th>
              <th scope="col">After the previous</th>
              {delivery.schedule && delivery.schedule.retries.length > 0 && <th scope="col">Schedule expected</th>}
              <th scope="col">Answered</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {delivery.timeline.map((row, index) => (
              <AttemptRow
                key={row.captureId}
                row={row}
                attempt={byId.get(row.captureId)}
                previousId={delivery.timeline[index - 1]?.captureId ?? null}
                isCurrent={row.captureId === currentId}
                isTarget={row.attempt === targetAttempt}
                showSchedule={delivery.schedule !== null && delivery.schedule.retries.length > 0}
                onCompare={onCompare}
              />
            ))}
            {delivery.nextExpected && (
              <tr className="delivery-next" data-testid="delivery-next-expected">
                <td>#{delivery.nextExpected.attempt}</td>
                <td colSpan={2} className="muted">
                  not received yet
                </td>
                <td>
                  {formatListTime(delivery.nextExpected.at)} <span className="muted delivery-small">({relativeToNow(delivery.nextExpected.at)})</span>
                </td>
                <td colSpan={2} />
              </tr>
            )}
          </tbody>
        </table>
        <ScheduleAside schedule={delivery.schedule} />
      </div>
    </div>
  )
}

interface AttemptRowProps {
  row: DeliveryAttemptInfo
  attempt: CaptureSummary | undefined
  previousId: string | null
  isCurrent: boolean
  /** The attempt "Go to attempt" went to: highlighted, and focusable so focus can land on it. */
  isTarget: boolean
  showSchedule: boolean
  onCompare: (comparison: AttemptComparison) => void
}

function AttemptRow({ row, attempt, previousId, isCurrent, isTarget, showSchedule, onCompare }: AttemptRowProps) {
  return (
    <tr
      className={`${isCurrent ? 'delivery-current' : ''} ${row.afterSuccess ? 'delivery-duplicate' : ''} ${isTarget ? 'delivery-target' : ''}`}
      data-testid="delivery-attempt"
      data-attempt={row.attempt}
      data-target={isTarget ? 'true' : undefined}
      tabIndex={isTarget ? -1 : undefined}
      data-capture-id={row.captureId}
      data-status={row.answeredStatus ?? 'none'}
      data-after-success={row.afterSuccess}
      aria-current={isCurrent ? 'true' : undefined}
    >
      <td>
        #{row.attempt}
        {isCurrent && <span className="muted delivery-small"> (open)</span>}
        {isTarget && <span className="muted delivery-small"> (gone to)</span>}
      </td>
      <td title={formatFullTime(row.receivedAt)}>{formatListTime(row.receivedAt)}</td>
      <td data-testid="delivery-gap">{row.sincePreviousMs === null ? <span className="muted">first</span> : `+${formatGap(row.sincePreviousMs)}`}</td>
      {showSchedule && (
        <td>
          {row.expectedAt === null ? (
            <span className="muted">{row.attempt === 1 ? '—' : 'beyond the schedule'}</span>
          ) : (
            <>
              {formatListTime(row.expectedAt)} <span className="muted delivery-small">{describeDrift(row.receivedAt, row.expectedAt)}</span>
            </>
          )}
        </td>
      )}
      <td data-testid="delivery-answer">
        {attempt ? <span className={`status ${answerStatusClass(attempt.response)}`}>{answerLongLabel(attempt.response)}</span> : row.answeredStatus}
        {attempt?.response.providerTakesItAs === 'failure' && (
          <span
            className="tag tag-danger"
            title={`${attempt.response.providerExplains ?? 'Its provider documents this answer as a failure'}. So this attempt is not delivered.`}
            data-testid="delivery-not-acknowledged"
          >
            not an acknowledgement
          </span>
        )}
        {row.afterSuccess && (
          <span
            className="tag delivery-tag-warn"
            title="An earlier attempt was already acknowledged (answered as its provider documents an acknowledgement): the provider sent it again."
            data-testid="delivery-duplicate"
          >
            duplicate
          </span>
        )}
      </td>
      <td>
        {previousId !== null && (
          <button
            type="button"
            className="link-button delivery-small"
            onClick={() => onCompare({ leftId: previousId, rightId: row.captureId, attempts: { left: row.attempt - 1, right: row.attempt } })}
            data-testid="delivery-compare-previous"
          >
            Compare with #{row.attempt - 1}
          </button>
        )}
      </td>
    </tr>
  )
}

function ScheduleAside({ schedule }: { schedule: RetrySchedule | null }) {
  if (schedule === null) {
    return (
      <aside className="delivery-schedule" data-testid="delivery-schedule">
        <h3 className="delivery-heading">Retry schedule</h3>
        <p className="muted delivery-small">No public retry policy is known for this sender: attempts are shown as they arrive.</p>
      </aside>
    )
  }
  return (
    <aside className="delivery-schedule" data-testid="delivery-schedule" data-kind={schedule.kind}>
      <h3 className="delivery-heading">
        {schedule.title} retry schedule <span className="muted delivery-small">({SCHEDULE_KIND_LABELS[schedule.kind]})</span>
      </h3>
      <p className="delivery-small">{schedule.description}</p>
      <p className="delivery-small">
        <span className="muted">Delivered when answered with:</span> {schedule.successRule}
      </p>
      {schedule.retries.length > 0 && (
        <ol className="delivery-steps delivery-small">
          {retryStepRuns(schedule.retries).map(({ firstAttempt, lastAttempt, step }) => (
            <li key={firstAttempt} value={firstAttempt}>
              {formatGap(step.delayMs)} after {step.from === 'first-attempt' ? 'the first attempt' : 'the attempt before'}
              {lastAttempt > firstAttempt && `; the same for attempts ${firstAttempt + 1} to ${lastAttempt}`}
            </li>
          ))}
        </ol>
      )}
      {schedule.caveat && <p className="notice notice-warning delivery-small">{schedule.caveat}</p>}
      {!schedule.confirmed && <p className="muted delivery-small">Not confirmed on the provider’s own page.</p>}
      <p className="delivery-small">
        Source:{' '}
        <a href={schedule.sourceUrl} target="_blank" rel="noreferrer noopener" data-testid="delivery-schedule-source">
          {schedule.sourceTitle}
        </a>
      </p>
    </aside>
  )
}

function relativeToNow(iso: string): string {
  const ms = Date.parse(iso) - Date.now()
  return ms >= 0 ? `in ${formatGap(ms)}` : `${formatGap(-ms)} ago, overdue`
}
