/** A background forward shows as on its way only while this run of the app can record how it settled. */
import { describe, expect, it } from 'vitest'
import type { CaptureForward } from '@shared/replay'
import { canForwardSettle, forwardSentence, isForwardMarked } from './forward-mark'

const inFlight: CaptureForward = { mode: 'background', targetUrl: 'http://127.0.0.1:3000/hooks', state: 'background', reason: null }
const startedAtMs = Date.parse('2026-12-06T09:00:00.000Z')

describe('background forward marks', () => {
  it('marks a forward sent by this run as on its way', () => {
    const settles = canForwardSettle('2026-12-06T09:00:05.000Z', startedAtMs)
    expect(settles).toBe(true)
    expect(isForwardMarked(inFlight, settles)).toBe(true)
  })

  it('never shows a forward from an earlier run as pending for ever', () => {
    const settles = canForwardSettle('2026-12-06T08:59:00.000Z', startedAtMs)
    expect(settles).toBe(false)
    expect(isForwardMarked(inFlight, settles)).toBe(false)
    expect(forwardSentence(inFlight, settles)).toContain('outcome is in the resend history')
  })

  it('still marks a failed forward whatever run it came from', () => {
    expect(isForwardMarked({ ...inFlight, state: 'failed', reason: 'refused' }, false)).toBe(true)
  })
})

describe('pass-through forward marks', () => {
  const awaited: CaptureForward = { mode: 'pass-through', targetUrl: 'http://127.0.0.1:3000/hooks', state: 'pending', reason: null }

  it('marks a forward this run is awaiting as on its way', () => {
    const settles = canForwardSettle('2026-12-06T09:00:05.000Z', startedAtMs)
    expect(isForwardMarked(awaited, settles)).toBe(true)
    expect(forwardSentence(awaited, settles)).toBe('Forwarding to http://127.0.0.1:3000/hooks: the sender gets its answer once it comes')
  })

  it('says a forward an earlier run was awaiting when it ended got its sender no answer', () => {
    const settles = canForwardSettle('2026-12-06T08:59:00.000Z', startedAtMs)
    expect(isForwardMarked(awaited, settles)).toBe(true)
    expect(forwardSentence(awaited, settles)).toBe(
      "The app stopped while waiting for http://127.0.0.1:3000/hooks to answer this forward: the sender got no answer, and the target's answer was not recorded",
    )
  })
})

describe('a relayed forward whose sender was gone', () => {
  it('never says the answer was relayed to the sender', () => {
    const relayed: CaptureForward = { mode: 'pass-through', targetUrl: 'http://127.0.0.1:3000/hooks', state: 'relayed', reason: null }
    expect(forwardSentence(relayed)).toBe('Forwarded to http://127.0.0.1:3000/hooks; its answer was relayed to the sender')
    expect(forwardSentence({ ...relayed, reason: 'the sender left before it came, so it was not relayed' })).toBe(
      'Forwarded to http://127.0.0.1:3000/hooks; its answer was not relayed: the sender left before it came, so it was not relayed',
    )
  })
})
