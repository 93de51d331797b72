/**
 * An export file's pieces encoded into the base64 the API answers with, a slice at a time
 * (work-slices.ts), so that a large export never holds the event loop for long nor keeps the whole
 * file as text, as bytes and as base64 at once: bytes are encoded about a megabyte at a time and
 * only the base64 is kept, in those pieces. They are never joined here: the transports hand them
 * over one by one (PiecedText), as the joined text.
 *
 * It is also the last line of defence against a configured secret leaving the app: every byte
 * goes past the check, including where a secret would straddle two flushes.
 */
import { InspectorError } from '../../shared/errors'
import { PiecedText } from '../pieced-text'
import { base64Cores } from './secret-scrub'
import { workSlices, type SliceLimits } from './work-slices'

/** The shortest base64 form of a secret the file is checked for (see ExportOutput). */
const MIN_BASE64_FORM_LENGTH = 12

/** Bytes gathered before they are checked and encoded (a multiple of 3 is taken each time). */
const FLUSH_BYTES = 1024 * 1024

/** An encoded export: its base64 in pieces, each whole base64 of its bytes but the last (no padding in between). */
export interface EncodedExport {
  base64: PiecedText
  /** The file's size. */
  byteLength: number
}

/** The file's bytes as base64, from its pieces; refuses the export when a configured secret is in it. */
export async function encodeExport(pieces: Iterable<string | Buffer>, secrets: readonly string[], slices?: SliceLimits): Promise<EncodedExport> {
  const output = new ExportOutput(secrets)
  const slicer = workSlices(slices)
  for (const piece of pieces) {
    output.add(typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece)
    await slicer.afterStep()
  }
  return output.finish()
}

class ExportOutput {
  /** Each secret in every form it could take in the file's bytes. */
  private readonly forbidden: Buffer[]
  /** The longest form less one byte: how much of the bytes already checked a form could still begin in. */
  private readonly overlap: number
  private pending: Buffer[] = []
  private pendingBytes = 0
  /** The end of the bytes already checked, in which a secret split by a flush could start. */
  private checkedTail = Buffer.alloc(0)
  /** Bytes not yet encoded because base64 takes them three at a time (at most 2). */
  private unencoded = Buffer.alloc(0)
  private readonly base64: string[] = []
  private byteLength = 0

  constructor(secrets: readonly string[]) {
    this.forbidden = secrets
      .filter((secret) => secret.length >= 6)
      // As written, as JSON escapes it (HAR and bundle files are JSON), and percent-encoded; and
      // base64-encoded (a bundle's bodies, a HAR's binary ones) where its encoding is long enough
      // (12 characters, 72 bits) that ordinary base64 in a large file does not spell it by chance.
      .flatMap((secret) => [
        secret,
        JSON.stringify(secret).slice(1, -1),
        encodeURIComponent(secret),
        ...base64Cores(Buffer.from(secret, 'utf8')).filter((core) => core.length >= MIN_BASE64_FORM_LENGTH),
      ])
      .map((form) => Buffer.from(form, 'utf8'))
    this.overlap = Math.max(0, ...this.forbidden.map((form) => form.length - 1))
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
    if (this.forbidden.length === 0) return
    const window = this.checkedTail.length === 0 ? bytes : Buffer.concat([this.checkedTail, bytes])
    if (this.forbidden.some((form) => window.includes(form))) {
      throw new InspectorError('INTERNAL', 'the export still held a configured secret after redaction, so nothing was exported')
    }
    this.checkedTail = Buffer.from(window.subarray(Math.max(0, window.length - this.overlap)))
  }
}
