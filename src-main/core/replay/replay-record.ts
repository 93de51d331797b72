/** Assembling the history entry for one replay: what was sent, how it differs, what came back. */
import { randomUUID } from 'node:crypto'
import {
  REPLAY_RECORD_BODY_BYTES,
  type ForwardSummary,
  type RecordedOutcome,
  type ReplayAppStopped,
  type ReplaySending,
  type ReplayKind,
  type ReplayRecord,
  type ResignSummary,
} from '../../shared/replay'
import { sentRequestView, type ReplayRequest } from './replay-request'

export interface ReplayRecordInput {
  captureId: string | null
  kind: ReplayKind
  request: ReplayRequest
  outcome: RecordedOutcome
  resign?: ResignSummary | null
  forward?: ForwardSummary | null
  templateId?: string | null
  now: Date
  id?: string
}

/** A JSON-serialisable record of one replay, ready to be stored with its capture. */
export function createReplayRecord(input: ReplayRecordInput): ReplayRecord {
  return {
    id: input.id ?? randomUUID(),
    captureId: input.captureId,
    kind: input.kind,
    at: input.now.toISOString(),
    sent: sentRequestView(input.request),
    differences: input.request.differences,
    resign: input.resign ?? null,
    outcome: input.outcome,
    forward: input.forward ?? null,
    templateId: input.templateId ?? null,
  }
}

/** What a send's record says until its answer (or failure) replaces it: all the history has if the app stops first. */
export function appStoppedOutcome(url: string, startedAt: Date): ReplayAppStopped {
  return {
    kind: 'app-stopped',
    url,
    startedAt: startedAt.toISOString(),
    message: 'the app stopped before the answer arrived; the target may have received it',
  }
}

/** What a send's record says while it awaits its answer (listed, and announced, in this run only). */
export function sendingOutcome(url: string, startedAt: Date): ReplaySending {
  return { kind: 'sending', url, startedAt: startedAt.toISOString() }
}

/**
 * The outcome with at most `maxBytes` of the answer's body (default: what a stored record keeps,
 * as of the body sent). A send reads up to `maxResponseBytes` of the answer (1 MiB by default, up
 * to 64 MiB), which the single resend shows whole; a record kept in the capture's history, sent in
 * an event or held in a bulk job keeps only the beginning: the history of 1,000 captures is one
 * document, rewritten on every record, and 60 bulk replays answered with 1 MB had grown it to
 * 101 MB and held the receiver up to 7.6 s per write. `bodySize` stays the number of bytes read,
 * and `bodyTruncated` says that fewer are kept.
 */
export function withAnswerBodyKept<O extends RecordedOutcome>(outcome: O, maxBytes: number = REPLAY_RECORD_BODY_BYTES): O {
  if (outcome.kind !== 'response' || outcome.response.bodySize <= maxBytes) return outcome
  const kept = Buffer.from(outcome.response.bodyBase64, 'base64').subarray(0, maxBytes)
  return { ...outcome, response: { ...outcome.response, bodyBase64: kept.toString('base64'), bodyTruncated: true } }
}
