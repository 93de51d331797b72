import { useState } from 'react'
import { formatCharacters, formatCount } from '../lib/format'
import { revealHidden } from './revealed-text'

interface CappedTextProps {
  text: string
  /** Characters shown at first and added by each "show more". */
  step: number
  className?: string
  testId?: string
}

/** Renders at most `step` characters more per click: what is rendered is capped, never what is stored. */
export function CappedText({ text, step, className, testId }: CappedTextProps) {
  const [limit, setLimit] = useState(step)
  const isCapped = text.length > limit
  return (
    <div className="capped">
      <pre className={`wire-text ${className ?? ''}`} data-testid={testId}>
        {revealHidden(isCapped ? text.slice(0, limit) : text)}
      </pre>
      {isCapped && (
        <div className="capped-more" data-testid="show-more">
          <span>
            Showing the first {formatCount(limit)} of {formatCharacters(text.length)}.
          </span>
          <button type="button" className="button button-small" onClick={() => setLimit(limit + step)}>
            Show {formatCount(Math.min(step, text.length - limit))} more
          </button>
          <button type="button" className="button button-small" onClick={() => setLimit(text.length)}>
            Show all
          </button>
        </div>
      )}
    </div>
  )
}
