/**
 * Turning an imported file into captures: bounded decompression, format detection, and a JSON
 * read that refuses hostile nesting before parsing. Every refusal says where the problem is.
 * A HAR file or a bundle is expanded, parsed and read a slice at a time (json-in-slices.ts), so
 * the receiver, which shares the event loop, keeps answering during a large import.
 */
import { gunzip } from 'node:zlib'
import { promisify } from 'node:util'
import type { ImportFormat } from '../../shared/exchange'
import { isBundleDocument, readBundleEntries, type EntryResult, type EntrySource } from './bundle-format'
import { scanCurlCommands } from './curl-import'
import { EXCHANGE_LIMITS } from './exchange-capture'
import { BODY_ALONE_HINT, readHarEntries } from './har-format'
import { scanHttpMessages } from './http-message-format'
import { parseJsonInSlices, type ListPath } from './json-in-slices'
import { IMPORT_SLICE, runStepsInSlices, workSlices, type Steps, type WorkSlices } from './work-slices'
import { formatByteLimit } from '../../shared/byte-size'

export type ReadImport = { ok: true; format: Exclude<ImportFormat, 'auto'>; entries: EntryResult[] } | { ok: false; message: string }

const gunzipAsync = promisify(gunzip)

/** Reads a whole import file (already base64-decoded) into entries, each ok or failed. */
export async function readImportFile(raw: Buffer, format: ImportFormat, maxBodyBytes: number): Promise<ReadImport> {
  const read = await readImportEntries(raw, format, maxBodyBytes)
  if (!read.ok) return read
  // Each entry checked, decoded and hashed in turn, with the event loop's turns between.
  const slices = workSlices(IMPORT_SLICE)
  const entries: EntryResult[] = []
  for (let index = 0; index < read.count; index++) {
    entries.push(await read.readEntry(index))
    await slices.afterStep()
  }
  return { ok: true, format: read.format, entries }
}

/**
 * A file's entries, each read (checked, decoded, hashed) when asked for, a slice at a time: an
 * import asks for them in order, a batch at a time.
 */
export interface ImportEntries {
  count: number
  readEntry(index: number): Promise<EntryResult>
}

/**
 * As `readImportFile`, but the entries are read (checked, decoded, hashed) only when asked for,
 * each once: an import reads a batch, stores it, then reads the next, so only a batch of decoded
 * bodies is held at a time (and the parsed entries of a HAR file or bundle are let go as they are
 * read), which keeps the garbage collector's pauses short during a large import. Raw HTTP and
 * curl are first only framed (where each message or command is), then each request is read from
 * the text when asked for.
 */
export async function readImportEntries(
  raw: Buffer,
  format: ImportFormat,
  maxBodyBytes: number,
): Promise<({ ok: true; format: Exclude<ImportFormat, 'auto'> } & ImportEntries) | { ok: false; message: string }> {
  if (raw.length > EXCHANGE_LIMITS.maxImportFileBytes)
    return { ok: false, message: `the file is larger than ${formatByteLimit(EXCHANGE_LIMITS.maxImportFileBytes)}` }
  let bytes = raw
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      // The bound applies while inflating: a gzip bomb stops at the limit, not after it. Inflated
      // off the event loop (zlib's thread pool).
      bytes = await gunzipAsync(raw, { maxOutputLength: EXCHANGE_LIMITS.maxExpandedImportBytes })
    } catch (error: unknown) {
      const isTooLarge = error instanceof RangeError || (error instanceof Error && /buffer|output length/i.test(error.message))
      return {
        ok: false,
        message: isTooLarge
          ? `the gzip file expands to more than ${formatByteLimit(EXCHANGE_LIMITS.maxExpandedImportBytes)}`
          : 'the file looks gzip-compressed but is corrupt',
      }
    }
  }
  bytes = withoutUtf8Bom(asUtf8(bytes))
  const chosen = format === 'auto' ? detectFormat(bytes) : format
  if (chosen === null) return { ok: false, message: `could not tell what kind of file this is: choose HAR, bundle, raw HTTP or curl; ${BODY_ALONE_HINT}` }
  const slices = workSlices(IMPORT_SLICE)
  const result = await readAs(bytes, chosen, maxBodyBytes, slices)
  if (!result.ok) {
    // Told the wrong format (the dialog's choice, an API caller's), say which one the file looks like.
    const looksLike = format === 'auto' ? null : detectFormat(bytes)
    return looksLike === null || looksLike === chosen
      ? result
      : { ok: false, message: `${result.message}; it looks like ${FORMAT_NAMES[looksLike]}: import it as that` }
  }
  if (result.count > EXCHANGE_LIMITS.maxImportEntries)
    return { ok: false, message: `the file has ${result.count} entries; at most ${EXCHANGE_LIMITS.maxImportEntries} are imported at once` }
  return { ok: true, format: chosen, count: result.count, readEntry: (index) => result.readEntry(index) }
}

