/**
 * Builds "Copy as curl"'s command off the UI thread: for a 10 MB body the command is 10-40 MB of
 * shell text, a second or more of work that froze the window when the UI thread did it.
 */
import { buildCurlCommand, type CurlRequest } from '../lib/curl'

interface WorkerScope {
  onmessage: ((event: MessageEvent<CurlRequest>) => void) | null
  postMessage(command: string): void
  close(): void
}

const scope = self as unknown as WorkerScope

scope.onmessage = (event) => {
  scope.postMessage(buildCurlCommand(event.data))
  scope.close()
}
