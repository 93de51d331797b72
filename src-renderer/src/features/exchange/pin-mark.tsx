/** Marks in a capture's list row: pinned, and imported (so it is never taken for a received one). */
import './exchange.css'

/** A pushpin drawn in SVG: emoji fonts are missing on many Linux desktops. */
export function PinIcon() {
  return (
    <svg className="pin-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path d="M10.5 1.5l4 4-1.6.6-2.4 2.4.4 3.2-1.3 1.3-2.8-2.8L3 14l-1-1 3.8-3.8L3 6.4l1.3-1.3 3.2.4 2.4-2.4z" fill="currentColor" />
    </svg>
  )
}

/**
 * An arrow into a tray: "brought in from a file". An icon rather than a word, so that a pinned,
 * imported capture still leaves its Target cell to the target (the word ate a third of it).
 */
function ImportedIcon() {
  return (
    <svg className="imported-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false">
      <path
        d="M8 1.5v7.2M4.8 5.6L8 8.8l3.2-3.2M2 9.5v4h12v-4"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  )
}

export function PinMark({ pinned, imported = false }: { pinned: boolean; imported?: boolean }) {
  if (!pinned && !imported) return null
  return (
    <>
      {pinned && (
        <span className="pin-mark" title="Pinned" aria-label="Pinned" role="img" data-testid="pin-mark">
          <PinIcon />
        </span>
      )}
      {imported && (
        <span className="imported-mark" title="Imported: not received by this app" aria-label="Imported" role="img" data-testid="imported-mark">
          <ImportedIcon />
        </span>
      )}
    </>
  )
}