/** Formats as the import dialog names them. */
const FORMAT_NAMES: Record<Exclude<ImportFormat, 'auto'>, string> = { har: 'a HAR file', bundle: 'a bundle', http: 'raw HTTP', curl: 'curl commands' }

/** The lists of a HAR file and of a bundle that hold their entries: parsed one entry at a time. */
const ENTRY_LISTS: ListPath[] = [['log', 'entries'], ['captures']]

async function readAs(
  bytes: Buffer,
  format: Exclude<ImportFormat, 'auto'>,
  maxBodyBytes: number,
  slices: WorkSlices,
): Promise<({ ok: true } & ImportEntries) | { ok: false; message: string }> {
  switch (format) {
    case 'har':
    case 'bundle': {
      const document = await parseJsonDocumentInSlices(bytes.toString('utf8'))
      if (!document.ok) return document
      if (format === 'bundle') return entriesOf(readBundleEntries(document.value))
      // readImportFile says it looks like a bundle.
      if (isBundleDocument(document.value)) return { ok: false, message: 'this is not a HAR file' }
      return entriesOf(readHarEntries(document.value))
    }
    case 'http':
      return steppedEntries(await runStepsInSlices(scanHttpMessages(bytes, maxBodyBytes, EXCHANGE_LIMITS.maxImportEntries), slices), slices)
    case 'curl':
      return steppedEntries(await runStepsInSlices(scanCurlCommands(bytes.toString('utf8'), maxBodyBytes, EXCHANGE_LIMITS.maxImportEntries), slices), slices)
    default: {
      const unknownFormat: never = format
      return { ok: false, message: `unknown format ${String(unknownFormat)}` }
    }
  }
}

/** A HAR file's or bundle's entries (each read at once: one entry is small work). */
function entriesOf(source: ({ ok: true } & EntrySource) | { ok: false; message: string }): ({ ok: true } & ImportEntries) | { ok: false; message: string } {
  if (!source.ok) return source
  return { ok: true, count: source.count, readEntry: (index) => Promise.resolve(source.entryAt(index)) }
}

/** Raw HTTP's or curl's entries, each read a slice at a time (a body of two million chunks, a long printf pipe). */
function steppedEntries(
  source: { ok: true; count: number; entrySteps(index: number): Steps<EntryResult> } | { ok: false; message: string },
  slices: WorkSlices,
): ({ ok: true } & ImportEntries) | { ok: false; message: string } {
  if (!source.ok) return source
  return { ok: true, count: source.count, readEntry: (index) => runStepsInSlices(source.entrySteps(index), slices) }
}

/**
 * A file written as UTF-16 with a byte order mark, as UTF-8. Windows PowerShell's `Out-File` and
 * `>` write UTF-16LE by default, so a HAR or curl script saved that way was refused as "could not
 * tell what kind of file this is". Every format read here is text or starts as text; a raw HTTP
 * message's body comes back as the UTF-8 of the text it held.
 */
