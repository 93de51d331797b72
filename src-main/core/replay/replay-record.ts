/** Assembling the history entry for one replay: what was sent, how it differs, what came back. */
import { randomUUID } from 'node:crypto'
import type { ForwardSummary, ReplayKind, ReplayOutcome, ReplayRecord, ResignSummary } from '../../shared/replay'
import { sentRequestView, type ReplayRequest } from './replay-request'

export interface ReplayRecordInput {
  captureId: string | null
  kind: ReplayKind
  request: ReplayRequest
  outcome: ReplayOutcome
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
