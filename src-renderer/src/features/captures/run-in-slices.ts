/**
 * Runs `slice` now and then again in later tasks until it returns true, yielding to the browser
 * between slices (a message, not a timer: nested timers are held back 4 ms each). Returns the
 * function that stops it.
 */
export function runInSlices(slice: () => boolean): () => void {
  let isStopped = false
  const channel = new MessageChannel()
  const next = () => {
    if (isStopped) return
    if (slice()) channel.port1.close()
    else channel.port2.postMessage(null)
  }
  channel.port1.onmessage = next
  next()
  return () => {
    isStopped = true
    channel.port1.close()
  }
}
