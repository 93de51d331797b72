/**
 * Where a capture's answer stands now. The receiver records its answer before sending it, so a
 * configured delay or a hang would otherwise look answered while the sender is still waiting.
 */
import type { CaptureSummary } from '@shared/views'

export type AnswerProgress =
  /** The recorded answer went out (or no answer was due: close, reset, refused, imported). */
  | { state: 'answered' }
  /** A delayed answer that is still due. */
  | { state: 'pending'; remainingMs: number }
  /** A hang this run of the app still holds open. */
  | { state: 'holding'; heldMs: number }
  /**
   * A pass-through forward's target not answered yet: the sender is held until its answer is
   * relayed (the capture is stored first, its answer a hang chosen by the forward, until then).
   */
  | { state: 'awaiting-upstream'; waitedMs: number }
  /**
   * The sender closed the connection before the answer went out (or while a hang held it): it never got one.
   * `wasRelay`: the answer was a pass-through forward's, so it left before the target's answer came, not
   * before a delay was over.
   */
  | { state: 'sender-left'; waitedMs: number; wasHang: boolean; wasRelay: boolean }
  /**
   * The app stopped before the answer went out (or while a hang held it): the connection was closed
   * without one. `waitedMs` is `null` when the app did not record it (a crash or kill -9: known only
   * because the answer was due after the app started again).
   */
  | { state: 'app-stopped'; waitedMs: number | null; wasHang: boolean }

type ProgressFields = Pick<CaptureSummary, 'receivedAt' | 'durationMs' | 'response' | 'senderLeftAt' | 'appStoppedAt'>

/**
 * `appStartedAtMs`: when the running app started; a hang recorded before then ended with the run
 * that held it (such a hang is `answered`: nothing is pending any more).
 */
export function answerProgress(capture: ProgressFields, nowMs: number, appStartedAtMs: number): AnswerProgress {
  const arrivedMs = Date.parse(capture.receivedAt)
  if (Number.isNaN(arrivedMs)) return { state: 'answered' }
  // The answer's delay starts once the body has been read.
  const bodyReadMs = arrivedMs + capture.durationMs
  const cutAt = capture.senderLeftAt ?? capture.appStoppedAt
  if (cutAt !== null) {
    const cutMs = Date.parse(cutAt)
    const waitedMs = Number.isNaN(cutMs) ? 0 : Math.max(0, cutMs - arrivedMs)
    const wasHang = capture.response.kind === 'hang'
    if (capture.senderLeftAt === null) return { state: 'app-stopped', waitedMs, wasHang }
    return { state: 'sender-left', waitedMs, wasHang, wasRelay: capture.response.chosenBy.kind === 'forward' }
  }
  const { response } = capture
  if (response.kind === 'hang') {
    if (arrivedMs < appStartedAtMs) return { state: 'answered' }
    const heldMs = Math.max(0, nowMs - arrivedMs)
    // "Never answered" misreported a forward whose answer was still on its way (then relayed).
    return response.chosenBy.kind === 'forward' ? { state: 'awaiting-upstream', waitedMs: heldMs } : { state: 'holding', heldMs }
  }
  if (response.delayMs > 0) {
    const dueMs = bodyReadMs + response.delayMs
    // Due after this run started, from a run before it: that run ended first (a crash or kill -9
    // records nothing), so it never went out. Read as answered before, after a restart.
    if (arrivedMs < appStartedAtMs && dueMs > appStartedAtMs) return { state: 'app-stopped', waitedMs: null, wasHang: false }
    const remainingMs = dueMs - nowMs
    if (remainingMs > 0) return { state: 'pending', remainingMs }
  }
  return { state: 'answered' }
}

/** Whether the progress changes with time, so a view showing it needs a clock. */
export function isLive(progress: AnswerProgress): boolean {
  return progress.state === 'pending' || progress.state === 'holding' || progress.state === 'awaiting-upstream'
}

