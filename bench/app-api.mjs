// Calling the headless app's API from a benchmark: one procedure, POSTed with the bearer token the
// app printed when it was ready (`--json`). Throws the API's own message when the call fails.

/** Calls `procedure` with `input` and returns its value. */
export async function apiCall(ready, procedure, input = {}) {
  const response = await fetch(`${ready.api}/${procedure}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  })
  const result = await response.json()
  if (!result.ok) throw new Error(`${procedure}: ${result.error?.message}`)
  return result.value
}
