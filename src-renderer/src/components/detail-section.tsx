import { useState, type ReactNode } from 'react'
import { rememberOpen, rememberedOpen } from './section-memory'

interface DetailSectionProps {
  title: string
  /** Shown beside the title, e.g. a count or a size. */
  aside?: ReactNode
  /** Open until the user collapses it; their choice is then remembered per section (`testId`). */
  isInitiallyOpen?: boolean
  testId: string
  children: ReactNode
}

export function DetailSection({ title, aside, isInitiallyOpen = true, testId, children }: DetailSectionProps) {
  const [isOpen, setIsOpen] = useState(() => rememberedOpen(testId, isInitiallyOpen))
  const toggle = (): void => {
    rememberOpen(testId, !isOpen)
    setIsOpen(!isOpen)
  }
  return (
    <section className="detail-section" data-testid={testId}>
      <button type="button" className="detail-section-header" aria-expanded={isOpen} onClick={toggle}>
        <span className={`disclosure ${isOpen ? 'disclosure-open' : ''}`} aria-hidden="true" />
        <span className="detail-section-title">{title}</span>
        {aside !== undefined && <span className="detail-section-aside">{aside}</span>}
      </button>
      {isOpen && <div className="detail-section-body">{children}</div>}
    </section>
  )
}
