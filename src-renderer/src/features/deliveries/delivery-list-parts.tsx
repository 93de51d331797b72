import { useCallback, useState } from 'react'
import type { DeliveryGroupInfo } from '@shared/deliveries'
import { formatCount } from '../../lib/format'
import { describeDeliveryOutcome, describeDuplicates } from './delivery-format'
import './delivery-view.css'

/**
 * A grouped list row's "×3" badge (only in `groupBy: "delivery"` lists, and only for retried
 * deliveries: a narrow column keeps its room for the reference), with duplicates flagged.
 */
export function DeliveryCountBadge({ delivery }: { delivery: DeliveryGroupInfo | undefined }) {
  if (!delivery || delivery.attemptCount < 2) return null
  return (
    <span
      className={`delivery-badge ${delivery.duplicateCount > 0 ? 'delivery-badge-dup' : ''}`}
      title={`${formatCount(delivery.attemptCount)} ${delivery.attemptCount === 1 ? 'attempt' : 'attempts'}, ${describeDeliveryOutcome(delivery.succeeded)}${delivery.duplicateCount > 0 ? `, ${describeDuplicates(delivery.duplicateCount)}` : ''}`}
      data-testid="delivery-attempt-count"
      data-attempts={delivery.attemptCount}
    >
      ×{formatCount(delivery.attemptCount)}
    </span>
  )
}

/**
 * What Group retries does. It said "with their count and latest answer": under a filter a row is
 * the latest attempt that matches (not the latest answer). The figure beside counts both the rows
 * (deliveries) and the captures (capture-count-label.ts).
 */
export const GROUP_RETRIES_TITLE =
  'One row per delivery: the retries of one notification together, with how many there are. Each row is the delivery’s latest attempt ' +
  '(under a filter or search, its latest attempt that matches); ticking a row selects every attempt of its delivery. ' +
  'The figure beside counts deliveries, and in brackets their captures.'

/** The list header's switch between one row per capture and one row per delivery. */
export function GroupByDeliveryToggle({ grouped, onChange }: { grouped: boolean; onChange: (grouped: boolean) => void }) {
  return (
    <label className="delivery-toggle" title={GROUP_RETRIES_TITLE} data-testid="group-by-delivery-label">
      <input type="checkbox" checked={grouped} onChange={(event) => onChange(event.target.checked)} data-testid="group-by-delivery" />
      Group retries
    </label>
  )
}

const GROUPED_KEY = 'callback-inspector.group-by-delivery'

/** Whether the list shows one row per delivery; remembered across reloads. */
export function useGroupByDelivery(): [grouped: boolean, setGrouped: (grouped: boolean) => void] {
  const [grouped, setState] = useState(() => localStorage.getItem(GROUPED_KEY) === 'true')
  const setGrouped = useCallback((next: boolean) => {
    localStorage.setItem(GROUPED_KEY, String(next))
    setState(next)
  }, [])
  return [grouped, setGrouped]
}
