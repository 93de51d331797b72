import { describe, expect, it } from 'vitest'
import type { BulkItemResult } from '@shared/replay'
import { resultsToShow } from './bulk-replay-progress'

const result = (seq: number, status: BulkItemResult['status']): BulkItemResult => ({ captureId: `c${seq}`, seq, status, outcome: null })

describe('resultsToShow', () => {
  it('shows every result when they fit', () => {
    const results = [result(1, 'sent'), result(2, 'failed')]
    expect(resultsToShow(results, 5)).toBe(results)
  })

  it('puts the results without an answer first when it has to cut', () => {
    const results = [result(1, 'sent'), result(2, 'failed'), result(3, 'sent'), result(4, 'cancelled'), result(5, 'sent')]
    expect(resultsToShow(results, 3).map((item) => item.seq)).toEqual([2, 4, 1])
  })
})
