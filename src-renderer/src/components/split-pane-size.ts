/**
 * The list/detail divider's arithmetic. The position is the list's share of the width both panes
 * have together, so it keeps its meaning when the window is resized; each pane keeps a minimum
 * width, so neither can be dragged out of sight.
 */

export interface PaneWidths {
  /** Width the two panes share (the divider's own width excluded), in CSS pixels. */
  totalPx: number
  minFirstPx: number
  minSecondPx: number
}

/** Keyboard steps on the divider, as a share of the total. */
export const KEY_STEP = 0.02
export const KEY_STEP_LARGE = 0.1

/** The smallest and largest share that leave both panes their minimum width. */
export function shareBounds(widths: PaneWidths): { min: number; max: number } {
  const { totalPx, minFirstPx, minSecondPx } = widths
  if (!(totalPx > 0)) return { min: 0.5, max: 0.5 }
  if (minFirstPx + minSecondPx >= totalPx) {
    // Not room for both minimums: split in proportion to them.
    const share = minFirstPx / (minFirstPx + minSecondPx)
    return { min: share, max: share }
  }
  return { min: minFirstPx / totalPx, max: 1 - minSecondPx / totalPx }
}

export function clampShare(share: number, widths: PaneWidths): number {
  const { min, max } = shareBounds(widths)
  if (!Number.isFinite(share)) return min
  return Math.min(max, Math.max(min, share))
}

/** The share for a pointer `offsetPx` from the first pane's left edge. */
export function shareAtPointer(offsetPx: number, widths: PaneWidths): number {
  return clampShare(widths.totalPx > 0 ? offsetPx / widths.totalPx : 0.5, widths)
}

/** The share after a key on the focused divider, or `null` when the key does not move it. */
export function shareAfterKey(share: number, key: string, isLargeStep: boolean, widths: PaneWidths): number | null {
  const step = isLargeStep ? KEY_STEP_LARGE : KEY_STEP
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowUp':
      return clampShare(share - step, widths)
    case 'ArrowRight':
    case 'ArrowDown':
      return clampShare(share + step, widths)
    case 'Home':
      return shareBounds(widths).min
    case 'End':
      return shareBounds(widths).max
    default:
      return null
  }
}

/** A remembered share, or `null` when there is none or it is not a share (0 < share < 1). */
export function parseStoredShare(raw: string | null): number | null {
  if (raw === null || raw.trim() === '') return null
  const value = Number(raw)
  return Number.isFinite(value) && value > 0 && value < 1 ? value : null
}
