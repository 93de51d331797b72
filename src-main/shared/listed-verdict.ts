/**
 * The verdict a capture is listed and searched by. Usually its signature verdict; but a capture
 * imported with `changedBeforeExport` (its exporting app scrubbed, redacted or decompressed it
 * before writing the file) was verified here on bytes the provider never sent, so whatever that
 * check said ("invalid", mostly) is the export's doing, not the sender's. Such a capture is
 * `changed`: the list shows "≠ changed" instead of a verdict, and `verdict:changed` finds it
 * while no signature verdict (`verdict:invalid`, `verdict:valid`…) does.
 *
 * The one place this is decided: the query language (shared/capture-query.ts, in the core's search
 * and the renderer's live list) and the list's verdict cell both ask `listedVerdictOf`.
 * Zod-free and Node-free (the renderer bundles it).
 */
import { VERDICT_STATUSES, type VerdictStatus } from './provider-catalog'

/** What a capture changed before export is listed as, in place of a signature verdict. */
export const CHANGED_VERDICT = 'changed'

/** Every value `verdict:` accepts: the signature verdicts, then `changed`. */
export const LISTED_VERDICTS = [...VERDICT_STATUSES, CHANGED_VERDICT] as const
export type ListedVerdict = (typeof LISTED_VERDICTS)[number]

/** What `listedVerdictOf` reads: fields a list summary and a stored record both carry. */
export interface VerdictSource {
  recognition: { verdict: { status: VerdictStatus } } | null
  changedBeforeExport?: unknown
}

/** `changed` for a capture changed before export, else its signature verdict; `null` when nothing was recognised (a refused request). */
export function listedVerdictOf(capture: VerdictSource): ListedVerdict | null {
  if (capture.recognition === null) return null
  return capture.changedBeforeExport ? CHANGED_VERDICT : capture.recognition.verdict.status
}
