import { describe, expect, it } from 'vitest'
import type { AnswerRecord } from '@shared/views'
import {
  answerFactLabel,
  answerProgress,
  formatWait,
  formatWaitShort,
  isLive,
  progressSentence,
  progressShortLabel,
  responseProgressNote,
} from './answer-progress'

const ARRIVED = Date.parse('2026-12-06T08:00:00.000Z')
const APP_STARTED = ARRIVED - 60_000

function capture(response: Partial<AnswerRecord>, senderLeftAt: string | null = null, appStoppedAt: string | null = null) {
  return {
    receivedAt: new Date(ARRIVED).toISOString(),
    durationMs: 500,
    senderLeftAt,
    appStoppedAt,
    response: { kind: 'respond', status: 200, headers: [], bodySize: 2, delayMs: 0, chosenBy: { kind: 'default' }, ...response } satisfies AnswerRecord,
  }
}

describe('answerProgress', () => {
  it('is pending until the delay after the body was read has passed', () => {
    const delayed = capture({ delayMs: 8000 })
    expect(answerProgress(delayed, ARRIVED + 1500, APP_STARTED)).toEqual({ state: 'pending', remainingMs: 7000 })
    expect(answerProgress(delayed, ARRIVED + 8499, APP_STARTED)).toEqual({ state: 'pending', remainingMs: 1 })
    expect(answerProgress(delayed, ARRIVED + 8500, APP_STARTED)).toEqual({ state: 'answered' })
  })

  it('is answered at once without a delay', () => {
    expect(answerProgress(capture({}), ARRIVED + 1, APP_STARTED)).toEqual({ state: 'answered' })
    expect(answerProgress(capture({ kind: 'reset', status: null }), ARRIVED + 1, APP_STARTED)).toEqual({ state: 'answered' })
  })

  it('holds a hang of this run, and counts nothing for a hang an earlier run ended', () => {
    const hang = capture({ kind: 'hang', status: null })
    expect(answerProgress(hang, ARRIVED + 12_300, APP_STARTED)).toEqual({ state: 'holding', heldMs: 12_300 })
    expect(answerProgress(hang, ARRIVED + 12_300, ARRIVED + 1)).toEqual({ state: 'answered' })
  })

  it('says a pass-through capture waits for the upstream answer, not that it was never answered', () => {
    const awaited = capture({ kind: 'hang', status: null, chosenBy: { kind: 'forward', targetUrl: 'http://127.0.0.1:9/hooks' } })
    const progress = answerProgress(awaited, ARRIVED + 4200, APP_STARTED)
    expect(progress).toEqual({ state: 'awaiting-upstream', waitedMs: 4200 })
    expect(isLive(progress)).toBe(true)
    expect(answerFactLabel(progress)).toBe('Waiting')
    if (progress.state === 'answered') throw new Error('awaited')
    expect(progressShortLabel(progress)).toBe('waiting')
    expect(progressSentence(progress, 'unused')).toMatch(/^Waiting for the upstream answer \(4 s so far\)/)
    expect(responseProgressNote(progress)).toBe('nothing sent yet: waiting for the upstream answer')
    // An earlier run's wait ended with it: nothing is pending any more.
    expect(answerProgress(awaited, ARRIVED + 4200, ARRIVED + 1)).toEqual({ state: 'answered' })
  })

  it('says the sender left, for a delay or a hang', () => {
    const left = new Date(ARRIVED + 3200).toISOString()
    expect(answerProgress(capture({ delayMs: 8000 }, left), ARRIVED + 4000, APP_STARTED)).toEqual({
      state: 'sender-left',
      waitedMs: 3200,
      wasHang: false,
      wasRelay: false,
    })
    expect(answerProgress(capture({ kind: 'hang', status: null }, left), ARRIVED + 4000, APP_STARTED)).toEqual({
      state: 'sender-left',
      waitedMs: 3200,
      wasHang: true,
      wasRelay: false,
    })
  })

  it('says the sender left before a relayed answer came from upstream, not before a delayed answer went out', () => {
    const left = new Date(ARRIVED + 3200).toISOString()
    const relayed = capture({ status: 201, chosenBy: { kind: 'forward', targetUrl: 'http://127.0.0.1:9/hooks' } }, left)
    const progress = answerProgress(relayed, ARRIVED + 9000, APP_STARTED)
    expect(progress).toEqual({ state: 'sender-left', waitedMs: 3200, wasHang: false, wasRelay: true })
    if (progress.state === 'answered') throw new Error('left')
    const sentence = progressSentence(progress, '201 Created')
    expect(sentence).toBe('Sender left after 3 s, before the upstream answer (201 Created) came, so it was not relayed: it never got it')
    expect(sentence).not.toContain('delayed')
  })

  it('says the app stopped before the answer went out, for a delay or a hang, and never counts it as still due', () => {
    const stopped = new Date(ARRIVED + 5100).toISOString()
    const delayed = capture({ delayMs: 60_000 }, null, stopped)
    // Still inside the configured delay: without the record it read "due in 55 s", and later "answered".
    expect(answerProgress(delayed, ARRIVED + 6000, APP_STARTED)).toEqual({ state: 'app-stopped', waitedMs: 5100, wasHang: false })
    expect(answerProgress(delayed, ARRIVED + 90_000, ARRIVED + 80_000)).toEqual({ state: 'app-stopped', waitedMs: 5100, wasHang: false })
    const held = capture({ kind: 'hang', status: null }, null, stopped)
    expect(answerProgress(held, ARRIVED + 90_000, ARRIVED + 80_000)).toEqual({ state: 'app-stopped', waitedMs: 5100, wasHang: true })
    const progress = answerProgress(delayed, ARRIVED + 90_000, ARRIVED + 80_000)
    expect(isLive(progress)).toBe(false)
    expect(answerFactLabel(progress)).toBe('Never received')
    expect(responseProgressNote(progress)).toBe('never received: the app stopped before it went out')
    expect(progressShortLabel({ state: 'app-stopped', waitedMs: 5100, wasHang: false })).toBe('app stopped')
    expect(progressSentence({ state: 'app-stopped', waitedMs: 5100, wasHang: false }, '200 OK')).toBe(
      'The app stopped after 5 s, before the delayed answer (200 OK) went out: the connection was closed without it',
    )
  })

  it('says the app stopped for a delayed answer due after this run started, left by a run that crashed or was killed', () => {
    // A kill -9 records nothing: before, a 60 s delay cut by it read "answered" after the restart.
    const delayed = capture({ delayMs: 60_000 })
    const restartedAt = ARRIVED + 20_000
    const progress = answerProgress(delayed, ARRIVED + 90_000, restartedAt)
    expect(progress).toEqual({ state: 'app-stopped', waitedMs: null, wasHang: false })
    expect(answerFactLabel(progress)).toBe('Never received')
    expect(progressSentence(progress as Exclude<typeof progress, { state: 'answered' }>, '200 OK')).toBe(
      'The app stopped (it crashed or was killed, so it did not record when) before the delayed answer (200 OK) went out: the sender never got it',
    )
    // Due before the run started: the earlier run may have sent it; and one of this run counts down as before.
    expect(answerProgress(delayed, ARRIVED + 90_000, ARRIVED + 61_000)).toEqual({ state: 'answered' })
    expect(answerProgress(delayed, ARRIVED + 1500, APP_STARTED)).toEqual({ state: 'pending', remainingMs: 59_000 })
  })

  it('is live only while something is still due', () => {
    expect(isLive({ state: 'pending', remainingMs: 1 })).toBe(true)
    expect(isLive({ state: 'holding', heldMs: 1 })).toBe(true)
    expect(isLive({ state: 'answered' })).toBe(false)
    expect(isLive({ state: 'sender-left', waitedMs: 1, wasHang: false, wasRelay: false })).toBe(false)
  })
})

