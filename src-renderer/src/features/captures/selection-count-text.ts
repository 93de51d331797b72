/** The selection bar's words for what is ticked (pure: the bar, the export dialog's label and tests share them). */
import { formatCount } from '../../lib/format'
import type { SelectedCaptures } from './use-selected-captures'

export function captures(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'capture' : 'captures'}`
}

export function deliveries(count: number): string {
  return `${formatCount(count)} ${count === 1 ? 'delivery' : 'deliveries'}`
}

/**
 * What the bar says is selected: "2 selected" in a list of captures; in a grouped list, where a
 * row is a delivery, the captures and the deliveries ("3 captures in 1 delivery selected"), so a
 * ticked "×3" row reads as three captures before anything is done to them.
 */
export function selectionCountText(selected: SelectedCaptures): string {
  const { count, deliveryCount, state } = selected
  if (deliveryCount === null) return `${formatCount(count)} selected`
  if (state === 'finding') return `Finding the attempts of ${deliveries(deliveryCount)}…`
  if (state === 'failed') return `Could not list the attempts of ${deliveries(deliveryCount)}: ${selected.error ?? 'unknown error'}`
  return `${captures(count)} in ${deliveries(deliveryCount)} selected`
}
