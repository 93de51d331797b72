/**
 * The Delivery view's pages as one delivery: `getDelivery` answers the latest attempts first and
 * older ones a page at a time ("Show earlier attempts"); the view lists them oldest first.
 */
import type { DeliveryView } from '@shared/views'

/** The pages fetched so far (the latest first, each older than the one before) as one view, oldest attempt first. */
export function joinDeliveryPages(pages: readonly DeliveryView[]): DeliveryView | undefined {
  const [latest, ...older] = pages
  if (latest === undefined) return undefined
  const oldestFirst = [...older].reverse()
  return {
    ...latest,
    attempts: [...oldestFirst.flatMap((page) => page.attempts), ...latest.attempts],
    timeline: [...oldestFirst.flatMap((page) => page.timeline), ...latest.timeline],
    nextCursor: pages[pages.length - 1]?.nextCursor ?? null,
  }
}

/** Attempts older than the ones listed, not fetched yet. */
export function unlistedAttempts(delivery: DeliveryView): number {
  return delivery.timeline[0] === undefined ? 0 : delivery.timeline[0].attempt - 1
}
