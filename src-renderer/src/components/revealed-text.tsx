import type { ReactNode } from 'react'
import { hasHidden, splitHidden } from '../lib/hidden-characters'

/**
 * `text` as React children, each character that would show nothing or reorder the text around it
 * (lib/hidden-characters.ts) marked with its code point. The character stays in the page inside
 * its mark, so a selection copies exactly what was received; the mark isolates it (an override
 * reverses nothing outside), and its label is generated content, which is never copied.
 */
export function revealHidden(text: string): ReactNode {
  if (!hasHidden(text)) return text
  return splitHidden(text).map((part, index) =>
    typeof part === 'string' ? (
      part
    ) : (
      <span key={index} className="hidden-char" data-code-point={part.codePoint} title={`${part.codePoint}, ${part.name}: invisible in the text, marked here`}>
        <span className="hidden-char-itself">{part.character}</span>
      </span>
    ),
  )
}
