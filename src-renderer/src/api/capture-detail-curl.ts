/**
 * "Copy as curl"'s command, built in a worker (capture-detail-curl.worker.ts) when the body is
 * large: the same builder (shared/curl-command.ts), off the UI thread.
 */
import { buildCurlCommand, type CurlRequest } from '../lib/curl'

/** Up to this many body bytes the command takes a millisecond or so: built at once, without a worker's start-up. */
const BUILD_IN_PLACE_MAX_BODY_BYTES = 64 * 1024

export function buildCurlCommandOffThread(request: CurlRequest): Promise<string> {
  if (request.body.length <= BUILD_IN_PLACE_MAX_BODY_BYTES) return Promise.resolve(buildCurlCommand(request))
  let worker: Worker
  try {
    worker = new Worker(new URL('./capture-detail-curl.worker.ts', import.meta.url), { type: 'module' })
  } catch {
    // No worker here (a restrictive policy): build it on this thread, as before.
    return Promise.resolve(buildCurlCommand(request))
  }
  return new Promise((resolve) => {
    const inPlace = () => {
      worker.terminate()
      resolve(buildCurlCommand(request))
    }
    worker.onmessage = (event: MessageEvent<string>) => {
      worker.terminate()
      resolve(event.data)
    }
    worker.onerror = (event) => {
      event.preventDefault()
      inPlace()
    }
    worker.onmessageerror = inPlace
    worker.postMessage(request)
  })
}
