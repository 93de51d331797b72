/**
 * The headless API token. The headless app opens the UI as `/#token=<token>`: a fragment never
 * reaches a server log or a Referer. It is kept in sessionStorage so a reload works, and removed
 * from the address bar so it is not shared by copying the URL.
 */
const STORAGE_KEY = 'callback-inspector.token'

export function takeTokenFromLocation(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1))
  const fromFragment = fragment.get('token')
  if (fromFragment) {
    sessionStorage.setItem(STORAGE_KEY, fromFragment)
    fragment.delete('token')
    const rest = fragment.toString()
    window.history.replaceState(
      window.history.state,
      '',
      window.location.pathname + window.location.search + (rest ? `#${rest}` : ''),
    )
    return fromFragment
  }
  return sessionStorage.getItem(STORAGE_KEY)
}

export function forgetToken(): void {
  sessionStorage.removeItem(STORAGE_KEY)
}
