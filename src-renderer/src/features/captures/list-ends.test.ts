import { describe, expect, it } from 'vitest'
import type { CaptureSummary } from '@shared/views'
import { joinListEnds, moveWithinLoaded } from './list-ends'

const rowsOf = (...seqs: number[]) => seqs.map((seq) => ({ id: `c${seq}`, seq }) as CaptureSummary)
const seqs = (rows: CaptureSummary[]) => rows.map((row) => row.seq)

describe('joining the newest and oldest ends of the capture list', () => {
  it('shows the newest end alone until the oldest end is loaded, or when it holds everything', () => {
    expect(joinListEnds(rowsOf(9, 8, 7), true, [], 0)).toEqual({ items: rowsOf(9, 8, 7), gapIndex: null, newestEndHasMore: true })
    expect(joinListEnds(rowsOf(9, 8, 7), false, rowsOf(2, 1), 3).gapIndex).toBeNull()
    expect(seqs(joinListEnds(rowsOf(9, 8, 7), false, rowsOf(2, 1), 3).items)).toEqual([9, 8, 7])
  })

  it('puts a gap between the ends while captures between them are not loaded', () => {
    const joined = joinListEnds(rowsOf(100, 99, 98), true, rowsOf(3, 2, 1), 4)
    expect(seqs(joined.items)).toEqual([100, 99, 98, 3, 2, 1])
    expect(joined.gapIndex).toBe(3)
    expect(joined.newestEndHasMore).toBe(true)
  })

  it('joins the ends without repeating a row once they meet or overlap', () => {
    const overlapping = joinListEnds(rowsOf(10, 9, 8, 7), true, rowsOf(8, 7, 6, 5), 9)
    expect(seqs(overlapping.items)).toEqual([10, 9, 8, 7, 6, 5])
    expect(overlapping.gapIndex).toBeNull()
    expect(overlapping.newestEndHasMore).toBe(false)
    // Read up to the newest end's oldest row, with nothing in between (deleted, or not matching).
    const met = joinListEnds(rowsOf(50, 40), true, rowsOf(20, 10), 40)
    expect(joinListEnds(rowsOf(50, 40), true, rowsOf(20, 10), 39).gapIndex).toBe(2)
    expect(seqs(met.items)).toEqual([50, 40, 20, 10])
    expect(met.gapIndex).toBeNull()
  })
})

describe('moving through a list with a gap', () => {
  it('stops on the last row before the gap and says which end should load more', () => {
    expect(moveWithinLoaded(2, 3, 3)).toEqual({ index: 2, crossed: 'down' })
    expect(moveWithinLoaded(0, 40, 3)).toEqual({ index: 2, crossed: 'down' })
    expect(moveWithinLoaded(3, 2, 3)).toEqual({ index: 3, crossed: 'up' })
    expect(moveWithinLoaded(5, 0, 3)).toEqual({ index: 3, crossed: 'up' })
  })

  it('moves freely on either side of the gap, and everywhere without one', () => {
    expect(moveWithinLoaded(4, 5, 3)).toEqual({ index: 5, crossed: null })
    expect(moveWithinLoaded(0, 2, 3)).toEqual({ index: 2, crossed: null })
    expect(moveWithinLoaded(2, 3, null)).toEqual({ index: 3, crossed: null })
    expect(moveWithinLoaded(-1, 0, 3)).toEqual({ index: 0, crossed: null })
  })
})
