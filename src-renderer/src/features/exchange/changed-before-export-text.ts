/**
 * The words the detail uses for a capture its exporting app changed before writing the bundle
 * (shared/changed-before-export.ts): what changed, and why its signature verdict is no finding
 * about the sender.
 */
import type { ChangedBeforeExport } from '@shared/views'

/** In a few words, e.g. "configured secrets removed, body decompressed" or "redacted for sharing". */
export function changedBeforeExportLabel(changed: ChangedBeforeExport): string {
  const what = changed.reason === 'redacted' ? 'redacted for sharing' : 'configured secrets removed'
  return changed.decompressed ? `${what}, body decompressed` : what
}

/** The line shown where the body is: these are not the bytes the provider sent. */
export function changedBodySentence(changed: ChangedBeforeExport): string {
  return `Changed before export: ${changedBeforeExportLabel(changed)}. This is not the body the provider sent; its signature cannot verify.`
}

/**
 * The line shown with the signature verdict: the provider signed the bytes it sent, these were
 * changed after they arrived, so a verdict computed on them now says nothing about the sender.
 */
export function changedVerdictSentence(changed: ChangedBeforeExport): string {
  const before =
    changed.exporterVerdict === null
      ? 'The file does not say what the exporting app concluded.'
      : `The exporting app checked the bytes it received: ${changed.exporterVerdict.status} (${changed.exporterVerdict.message}).`
  return `The signature below was checked on changed bytes, so a failed check comes from the export, not from the sender. ${before}`
}

/** Each listed change as "where: what", and how many more the file listed. */
export function changeLines(changed: ChangedBeforeExport): string[] {
  const lines = changed.changes.map((change) => `${change.location}: ${change.action}`)
  return changed.changesOmitted > 0 ? [...lines, `and ${changed.changesOmitted} more`] : lines
}

/** The list's verdict cell, on hover: what changed, and what the exporting app concluded on the bytes it received. */
export function changedVerdictTitle(changed: ChangedBeforeExport): string {
  const before =
    changed.exporterVerdict === null ? 'the file does not say what the exporting app concluded' : `the exporting app found it ${changed.exporterVerdict.status}`
  return `Changed before export (${changedBeforeExportLabel(changed)}): its signature cannot be checked here; ${before}.`
}
