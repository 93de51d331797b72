/**
 * An imported capture whose exporting app changed it before writing the file: a bundle exported
 * "redacted for sharing", or an unredacted one that had to remove a configured secret (a compressed
 * body holding one was written decompressed). Its bytes are not the ones the provider sent, so a
 * signature checked on them now fails for a reason the sender had no part in.
 */
import { z } from 'zod'
import { VERDICT_STATUSES } from './provider-catalog'

/** The most changes kept per capture (a redacted body can list many); `changesOmitted` counts the rest. */
export const MAX_KEPT_CHANGES = 50

export const changedBeforeExportSchema = z.object({
  /** `redacted`: exported redacted for sharing; `secrets-removed`: only configured secrets were removed. */
  reason: z.enum(['redacted', 'secrets-removed']),
  /** What the file lists as changed in this capture (its `redaction.items`), at most `MAX_KEPT_CHANGES`. */
  changes: z.array(z.object({ location: z.string().max(500), action: z.string().max(500) })).max(MAX_KEPT_CHANGES),
  changesOmitted: z.number().int().nonnegative(),
  /** The body was written decompressed, without its Content-Encoding: not the bytes that were sent. */
  decompressed: z.boolean(),
  /** The verdict the exporting app computed on the bytes it received, when the file has one. */
  exporterVerdict: z.object({ status: z.enum(VERDICT_STATUSES), message: z.string().max(2000) }).nullable(),
})
export type ChangedBeforeExport = z.infer<typeof changedBeforeExportSchema>

/** What a redacted export lists for a request header it removed as a credential or a signature (core/exchange/redaction.ts). */
export const CREDENTIAL_REMOVED_ACTION = 'removed (credential or signature)'

/**
 * The request headers the exporting app removed as credentials or signatures, by name, as its
 * file lists them (`header X-Signature`: this app's wording); `[]` when it removed none. A
 * signature checked on the imported bytes is missing because of them, not because of the sender.
 */
export function headersRemovedOnExport(changed: ChangedBeforeExport | undefined): string[] {
  if (!changed) return []
  return changed.changes.flatMap(({ location, action }) =>
    action === CREDENTIAL_REMOVED_ACTION && location.startsWith('header ') ? [location.slice('header '.length)] : [],
  )
}
