/**
 * Exports handed over piece by piece (`exportCaptures` with `delivery: "pieces"`, then
 * `readExportPiece`): the desktop window's IPC cannot stream an answer, and one message holding a
 * 70 MB base64 string is serialised on the main thread in one go, while the receiver waits. Each
 * piece is about a megabyte of the file (more when one capture's body is larger).
 *
 * Kept in memory until its last piece is read, at most 30 minutes, and at most a few at once (the
 * oldest goes first), so an export that is never saved does not hold its memory for long.
 */
import { randomUUID } from 'node:crypto'
import { InspectorError } from '../../shared/errors'
import type { PiecedText } from '../pieced-text'

export const MAX_PENDING_EXPORTS = 3
export const PENDING_EXPORT_TTL_MS = 30 * 60 * 1000

export interface PendingExports {
  /** Keeps the export's base64 for reading; answers its id and how many pieces it has. */
  keep(base64: PiecedText): { exportId: string; count: number }
  /** One piece's base64; the export is dropped once its last piece is read. */
  read(exportId: string, index: number): string
}

/** Runs `release` after `ms` without keeping the process alive for it. */
export type ReleaseTimer = (ms: number, release: () => void) => void

const unrefTimer: ReleaseTimer = (ms, release) => {
  setTimeout(release, ms).unref()
}

export function createPendingExports(now: () => Date, releaseAfter: ReleaseTimer = unrefTimer): PendingExports {
  const pending = new Map<string, { pieces: readonly string[]; keptAt: number }>()

  function dropExpired(): void {
    const cutoff = now().getTime() - PENDING_EXPORT_TTL_MS
    for (const [id, entry] of pending) if (entry.keptAt < cutoff) pending.delete(id)
  }

  return {
    keep(base64) {
      dropExpired()
      // A piece may be empty only for an empty file: every piece is read, so the file ends with the last.
      const pieces = base64.pieces.length === 0 ? [''] : base64.pieces
      const exportId = randomUUID()
      pending.set(exportId, { pieces, keptAt: now().getTime() })
      // Released on time even when nothing else is exported or read (a review closed without saving).
      releaseAfter(PENDING_EXPORT_TTL_MS, () => pending.delete(exportId))
      // Maps iterate in insertion order: the first keys are the oldest.
      for (const id of pending.keys()) if (pending.size > MAX_PENDING_EXPORTS) pending.delete(id)
      return { exportId, count: pieces.length }
    },
    read(exportId, index) {
      dropExpired()
      const entry = pending.get(exportId)
      if (!entry) {
        throw new InspectorError(
          'NOT_FOUND',
          `no export ${exportId.slice(0, 80)} to read: it was read to its end, replaced by ${MAX_PENDING_EXPORTS} newer ones, or is older than 30 minutes; export again`,
        )
      }
      const piece = entry.pieces[index]
      if (piece === undefined) throw new InspectorError('BAD_REQUEST', `export ${exportId} has pieces 0 to ${entry.pieces.length - 1}, not ${index}`)
      if (index === entry.pieces.length - 1) pending.delete(exportId)
      return piece
    },
  }
}
