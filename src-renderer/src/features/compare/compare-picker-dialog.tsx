import { useQuery } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import type { CaptureSummary } from '@shared/views'
import type { ReplayRecord } from '@shared/replay'
import { call } from '../../api/api-client'
import { useReplays } from '../../api/queries'
import { queryKeys } from '../../api/query-keys'
import { formatListTime } from '../../lib/format'
import { ModalDialog } from '../../components/modal-dialog'
import { useDeliveryPages } from '../deliveries/delivery-queries'
import { outcomeLabel } from '../replay/replay-format'
import { CaptureChoices } from './capture-choices'
import type { CompareTarget } from './compare-queries'
import { CompareView } from './compare-view'
import { DeliveryAttemptChoices } from './delivery-attempt-choices'
import './compare.css'

/** Captures of the endpoint offered besides the delivery's attempts. */
const RECENT_CAPTURES = 30

/**
 * "Compare with…": the other attempts of the same delivery first (any of them: older pages and
 * attempt numbers reach past the latest page), then this capture's resends, then the endpoint's
 * recent captures; picking one shows the comparison in the same dialog.
 */
export function ComparePickerDialog({ capture, onClose }: { capture: CaptureSummary; onClose: () => void }) {
  const [target, setTarget] = useState<CompareTarget | null>(null)
  const viewRef = useRef<HTMLDivElement>(null)
  const lastPicked = useRef<string | null>(null)
  // The candidate pressed is hidden with the list: focus follows to "Pick another", and back to that
  // candidate on return, instead of dropping to the page behind the dialog.
  useEffect(() => {
    const view = viewRef.current
    if (view === null) return
    if (target) {
      lastPicked.current =
        'rightReplayId' in target
          ? `[data-testid=compare-resend-candidate][data-replay-id="${CSS.escape(target.rightReplayId)}"]`
          : `[data-testid=compare-candidate][data-capture-id="${CSS.escape(otherSide(target, capture.id))}"]`
      view.querySelector<HTMLElement>('[data-testid=compare-pick-another]')?.focus()
    } else if (lastPicked.current !== null) {
      view.querySelector<HTMLElement>(lastPicked.current)?.focus()
    }
  }, [target, capture.id])
  return (
    <ModalDialog title={target ? 'Compare' : 'Compare with…'} onClose={onClose} testId="compare-dialog" size="wide" closeLink>
      <div ref={viewRef}>
        {target && (
          <>
            <button type="button" className="link-button compare-small" onClick={() => setTarget(null)} data-testid="compare-pick-another">
              ← Pick another
            </button>
            <CompareView target={target} />
          </>
        )}
        {/* Hidden, not gone, while comparing: "Pick another" comes back to the earlier attempts shown and the attempt looked up by number. */}
        <div hidden={target !== null}>
          <Candidates capture={capture} onPick={setTarget} />
        </div>
      </div>
    </ModalDialog>
  )
}

/** The capture compared with the open one. */
function otherSide(target: { leftId: string; rightId: string }, openId: string): string {
  return target.leftId === openId ? target.rightId : target.leftId
}

function Candidates({ capture, onPick }: { capture: CaptureSummary; onPick: (target: CompareTarget) => void }) {
  const deliveryPages = useDeliveryPages(capture.id)
  const resends = useReplays(capture.id)
  const recent = useQuery({
    queryKey: queryKeys.compareCandidates(capture.endpointId),
    queryFn: () => call('listCaptures', { endpointId: capture.endpointId, limit: RECENT_CAPTURES }),
  })
  // The attempts listed above are not offered again among the recent captures.
  const attemptIds = new Set((deliveryPages.delivery?.attempts ?? []).map((attempt) => attempt.id))
  const others = (recent.data?.items ?? []).filter((item) => item.id !== capture.id && !attemptIds.has(item.id))
  const pickCapture = (other: CaptureSummary) =>
    onPick(other.seq < capture.seq ? { leftId: other.id, rightId: capture.id } : { leftId: capture.id, rightId: other.id })
  return (
    <div data-testid="compare-candidates">
      <p className="muted compare-small">Compare capture #{capture.seq} with:</p>
      <h3 className="compare-picker-group">Other attempts of this delivery</h3>
      <DeliveryAttemptChoices capture={capture} pages={deliveryPages} onPick={pickCapture} />
      <h3 className="compare-picker-group">Resends of this capture</h3>
      {resends.isPending ? (
        <p className="muted compare-small">Loading…</p>
      ) : (
        <ResendChoices records={resends.data ?? []} onPick={(record) => onPick({ leftId: capture.id, rightReplayId: record.id })} />
      )}
      <h3 className="compare-picker-group">Recent captures on this endpoint</h3>
      {recent.isPending ? (
        <p className="muted compare-small">Loading…</p>
      ) : (
        <CaptureChoices choices={others.map((other) => ({ capture: other }))} empty="No other capture." onPick={pickCapture} testId="compare-recent" />
      )}
    </div>
  )
}

function ResendChoices({ records, onPick }: { records: ReplayRecord[]; onPick: (record: ReplayRecord) => void }) {
  if (records.length === 0) return <p className="muted compare-small">Not resent yet.</p>
  return (
    <ul className="compare-picker-list" data-testid="compare-resends">
      {records.map((record) => (
        <li key={record.id}>
          <button
            type="button"
            className="compare-picker-item"
            onClick={() => onPick(record)}
            data-testid="compare-resend-candidate"
            data-replay-id={record.id}
          >
            <span>{formatListTime(record.at)}</span>
            <span className="wire">
              {record.sent.method} {record.sent.url}
            </span>
            <span className="muted">{outcomeLabel(record.outcome)}</span>
          </button>
        </li>
      ))}
    </ul>
  )
}
