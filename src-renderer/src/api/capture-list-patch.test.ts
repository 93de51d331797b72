import { describe, expect, it } from 'vitest'
import type { CaptureSummary } from '@shared/views'
import { prependCaptures } from './capture-list-patch'
import type { CaptureListData } from './query-keys'

const capture = (seq: number) => ({ id: `c${seq}`, seq }) as CaptureSummary
const seqs = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, index) => capture(from - index))

describe('prependCaptures', () => {
  const data: CaptureListData = {
    pages: [
      { items: seqs(10, 6), nextCursor: '6', total: 10 },
      { items: seqs(5, 1), nextCursor: null, total: 10 },
    ],
    pageParams: [undefined, '6'],
  }

  it('puts new captures on top and counts them', () => {
    const next = prependCaptures(data, seqs(12, 11), 100)
    expect(next.pages[0]!.items.map((item) => item.seq)).toEqual([12, 11, 10, 9, 8, 7, 6])
    expect(next.pages[0]!.total).toBe(12)
    expect(next.pages[1]).toBe(data.pages[1])
  })

  it('lets the oldest loaded rows go past the limit, with a cursor to load them again', () => {
    const next = prependCaptures(data, seqs(14, 11), 8)
    expect(next.pages).toHaveLength(1)
    expect(next.pages[0]!.items.map((item) => item.seq)).toEqual([14, 13, 12, 11, 10, 9, 8, 7])
    expect(next.pages[0]!.nextCursor).toBe('7')
    expect(next.pages[0]!.total).toBe(14)
    expect(next.pageParams).toEqual([undefined])
  })
})
