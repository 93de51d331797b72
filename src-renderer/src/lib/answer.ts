/** Words for what the receiver answered and why. */
import type { AnswerRecord } from '@shared/views'
import { describeAnswerChoice } from '@shared/answer-choice'
import { reasonPhrase } from './http-status'

const NO_ANSWER_LABELS: Record<Exclude<AnswerRecord['kind'], 'respond'>, string> = {
  close: 'closed',
  reset: 'reset',
  hang: 'no answer',
  none: 'imported',
}

/** Short form for the list: `200`, or what happened instead of an HTTP answer. */
export function answerShortLabel(answer: AnswerRecord): string {
  if (answer.status !== null) return String(answer.status)
  return answer.kind === 'respond' ? '—' : NO_ANSWER_LABELS[answer.kind]
}

/** `200 OK`, or a sentence when no HTTP answer was sent. */
export function answerLongLabel(answer: AnswerRecord): string {
  if (answer.status !== null) return `${answer.status} ${reasonPhrase(answer.status)}`.trim()
  switch (answer.kind) {
    case 'close':
      return 'Connection closed without an answer'
    case 'reset':
      return 'Connection reset without an answer'
    case 'hang':
      // A pass-through forward holds the sender for its target's answer: while awaited this is its
      // record, and it stays only when the app stopped first. "Never answered" read as if nothing would come.
      return answer.chosenBy.kind === 'forward' ? 'Held for the upstream answer' : 'Never answered (connection held open)'
    case 'none':
      return 'Imported: no answer was recorded'
    case 'respond':
      return 'No HTTP status recorded'
    default: {
      const unknownKind: never = answer.kind
      return String(unknownKind)
    }
  }
}

/** Which part of the endpoint's answer configuration chose this answer, e.g. "Sequence step 2 of 3". */
export function answerReason(answer: AnswerRecord): string {
  return describeAnswerChoice(answer.chosenBy)
}

/** A few characters for the list's status cell: `2/3` for a sequence step, `rule`, `rate`, `fwd`; else empty. */
export function answerChoiceShort(answer: AnswerRecord): string {
  const choice = answer.chosenBy
  switch (choice.kind) {
    case 'sequence':
      return `${choice.step}/${choice.of}`
    case 'rule':
      return 'rule'
    case 'failure-rate':
      return 'rate'
    case 'forward':
      return 'fwd'
    default:
      return ''
  }
}

export function answerStatusClass(answer: AnswerRecord): string {
  const status = answer.status
  // An imported capture simply has no recorded answer: neutral, not an error's red.
  if (status === null && answer.kind === 'none') return 'status-imported'
  // A pass-through forward's hang is its record while the target's answer is awaited (relayed when it
  // comes): drawn as the list draws an answer still on its way, not as a failure.
  if (status === null && answer.kind === 'hang' && answer.chosenBy.kind === 'forward') return 'status-pending'
  if (status === null) return 'status-server-error'
  if (status >= 500) return 'status-server-error'
  if (status >= 400) return 'status-client-error'
  if (status >= 300) return 'status-redirect'
  return 'status-ok'
}
