import { useEffect, useId, useRef, useState } from 'react'
import { QUERY_SYNTAX_HELP } from '@shared/capture-query'

/**
 * The `?` beside the search box: a small panel listing the query language's terms. It closes on
 * Escape, on a click elsewhere, or on the button again, and gives focus back to the button.
 */
export function QuerySyntaxHelp() {
  const [isOpen, setIsOpen] = useState(false)
  const panelId = useId()
  const wrapperRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (!isOpen) return
    const closeOnOutsideClick = (event: MouseEvent): void => {
      if (!wrapperRef.current?.contains(event.target as Node)) setIsOpen(false)
    }
    document.addEventListener('mousedown', closeOnOutsideClick)
    return () => document.removeEventListener('mousedown', closeOnOutsideClick)
  }, [isOpen])

  return (
    <div
      className="query-help"
      ref={wrapperRef}
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !isOpen) return
        // Escape closes the panel only: the search box keeps its text.
        event.preventDefault()
        event.stopPropagation()
        setIsOpen(false)
        buttonRef.current?.focus()
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        className="query-help-button"
        aria-label="Search syntax"
        title="Search syntax"
        aria-expanded={isOpen}
        aria-controls={panelId}
        onClick={() => setIsOpen((open) => !open)}
        data-testid="query-help-button"
      >
        ?
      </button>
      {isOpen && (
        <div id={panelId} className="query-help-panel" role="region" aria-label="Search syntax" data-testid="query-help">
          <p className="query-help-intro">Terms side by side must all match; case does not matter, nor how an accent is encoded (é, or e and a combining ´).</p>
          <table>
            <tbody>
              {QUERY_SYNTAX_HELP.map(({ example, meaning }) => (
                <tr key={example}>
                  <th scope="row">
                    <code className="wire">{example}</code>
                  </th>
                  <td>{meaning}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
