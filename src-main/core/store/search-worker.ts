/**
 * The search process: scans captures for text and query matches off the app's event loop, so the
 * receiver keeps answering at full speed while a search reads through 100,000 captures, and the
 * search has a core of its own; when idle, it keeps the search-text sidecars up to date.
 * Built as its own entry (`out/main/search-worker.js`) and started by search-scanner.ts as a child
 * process (in Electron, `child_process.fork` runs it with ELECTRON_RUN_AS_NODE: plain Node, no
 * window); what it does is search-runner.ts.
 *
 * Why a process and not a thread: a worker thread's memory is the app's. Its V8 heap counted in
 * the app's RSS while it ran (the app peaked at 169-184 MiB during bench:scale's searches), and
 * glibc gives each thread an arena of its own that it need not hand back when the thread ends. A
 * process's memory all goes back when it exits, and bench:scale shows it apart from the app's.
 *
 * Messages in: `SearchMessage` (scan, cancel, maintain); out: `SearchReply` (a segment's matches,
 * done, error, damaged captures, idle).
 */
import { lowerThisProcessPriority } from './background-priority'
import { createSearchRunner, type SearchMessage } from './search-runner'

lowerThisProcessPriority()

/**
 * A reply that cannot be sent means the app is gone: it died (a crash, a force quit) while a scan
 * step ran, before the channel's close was seen. Sent without a callback, that failure (EPIPE, or
 * the channel closed) is an 'error' event on the process that nothing handles: the process crashed
 * with a stack trace on the app's stderr instead of leaving quietly.
 */
function exitIfAppGone(error: Error | null): void {
  if (error) process.exit(0)
}

// The app keeps its scan columns (it sent a copy of them): nothing to hand back.
const runner = createSearchRunner((reply) => {
  if (reply.kind !== 'release') process.send?.(reply, undefined, undefined, exitIfAppGone)
})
process.on('message', (message: SearchMessage) => runner.handle(message))
// The app stopped or died (the channel closed): a search process never outlives it.
process.on('disconnect', () => process.exit(0))