function asUtf8(bytes: Buffer): Buffer {
  const isLittleEndian = bytes[0] === 0xff && bytes[1] === 0xfe
  const isBigEndian = bytes[0] === 0xfe && bytes[1] === 0xff
  if (!isLittleEndian && !isBigEndian) return bytes
  const units = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)))
  return Buffer.from((isBigEndian ? units.swap16() : units).toString('utf16le'), 'utf8')
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf])

/**
 * The file without a leading UTF-8 byte order mark: Windows tools (Fiddler, Charles, Notepad)
 * write one before a HAR or any text, and it is not part of the document in any format read here.
 */
function withoutUtf8Bom(bytes: Buffer): Buffer {
  return bytes.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes
}

/** HAR, bundle, a raw request or curl, from the first meaningful characters (after any byte order mark). */
export function detectFormat(bytes: Buffer): Exclude<ImportFormat, 'auto'> | null {
  const head = bytes.subarray(0, 4096).toString('latin1')
  const trimmed = head.trimStart()
  if (/^\{\s*"/.test(trimmed)) {
    return /"format"\s*:\s*"callback-inspector-bundle"/.test(head) ? 'bundle' : 'har'
  }
  if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S+ HTTP\/\d\.\d\r?\n/.test(trimmed)) return 'http'
  const firstCommand = firstLineOutsideComments(bytes)
  if (firstCommand !== null && /^(curl|printf|\{)(\s|$)/.test(firstCommand)) return 'curl'
  // A bundle or HAR whose first key is not quoted yet (whitespace-only head): try JSON.
  if (trimmed.startsWith('{')) return /"format"\s*:\s*"callback-inspector-bundle"/.test(head) ? 'bundle' : 'har'
  return null
}

/**
 * The first line that is neither blank nor a `#` comment, trimmed (its first 64 bytes), or `null`.
 * Read past the first 4 KiB: this app's curl export puts a capture's note and its headers as
 * received in comments before its command, and a support note of 4,000 characters made the
 * script one its own import could not tell from any other text. One pass, stopping there.
 */
function firstLineOutsideComments(bytes: Buffer): string | null {
  for (let start = 0; start < bytes.length;) {
    const newline = bytes.indexOf(0x0a, start)
    const end = newline === -1 ? bytes.length : newline
    let first = start
    while (first < end && (bytes[first] === 0x20 || bytes[first] === 0x09 || bytes[first] === 0x0d)) first++
    if (first < end && bytes[first] !== 0x23)
      return bytes
        .subarray(first, Math.min(end, first + 64))
        .toString('latin1')
        .trim()
    start = end + 1
  }
  return null
}

/**
 * Parses JSON after checking, in one linear pass, that it nests no deeper than the limit (deep
 * documents are refused before any recursive work). A syntax error names line and column.
 */
export function parseJsonDocument(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const tooDeep = findExcessiveNesting(text, EXCHANGE_LIMITS.maxJsonDepth)
  if (tooDeep !== null) return { ok: false, message: `the JSON nests deeper than ${EXCHANGE_LIMITS.maxJsonDepth} levels at ${lineAndColumn(text, tooDeep)}` }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    // The engine's message does not always say where; this scan does.
    const problem = locateJsonSyntaxError(text)
    return { ok: false, message: `the file is not valid JSON at ${lineAndColumn(text, problem.at)}: ${problem.message}` }
  }
}

/**
 * `parseJsonDocument` a slice at a time, the entries of a HAR file or a bundle each parsed on its
 * own (json-in-slices.ts): the same value, and the same refusals at the same places.
 */
export async function parseJsonDocumentInSlices(text: string): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const parsed = await parseJsonInSlices(text, ENTRY_LISTS, EXCHANGE_LIMITS.maxJsonDepth)
  if (parsed.ok) return parsed
  if (parsed.problem === 'too-deep')
    return { ok: false, message: `the JSON nests deeper than ${EXCHANGE_LIMITS.maxJsonDepth} levels at ${lineAndColumn(text, parsed.at)}` }
  const problem = locateJsonSyntaxError(text)
  return { ok: false, message: `the file is not valid JSON at ${lineAndColumn(text, problem.at)}: ${problem.message}` }
}

