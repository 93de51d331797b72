/**
 * What an imported capture's time stands for, in one place for the list and the detail: its source
 * (a curl command, a raw HTTP message, a pasted body, an entry without a time) did not say when it
 * arrived, so the time shown is the import's (`receivedAtIsImportTime`).
 */

/** The words that say so (the detail's facts, the list's tooltip, the signature's tolerance). */
export const ARRIVAL_NOT_KNOWN = 'when it was received is not known'

/** "Imported 2026-12-06T09:14:00.000Z from pasted curl, entry 1: when it was received is not known"; without `at`, no time. */
export function importedTimeText(at: string | null, importedFrom: string | null): string {
  return `Imported${at === null ? '' : ` ${at}`}${importedFrom ? ` from ${importedFrom}` : ''}: ${ARRIVAL_NOT_KNOWN}`
}
