import { useState } from 'react'
import { MAX_DELIVERY_PAGE_SIZE } from '@shared/deliveries'
import type { CaptureSummary } from '@shared/views'
import { formatCount } from '../../lib/format'
import { unlistedAttempts } from '../deliveries/delivery-pages'
import { useDeliveryAttempt, type useDeliveryPages } from '../deliveries/delivery-queries'
import { AttemptNumberForm } from '../../components/attempt-number-form'
import { CaptureChoices, type CaptureChoice } from './capture-choices'

/**
 * "Compare with…"'s other attempts of the open capture's delivery: the latest page, older pages on
 * request, and any attempt by its number. A delivery can have 10,000 attempts and more: only the
 * pages asked for are fetched, and a jump fetches the one attempt.
 */
export function DeliveryAttemptChoices({
  capture,
  pages,
  onPick,
}: {
  capture: CaptureSummary
  /** The delivery's pages (`useDeliveryPages(capture.id)`, which the picker also reads to leave these attempts out of the recent captures). */
  pages: ReturnType<typeof useDeliveryPages>
  onPick: (other: CaptureSummary) => void
}) {
  const { delivery, error, fetchNextPage, isFetchingNextPage } = pages
  if (error) return <p className="notice notice-danger compare-small">Could not load the attempts: {error.message}</p>
  if (delivery === undefined) return <p className="muted compare-small">Loading…</p>
  const byId = new Map(delivery.attempts.map((attempt) => [attempt.id, attempt]))
  const choices = delivery.timeline.flatMap((row): CaptureChoice[] => {
    const attempt = byId.get(row.captureId)
    return attempt === undefined || attempt.id === capture.id ? [] : [{ capture: attempt, attempt: row.attempt }]
  })
  const earlier = unlistedAttempts(delivery)
  return (
    <>
      {delivery.totalAttempts > 1 && <AttemptJump capture={capture} totalAttempts={delivery.totalAttempts} onPick={onPick} />}
      {earlier > 0 && (
        <p className="muted compare-small" data-testid="compare-attempts-earlier">
          The {formatCount(delivery.attempts.length)} latest of {formatCount(delivery.totalAttempts)} attempts are listed.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => void fetchNextPage()}
            disabled={isFetchingNextPage}
            data-testid="compare-attempts-show-earlier"
          >
            {isFetchingNextPage ? 'Loading earlier attempts…' : `Show ${formatCount(Math.min(earlier, MAX_DELIVERY_PAGE_SIZE))} earlier`}
          </button>
        </p>
      )}
      <CaptureChoices choices={choices} empty="No other attempt." onPick={onPick} testId="compare-attempts" />
    </>
  )
}

const JUMP_TEST_IDS = { form: 'compare-attempt-jump', number: 'compare-attempt-number', submit: 'compare-attempt-show', problem: 'compare-attempt-problem' }

/** "Attempt number … Show": any attempt of the delivery, fetched alone (`getDelivery { upToAttempt, limit: 1 }`). */
function AttemptJump({ capture, totalAttempts, onPick }: { capture: CaptureSummary; totalAttempts: number; onPick: (other: CaptureSummary) => void }) {
  const [asked, setAsked] = useState<number | null>(null)
  const found = useDeliveryAttempt(capture.id, asked)
  const row = found.data?.timeline[0]
  const attempt = found.data?.attempts[0]
  return (
    <>
      <AttemptNumberForm
        label="Attempt"
        submitLabel="Show"
        totalAttempts={totalAttempts}
        onAttempt={setAsked}
        onProblem={() => setAsked(null)}
        className="compare-jump compare-small"
        testIds={JUMP_TEST_IDS}
      />
      {asked !== null &&
        (found.error ? (
          <p className="notice notice-danger compare-small">
            Could not load attempt {formatCount(asked)}: {found.error.message}
          </p>
        ) : row === undefined || attempt === undefined ? (
          <p className="muted compare-small">Loading…</p>
        ) : attempt.id === capture.id ? (
          <p className="muted compare-small" data-testid="compare-attempt-found">
            Attempt {formatCount(row.attempt)} is this capture.
          </p>
        ) : (
          <CaptureChoices choices={[{ capture: attempt, attempt: row.attempt }]} empty="" onPick={onPick} testId="compare-attempt-found" />
        ))}
    </>
  )
}