describe('countdown words', () => {
  it('rounds a countdown up, so it never says 0 s before the answer went out', () => {
    expect(formatWait(7000)).toBe('7 s')
    expect(formatWait(6200)).toBe('7 s')
    expect(formatWait(1)).toBe('1 s')
    expect(formatWait(60_000)).toBe('1 min')
    expect(formatWait(125_000)).toBe('2 min 5 s')
    expect(formatWait(3_600_000)).toBe('1 h')
    expect(formatWait(5_430_000)).toBe('1 h 31 min')
    expect(formatWait(12_900, 'down')).toBe('12 s')
    expect(formatWait(0, 'down')).toBe('0 s')
  })

  it('keeps the list cell short', () => {
    expect(formatWaitShort(6200)).toBe('7 s')
    expect(formatWaitShort(0)).toBe('1 s')
    expect(formatWaitShort(61_000)).toBe('2 min')
    expect(formatWaitShort(3_600_001)).toBe('2 h')
    expect(progressShortLabel({ state: 'pending', remainingMs: 6500 })).toBe('in 7 s')
    expect(progressShortLabel({ state: 'holding', heldMs: 1 })).toBe('holding')
    expect(progressShortLabel({ state: 'sender-left', waitedMs: 1, wasHang: false, wasRelay: false })).toBe('sender left')
  })

  it('says in a sentence what is pending', () => {
    expect(progressSentence({ state: 'pending', remainingMs: 6500 }, '200 OK')).toBe('Answering in 7 s (200 OK, delayed): the sender is still waiting')
    expect(progressSentence({ state: 'sender-left', waitedMs: 3200, wasHang: false, wasRelay: false }, '200 OK')).toBe(
      'Sender left after 3 s, before the delayed answer (200 OK) went out: it never got it',
    )
  })
})

