/**
 * The headless API token. The headless app opens the UI as `/#token=<token>`: a fragment never
 * reaches a server log or a Referer. It is kept in sessionStorage so a reload works, and removed
 * from the address bar so it is not shared by copying the URL.
 *
 * A restarted app prints a new address; pasting it into an open tab changes only the fragment,
 * which does not load the page again. So the tab watches `hashchange` and, for a new token, reloads:
 * every query, the event stream and the "token no longer valid" screen start over with it.
 */
const STORAGE_KEY = 'callback-inspector.token'

let isWatching = false

export function takeTokenFromLocation(): string | null {
  watchForNewToken()
  const fromFragment = takeTokenFromFragment()
  return fromFragment ?? sessionStorage.getItem(STORAGE_KEY)
}

export function forgetToken(): void {
  sessionStorage.removeItem(STORAGE_KEY)
}

/** Stores a `#token=` from the address bar and removes it from there; `null` when there is none. */
function takeTokenFromFragment(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1))
  const fromFragment = fragment.get('token')
  if (!fromFragment) return null
  sessionStorage.setItem(STORAGE_KEY, fromFragment)
  fragment.delete('token')
  const rest = fragment.toString()
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search + (rest ? `#${rest}` : ''))
  return fromFragment
}

function watchForNewToken(): void {
  if (isWatching) return
  isWatching = true
  window.addEventListener('hashchange', () => {
    const previous = sessionStorage.getItem(STORAGE_KEY)
    const next = takeTokenFromFragment()
    // The same token pasted again changes nothing; the page keeps its state.
    if (next !== null && next !== previous) window.location.reload()
  })
}
