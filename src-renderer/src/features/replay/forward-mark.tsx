import type { CaptureForward } from '../../../../src-main/shared/replay'

/**
 * In a capture's list row: a forward that failed or was refused, so a pass-through that fell back
 * to the configured answer never looks like a normal answer. Nothing for a forward that went well
 * (relayed, or sent in the background: its outcome is in the capture's history).
 */
export function ForwardMark({ forward }: { forward: CaptureForward | null }) {
  if (forward === null) return null
  switch (forward.state) {
    case 'failed':
      return (
        <span className="tag tag-danger" title={`Forward to ${forward.targetUrl} failed: ${forward.reason ?? 'no reason recorded'}`} data-testid="capture-forward-failed">
          forward failed
        </span>
      )
    case 'refused-loop':
      return (
        <span className="tag tag-danger" title={forward.reason ?? 'not forwarded: it would loop'} data-testid="capture-forward-failed">
          not forwarded
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
