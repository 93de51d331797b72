/**
 * What the answers being edited mean to the providers that send to this endpoint: each part they
 * would count as a failure, and which providers that was checked against (or that none is known).
 */
import type { DraftWarnings } from './use-draft-warnings'
import { describeWarningsBasis } from './warnings-basis'

export function ProviderWarnings({ warnings }: { warnings: DraftWarnings }) {
  const { view, isWaitingForFixes, error } = warnings
  return (
    <div className="answers-provider-check" aria-live="polite" data-testid="answer-provider-check">
      {view.warnings.length > 0 && (
        // Dimmed while the draft cannot be checked: these are the last checked draft's, not the one shown.
        <div
          className={`notice notice-warning answers-warnings ${isWaitingForFixes ? 'answers-warnings-stale' : ''}`}
          data-stale={isWaitingForFixes}
          data-testid="answer-warnings"
        >
          <strong>Heads up:</strong>
          <ul className="answers-warning-list">
            {view.warnings.map((warning) => (
              <li key={warning} data-testid="answer-warning">
                {warning}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="answers-basis muted" data-testid="answer-warnings-basis">
        {describeWarningsBasis(view)}
        {isWaitingForFixes && ' Fix the marked fields to check the latest changes.'}
        {error !== null && ` Could not check the latest changes: ${error}`}
      </p>
    </div>
  )
}
