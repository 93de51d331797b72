/**
 * Export and import: the formats, limits and result shapes shared by the contract,
 * the core (core/exchange/) and the renderer's export and import dialogs.
 */

/** `har`: HAR 1.2; `bundle`: the app's lossless JSON (docs/bundle-format.md); `http`: raw HTTP/1.1 requests; `curl`: a shell script. */
export const EXPORT_FORMATS = ['har', 'bundle', 'http', 'curl'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** `auto` tells the format from the file's first characters. */
export const IMPORT_FORMATS = ['har', 'bundle', 'http', 'curl', 'auto'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/**
 * What an import was pasted as, when it was not a file: `text`, pasted text in one of the formats
 * (curl commands, raw HTTP…); `body`, a body the user pasted with its method, path and headers,
 * which the app built a request from. It names where each capture came from (`importedFrom`).
 */
export const PASTED_KINDS = ['text', 'body'] as const
export type PastedKind = (typeof PASTED_KINDS)[number]

/** The largest file an import reads (decoded). A gzip-compressed file may expand to 32 MiB. */
export const MAX_IMPORT_FILE_BYTES = 20 * 1024 * 1024

/** One thing redaction changed, as listed in the exported file and shown before saving. */
export interface Redaction {
  /** Index of the capture in the export (0-based), or `null` for the file as a whole. */
  capture: number | null
  /** Where: "header Authorization", "body $.card.number", "query cvv", "note"… */
  location: string
  /** What was done, e.g. "1 card number masked to first 6 and last 4 digits". */
  action: string
}

/** How an export's file is handed over: in the answer (`inline`), or read piece by piece (`pieces`). */
export const EXPORT_DELIVERIES = ['inline', 'pieces'] as const
export type ExportDelivery = (typeof EXPORT_DELIVERIES)[number]

interface ExportedFile {
  /** A suggested file name, e.g. `default-20261206T081500Z-redacted.har`. */
  fileName: string
  contentType: string
  /**
   * What was masked or removed: present for a redacted export, and for any export from which a
   * configured secret had to be removed.
   */
  redactions?: Redaction[]
}

/** An export with the file in the answer (`delivery: "inline"`, the default). */
export interface ExportResult extends ExportedFile {
  dataBase64: string
}

/**
 * An export whose file is read with `readExportPiece` (`delivery: "pieces"`): piece 0 to
 * `count - 1`, each the base64 of the next bytes of the file.
 */
export interface ExportPiecesResult extends ExportedFile {
  /** The file's size in bytes. */
  byteLength: number
  pieces: { exportId: string; count: number }
}

export interface ImportFailure {
  /** 1-based entry (HAR entry, bundle capture, request message or curl command). */
  entry: number
  message: string
}

/** An entry imported with something its file could not give (a body curl was to read from stdin), said with the result. */
export interface ImportNotice {
  /** 1-based, as in `ImportFailure`. */
  entry: number
  message: string
}

export interface ImportResult {
  /** Ids of the new captures, in file order. */
  importedIds: string[]
  failures: ImportFailure[]
  /** Entries imported, but not wholly (each capture's note says it too). */
  notices: ImportNotice[]
}
