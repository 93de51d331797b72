import { useId } from 'react'
import type { CaptureSummary } from '@shared/views'
import { answerChoiceShort, answerLongLabel, answerReason, answerShortLabel, answerStatusClass } from '../../lib/answer'
import { answerProgress, isLive, progressSentence, progressShortLabel } from './answer-progress'
import { useSecondTicks } from './use-second-ticks'
import { canForwardSettle, ForwardMark, isForwardMarked } from '../replay/forward-mark'

interface CaptureStatusCellProps {
  capture: CaptureSummary
  /** When the running app started (ms): a hang from before then is over. */
  appStartedAtMs: number
}

/**
 * What was answered, or that the answer is still due ("in 7 s", counting down), or that the
 * sender left before getting it. Only a row with something pending runs a clock.
 */
export function CaptureStatusCell({ capture, appStartedAtMs }: CaptureStatusCellProps) {
  const { response } = capture
  // eslint-disable-next-line react-hooks/purity -- the cell shows where the answer stands now; useSecondTicks re-renders it while that changes
  const progress = answerProgress(capture, Date.now(), appStartedAtMs)
  // Only a row with something pending runs the clock; it stops once the answer is due.
  useSecondTicks(isLive(progress))
  const choice = answerChoiceShort(response)
  const delay = response.delayMs > 0 ? ` · delayed ${response.delayMs} ms` : ''
  // Why the provider takes this answer as a failure (or may): the Answers warnings' sentence, from the core.
  const explains = response.providerExplains
  const answered = `${answerLongLabel(response)} · ${answerReason(response)}${delay}${explains === undefined ? '' : `\n${explains}`}`
  // A green 200 IXOPAY retries (no body OK) or one sent past Shopify's timeout is marked; a 2xx the
  // provider only may refuse (Swedbank Pay's 204) counts as delivered, so it is told in the title only.
  const isRefusedByProvider = response.providerTakesItAs === 'failure'
  const explainsId = useId()
  const isRefused = capture.outcome === 'refused'
  const isForwardSettleExpected = canForwardSettle(capture.receivedAt, appStartedAtMs)
  const hasForwardMark = isForwardMarked(capture.forward, isForwardSettleExpected)

  return (
    <span className="cell cell-status">
      {progress.state === 'answered' ? (
        <span
          className={`status ${answerStatusClass(response)}`}
          title={answered}
          aria-describedby={isRefusedByProvider ? explainsId : undefined}
          data-testid="capture-status"
          data-progress="answered"
        >
          {answerShortLabel(response)}
        </span>
      ) : (
        <span
          className={`status ${progress.state === 'sender-left' ? 'status-sender-left' : 'status-pending'}`}
          title={`${progressSentence(progress, answerLongLabel(response))}\n${answered}`}
          data-testid="capture-status"
          data-progress={progress.state}
        >
          {progressShortLabel(progress)}
        </span>
      )}
      {isRefusedByProvider && progress.state === 'answered' && (
        <span className="tag tag-danger" title={explains} data-testid="capture-not-acknowledged">
          not ack
          <span id={explainsId} hidden>
            {explains}
          </span>
        </span>
      )}
      {/* A forward's mark (failed, non-2xx, pending) takes the choice's place (the title still names the choice). */}
      {choice !== '' && !hasForwardMark && (
        <span className="answer-choice" data-testid="capture-answer-choice">
          {choice}
        </span>
      )}
      <ForwardMark forward={capture.forward} isSettleExpected={isForwardSettleExpected} />
      {isRefused && (
        <span className="tag tag-danger" title={capture.refusal?.reason}>
          refused
        </span>
      )}
    </span>
  )
}
