/**
 * A body's chunks as they arrive, kept so they cost memory in proportion to their bytes.
 *
 * Why: each chunk Node hands over is a view of the socket's read buffer, an object of its own. A
 * chunked body of one-byte chunks (six bytes each on the wire) kept a million of them for a 1 MB
 * body and took the app from 78 MB to 480 MB (measured); a 10 MB body sent so would have taken
 * gigabytes, past what the body budget counts. Small chunks are therefore copied together into
 * blocks; the first chunk, and any large one, is kept as it is, so a body that arrives in one
 * chunk (most callbacks) is never copied.
 */

/** Chunks smaller than this are copied into a block. */
export const SMALL_CHUNK_BYTES = 4 * 1024
/** The largest block; blocks grow with the body, so a few small chunks take little more than their bytes. */
export const BODY_BLOCK_BYTES = 64 * 1024
const FIRST_BLOCK_BYTES = 1024

export class BodyChunks {
  private readonly pieces: Buffer[] = []
  private block: Buffer | null = null
  private blockFilled = 0
  private total = 0

  /** Bytes kept so far. */
  get byteLength(): number {
    return this.total
  }

  /** How many separate buffers hold the body now (what the copying keeps small). */
  get pieceCount(): number {
    return this.pieces.length + (this.block !== null && this.blockFilled > 0 ? 1 : 0)
  }

  add(chunk: Buffer): void {
    if (chunk.length >= SMALL_CHUNK_BYTES || (this.total === 0 && this.block === null)) {
      this.closeBlock()
      this.pieces.push(chunk)
    } else {
      if (this.block === null || this.blockFilled + chunk.length > this.block.length) {
        this.closeBlock()
        this.block = Buffer.allocUnsafe(Math.min(BODY_BLOCK_BYTES, Math.max(FIRST_BLOCK_BYTES, chunk.length, this.total)))
      }
      chunk.copy(this.block, this.blockFilled)
      this.blockFilled += chunk.length
    }
    this.total += chunk.length
  }

  /** The body whole: the one chunk itself when it came in one. */
  toBuffer(): Buffer {
    this.closeBlock()
    return this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces, this.total)
  }

  /** Lets go of everything kept (a body refused part way). */
  clear(): void {
    this.pieces.length = 0
    this.block = null
    this.blockFilled = 0
    this.total = 0
  }

  private closeBlock(): void {
    if (this.block !== null && this.blockFilled > 0) this.pieces.push(this.block.subarray(0, this.blockFilled))
    this.block = null
    this.blockFilled = 0
  }
}