describe('answerFactLabel', () => {
  it('says "Answered" only once the answer went out', () => {
    const delayed = capture({ delayMs: 8000 })
    expect(answerFactLabel(answerProgress(delayed, ARRIVED + 1500, APP_STARTED))).toBe('Will answer')
    expect(answerFactLabel(answerProgress(delayed, ARRIVED + 9000, APP_STARTED))).toBe('Answered')
    expect(answerFactLabel(answerProgress(capture({ kind: 'hang' }), ARRIVED + 1000, APP_STARTED))).toBe('Holding')
    expect(answerFactLabel(answerProgress(capture({ delayMs: 8000 }, new Date(ARRIVED + 2000).toISOString()), ARRIVED + 3000, APP_STARTED))).toBe(
      'Never received',
    )
  })
})

describe('responseProgressNote', () => {
  it('says the Response shown has not gone out while it is due, and was never received once the sender left', () => {
    const delayed = capture({ delayMs: 8000 })
    expect(responseProgressNote(answerProgress(delayed, ARRIVED + 1500, APP_STARTED))).toBe('not sent yet: due in 7 s')
    const left = capture({ delayMs: 8000 }, new Date(ARRIVED + 3000).toISOString())
    expect(responseProgressNote(answerProgress(left, ARRIVED + 9000, APP_STARTED))).toBe('never received: the sender left before it went out')
  })

  it('says nothing once the answer went out, nor for a hang, whose label already says no answer is sent', () => {
    expect(responseProgressNote(answerProgress(capture({ delayMs: 8000 }), ARRIVED + 9000, APP_STARTED))).toBeNull()
    expect(responseProgressNote(answerProgress(capture({}), ARRIVED + 1, APP_STARTED))).toBeNull()
    expect(responseProgressNote(answerProgress(capture({ kind: 'hang', status: null }), ARRIVED + 1000, APP_STARTED))).toBeNull()
    const hangLeft = capture({ kind: 'hang', status: null }, new Date(ARRIVED + 3000).toISOString())
    expect(responseProgressNote(answerProgress(hangLeft, ARRIVED + 9000, APP_STARTED))).toBeNull()
  })
})