/** Whole seconds, rounded up: "7 s" while 6.2 s remain, so it never says 0 before the answer went out. */
export function formatWait(ms: number, round: 'up' | 'down' = 'up'): string {
  const seconds = round === 'up' ? Math.ceil(ms / 1000) : Math.floor(ms / 1000)
  if (seconds < 60) return `${Math.max(round === 'up' ? 1 : 0, seconds)} s`
  const minutes = Math.floor(seconds / 60)
  const rest = seconds % 60
  if (minutes < 60) return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`
  // Past an hour seconds are dropped, rounded the same way.
  const wholeMinutes = round === 'up' ? Math.ceil(seconds / 60) : minutes
  const hours = Math.floor(wholeMinutes / 60)
  const restMinutes = wholeMinutes % 60
  return restMinutes === 0 ? `${hours} h` : `${hours} h ${restMinutes} min`
}

/** The largest whole unit, rounded up, for a narrow cell: "7 s", "13 min", "2 h". */
export function formatWaitShort(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.ceil(seconds / 60)
  return minutes < 60 ? `${minutes} min` : `${Math.ceil(minutes / 60)} h`
}

/** The detail's label for the answer line: "Answered" only once the answer went out. */
export function answerFactLabel(progress: AnswerProgress): string {
  switch (progress.state) {
    case 'answered':
      return 'Answered'
    case 'pending':
      return 'Will answer'
    case 'holding':
      return 'Holding'
    case 'awaiting-upstream':
      return 'Waiting'
    case 'sender-left':
    case 'app-stopped':
      return 'Never received'
    default: {
      const unknown: never = progress
      return String(unknown)
    }
  }
}

/**
 * A few words beside the detail's Response line while what it shows has not reached the sender:
 * the section read "200 OK · body 2 bytes", as if sent, during a delay and after the sender left.
 * Null once it went out, and for a hang (its label already says no answer is sent).
 */
export function responseProgressNote(progress: AnswerProgress): string | null {
  if (progress.state === 'pending') return `not sent yet: due in ${formatWait(progress.remainingMs)}`
  if (progress.state === 'awaiting-upstream') return 'nothing sent yet: waiting for the upstream answer'
  if (progress.state === 'sender-left' && !progress.wasHang) return 'never received: the sender left before it went out'
  if (progress.state === 'app-stopped' && !progress.wasHang) return 'never received: the app stopped before it went out'
  return null
}

/** Short words for the list's status cell. */
export function progressShortLabel(progress: Exclude<AnswerProgress, { state: 'answered' }>): string {
  switch (progress.state) {
    case 'pending':
      return `in ${formatWaitShort(progress.remainingMs)}`
    case 'holding':
      return 'holding'
    case 'awaiting-upstream':
      return 'waiting'
    case 'sender-left':
      return 'sender left'
    case 'app-stopped':
      return 'app stopped'
    default: {
      const unknown: never = progress
      return String(unknown)
    }
  }
}

/** A sentence, for a title or the detail view; `answer` is the recorded answer's label (e.g. "200 OK"). */
export function progressSentence(progress: Exclude<AnswerProgress, { state: 'answered' }>, answer: string): string {
  switch (progress.state) {
    case 'pending':
      return `Answering in ${formatWait(progress.remainingMs)} (${answer}, delayed): the sender is still waiting`
    case 'holding':
      return `Holding the connection open without answering (${formatWait(progress.heldMs, 'down')} so far): the sender is still waiting`
    case 'awaiting-upstream':
      return `Waiting for the upstream answer (${formatWait(progress.waitedMs, 'down')} so far), which is relayed to the sender when it comes: the sender is still waiting`
    case 'sender-left':
      if (progress.wasRelay)
        return progress.wasHang
          ? `Sender left after ${formatWait(progress.waitedMs, 'down')}, while the upstream answer was awaited: it got no answer`
          : `Sender left after ${formatWait(progress.waitedMs, 'down')}, before the upstream answer (${answer}) came, so it was not relayed: it never got it`
      return progress.wasHang
        ? `Sender left after ${formatWait(progress.waitedMs, 'down')}; the connection was held open without an answer`
        : `Sender left after ${formatWait(progress.waitedMs, 'down')}, before the delayed answer (${answer}) went out: it never got it`
    case 'app-stopped':
      if (progress.waitedMs === null)
        return `The app stopped (it crashed or was killed, so it did not record when) before the delayed answer (${answer}) went out: the sender never got it`
      return progress.wasHang
        ? `The app stopped after ${formatWait(progress.waitedMs, 'down')} of holding the connection open; it was closed without an answer`
        : `The app stopped after ${formatWait(progress.waitedMs, 'down')}, before the delayed answer (${answer}) went out: the connection was closed without it`
    default: {
      const unknown: never = progress
      return String(unknown)
    }
  }
}
