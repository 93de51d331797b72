import type { CaptureForward } from '../../../../src-main/shared/replay'

/**
 * In a capture's list row: a forward that failed or was refused, so a pass-through that fell back
 * to the configured answer never looks like a normal answer. Nothing for a forward that went well
 * (relayed, or sent in the background: its outcome is in the capture's history). Short, like the
 * row's `fwd`, so the status column never cuts it; the title says it in full.
 */
export function ForwardMark({ forward }: { forward: CaptureForward | null }) {
  if (!isForwardProblem(forward)) return null
  return <ForwardProblemTag forward={forward} />
}

/** Whether the row shows a mark: the forward failed or was refused. */
export function isForwardProblem(forward: CaptureForward | null): forward is CaptureForward {
  return forward !== null && (forward.state === 'failed' || forward.state === 'refused-loop')
}

function ForwardProblemTag({ forward }: { forward: CaptureForward }) {
  switch (forward.state) {
    case 'failed':
      return (
        <span
          className="tag tag-danger"
          title={`Forward to ${forward.targetUrl} failed: ${forward.reason ?? 'no reason recorded'}`}
          data-testid="capture-forward-failed"
        >
          fwd failed
        </span>
      )
    case 'refused-loop':
      return (
        <span className="tag tag-danger" title={forward.reason ?? 'not forwarded: it would loop'} data-testid="capture-forward-failed">
          not fwd
        </span>
      )
    case 'relayed':
    case 'background':
      return null
    default: {
      const exhaustive: never = forward.state
      return <span className="tag">{String(exhaustive)}</span>
    }
  }
}
