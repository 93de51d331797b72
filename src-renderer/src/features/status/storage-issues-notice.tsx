import { useState } from 'react'
import type { StorageIssue } from '@shared/views'

interface StorageIssuesNoticeProps {
  issues: StorageIssue[]
}

const DISMISSED_KEY = 'callback-inspector.dismissed-storage-issues'
/** A damaged data folder can hold thousands of files: list a few, the rest on request. */
const FIRST_ISSUES_SHOWN = 3

function issueKey(issue: StorageIssue): string {
  return `${issue.movedTo}@${issue.at}`
}

/** Files found unreadable (at start-up, or a replay history when first read) were moved aside, never overwritten; say where. */
export function StorageIssuesNotice({ issues }: StorageIssuesNoticeProps) {
  const [dismissed, setDismissed] = useState<string[]>(() => {
    try {
      const stored: unknown = JSON.parse(sessionStorage.getItem(DISMISSED_KEY) ?? '[]')
      return Array.isArray(stored) ? stored.filter((item): item is string => typeof item === 'string') : []
    } catch {
      return []
    }
  })
  const [isExpanded, setIsExpanded] = useState(false)
  const visible = issues.filter((issue) => !dismissed.includes(issueKey(issue)))
  if (visible.length === 0) return null
  const listed = isExpanded ? visible : visible.slice(0, FIRST_ISSUES_SHOWN)

  function dismiss(): void {
    const next = [...dismissed, ...visible.map(issueKey)]
    sessionStorage.setItem(DISMISSED_KEY, JSON.stringify(next))
    setDismissed(next)
  }

  return (
    <div className="banner banner-warning" role="status" data-testid="storage-issues">
      <div className="banner-content">
        <strong>{visible.length === 1 ? 'A data file had a problem' : `${visible.length} data files had problems`} (nothing was overwritten):</strong>
        <ul className="issue-list">
          {listed.map((issue) => (
            <li key={issueKey(issue)}>
              <code className="wire">{issue.file}</code>: {issue.problem}.{' '}
              {issue.movedTo === issue.file ? (
                'Left in place.'
              ) : (
                <>
                  Moved to <code className="wire">{issue.movedTo}</code>
                </>
              )}
            </li>
          ))}
        </ul>
        {listed.length < visible.length && (
          <button type="button" className="link-button" onClick={() => setIsExpanded(true)}>
            Show all {visible.length}
          </button>
        )}
      </div>
      <button type="button" className="button button-small" onClick={dismiss} data-testid="dismiss-storage-issues">
        Dismiss
      </button>
    </div>
  )
}
