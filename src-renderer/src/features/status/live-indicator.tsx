import { useEffect, useState, useSyncExternalStore } from 'react'
import { getLiveState, subscribeLiveState } from '../../api/api-client'

/** A first connection gets this long before it counts as a problem. */
const CONNECT_GRACE_MS = 2000

export function LiveIndicator() {
  const state = useSyncExternalStore(subscribeLiveState, getLiveState)
  const [isGraceOver, setIsGraceOver] = useState(false)
  useEffect(() => {
    const timer = setTimeout(() => setIsGraceOver(true), CONNECT_GRACE_MS)
    return () => clearTimeout(timer)
  }, [])
  if (state === 'open') {
    return (
      <span className="live live-open" title="Live updates connected" data-testid="live-indicator" data-state="open">
        <span className="live-dot" aria-hidden="true" />
        Live
      </span>
    )
  }
  if (state === 'connecting' && !isGraceOver) return null
  return (
    <span className="live live-down" role="status" data-testid="live-indicator" data-state={state}>
      <span className="live-dot" aria-hidden="true" />
      Live updates disconnected, reconnecting…
    </span>
  )
}
