import { useState, type ReactNode } from 'react'

interface DetailSectionProps {
  title: string
  /** Shown beside the title, e.g. a count or a size. */
  aside?: ReactNode
  isInitiallyOpen?: boolean
  testId: string
  children: ReactNode
}

export function DetailSection({ title, aside, isInitiallyOpen = true, testId, children }: DetailSectionProps) {
  const [isOpen, setIsOpen] = useState(isInitiallyOpen)
  return (
    <section className="detail-section" data-testid={testId}>
      <button type="button" className="detail-section-header" aria-expanded={isOpen} onClick={() => setIsOpen(!isOpen)}>
        <span className={`disclosure ${isOpen ? 'disclosure-open' : ''}`} aria-hidden="true" />
        <span className="detail-section-title">{title}</span>
        {aside !== undefined && <span className="detail-section-aside">{aside}</span>}
      </button>
      {isOpen && <div className="detail-section-body">{children}</div>}
    </section>
  )
}
