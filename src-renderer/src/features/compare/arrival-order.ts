/** Which of two ticked captures Compare puts on the left. */
import type { CaptureDiff } from '@shared/capture-diff'

export interface CapturePair {
  leftId: string
  rightId: string
}

/**
 * The pair in the order the captures arrived: the earlier on the left, so each change reads as
 * what the later one changed (a retry's `$.amount: "9.99" → "19.99"`), whichever was ticked
 * first. The list shows newest first, so ticking two rows from the top put the later capture on
 * the left and every change read backwards. Captures that arrived at the same moment keep the
 * order they were ticked in.
 */
export function inArrivalOrder(pair: CapturePair, diff: Pick<CaptureDiff, 'left' | 'right'>): CapturePair {
  return Date.parse(diff.left.at) > Date.parse(diff.right.at) ? { leftId: pair.rightId, rightId: pair.leftId } : pair
}
