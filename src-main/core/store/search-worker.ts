/**
 * The search worker thread: scans captures for text and query matches off the event loop, so
 * the receiver keeps answering at full speed while a search reads through 100,000 captures, and
 * the search has a core of its own; when idle, it keeps the search-text sidecars up to date.
 * Built as its own entry (`out/main/search-worker.js`); what it does is search-runner.ts.
 *
 * Messages in: `SearchMessage` (scan, cancel, maintain); out: `SearchReply` (a segment's
 * matches, done, error, damaged captures, a scan's columns handed back).
 */
import { parentPort } from 'node:worker_threads'
import { lowerThisThreadsPriority } from './background-priority'
import { createSearchRunner, type SearchMessage } from './search-runner'

lowerThisThreadsPriority()

// A scan's columns go back to the event loop's thread moved, not copied (scan-columns.ts).
const runner = createSearchRunner((reply) => parentPort?.postMessage(reply, reply.kind === 'release' ? [reply.columns] : []))
parentPort?.on('message', (message: SearchMessage) => runner.handle(message))
