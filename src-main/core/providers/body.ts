/**
 * Tolerant readers for callback bodies. Bodies are hostile input: anything here returns `null` or
 * a partial result instead of throwing, whatever the bytes (binary, truncated, huge, deeply nested).
 */
import { looksLikeText as looksLikeDecodedText } from '../../shared/text-sniff'

/** Bodies above this size are not parsed as JSON/XML/form (they are still verified byte for byte). */
export const MAX_PARSE_BYTES = 16 * 1024 * 1024
/**
 * Nesting depth beyond which a JSON body is not parsed (nor read by parseRawJson below). V8's
 * JSON.parse copes with any depth, but slowly: 5,000,000 nested arrays (10 MB) held the event
 * loop, and with it the receiver, the API and the UI, for 8 to 11 s.
 */
export const MAX_JSON_DEPTH = 256
/**
 * Values (objects, arrays and members) beyond which a JSON body is not parsed: what a parse costs
 * is the number of values it builds, not the bytes (1,650,000 empty objects in 5 MB took over a
 * second, a 10 MB body of long strings a few milliseconds). A real callback has hundreds.
 */
export const MAX_JSON_VALUES = 100_000
/**
 * Bodies up to this size are parsed without the shape check below: they cannot hold more than
 * 4,096 levels or values, which JSON.parse handles in a few milliseconds, and the receiver's
 * usual callback (about 2 KB) is spared a second pass over its bytes.
 */
const SHAPE_CHECK_FROM_BYTES = 8 * 1024
/** Signed strings shown in the Signature panel are cut here; verification always uses every byte. */
export const MAX_EXPLAINED_BYTES = 16 * 1024

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

const UTF8_BOM = '\uFEFF'

/**
 * Parses a JSON object or array from raw bytes; `undefined` when the body is not one (or is too
 * big to parse). Invalid UTF-8 is replaced, as the body is only read for display here.
 *
 * Detection, parsing and verification of one delivery each ask for the JSON of the same body, one
 * after the other: the last body's result is kept. A single slot, not a WeakMap: an entry per
 * capture is work for the garbage collector (about 3% of the receiver's CPU under `npm run bench`).
 * Results are read, never changed.
 */
export function parseJsonBody(body: Buffer): JsonValue | undefined {
  return parsedJson(body).json
}

/**
 * Why a body that looks like a JSON object or array was not parsed (too large, too deep, too
 * many values), for the summary to say; `null` when it was parsed or does not look like JSON.
 */
export function unparsedJsonReason(body: Buffer): string | null {
  return parsedJson(body).unparsedReason
}

interface ParsedJson {
  body: Buffer | null
  json: JsonValue | undefined
  unparsedReason: string | null
  /** The text JSON.parse read (kept for `text` to read numbers' spellings without decoding again). */
  source: string | null
}

let lastParsed: ParsedJson = { body: null, json: undefined, unparsedReason: null, source: null }

function parsedJson(body: Buffer): ParsedJson {
  if (body !== lastParsed.body) lastParsed = { body, ...parseJsonBodyOnce(body) }
  return lastParsed
}

function parseJsonBodyOnce(body: Buffer): Omit<ParsedJson, 'body'> {
  const notJson = { json: undefined, unparsedReason: null, source: null }
  if (body.length === 0) return notJson
  const first = firstNonSpaceByte(body)
  // Only objects and arrays: a bare number or string body is not a JSON callback worth parsing.
  if (first !== 0x7b && first !== 0x5b && first !== 0xef) return notJson
  const unparsedReason =
    body.length > MAX_PARSE_BYTES
      ? `it is larger than ${MAX_PARSE_BYTES / 1024 / 1024} MiB`
      : body.length >= SHAPE_CHECK_FROM_BYTES
        ? jsonShapeProblem(body)
        : null
  if (unparsedReason !== null) return { json: undefined, unparsedReason, source: null }
  let text = body.toString('utf8')
  if (text.startsWith(UTF8_BOM)) text = text.slice(1)
  try {
    return { json: JSON.parse(text) as JsonValue, unparsedReason: null, source: text }
  } catch (error: unknown) {
    // SyntaxError (not JSON) or RangeError (absurd nesting): both mean "not a JSON body".
    if (error instanceof SyntaxError || error instanceof RangeError) return notJson
    throw error
  }
}

