import { describe, expect, it } from 'vitest'
import { isTightened, pinnedKeptSentence, retentionImpact } from './retention-impact'

describe('retentionImpact', () => {
  it('names what a new or lower count cap deletes at once', () => {
    const impact = retentionImpact(
      [
        { scope: { kind: 'all' }, capturesNow: 12_124, savedMaxCaptures: null, typedMaxCaptures: 10_000 },
        { scope: { kind: 'endpoint', name: 'Bulk' }, capturesNow: 12_000, savedMaxCaptures: 5_000, typedMaxCaptures: 1_000 },
      ],
      false,
    )
    expect(impact).toEqual({
      deletions: ['the oldest 2,124 of all 12,124 captures', 'the oldest 11,000 of the 12,000 captures of “Bulk”'],
      sizeOrAgeTightened: false,
    })
  })

  it('says nothing of caps that delete nothing: none, unchanged (already applied), or above the count', () => {
    const impact = retentionImpact(
      [
        { scope: { kind: 'all' }, capturesNow: 12_124, savedMaxCaptures: null, typedMaxCaptures: null },
        { scope: { kind: 'endpoint', name: 'Pinned mostly' }, capturesNow: 40, savedMaxCaptures: 10, typedMaxCaptures: 10 },
        { scope: { kind: 'endpoint', name: 'Small' }, capturesNow: 3, savedMaxCaptures: null, typedMaxCaptures: 3 },
      ],
      false,
    )
    expect(impact.deletions).toEqual([])
  })

  it('takes a size or age cap as tightened when it is new or lower than the saved one', () => {
    expect(isTightened(null, 30)).toBe(true)
    expect(isTightened(undefined, 30)).toBe(true)
    expect(isTightened(60, 30)).toBe(true)
    expect(isTightened(30, 30)).toBe(false)
    expect(isTightened(30, 60)).toBe(false)
    expect(isTightened(30, null)).toBe(false)
  })
})

describe('pinnedKeptSentence', () => {
  it('mentions pinned captures only when some are pinned', () => {
    expect(pinnedKeptSentence(0)).toBeNull()
    expect(pinnedKeptSentence(1)).toBe('The pinned capture is kept.')
    expect(pinnedKeptSentence(1200)).toBe('The 1,200 pinned captures are kept.')
  })
})
