/**
 * A long list of problems or changes (import failures, export redactions), showing the first
 * `limit` and saying how many more there are: thousands of list items would stall the dialog.
 */
import type { ReactNode } from 'react'
import { formatCount } from '../lib/format'

interface CappedListProps<Item> {
  items: readonly Item[]
  /** Items shown; the rest are counted. */
  limit?: number
  className: string
  testId: string
  itemKey: (item: Item, index: number) => string | number
  renderItem: (item: Item) => ReactNode
  /** Added after "…and N more", e.g. where the rest can be read. */
  moreNote?: string
}

export function CappedList<Item>({ items, limit = 500, className, testId, itemKey, renderItem, moreNote }: CappedListProps<Item>) {
  return (
    <ul className={className} data-testid={testId}>
      {items.slice(0, limit).map((item, index) => (
        <li key={itemKey(item, index)}>{renderItem(item)}</li>
      ))}
      {items.length > limit && (
        <li className="muted">
          …and {formatCount(items.length - limit)} more{moreNote === undefined ? '' : ` ${moreNote}`}
        </li>
      )}
    </ul>
  )
}
