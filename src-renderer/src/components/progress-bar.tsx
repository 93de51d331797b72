/** Work under way as a bar, for assistive technology too: bulk replay and import show their progress with it. */
import './progress-bar.css'

export function ProgressBar({ done, total, label, testId }: { done: number; total: number; label: string; testId?: string }) {
  const percent = total === 0 ? 100 : Math.min(100, Math.round((done / total) * 100))
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label={label} data-testid={testId}>
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  )
}
