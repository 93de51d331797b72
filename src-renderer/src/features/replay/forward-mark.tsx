import type { CaptureForward } from '@shared/replay'
import { useStatus } from '../../api/queries'
import { reasonPhrase } from '../../lib/http-status'

/**
 * In a capture's list row: a forward that failed, was refused or got a non-2xx answer, so a
 * forward that went wrong never looks like a normal answer; `fwd …` while a forward is still on its
 * way (a background one, or a pass-through one whose target is awaited); `fwd stopped` for a
 * pass-through forward an earlier run of the app was awaiting when it ended (a crash, a kill -9):
 * its sender got no answer. Nothing for a forward that went well (relayed, or sent and answered
 * 2xx). Short, like the row's `fwd`, so the status column never cuts it; the title says it in full.
 */
export function ForwardMark({ forward, isSettleExpected }: { forward: CaptureForward | null; isSettleExpected: boolean }) {
  if (!isForwardMarked(forward, isSettleExpected)) return null
  return <ForwardTag forward={forward} isSettleExpected={isSettleExpected} />
}

/**
 * Whether the row shows a forward mark (it then takes the answer choice's place). A background
 * forward is "on its way" only while this run of the app can still record how it settled: one
 * received before the app started (stopped mid-flight, or stored before outcomes were recorded)
 * never settles here, and its outcome is in the capture's resend history if it came. A pending
 * pass-through forward is always marked: on its way in this run, cut off from an earlier one.
 */
export function isForwardMarked(forward: CaptureForward | null, isSettleExpected: boolean): forward is CaptureForward {
  return forward !== null && ((forward.state === 'background' && isSettleExpected) || forward.state === 'pending' || isForwardProblem(forward))
}

/** Whether a background forward of a capture received at `receivedAt` can still settle in this run. */
export function canForwardSettle(receivedAt: string, appStartedAtMs: number): boolean {
  return Date.parse(receivedAt) >= appStartedAtMs
}

/** Whether the forward went wrong: failed, refused, or answered with a status outside 2xx. */
export function isForwardProblem(forward: CaptureForward | null): forward is CaptureForward {
  if (forward === null) return false
  return forward.state === 'failed' || forward.state === 'refused-loop' || (forward.state === 'sent' && !isSuccess(forward.status))
}

function isSuccess(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300
}

function ForwardTag({ forward, isSettleExpected }: { forward: CaptureForward; isSettleExpected: boolean }) {
  switch (forward.state) {
    case 'pending':
      return isSettleExpected ? (
        <span className="tag" title={forwardSentence(forward)} data-testid="capture-forward-pending">
          fwd …
        </span>
      ) : (
        <span className="tag tag-danger" title={forwardSentence(forward, false)} data-testid="capture-forward-failed">
          fwd stopped
        </span>
      )
    case 'failed':
      return (
        <span className="tag tag-danger" title={forwardSentence(forward)} data-testid="capture-forward-failed">
          fwd failed
        </span>
      )
    case 'refused-loop':
      return (
        <span className="tag tag-danger" title={forward.reason ?? 'not forwarded: it would loop'} data-testid="capture-forward-failed">
          not fwd
        </span>
      )
    case 'sent':
      return (
        <span className="tag tag-danger" title={forwardSentence(forward)} data-testid="capture-forward-failed">
          fwd {forward.status ?? '?'}
        </span>
      )
    case 'background':
      return (
        <span className="tag" title={forwardSentence(forward)} data-testid="capture-forward-pending">
          fwd …
        </span>
      )
    case 'relayed':
      return null
    default: {
      const exhaustive: never = forward.state
      return <span className="tag">{String(exhaustive)}</span>
    }
  }
}

/** What happened to the forward, in one sentence (the row's title and the detail's fact). */
export function forwardSentence(forward: CaptureForward, isSettleExpected = true): string {
  if (forward.state === 'background' && !isSettleExpected) {
    return `Forwarded to ${forward.targetUrl} in the background while an earlier run of the app was running: its outcome is in the resend history, unless the app stopped before it came`
  }
  if (forward.state === 'pending' && !isSettleExpected) {
    return `The app stopped while waiting for ${forward.targetUrl} to answer this forward: the sender got no answer, and the target's answer was not recorded`
  }
  switch (forward.state) {
    case 'pending':
      return `Forwarding to ${forward.targetUrl}: the sender gets its answer once it comes`
    case 'relayed':
      // A reason: the target answered, but the sender was gone by then.
      return forward.reason === null
        ? `Forwarded to ${forward.targetUrl}; its answer was relayed to the sender`
        : `Forwarded to ${forward.targetUrl}; its answer was not relayed: ${forward.reason}`
    case 'failed':
      return `Forward to ${forward.targetUrl} failed: ${forward.reason ?? 'no reason recorded'}`
    case 'refused-loop':
      return `Not forwarded to ${forward.targetUrl}: ${forward.reason ?? 'it would loop'}`
    case 'background':
      return `Forwarding to ${forward.targetUrl} in the background…`
    case 'sent': {
      const status = forward.status === undefined ? 'an unknown status' : `${forward.status} ${reasonPhrase(forward.status)}`.trim()
      return `Forwarded to ${forward.targetUrl} in the background: it answered ${status}`
    }
    default: {
      const exhaustive: never = forward.state
      return String(exhaustive)
    }
  }
}

/** The detail's fact about the live forward (patched live when a background forward settles). */
export function ForwardFact({ forward, receivedAt }: { forward: CaptureForward | null; receivedAt: string }) {
  const startedAt = useStatus().data?.startedAt
  if (forward === null) return null
  const isSettleExpected = canForwardSettle(receivedAt, startedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(startedAt))
  return (
    <>
      <dt>Forwarded</dt>
      <dd
        data-testid="detail-forward"
        data-forward-state={forward.state}
        className={(forward.state === 'pending' && !isSettleExpected) || isForwardProblem(forward) ? 'status-server-error' : undefined}
      >
        {forwardSentence(forward, isSettleExpected)}
      </dd>
    </>
  )
}
