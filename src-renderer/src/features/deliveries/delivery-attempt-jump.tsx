import { AttemptNumberForm } from '../../components/attempt-number-form'
import { formatCount } from '../../lib/format'

const TEST_IDS = { form: 'delivery-jump', number: 'delivery-jump-number', submit: 'delivery-jump-go', problem: 'delivery-jump-problem' }

/**
 * "Go to attempt … Go": any attempt of the delivery by its number, read as "Compare with…" reads
 * it (components/attempt-number-form.tsx). The view shows the page holding it; a number that is
 * not one of the delivery's is explained under the box and nothing moves.
 */
export function DeliveryAttemptJump({
  totalAttempts,
  loadingAttempt,
  onGo,
}: {
  totalAttempts: number
  /** The attempt whose page is being fetched, if any. */
  loadingAttempt: number | null
  onGo: (attempt: number) => void
}) {
  return (
    <AttemptNumberForm
      label="Go to attempt"
      submitLabel="Go"
      totalAttempts={totalAttempts}
      onAttempt={onGo}
      className="delivery-jump delivery-small"
      testIds={TEST_IDS}
    >
      {loadingAttempt !== null && (
        <span className="muted" role="status" data-testid="delivery-jump-loading">
          Loading attempt {formatCount(loadingAttempt)}…
        </span>
      )}
    </AttemptNumberForm>
  )
}
