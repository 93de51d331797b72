/**
 * The tunnel view, and whether it is the app's current state. Tunnel changes reach a tab only as
 * live events: while the event stream is down (the app stopped, the network dropped) the cached view
 * is the tunnel as it was when the connection was lost, and it stays that until the refetch that
 * follows the stream's return has answered. A view that is not current must not be shown as the
 * tunnel's state: "Online" and a public URL that may be gone are worse than "unknown".
 */
import { useSyncExternalStore } from 'react'
import { getLiveState, subscribeLiveState } from '../../api/api-client'
import { useTunnel } from '../../api/queries'

export function useCurrentTunnel() {
  const query = useTunnel()
  const liveState = useSyncExternalStore(subscribeLiveState, getLiveState)
  // `connecting` is the first connection (the view was just fetched); `reconnecting` is a lost one.
  const isCurrent = liveState !== 'reconnecting' && !query.isRefetching && !query.isRefetchError
  return { data: query.data, error: query.error, isCurrent }
}
