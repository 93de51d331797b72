/**
 * The search process: scans captures for text and query matches off the app's event loop, so the
 * receiver keeps answering at full speed while a search reads through 100,000 captures, and the
 * search has a core of its own; when idle, it keeps the search-text sidecars up to date.
 * Built as its own entry (`out/main/search-worker.js`) and started by search-scanner.ts as a child
 * process (in Electron, `child_process.fork` runs it with ELECTRON_RUN_AS_NODE: plain Node, no
 * window); what it does is search-runner.ts.
 *
 * Why a process and not a thread: a worker thread's memory is the app's. glibc gives each thread
 * an arena of its own and does not hand a thread's scattered free memory back to the system when
 * the thread ends, so every search left the app about 14 MiB bigger (bench:scale: 150-159 MiB after
 * the searches, against 130-148 before them). A process's memory all goes back when it exits.
 *
 * Messages in: `SearchMessage` (scan, cancel, maintain); out: `SearchReply` (a segment's matches,
 * done, error, damaged captures, idle).
 */
import { lowerThisProcessPriority } from './background-priority'
import { createSearchRunner, type SearchMessage } from './search-runner'

lowerThisProcessPriority()

// The app keeps its scan columns (it sent a copy of them): nothing to hand back.
const runner = createSearchRunner((reply) => {
  if (reply.kind !== 'release') process.send?.(reply)
})
process.on('message', (message: SearchMessage) => runner.handle(message))
// The app stopped or died (the channel closed): a search process never outlives it.
process.on('disconnect', () => process.exit(0))
