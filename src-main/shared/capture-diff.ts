/**
 * The structured difference between two requests (two captures, or a capture and one of its
 * resends): `diffCaptures` returns it and the Compare view and the resend editor show it. The core computes
 * it (core/diff); this module holds its types and how a change reads as text.
 *
 * Every value is quoted as it was received: header values verbatim, JSON literals as their
 * source text (`"9.99"`, `10.10`, `12345678901234567891`), never re-serialised.
 */
import type { BodyDigest, TextDiff } from './replay'

/** A header line that differs. Names compare case-insensitively; each occurrence of a repeated name is compared with the same occurrence on the other side. */
export type HeaderChange =
  | { kind: 'added'; name: string; value: string }
  | { kind: 'removed'; name: string; value: string }
  /** Same name (maybe spelled in another case), other value; `occurrence` counts from 0 among lines of that name. */
  | { kind: 'changed'; occurrence: number; left: { name: string; value: string }; right: { name: string; value: string } }
  /** The name is on both sides, but in another place relative to the other shared names. */
  | { kind: 'reordered'; name: string; leftPosition: number; rightPosition: number }

export interface HeaderDiff {
  changes: HeaderChange[]
  /** Header lines equal on both sides (same name, same value, same occurrence). */
  unchangedCount: number
}

/** One JSON value that differs, addressed by its path (`$.amount`, `$.items[2].id`, `$["a key"]`). */
export interface JsonPathChange {
  kind: 'added' | 'removed' | 'changed'
  path: string
  /** 0 for the first value at this path; 1, 2… for values under a repeated (duplicate) key. */
  occurrence: number
  /** The literal as sent on the left (`"9.99"`, `10.10`, `{}`), `null` when added. */
  left: string | null
  /** The literal as sent on the right, `null` when removed. */
  right: string | null
  /** The path goes through a key that repeats in its object on either side. */
  duplicateKey: boolean
}

/**
 * How each side's bytes were read into the text compared, where that is not the bytes as received
 * read as UTF-8 (`null` for such a side): its `Content-Encoding` undone (`gzip decompressed`), a
 * declared charset or a byte order mark (`decoded as UTF-16LE (from its byte order mark)`). What
 * is compared is then derived from the bytes, not the bytes themselves, and two bodies whose texts
 * are the same may still differ in bytes (their `sha256` and `size` say so).
 */
export interface BodyReading {
  left: string | null
  right: string | null
}

/** How two bodies differ. */
export type BodyDiff =
  | { kind: 'identical'; size: number }
  /**
   * Both bodies are JSON: the values that differ, by path (arrays by index), then the line diff
   * of the texts (which also shows formatting and key-order changes the path diff does not).
   * `readAs`: how the bytes were read, when not as UTF-8 as received on a side (else `null`).
   */
  | {
      kind: 'json'
      changes: JsonPathChange[]
      changeCount: number
      changesTruncated: boolean
      unchangedValues: number
      text: TextDiff | null
      readAs: BodyReading | null
    }
  /** Text bodies that are not both JSON: a line diff. `jsonError` says why a body that looks like JSON was not read as JSON; `readAs` as for `json`. */
  | { kind: 'text'; text: TextDiff; jsonError: string | null; readAs: BodyReading | null }
  /** At least one body is not text: only sizes and hashes are compared. */
  | { kind: 'binary'; left: BodyDigest; right: BodyDigest }
  /** A body is over the diff limit: only sizes and hashes are compared. */
  | { kind: 'too-large'; left: BodyDigest; right: BodyDigest; limitBytes: number }
  /** The resend's history keeps only the start of its body; the bodies are compared by hash. */
  | { kind: 'incomplete'; left: BodyDigest; right: BodyDigest; reason: string }

/** One side of a comparison. */
export interface DiffSide {
  kind: 'capture' | 'resend'
  /** The capture id, or the resend's replay record id. */
  id: string
  /** The capture it is, or the capture it resent. */
  captureId: string | null
  /** That capture's number (`seq`), as the compare picker and the `---`/`+++` lines name it. */
  seq: number
  /** When it was received, or sent. */
  at: string
  method: string
  /** Path and query as received (capture) or as sent on the wire (resend). */
  target: string
  /** Where a resend went. */
  url: string | null
  body: BodyDigest
}

/** `diffCaptures`: two requests, what differs in their request line, headers and body. */
export interface CaptureDiff {
  left: DiffSide
  right: DiffSide
  method: { left: string; right: string } | null
  target: { left: string; right: string } | null
  headers: HeaderDiff
  body: BodyDiff
}

/** `$.amount: "9.99" → "19.99"`: one change as a line of text (for logs, tests and copy). */
export function describeJsonPathChange(change: JsonPathChange): string {
  const at = change.occurrence > 0 ? `${change.path} (#${change.occurrence + 1})` : change.path
  switch (change.kind) {
    case 'changed':
      return `${at}: ${change.left ?? ''} → ${change.right ?? ''}`
    case 'added':
      return `${at}: added ${change.right ?? ''}`
    case 'removed':
      return `${at}: removed ${change.left ?? ''}`
  }
}