/**
 * Where JSON text first breaks the grammar, in one pass with an explicit stack (only called once
 * JSON.parse has failed, so it needs to find the place, not to build anything).
 */
export function locateJsonSyntaxError(text: string): { at: number; message: string } {
  const stack: Array<'object' | 'array'> = []
  // What may come next: a value, a key (or the end of an object), or a separator.
  let expect: 'value' | 'value-or-end' | 'key' | 'key-or-end' | 'separator' = 'value'
  let index = 0
  const fail = (message: string) => ({ at: index, message })
  while (index < text.length) {
    const char = text[index]!
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      index++
      continue
    }
    if (stack.length === 0 && expect === 'separator') return fail(`unexpected ${JSON.stringify(char)} after the end of the document`)
    const top = stack[stack.length - 1]
    if (expect === 'separator') {
      if (char === ',') {
        expect = top === 'object' ? 'key' : 'value'
        index++
      } else if ((char === '}' && top === 'object') || (char === ']' && top === 'array')) {
        stack.pop()
        index++
        expect = 'separator'
      } else if (char === ':') return fail('unexpected ":"')
      else return fail(`expected "," or "${top === 'object' ? '}' : ']'}" but found ${JSON.stringify(char)}`)
      continue
    }
    if (expect === 'key' || expect === 'key-or-end') {
      if (char === '}' && expect === 'key-or-end') {
        stack.pop()
        index++
        expect = 'separator'
        continue
      }
      if (char !== '"') return fail(`expected a property name in double quotes but found ${JSON.stringify(char)}`)
      const end = scanString(text, index)
      if (end < 0) return fail('a string is never closed or holds a raw control character')
      index = end
      while (index < text.length && /\s/.test(text[index]!)) index++
      if (text[index] !== ':') return fail(`expected ":" after a property name`)
      index++
      expect = 'value'
      continue
    }
    // A value.
    if (char === ']' && expect === 'value-or-end') {
      stack.pop()
      index++
      expect = 'separator'
      continue
    }
    if (char === '{' || char === '[') {
      stack.push(char === '{' ? 'object' : 'array')
      expect = char === '{' ? 'key-or-end' : 'value-or-end'
      index++
      continue
    }
    if (char === '"') {
      const end = scanString(text, index)
      if (end < 0) return fail('a string is never closed or holds a raw control character')
      index = end
      expect = 'separator'
      continue
    }
    const literal = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(index, index + 400))
    if (!literal) return fail(`unexpected ${JSON.stringify(char)} where a value should be`)
    index += literal[0].length
    expect = 'separator'
  }
  if (stack.length > 0) return fail(`the document ends inside ${stack[stack.length - 1] === 'object' ? 'an object' : 'a list'}`)
  if (expect !== 'separator') return fail('the document is empty')
  return { at: index, message: 'unexpected content' }
}

/** End (exclusive) of the JSON string starting at `start`, or -1. */
function scanString(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code === 0x5c) index++
    else if (code === 0x22) return index + 1
    else if (code < 0x20) return -1
  }
  return -1
}

function findExcessiveNesting(text: string, maxDepth: number): number | null {
  let depth = 0
  let isInString = false
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (isInString) {
      if (code === 0x5c) index++
      else if (code === 0x22) isInString = false
      continue
    }
    if (code === 0x22) isInString = true
    else if (code === 0x7b || code === 0x5b) {
      depth++
      if (depth > maxDepth) return index
    } else if (code === 0x7d || code === 0x5d) depth--
  }
  return null
}

function lineAndColumn(text: string, offset: number): string {
  let line = 1
  let lineStart = 0
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 0x0a) {
      line++
      lineStart = index + 1
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`
}
