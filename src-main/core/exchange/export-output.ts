/**
 * An export file's pieces encoded into the base64 the API answers with, a slice at a time
 * (work-slices.ts), so that a large export never holds the event loop for long nor keeps the whole
 * file as text, as bytes and as base64 at once: bytes are encoded about a megabyte at a time and
 * only the base64 is kept, in those pieces. They are never joined here: the transports hand them
 * over one by one (PiecedText), as the joined text.
 *
 * It is also the last line of defence against a configured secret leaving the app: every byte
 * goes past the check, including where a secret would straddle two flushes. Each capture was
 * checked before it was written (secret-check.ts, which looks inside compressed bodies); this sees
 * what the formats add: their own escapes, their base64, what joins one capture to the next.
 */
import { PiecedText } from '../pieced-text'
import { secretLeftError } from './secret-check'
import { holdsSecret, readJsonEscapes, secretForms, type SecretForms } from './secret-presence'
import { workSlices, type SliceLimits } from './work-slices'

/** Bytes gathered before they are checked and encoded (a multiple of 3 is taken each time). */
const FLUSH_BYTES = 1024 * 1024

/** An encoded export: its base64 in pieces, each whole base64 of its bytes but the last (no padding in between). */
export interface EncodedExport {
  base64: PiecedText
  /** The file's size. */
  byteLength: number
}

export interface EncodeOptions {
  /**
   * The file is JSON (HAR, bundle): its strings are written with JSON's escapes, over whatever
   * escapes the values held, so the check reads one level of escapes more.
   */
  json?: boolean
  slices?: SliceLimits
}

/** The file's bytes as base64, from its pieces; refuses the export when a configured secret is in it. */
export async function encodeExport(pieces: Iterable<string | Buffer>, secrets: readonly string[], options: EncodeOptions = {}): Promise<EncodedExport> {
  const output = new ExportOutput(secrets, options.json ?? false)
  const slicer = workSlices(options.slices)
  for (const piece of pieces) {
    output.add(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece)
    await slicer.afterStep()
  }
  return output.finish()
}

class ExportOutput {
  /** Each secret in the forms searched for (secret-presence.ts). */
  private readonly forms: SecretForms
  /**
   * How much of the bytes already checked a form could still begin in: the longest form, with
   * every character written as an escape (`\u0069`, 6 bytes) and that escape escaped once more
   * by a JSON writer (`\\u0069`, 7), and the bytes of a character split by the flush.
   */
  private readonly overlap: number
  private pending: Buffer[] = []
  private pendingBytes = 0
  /** The end of the bytes already checked, in which a secret split by a flush could start. */
  private checkedTail = Buffer.alloc(0)
  /** Bytes not yet encoded because base64 takes them three at a time (at most 2). */
  private unencoded = Buffer.alloc(0)
  private readonly base64: string[] = []
  private byteLength = 0

  constructor(
    secrets: readonly string[],
    private readonly isJson: boolean,
  ) {
    // As written, percent-encoded, JSON-escaped (HAR and bundle files are JSON; a HAR writes a
    // body's own escapes escaped once more), and base64-encoded (a bundle's bodies, a HAR's binary
    // ones, a base64 value inside a body, its `/` written `\/` or `\u002F`).
    this.forms = secretForms(secrets)
    this.overlap = this.forms.longest * 7 + 4
  }

  add(bytes: Buffer): void {
    this.pending.push(bytes)
    this.pendingBytes += bytes.length
    if (this.pendingBytes >= FLUSH_BYTES) this.flush()
  }

  finish(): EncodedExport {
    this.flush()
    if (this.unencoded.length > 0) this.base64.push(this.unencoded.toString('base64'))
    return { base64: new PiecedText(this.base64.filter((piece) => piece.length > 0)), byteLength: this.byteLength }
  }

  private flush(): void {
    const bytes = Buffer.concat(this.pending, this.pendingBytes)
    this.pending = []
    this.pendingBytes = 0
    this.byteLength += bytes.length
    this.check(bytes)
    const toEncode = this.unencoded.length === 0 ? bytes : Buffer.concat([this.unencoded, bytes])
    const whole = toEncode.length - (toEncode.length % 3)
    this.base64.push(toEncode.subarray(0, whole).toString('base64'))
    this.unencoded = Buffer.from(toEncode.subarray(whole))
  }

  private check(bytes: Buffer): void {
    if (this.forms.written.length === 0) return
    const window = this.checkedTail.length === 0 ? bytes : Buffer.concat([this.checkedTail, bytes])
    // A JSON file is read with its own escapes read (which leaves what was not escaped as it is):
    // a value's own escapes are then read by holdsSecret, as in a file that is not JSON.
    const text = window.toString('latin1')
    if (holdsSecret(this.isJson ? readJsonEscapes(text) : text, this.forms)) throw secretLeftError('the file')
    this.checkedTail = Buffer.from(window.subarray(Math.max(0, window.length - this.overlap)))
  }
}
