/**
 * What saving new retention caps deletes at once. Retention runs as soon as the caps are saved
 * and deletes the oldest captures beyond them, with no undo, so the dialog says so before Save:
 * for a count cap, how many (the captures now minus the cap; pinned ones are kept, so at most);
 * for a size or age cap, only that some may go, since the dialog does not know their sizes or dates.
 */
import { formatCount } from '../../lib/format'

export interface CountCapChange {
  /** "all endpoints" or the endpoint's name. */
  scope: { kind: 'all' } | { kind: 'endpoint'; name: string }
  capturesNow: number
  savedMaxCaptures: number | null
  typedMaxCaptures: number | null
}

export interface RetentionImpact {
  /** One sentence per cap that deletes captures now, e.g. "the oldest 11,000 of the 12,000 captures of “Bulk”". */
  deletions: string[]
  /** A size or age cap was set or tightened: captures beyond it go too. */
  sizeOrAgeTightened: boolean
}

export function retentionImpact(countCaps: readonly CountCapChange[], sizeOrAgeTightened: boolean): RetentionImpact {
  const deletions: string[] = []
  for (const change of countCaps) {
    const cap = change.typedMaxCaptures
    // An unchanged cap has already been applied; only a new or lower one deletes on Save.
    if (cap === null || cap === change.savedMaxCaptures || change.capturesNow <= cap) continue
    const oldest = `the oldest ${formatCount(change.capturesNow - cap)}`
    deletions.push(
      change.scope.kind === 'all'
        ? `${oldest} of all ${formatCount(change.capturesNow)} captures`
        : `${oldest} of the ${formatCount(change.capturesNow)} captures of “${change.scope.name}”`,
    )
  }
  return { deletions, sizeOrAgeTightened }
}

/**
 * The sentence about pinned captures under the notice: said only when some are pinned (it said
 * "Pinned captures are kept" where nothing was pinned, as the Clear dialog did).
 */
export function pinnedKeptSentence(pinnedCount: number): string | null {
  if (pinnedCount <= 0) return null
  return pinnedCount === 1 ? 'The pinned capture is kept.' : `The ${formatCount(pinnedCount)} pinned captures are kept.`
}

/** Whether a typed size or age cap is new or lower than the saved one. */
export function isTightened(saved: number | null | undefined, typed: number | null): boolean {
  return typed !== null && (saved === null || saved === undefined || typed < saved)
}
