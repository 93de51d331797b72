/**
 * Whether each detail section (Summary, Signature, Request headers, …) is open, as the user last
 * left it. Every capture opens with the same sections, so a section someone collapsed to reach the
 * body stays collapsed on the next capture and after a reload, instead of springing open again.
 */

const KEY_PREFIX = 'callback-inspector.detail-section-open.'

/** The part of `localStorage` this needs; a test passes its own. */
export type SectionStorage = Pick<Storage, 'getItem' | 'setItem'>

// Read when used, inside the try: in some privacy modes merely reading `localStorage` throws.
const browserStorage = (): SectionStorage => localStorage

/** The section's remembered state, or `fallback` when nothing (readable) was remembered. */
export function rememberedOpen(sectionId: string, fallback: boolean, storage: () => SectionStorage = browserStorage): boolean {
  let stored: string | null
  try {
    stored = storage().getItem(KEY_PREFIX + sectionId)
  } catch {
    // Storage can be unavailable (privacy modes): sections then start as their default.
    return fallback
  }
  if (stored === 'true') return true
  if (stored === 'false') return false
  return fallback
}

export function rememberOpen(sectionId: string, isOpen: boolean, storage: () => SectionStorage = browserStorage): void {
  try {
    storage().setItem(KEY_PREFIX + sectionId, String(isOpen))
  } catch {
    // Not remembered (a full quota); the section still opens and closes.
  }
}
