/**
 * The Delivery view's pages as one delivery: `getDelivery` answers the latest attempts first and
 * older ones a page at a time ("Show earlier attempts"); the view lists them oldest first.
 */
import type { DeliveryView } from '@shared/views'
import { formatCount } from '../../lib/format'

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

/** Attempts newer than the ones listed: the view went to an older page ("Go to attempt"). */
export function laterAttempts(delivery: DeliveryView): number {
  const last = delivery.timeline.at(-1)
  return last === undefined ? 0 : delivery.totalAttempts - last.attempt
}

/**
 * The attempt number the page holding `attempt` ends with (`getDelivery { upToAttempt }`): the
 * pages "Show N earlier" would reach, counted back from the latest in pages of `pageSize`, so a
 * jump lands on the same page as paging back to it, with the attempts after it on that page too.
 */
export function pageEndFor(attempt: number, totalAttempts: number, pageSize: number): number {
  if (attempt >= totalAttempts) return totalAttempts
  return totalAttempts - Math.floor((totalAttempts - attempt) / pageSize) * pageSize
}

/** Which attempts the view lists: "The 500 latest of 520", or their range once the view went to an older page. */
export function describeListedAttempts(delivery: DeliveryView): string {
  const first = delivery.timeline[0]?.attempt ?? 0
  const last = delivery.timeline.at(-1)?.attempt ?? 0
  const total = formatCount(delivery.totalAttempts)
  if (laterAttempts(delivery) === 0) return `The ${formatCount(delivery.timeline.length)} latest of ${total} attempts are listed.`
  return `Attempts ${formatCount(first)} to ${formatCount(last)} of ${total} are listed.`
}
