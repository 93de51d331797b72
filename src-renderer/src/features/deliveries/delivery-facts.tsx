import { useState } from 'react'
import { formatCount } from '../../lib/format'
import { DeliveryDialog } from './delivery-dialog'
import { AFTER_ACKNOWLEDGED } from './delivery-format'
import { useDelivery } from './delivery-queries'
import './delivery-view.css'

/**
 * The capture detail's "Delivery" fact: "Attempt 2 of 3 · view delivery". Rendered inside the
 * detail's <dl>; a delivery of one attempt says so without a link.
 */
export function DeliveryFacts({ captureId }: { captureId: string }) {
  const { data } = useDelivery(captureId)
  const [isOpen, setIsOpen] = useState(false)
  if (!data) return null
  // Numbered by the core within the whole delivery, even when it is not on the latest page.
  const row = data.askedAttempt
  return (
    <>
      <dt>Delivery</dt>
      <dd data-testid="detail-delivery">
        {data.totalAttempts <= 1 ? (
          <span className="muted">The only attempt so far</span>
        ) : (
          <>
            Attempt {formatCount(row.attempt)} of {formatCount(data.totalAttempts)}
            {/* A space in the text, not only the tag's margin: read aloud or copied, it was "of 2after a 2xx". */}
            {row.afterSuccess && (
              <>
                {' '}
                <span className="tag delivery-tag-warn">{AFTER_ACKNOWLEDGED}</span>
              </>
            )}
          </>
        )}
        {' · '}
        <button type="button" className="link-button" onClick={() => setIsOpen(true)} data-testid="view-delivery">
          view delivery
        </button>
        {isOpen && (
          <DeliveryDialog captureId={captureId} openAt={{ attempt: row.attempt, totalAttempts: data.totalAttempts }} onClose={() => setIsOpen(false)} />
        )}
      </dd>
    </>
  )
}
