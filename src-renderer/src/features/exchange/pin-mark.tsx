/** Marks in a capture's list row: pinned, and imported (so it is never taken for a received one). */
import './exchange.css'

export function PinMark({ pinned, imported = false }: { pinned: boolean; imported?: boolean }) {
  if (!pinned && !imported) return null
  return (
    <>
      {pinned && (
        <span className="pin-mark" title="Pinned" aria-label="Pinned" data-testid="pin-mark">
          📌
        </span>
      )}
      {imported && (
        <span className="imported-mark" title="Imported from a file, not received" data-testid="imported-mark">
          imported
        </span>
      )}
    </>
  )
}