/**
 * One pass over the bytes, outside strings: nesting deeper than MAX_JSON_DEPTH, or more than
 * MAX_JSON_VALUES openings and commas (an upper bound on the values a parse would build). Linear,
 * and it stops at the first excess, so a hostile body costs at most one read of its bytes.
 */
function jsonShapeProblem(body: Buffer): string | null {
  let depth = 0
  let values = 0
  let inString = false
  for (let index = 0; index < body.length; index++) {
    const byte = body[index]
    if (inString) {
      if (byte === 0x5c)
        index++ // a backslash escapes the next byte (\" included)
      else if (byte === 0x22) inString = false
    } else if (byte === 0x22) inString = true
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) return `it is nested deeper than ${MAX_JSON_DEPTH} levels`
      if (++values > MAX_JSON_VALUES) return `it holds more than ${MAX_JSON_VALUES.toLocaleString('en-US')} values`
    } else if (byte === 0x7d || byte === 0x5d) depth--
    else if (byte === 0x2c && ++values > MAX_JSON_VALUES) return `it holds more than ${MAX_JSON_VALUES.toLocaleString('en-US')} values`
  }
  return null
}

function firstNonSpaceByte(body: Buffer): number | undefined {
  for (let i = 0; i < body.length && i < 1024; i++) {
    const byte = body[i]
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte
  }
  return undefined
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Property of an object, or `undefined` when the value is not an object. */
export function prop(value: unknown, key: string): JsonValue | undefined {
  if (!isObject(value)) return undefined
  return Object.hasOwn(value, key) ? value[key] : undefined
}

/** Nested property by path, e.g. `at(body, 'data', 'object', 'id')`. */
export function at(value: unknown, ...path: string[]): JsonValue | undefined {
  let current: unknown = value
  for (const key of path) {
    current = prop(current, key)
    if (current === undefined) return undefined
  }
  return current as JsonValue
}

/**
 * A scalar as display text (strings as-is, numbers and booleans printed), else `null`.
 *
 * A number reached us through `JSON.parse`, which keeps its value, not how it was written: 100.50
 * became 100.5, 1e2 100, -0 0, 12345678901234567890 12345678901234567000 and 1e400 Infinity. While a
 * summary is built (`withWrittenNumbers`), a number is shown as the body wrote it. Outside one (or
 * for a number the body does not hold), an integer past 2^53 is shown as approximate
 * ("≈1.2345678901234567e+19"), never with digits the sender did not send.
 */
export function text(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'number') {
    const written = writtenNumber(value)
    if (written !== null) return written
  }
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) return `≈${value.toExponential()}`
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  return null
}

// ---------------------------------------------------------------------------------------------
// Numbers as written. A summary reads the body through `JSON.parse` (one fast parse, shared with
// recognition and verification), so its numbers carry no spelling. The spelling is read back from
// the body's text only when a summary shows a number, once per body: one scan of the text for the
// number literals outside strings (a native regular expression, a few microseconds for a usual
// callback), which bodies whose summary shows no number never pay.

/** A number's key in the spelling table: `-0` apart from `0`, which `Map` would merge. */
type NumberKey = number | '-0'

interface NumberSource {
  body: Buffer
  /** Each value's distinct spellings in the body, read on the first number shown. */
  spellings: Map<NumberKey, string[]> | null
}

let numberSource: NumberSource | null = null

/**
 * Builds a summary of `body` with its numbers shown as the body wrote them (`text` reads their
 * spelling back from the text). Every number a summary builder passes to `text` must be a value of
 * this body's JSON; a count or other computed number is passed as a string.
 */
export function withWrittenNumbers<T>(body: Buffer, build: () => T): T {
  const outer = numberSource
  numberSource = { body, spellings: null }
  try {
    return build()
  } finally {
    numberSource = outer
  }
}

