/**
 * The selection's rules as pure functions over ids (the hook in use-capture-selection.ts holds the
 * state): a click toggles one row, a shift-click gives every row from the last one clicked the
 * same new state, and captures that left the list leave the selection.
 */

/** The ids from one row to another, both included, in list order; empty when either is not listed. */
export function idsBetween(listed: ReadonlyArray<{ id: string }>, fromId: string, toId: string): string[] {
  const from = listed.findIndex((item) => item.id === fromId)
  const to = listed.findIndex((item) => item.id === toId)
  if (from === -1 || to === -1) return []
  return listed.slice(Math.min(from, to), Math.max(from, to) + 1).map((item) => item.id)
}

/** The selection with `ids` checked or unchecked. */
export function withIds(selection: ReadonlySet<string>, ids: readonly string[], isChecked: boolean): ReadonlySet<string> {
  const next = new Set(selection)
  for (const id of ids) {
    if (isChecked) next.add(id)
    else next.delete(id)
  }
  return next
}

/**
 * After a click on `id` (with Shift: `extend`), the selection: the clicked row flips, and with
 * Shift every row between it and `anchorId` takes its new state, as in a file manager.
 */
export function afterClick(
  selection: ReadonlySet<string>,
  listed: ReadonlyArray<{ id: string }>,
  id: string,
  anchorId: string | null,
  extend: boolean,
): ReadonlySet<string> {
  const isChecked = !selection.has(id)
  const range = extend && anchorId !== null ? idsBetween(listed, anchorId, id) : []
  return withIds(selection, range.length > 0 ? range : [id], isChecked)
}

/** The selection without ids no longer listed (deleted captures); the same set when none left. */
export function keepListed(selection: ReadonlySet<string>, listed: ReadonlyArray<{ id: string }>): ReadonlySet<string> {
  if (selection.size === 0) return selection
  const present = new Set(listed.map((item) => item.id))
  for (const id of selection) if (!present.has(id)) return new Set([...selection].filter((each) => present.has(each)))
  return selection
}
