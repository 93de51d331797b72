/**
 * Long text a procedure answers in pieces, never joined in the main process: joining an export's
 * 55-70 MB of base64, and then stringifying and encoding it in one go, held the event loop (which
 * the receiver shares) for over a second. A transport writes the pieces one after another
 * (api/http-api.ts), so what the caller receives is the joined text, byte for byte.
 */
export class PiecedText {
  /** Characters in all (the joined text's `length`). */
  readonly length: number

  /** Each piece is whole text: none ends between the two halves of a surrogate pair. */
  constructor(readonly pieces: readonly string[]) {
    this.length = pieces.reduce((sum, piece) => sum + piece.length, 0)
  }

  /** The joined text, in one step: only for a transport that cannot write pieces (see joinPiecedTexts). */
  join(): string {
    return this.pieces.join('')
  }
}

/**
 * An answer with each PiecedText among its own properties (where procedures put them) joined: what
 * the caller receives, for a transport that must hand over one value.
 */
export function joinPiecedTexts(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  if (!Object.values(value).some((item) => item instanceof PiecedText)) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, item instanceof PiecedText ? item.join() : item]))
}
