import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { StrictMode, useEffect, useSyncExternalStore } from 'react'
import { createRoot } from 'react-dom/client'
import { ApiCallError, connectApiClient, getIsUnauthorized, subscribeUnauthorized } from './api/api-client'
import { connectLiveEvents } from './api/live-events'
import { App } from './app'
import { MissingTokenScreen } from './features/status/missing-token-screen'
import './styles.css'

/** Answers that a retry cannot change. */
const FINAL_ERROR_CODES = new Set(['BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'UNKNOWN_PROCEDURE', 'CONFLICT'])

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Live events keep the cache current; a (re)connected event stream invalidates it.
      staleTime: Infinity,
      refetchOnWindowFocus: false,
      retry: (failureCount, error) => !(error instanceof ApiCallError && FINAL_ERROR_CODES.has(error.code)) && failureCount < 3,
    },
  },
})

function Root() {
  const isUnauthorized = useSyncExternalStore(subscribeUnauthorized, getIsUnauthorized)
  useEffect(() => connectLiveEvents(queryClient), [])
  if (isUnauthorized) return <MissingTokenScreen isRejected />
  return <App />
}

const container = document.getElementById('root')
if (!container) throw new Error('index.html has no #root')
const root = createRoot(container)

if (connectApiClient() === 'missing-token') {
  root.render(
    <StrictMode>
      <MissingTokenScreen isRejected={false} />
    </StrictMode>,
  )
} else {
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <Root />
      </QueryClientProvider>
    </StrictMode>,
  )
}
