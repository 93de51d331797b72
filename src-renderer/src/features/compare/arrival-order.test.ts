import { describe, expect, it } from 'vitest'
import type { DiffSide } from '@shared/capture-diff'
import { inArrivalOrder } from './arrival-order'

const side = (id: string, at: string): DiffSide => ({
  kind: 'capture',
  id,
  captureId: id,
  seq: 1,
  at,
  method: 'POST',
  target: '/notify',
  url: null,
  body: { sha256: '', size: 0 },
})

describe('inArrivalOrder', () => {
  const first = side('a', '2026-12-06T10:00:00.000Z')
  const retry = side('b', '2026-12-06T10:00:30.000Z')

  it('puts the earlier capture on the left when the later one was ticked first (the list shows newest first)', () => {
    expect(inArrivalOrder({ leftId: 'b', rightId: 'a' }, { left: retry, right: first })).toEqual({ leftId: 'a', rightId: 'b' })
  })

  it('keeps a pair already in arrival order, and the ticking order for captures of the same moment', () => {
    expect(inArrivalOrder({ leftId: 'a', rightId: 'b' }, { left: first, right: retry })).toEqual({ leftId: 'a', rightId: 'b' })
    const twin = side('c', first.at)
    expect(inArrivalOrder({ leftId: 'c', rightId: 'a' }, { left: twin, right: first })).toEqual({ leftId: 'c', rightId: 'a' })
  })
})