/** JSON's strings (skipped whole, escapes included) and number literals, in one pass. */
const STRING_OR_NUMBER = /"[^"\\]*(?:\\[\s\S][^"\\]*)*"|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/g

function numberKey(value: number): NumberKey {
  return Object.is(value, -0) ? '-0' : value
}

function spellingsOf(source: NumberSource): Map<NumberKey, string[]> {
  if (source.spellings !== null) return source.spellings
  const spellings = new Map<NumberKey, string[]>()
  source.spellings = spellings
  // Only a body JSON.parse read holds the numbers a summary shows; its text is kept with the last parse.
  const bodyText = parsedJson(source.body).source
  if (bodyText === null) return spellings
  for (const match of bodyText.matchAll(STRING_OR_NUMBER)) {
    const literal = match[1]
    if (literal === undefined) continue
    const key = numberKey(Number(literal))
    const known = spellings.get(key)
    if (known === undefined) spellings.set(key, [literal])
    else if (!known.includes(literal)) known.push(literal)
  }
  return spellings
}

/**
 * How the body being summarised wrote `value`, or `null` outside a summary or when the body holds
 * no such number. The same value written two ways in one body (100.50 here, 100.5 there; two
 * integers past 2^53 that JSON.parse reads alike) cannot be told apart by value: both spellings
 * are shown, "100.50 or 100.5", rather than one that may not be this field's.
 */
function writtenNumber(value: number): string | null {
  if (numberSource === null) return null
  const spellings = spellingsOf(numberSource).get(numberKey(value))
  return spellings === undefined ? null : spellings.join(' or ')
}

/** First non-empty scalar among the candidates. */
export function firstText(...values: unknown[]): string | null {
  for (const value of values) {
    const candidate = text(value)
    if (candidate !== null && candidate !== '') return candidate
  }
  return null
}

/** Parses `application/x-www-form-urlencoded`, or `null` when the body does not look like a form. */
export function parseFormBody(body: Buffer): Array<[string, string]> | null {
  if (body.length === 0 || body.length > MAX_PARSE_BYTES) return null
  const raw = body.toString('latin1')
  if (!/^[\x21-\x7e]*$/.test(raw) || !raw.includes('=')) return null
  // URLSearchParams never throws on a string: malformed escapes are kept literally.
  return [...new URLSearchParams(raw).entries()]
}

/**
 * True when the bytes are printable UTF-8 text: valid UTF-8 in the first 4 KiB, and the project's
 * one "is this text" rule (shared/text-sniff.ts) on what it decodes to.
 */
export function looksLikeText(body: Buffer): boolean {
  const sample = body.subarray(0, 4096)
  const decoded = sample.toString('utf8')
  // U+FFFD from invalid UTF-8 (allowing one cut multibyte sequence at the end of the sample).
  const replacements = (decoded.match(/\uFFFD/g) ?? []).length
  if (replacements > 1) return false
  return looksLikeDecodedText(decoded)
}

/** Bytes as display text, cut at `MAX_EXPLAINED_BYTES`. */
export function displayBytes(bytes: Buffer): { text: string; truncated: boolean } {
  if (bytes.length <= MAX_EXPLAINED_BYTES) return { text: bytes.toString('utf8'), truncated: false }
  return { text: bytes.subarray(0, MAX_EXPLAINED_BYTES).toString('utf8'), truncated: true }
}

// ---------------------------------------------------------------------------------------------
// JSON with number lexemes preserved (Plexo's canonical JSON re-serialises the signed object; going
// through JS numbers would change "1.0" to "1" or lose digits of big integers and break the check).

export type RawJson =
  | { type: 'null' }
  | { type: 'boolean'; value: boolean }
  | { type: 'number'; lexeme: string }
  | { type: 'string'; value: string }
  | { type: 'array'; items: RawJson[] }
  | { type: 'object'; entries: Array<[string, RawJson]> }

/** Parses JSON keeping number lexemes and member order; `null` on any syntax error or excess depth. */
export function parseRawJson(source: string): RawJson | null {
  const parser = new RawJsonParser(source)
  try {
    const value = parser.value(0)
    parser.skipSpace()
    return parser.atEnd() ? value : null
  } catch (error: unknown) {
    // Our own syntax errors, JSON.parse of a bad string escape, or a stack overflow: not JSON.
    if (error instanceof RawJsonError || error instanceof SyntaxError || error instanceof RangeError) return null
    throw error
  }
}

class RawJsonError extends Error {}

class RawJsonParser {
  private index = 0
  constructor(private readonly source: string) {}

  atEnd(): boolean {
    return this.index >= this.source.length
  }

  skipSpace(): void {
    while (this.index < this.source.length && ' \t\n\r'.includes(this.source[this.index] ?? '')) this.index++
  }

  value(depth: number): RawJson {
    if (depth > MAX_JSON_DEPTH) throw new RawJsonError('too deep')
    this.skipSpace()
    const char = this.source[this.index]
    if (char === '{') return this.object(depth)
    if (char === '[') return this.array(depth)
    if (char === '"') return { type: 'string', value: this.string() }
    if (this.source.startsWith('true', this.index)) return this.literal('true', { type: 'boolean', value: true })
    if (this.source.startsWith('false', this.index)) return this.literal('false', { type: 'boolean', value: false })
    if (this.source.startsWith('null', this.index)) return this.literal('null', { type: 'null' })
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.source.slice(this.index, this.index + 400))
    if (!match) throw new RawJsonError(`unexpected character at ${this.index}`)
    this.index += match[0].length
    return { type: 'number', lexeme: match[0] }
  }

  private literal(word: string, value: RawJson): RawJson {
    this.index += word.length
    return value
  }

  private string(): string {
    const start = this.index
    this.index++
    while (this.index < this.source.length) {
      const char = this.source[this.index]
      if (char === '\\') this.index += 2
      else if (char === '"') {
        this.index++
        return JSON.parse(this.source.slice(start, this.index)) as string
      } else this.index++
    }
    throw new RawJsonError('unterminated string')
  }

  private object(depth: number): RawJson {
    this.index++
    const entries: Array<[string, RawJson]> = []
    this.skipSpace()
    if (this.source[this.index] === '}') {
      this.index++
      return { type: 'object', entries }
    }
    for (;;) {
      this.skipSpace()
      if (this.source[this.index] !== '"') throw new RawJsonError('expected a member name')
      const key = this.string()
      this.skipSpace()
      if (this.source[this.index] !== ':') throw new RawJsonError('expected ":"')
      this.index++
      entries.push([key, this.value(depth + 1)])
      this.skipSpace()
      const char = this.source[this.index]
      this.index++
      if (char === '}') return { type: 'object', entries }
      if (char !== ',') throw new RawJsonError('expected "," or "}"')
    }
  }

  private array(depth: number): RawJson {
    this.index++
    const items: RawJson[] = []
    this.skipSpace()
    if (this.source[this.index] === ']') {
      this.index++
      return { type: 'array', items }
    }
    for (;;) {
      items.push(this.value(depth + 1))
      this.skipSpace()
      const char = this.source[this.index]
      this.index++
      if (char === ']') return { type: 'array', items }
      if (char !== ',') throw new RawJsonError('expected "," or "]"')
    }
  }
}

/** Member of a raw JSON object. */
export function rawMember(value: RawJson | null | undefined, key: string): RawJson | undefined {
  if (!value || value.type !== 'object') return undefined
  return value.entries.find(([name]) => name === key)?.[1]
}

/**
 * The member as JSON.parse, PHP's json_decode and Newtonsoft read it when the name is written
 * twice: the last one. For the members a provider's SDK verifies with (a Plexo envelope's
 * `Signature`), so the verdict is about the value the SDK checks.
 */
export function lastRawMember(value: RawJson | null | undefined, key: string): RawJson | undefined {
  if (!value || value.type !== 'object') return undefined
  return value.entries.findLast(([name]) => name === key)?.[1]
}
