import type { CaptureSummary } from '@shared/views'
import { useStatus } from '../../api/queries'
import { answerLongLabel } from '../../lib/answer'
import { answerFactLabel, answerProgress, isLive, progressSentence, responseProgressNote } from './answer-progress'
import { useSecondTicks } from './use-second-ticks'

/** The detail's "Answered" line, while the answer is still due or after the sender left: says so, counting down. */
export function AnswerProgressNote({ capture }: { capture: CaptureSummary }) {
  const startedAt = useStatus().data?.startedAt
  // eslint-disable-next-line react-hooks/purity -- it shows where the answer stands now; useSecondTicks re-renders it while that changes
  const progress = answerProgress(capture, Date.now(), startedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(startedAt))
  useSecondTicks(isLive(progress))
  if (progress.state === 'answered') return null
  return (
    <p
      className={`notice ${progress.state === 'sender-left' || progress.state === 'app-stopped' ? 'notice-danger' : 'notice-warning'} answer-progress-note`}
      role="status"
      data-testid="detail-answer-progress"
      data-progress={progress.state}
    >
      {progressSentence(progress, answerLongLabel(capture.response))}.
    </p>
  )
}

/** The label of the detail's answer line: "Will answer" while a delayed answer is still due, not "Answered". */
export function AnswerFactLabel({ capture }: { capture: CaptureSummary }) {
  const startedAt = useStatus().data?.startedAt
  // eslint-disable-next-line react-hooks/purity -- as in AnswerProgressNote: where the answer stands now
  const progress = answerProgress(capture, Date.now(), startedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(startedAt))
  useSecondTicks(isLive(progress))
  return <dt data-testid="detail-answered-label">{answerFactLabel(progress)}</dt>
}

/** Beside the Response line: "not sent yet: due in 7 s" while a delayed answer is due, "never received…" after the sender left. */
export function ResponseProgressNote({ capture }: { capture: CaptureSummary }) {
  const startedAt = useStatus().data?.startedAt
  // eslint-disable-next-line react-hooks/purity -- as in AnswerProgressNote: where the answer stands now
  const progress = answerProgress(capture, Date.now(), startedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(startedAt))
  useSecondTicks(isLive(progress))
  const note = responseProgressNote(progress)
  if (note === null) return null
  return (
    <span className={progress.state === 'sender-left' ? 'response-progress-left' : 'response-progress-due'} data-testid="response-progress">
      {' '}
      · {note}
    </span>
  )
}
