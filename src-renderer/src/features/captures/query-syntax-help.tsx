import { useEffect, useId, useRef, useState } from 'react'
import { QUERY_SYNTAX_HELP } from '@shared/capture-query-help'
import { groupSyntaxRows } from './query-syntax-insert'

const GROUPS = groupSyntaxRows(QUERY_SYNTAX_HELP)

/**
 * The `?` beside the search box: a small panel listing the query language's terms, grouped (text,
 * fields, combining). It closes on Escape, on a click elsewhere, or on the button again, and gives
 * focus back to the button. Each example is a button that puts it into the box (`onInsert`), which
 * then has focus: the panel closes.
 */
export function QuerySyntaxHelp({ onInsert }: { onInsert: (example: string) => void }) {
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
          <p className="query-help-intro">
            Terms side by side must all match; case does not matter, nor how an accent is encoded (é, or e and a combining ´). Click an example to put it into
            the box.
          </p>
          <table>
            {GROUPS.map((group) => (
              <tbody key={group.title}>
                <tr>
                  <th colSpan={2} scope="colgroup" className="query-help-group">
                    {group.title}
                  </th>
                </tr>
                {group.rows.map(({ example, meaning }) => (
                  <tr key={example}>
                    <th scope="row">
                      <button
                        type="button"
                        className="query-help-example wire"
                        title="Put this into the search box"
                        onClick={() => {
                          setIsOpen(false)
                          onInsert(example)
                        }}
                        data-testid="query-help-example"
                      >
                        {example}
                      </button>
                    </th>
                    <td>{meaning}</td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
    </div>
  )
}
