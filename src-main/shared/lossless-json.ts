/**
 * A lossless JSON reader: what a payment provider sent, read without changing a single value.
 *
 * `JSON.parse` is the wrong tool for showing or comparing callbacks: it rounds
 * `12345678901234567891` to `12345678901234567000`, turns `10.10` into `10.1` and `1.0` into `1`,
 * and keeps only the last of two duplicate keys. Support reads amounts and ids from these views,
 * so this reader keeps every literal as its source text and every member in order.
 *
 * Design:
 * - One linear pass with an explicit stack, never recursion: 100,000-deep nesting is fine.
 * - The result is columnar (typed arrays indexed by node, in document order) so a 10 MB body of
 *   millions of values costs a few bytes per value, and a Web Worker can transfer it without a copy.
 *   Node 0 is the root; a node's first child is the next index; `subtreeEnd[i]` is the index after
 *   its last descendant, so the next sibling of `i` is `subtreeEnd[i]`.
 * - Values are read from the text on demand (`rawText`, `stringValue`, `memberKey`).
 * - Strict RFC 8259 grammar; a syntax error reports its offset, line, column and what was expected.
 *
 * No imports: the renderer, its Web Worker and the core all use this one module.
 */

/** Node kinds, stored as small integers in {@link LosslessJsonDocument.kind}. */
export const JsonKind = {
  object: 0,
  array: 1,
  string: 2,
  number: 3,
  true: 4,
  false: 5,
  null: 6,
} as const
export type JsonKindCode = (typeof JsonKind)[keyof typeof JsonKind]
export type JsonKindName = keyof typeof JsonKind

const KIND_NAMES: readonly JsonKindName[] = ['object', 'array', 'string', 'number', 'true', 'false', 'null']

/** Flag bit: this object member's key also appears elsewhere in the same object. */
export const DUPLICATE_KEY_FLAG = 1

/**
 * A parsed document. Plain data (a string and typed arrays), so it survives `postMessage`; every
 * array has `count` entries, indexed by node in document order.
 */
export interface LosslessJsonDocument {
  /** The text that was parsed; every offset points into it. */
  text: string
  /** How many values (nodes) the document holds; node 0 is the root. */
  count: number
  /** A {@link JsonKind} code per node. */
  kind: Uint8Array
  /** Offset of the value's first character (for a string, its opening quote). */
  start: Uint32Array
  /** Offset after the value's last character (for a container, after its closing bracket). */
  end: Uint32Array
  /** For an object member: offset of its key's opening quote; -1 for array items and the root. */
  keyStart: Int32Array
  /** For an object member: offset after its key's closing quote; -1 otherwise. */
  keyEnd: Int32Array
  /** The containing node, -1 for the root. */
  parent: Int32Array
  /** Nesting depth: 0 for the root. */
  depth: Uint32Array
  /** Index after the node's last descendant (its next sibling, if it has one). */
  subtreeEnd: Uint32Array
  /** Direct children of an object or array; 0 for scalars. */
  childCount: Uint32Array
  /** Bit set of flags such as {@link DUPLICATE_KEY_FLAG}. */
  flags: Uint8Array
  /** Whether any object in the document has a duplicate key. */
  hasDuplicateKeys: boolean
}

/** Where and why a text is not JSON. Line and column count from 1, in UTF-16 code units. */
export interface JsonSyntaxError {
  /** `syntax`: the text is not JSON; `too-many-values`: it may be, but exceeds `maxNodes`. */
  kind: 'syntax' | 'too-many-values'
  offset: number
  line: number
  column: number
  /** What the grammar allowed here, e.g. `',' or '}'`. */
  expected: string
  /** What was there instead, e.g. `'x'` or `end of input`. */
  found: string
  /** One readable sentence: `Expected ',' or '}' but found 'x' at line 3, column 7.` */
  message: string
}

export type LosslessJsonResult = { ok: true; document: LosslessJsonDocument } | { ok: false; error: JsonSyntaxError }

export interface LosslessJsonOptions {
  /**
   * Stop with an error after this many values, so a caller can fall back to a cheaper view
   * before spending the memory. Unlimited when absent.
   */
  maxNodes?: number
}

/** Thrown internally to unwind the single loop; never escapes {@link parseLosslessJson}. */
class SyntaxFailure {
  constructor(
    readonly offset: number,
    readonly expected: string,
    readonly kind: JsonSyntaxError['kind'] = 'syntax',
  ) {}
}

/** Growable columns: doubled when full, trimmed to `count` at the end. */
class Columns {
  capacity: number
  kind: Uint8Array
  start: Uint32Array
  end: Uint32Array
  keyStart: Int32Array
  keyEnd: Int32Array
  parent: Int32Array
  depth: Uint32Array
  subtreeEnd: Uint32Array
  childCount: Uint32Array
  flags: Uint8Array

  constructor(capacity: number) {
    this.capacity = capacity
    this.kind = new Uint8Array(capacity)
    this.start = new Uint32Array(capacity)
    this.end = new Uint32Array(capacity)
    this.keyStart = new Int32Array(capacity)
    this.keyEnd = new Int32Array(capacity)
    this.parent = new Int32Array(capacity)
    this.depth = new Uint32Array(capacity)
    this.subtreeEnd = new Uint32Array(capacity)
    this.childCount = new Uint32Array(capacity)
    this.flags = new Uint8Array(capacity)
  }

  grow(): void {
    const capacity = this.capacity * 2
    this.kind = resized(this.kind, new Uint8Array(capacity))
    this.start = resized(this.start, new Uint32Array(capacity))
    this.end = resized(this.end, new Uint32Array(capacity))
    this.keyStart = resized(this.keyStart, new Int32Array(capacity))
    this.keyEnd = resized(this.keyEnd, new Int32Array(capacity))
    this.parent = resized(this.parent, new Int32Array(capacity))
    this.depth = resized(this.depth, new Uint32Array(capacity))
    this.subtreeEnd = resized(this.subtreeEnd, new Uint32Array(capacity))
    this.childCount = resized(this.childCount, new Uint32Array(capacity))
    this.flags = resized(this.flags, new Uint8Array(capacity))
    this.capacity = capacity
  }
}

function resized<T extends Uint8Array | Uint32Array | Int32Array>(from: T, to: T): T {
  to.set(from)
  return to
}

const CHAR_TAB = 9
const CHAR_LF = 10
const CHAR_CR = 13
const CHAR_SPACE = 32
const CHAR_QUOTE = 34
const CHAR_PLUS = 43
const CHAR_COMMA = 44
const CHAR_MINUS = 45
const CHAR_DOT = 46
const CHAR_ZERO = 48
const CHAR_NINE = 57
const CHAR_COLON = 58
const CHAR_OPEN_BRACKET = 91
const CHAR_BACKSLASH = 92
const CHAR_CLOSE_BRACKET = 93
const CHAR_OPEN_BRACE = 123
const CHAR_CLOSE_BRACE = 125

/** What the loop waits for next. */
const Expect = {
  /** A value: the root, an array item after `,`, or a member value after `:`. */
  Value: 0,
  /** An array's first item or its `]`. */
  ValueOrArrayEnd: 1,
  /** An object's first key or its `}`. */
  KeyOrObjectEnd: 2,
  /** A key after `,` in an object. */
  Key: 3,
  /** The `:` after a key. */
  Colon: 4,
  /** `,` or the closing bracket after a value inside a container; end of input at the root. */
  AfterValue: 5,
} as const
type Expect = (typeof Expect)[keyof typeof Expect]

/**
 * Parses `text` as JSON, keeping every literal verbatim and every object member (duplicates too).
 * Linear in the length of the text; never recursive.
 *
 * One loop with its state in locals (no closures over mutable state): this runs on 10 MB bodies,
 * and V8 keeps locals in registers where captured variables would live in a heap context.
 */
export function parseLosslessJson(text: string, options: LosslessJsonOptions = {}): LosslessJsonResult {
  try {
    return { ok: true, document: parseOrThrow(text, options.maxNodes ?? Number.POSITIVE_INFINITY) }
  } catch (failure: unknown) {
    if (failure instanceof SyntaxFailure) return { ok: false, error: syntaxError(text, failure.offset, failure.expected, failure.kind) }
    throw failure
  }
}

function parseOrThrow(text: string, maxNodes: number): LosslessJsonDocument {
  // A value takes at least two characters (itself and a separator), so half the length never
  // needs to grow; the cap keeps a multi-megabyte text from reserving columns it may not need.
  const columns = new Columns(Math.min((text.length >>> 1) + 16, 1 << 18))
  let count = 0
  /** Open containers, innermost last; `container` mirrors the top (-1 at the root). */
  const stack: number[] = []
  let container = -1
  let isInObject = false
  /** Per open container (same positions as `stack`): first member index by decoded key, objects only. */
  const keyIndexes: Array<Map<string, number> | null> = []
  let keyStart = -1
  let keyEnd = -1
  let hasDuplicateKeys = false
  let position = 0
  let expect: Expect = Expect.Value
  const length = text.length

  for (;;) {
    // Whitespace: space, LF, CR, tab.
    let code = text.charCodeAt(position)
    while (code === CHAR_SPACE || code === CHAR_LF || code === CHAR_CR || code === CHAR_TAB) code = text.charCodeAt(++position)
    if (position >= length) {
      if (expect === Expect.AfterValue && container < 0) break
      throw new SyntaxFailure(position, describeExpectation(expect, isInObject))
    }

    if (expect === Expect.AfterValue) {
      if (container < 0) throw new SyntaxFailure(position, 'end of input')
      if (code === CHAR_COMMA) {
        position++
        expect = isInObject ? Expect.Key : Expect.Value
        continue
      }
      if (code !== (isInObject ? CHAR_CLOSE_BRACE : CHAR_CLOSE_BRACKET)) throw new SyntaxFailure(position, isInObject ? "',' or '}'" : "',' or ']'")
      closeContainer()
      continue
    }

    if (expect === Expect.Value || expect === Expect.ValueOrArrayEnd) {
      if (expect === Expect.ValueOrArrayEnd && code === CHAR_CLOSE_BRACKET) {
        closeContainer()
        continue
      }
      // A new node.
      if (count >= maxNodes) throw new SyntaxFailure(position, `at most ${maxNodes} values`, 'too-many-values')
      if (count === columns.capacity) columns.grow()
      const node = count++
      columns.start[node] = position
      columns.parent[node] = container
      columns.depth[node] = stack.length
      columns.flags[node] = 0
      columns.childCount[node] = 0
      if (container >= 0) {
        columns.childCount[container]!++
        if (isInObject) {
          columns.keyStart[node] = keyStart
          columns.keyEnd[node] = keyEnd
          if (noteKey(node)) hasDuplicateKeys = true
        } else {
          columns.keyStart[node] = -1
          columns.keyEnd[node] = -1
        }
      } else {
        columns.keyStart[node] = -1
        columns.keyEnd[node] = -1
      }

      if (code === CHAR_OPEN_BRACE || code === CHAR_OPEN_BRACKET) {
        const isObject = code === CHAR_OPEN_BRACE
        columns.kind[node] = isObject ? JsonKind.object : JsonKind.array
        stack.push(node)
        keyIndexes.push(null)
        container = node
        isInObject = isObject
        position++
        expect = isObject ? Expect.KeyOrObjectEnd : Expect.ValueOrArrayEnd
        continue
      }
      if (code === CHAR_QUOTE) {
        columns.kind[node] = JsonKind.string
        position = scanString(text, position)
      } else if (code === CHAR_MINUS || (code >= CHAR_ZERO && code <= CHAR_NINE)) {
        columns.kind[node] = JsonKind.number
        position = scanNumber(text, position)
      } else if (code === 116 /* t */ && text.startsWith('true', position)) {
        columns.kind[node] = JsonKind.true
        position += 4
      } else if (code === 102 /* f */ && text.startsWith('false', position)) {
        columns.kind[node] = JsonKind.false
        position += 5
      } else if (code === 110 /* n */ && text.startsWith('null', position)) {
        columns.kind[node] = JsonKind.null
        position += 4
      } else {
        throw new SyntaxFailure(position, VALUE_EXPECTED)
      }
      columns.end[node] = position
      columns.subtreeEnd[node] = node + 1
      expect = Expect.AfterValue
      continue
    }

    if (expect === Expect.KeyOrObjectEnd || expect === Expect.Key) {
      if (expect === Expect.KeyOrObjectEnd && code === CHAR_CLOSE_BRACE) {
        closeContainer()
        continue
      }
      if (code !== CHAR_QUOTE) throw new SyntaxFailure(position, describeExpectation(expect, isInObject))
      keyStart = position
      position = scanString(text, position)
      keyEnd = position
      expect = Expect.Colon
      continue
    }

    // Expect.Colon
    if (code !== CHAR_COLON) throw new SyntaxFailure(position, "':'")
    position++
    expect = Expect.Value
  }

  return trimmedDocument(text, columns, count, hasDuplicateKeys)

  // The helpers below run once per container or per member, not per character.

  function closeContainer(): void {
    const closed = stack.pop()!
    keyIndexes.pop()
    columns.end[closed] = position + 1
    columns.subtreeEnd[closed] = count
    position++
    container = stack.length > 0 ? stack[stack.length - 1]! : -1
    isInObject = container >= 0 && columns.kind[container] === JsonKind.object
    expect = Expect.AfterValue
  }

  /** Flags both members when a key repeats; returns whether it did. */
  function noteKey(node: number): boolean {
    const level = keyIndexes.length - 1
    let seen = keyIndexes[level]
    if (seen === null || seen === undefined) {
      seen = new Map()
      keyIndexes[level] = seen
    }
    const key = decodeStringLiteral(text, keyStart, keyEnd)
    const first = seen.get(key)
    if (first === undefined) {
      seen.set(key, node)
      return false
    }
    columns.flags[first]! |= DUPLICATE_KEY_FLAG
    columns.flags[node]! |= DUPLICATE_KEY_FLAG
    return true
  }
}

const VALUE_EXPECTED = 'a value (object, array, string, number, true, false or null)'

function describeExpectation(expect: Expect, isInObject: boolean): string {
  switch (expect) {
    case Expect.Value:
      return VALUE_EXPECTED
    case Expect.ValueOrArrayEnd:
      return "a value or ']'"
    case Expect.KeyOrObjectEnd:
      return "a string key or '}'"
    case Expect.Key:
      return 'a string key'
    case Expect.Colon:
      return "':'"
    case Expect.AfterValue:
      return isInObject ? "',' or '}'" : "',' or ']'"
    default: {
      const unknown: never = expect
      return String(unknown)
    }
  }
}

/** Returns the offset after the closing quote; checks escapes and refuses raw control characters. */
function scanString(text: string, openingQuote: number): number {
  let position = openingQuote + 1
  const length = text.length
  while (position < length) {
    const code = text.charCodeAt(position)
    if (code === CHAR_QUOTE) return position + 1
    if (code === CHAR_BACKSLASH) {
      const escaped = text.charCodeAt(position + 1)
      if (escaped === 117 /* u */) {
        for (let digit = 2; digit < 6; digit++) {
          if (!isHexDigit(text.charCodeAt(position + digit))) throw new SyntaxFailure(position + digit, 'a hex digit (\\uXXXX)')
        }
        position += 6
        continue
      }
      if (!isSimpleEscape(escaped)) throw new SyntaxFailure(position + 1, 'an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX')
      position += 2
      continue
    }
    if (code < 0x20) throw new SyntaxFailure(position, 'an escaped control character (raw control characters are not allowed in strings)')
    position++
  }
  throw new SyntaxFailure(length, "'\"' closing the string")
}

function isSimpleEscape(code: number): boolean {
  // " \ / b f n r t
  return code === 34 || code === 92 || code === 47 || code === 98 || code === 102 || code === 110 || code === 114 || code === 116
}

function isHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102)
}

function isDigit(code: number): boolean {
  return code >= CHAR_ZERO && code <= CHAR_NINE
}

/** `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; returns the offset after the literal. */
function scanNumber(text: string, from: number): number {
  let position = from
  if (text.charCodeAt(position) === CHAR_MINUS) position++
  const first = text.charCodeAt(position)
  if (first === CHAR_ZERO) {
    position++
  } else if (isDigit(first)) {
    while (isDigit(text.charCodeAt(position))) position++
  } else {
    throw new SyntaxFailure(position, 'a digit')
  }
  if (text.charCodeAt(position) === CHAR_DOT) {
    position++
    if (!isDigit(text.charCodeAt(position))) throw new SyntaxFailure(position, 'a digit after the decimal point')
    while (isDigit(text.charCodeAt(position))) position++
  }
  const exponent = text.charCodeAt(position)
  if (exponent === 101 || exponent === 69) {
    position++
    const sign = text.charCodeAt(position)
    if (sign === CHAR_PLUS || sign === CHAR_MINUS) position++
    if (!isDigit(text.charCodeAt(position))) throw new SyntaxFailure(position, 'a digit in the exponent')
    while (isDigit(text.charCodeAt(position))) position++
  }
  return position
}

function trimmedDocument(text: string, columns: Columns, count: number, hasDuplicateKeys: boolean): LosslessJsonDocument {
  // Views, not copies: no second allocation of every column (the spare capacity is at most 2x).
  return {
    text,
    count,
    kind: columns.kind.subarray(0, count),
    start: columns.start.subarray(0, count),
    end: columns.end.subarray(0, count),
    keyStart: columns.keyStart.subarray(0, count),
    keyEnd: columns.keyEnd.subarray(0, count),
    parent: columns.parent.subarray(0, count),
    depth: columns.depth.subarray(0, count),
    subtreeEnd: columns.subtreeEnd.subarray(0, count),
    childCount: columns.childCount.subarray(0, count),
    flags: columns.flags.subarray(0, count),
    hasDuplicateKeys,
  }
}

/** Builds the error with line and column; counting lines only here keeps the happy path lean. */
function syntaxError(text: string, offset: number, expected: string, kind: JsonSyntaxError['kind']): JsonSyntaxError {
  const { line, column } = lineAndColumn(text, offset)
  const found = offset >= text.length ? 'end of input' : describeCharacter(text, offset)
  return {
    kind,
    offset,
    line,
    column,
    expected,
    found,
    message: `Expected ${expected} but found ${found} at line ${line}, column ${column}.`,
  }
}

/** 1-based line and column of an offset; a line ends at LF, CR LF or a lone CR. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  const limit = Math.min(offset, text.length)
  for (let position = 0; position < limit; position++) {
    const code = text.charCodeAt(position)
    if (code === CHAR_LF) {
      line++
      lineStart = position + 1
    } else if (code === CHAR_CR) {
      if (text.charCodeAt(position + 1) === CHAR_LF && position + 1 < limit) position++
      line++
      lineStart = position + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

function describeCharacter(text: string, offset: number): string {
  const code = text.codePointAt(offset)!
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  return `'${String.fromCodePoint(code)}'`
}

// ---------------------------------------------------------------------------------------------
// Reading a document

/** The kind of node `node` as a name: `object`, `array`, `string`, `number`, `true`, `false`, `null`. */
export function kindName(document: LosslessJsonDocument, node: number): JsonKindName {
  return KIND_NAMES[document.kind[node]!]!
}

/** The node's source text, verbatim: `12345678901234567891`, `10.10`, `"a\u00e9"`, or a whole container. */
export function rawText(document: LosslessJsonDocument, node: number): string {
  return document.text.slice(document.start[node], document.end[node])
}

/** A string node's decoded value (escapes resolved); throws for other kinds. */
export function stringValue(document: LosslessJsonDocument, node: number): string {
  if (document.kind[node] !== JsonKind.string) throw new TypeError(`node ${node} is a ${kindName(document, node)}, not a string`)
  return decodeStringLiteral(document.text, document.start[node]!, document.end[node]!)
}

/** An object member's key, decoded; `null` for array items and the root. */
export function memberKey(document: LosslessJsonDocument, node: number): string | null {
  const start = document.keyStart[node]!
  if (start < 0) return null
  return decodeStringLiteral(document.text, start, document.keyEnd[node]!)
}

/** An object member's key as sent, quotes and escapes included; `null` for array items and the root. */
export function rawMemberKey(document: LosslessJsonDocument, node: number): string | null {
  const start = document.keyStart[node]!
  if (start < 0) return null
  return document.text.slice(start, document.keyEnd[node])
}

/** Whether this object member's key appears more than once in its object. */
export function isDuplicateKey(document: LosslessJsonDocument, node: number): boolean {
  return (document.flags[node]! & DUPLICATE_KEY_FLAG) !== 0
}

/** Whether the node is an object or an array. */
export function isContainer(document: LosslessJsonDocument, node: number): boolean {
  const kind = document.kind[node]
  return kind === JsonKind.object || kind === JsonKind.array
}

/** The direct children of a container, in document order (empty for scalars). */
export function childrenOf(document: LosslessJsonDocument, node: number): number[] {
  const children: number[] = []
  const end = document.subtreeEnd[node]!
  for (let child = node + 1; child < end; child = document.subtreeEnd[child]!) children.push(child)
  return children
}

/** The position of a node among its siblings (its array index, or its member position). */
export function indexInParent(document: LosslessJsonDocument, node: number): number {
  const parent = document.parent[node]!
  if (parent < 0) return 0
  let index = 0
  for (let sibling = parent + 1; sibling < node; sibling = document.subtreeEnd[sibling]!) index++
  return index
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/**
 * A JSONPath-like address: `$`, `$.amount`, `$.items[2].id`, `$["a key"]`. Duplicate keys give
 * the same path; {@link jsonLeaves} tells them apart with `occurrence`.
 */
export function nodePath(document: LosslessJsonDocument, node: number): string {
  const parts: string[] = []
  for (let current = node; document.parent[current]! >= 0; current = document.parent[current]!) {
    const key = memberKey(document, current)
    if (key === null) parts.push(`[${indexInParent(document, current)}]`)
    else parts.push(IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)
  }
  return '$' + parts.reverse().join('')
}

/** A scalar or an empty container, with where it sits; what a path-by-path diff compares. */
export interface JsonLeaf {
  node: number
  /** As {@link nodePath}. */
  path: string
  /** 0 for the first member with this path, 1 for a second (duplicate key), and so on. */
  occurrence: number
  kind: JsonKindName
  /** The literal as sent: `10.10`, `"9.99"`, `true`, `{}`, `[]`. */
  raw: string
  /** The key repeats in its object. */
  duplicateKey: boolean
}

/**
 * Every scalar and empty container in document order, with its path. Iterative, and paths are
 * built from the parent's path, so the whole walk is linear in the output.
 */
export function jsonLeaves(document: LosslessJsonDocument): JsonLeaf[] {
  const leaves: JsonLeaf[] = []
  const paths: string[] = new Array<string>(document.count)
  const occurrences = new Map<string, number>()
  /** Array item counters per open array node. */
  const itemIndex = new Map<number, number>()
  for (let node = 0; node < document.count; node++) {
    const parent = document.parent[node]!
    let path = '$'
    if (parent >= 0) {
      const key = memberKey(document, node)
      if (key === null) {
        const index = itemIndex.get(parent) ?? 0
        itemIndex.set(parent, index + 1)
        path = `${paths[parent]!}[${index}]`
      } else {
        path = paths[parent]! + (IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)
      }
    }
    paths[node] = path
    if (isContainer(document, node) && document.childCount[node]! > 0) continue
    const occurrence = isDuplicateKey(document, node) ? (occurrences.get(path) ?? 0) : 0
    if (isDuplicateKey(document, node)) occurrences.set(path, occurrence + 1)
    leaves.push({
      node,
      path,
      occurrence,
      kind: kindName(document, node),
      raw: rawText(document, node),
      duplicateKey: isDuplicateKey(document, node),
    })
  }
  return leaves
}

/** A value as a plain tree, for callers that prefer objects to columns. Literals stay verbatim. */
export type JsonTreeNode =
  | { kind: 'object'; members: JsonTreeMember[] }
  | { kind: 'array'; items: JsonTreeNode[] }
  | { kind: 'string'; value: string; raw: string }
  | { kind: 'number'; raw: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }

export interface JsonTreeMember {
  key: string
  rawKey: string
  value: JsonTreeNode
  /** The key appears more than once in this object; every occurrence is kept, in order. */
  duplicate: boolean
}

/** Builds the plain tree iteratively (deep documents are fine). Costs an object per value. */
export function toJsonTree(document: LosslessJsonDocument): JsonTreeNode {
  const built: JsonTreeNode[] = new Array<JsonTreeNode>(document.count)
  // Children follow their parent in document order, so one forward pass can attach each node.
  for (let node = 0; node < document.count; node++) {
    const tree = treeNodeOf(document, node)
    built[node] = tree
    const parent = document.parent[node]!
    if (parent < 0) continue
    const container = built[parent]!
    if (container.kind === 'object') {
      container.members.push({
        key: memberKey(document, node)!,
        rawKey: rawMemberKey(document, node)!,
        value: tree,
        duplicate: isDuplicateKey(document, node),
      })
    } else if (container.kind === 'array') {
      container.items.push(tree)
    }
  }
  return built[0]!
}

function treeNodeOf(document: LosslessJsonDocument, node: number): JsonTreeNode {
  const kind = kindName(document, node)
  switch (kind) {
    case 'object':
      return { kind: 'object', members: [] }
    case 'array':
      return { kind: 'array', items: [] }
    case 'string':
      return { kind: 'string', value: stringValue(document, node), raw: rawText(document, node) }
    case 'number':
      return { kind: 'number', raw: rawText(document, node) }
    case 'true':
      return { kind: 'boolean', value: true }
    case 'false':
      return { kind: 'boolean', value: false }
    case 'null':
      return { kind: 'null' }
    default: {
      const unknown: never = kind
      throw new Error(`unknown kind ${String(unknown)}`)
    }
  }
}

/**
 * Decodes a string literal `text[start, end)` (quotes included) that the scanner accepted.
 * Lone surrogates from `\uD800` stay as they are: they are what was sent.
 */
export function decodeStringLiteral(text: string, start: number, end: number): string {
  const inner = text.slice(start + 1, end - 1)
  if (!inner.includes('\\')) return inner
  let decoded = ''
  let chunkStart = 0
  for (let position = 0; position < inner.length; position++) {
    if (inner.charCodeAt(position) !== CHAR_BACKSLASH) continue
    decoded += inner.slice(chunkStart, position)
    const escaped = inner[position + 1]
    switch (escaped) {
      case 'u':
        decoded += String.fromCharCode(Number.parseInt(inner.slice(position + 2, position + 6), 16))
        position += 5
        break
      case 'b':
        decoded += '\b'
        position++
        break
      case 'f':
        decoded += '\f'
        position++
        break
      case 'n':
        decoded += '\n'
        position++
        break
      case 'r':
        decoded += '\r'
        position++
        break
      case 't':
        decoded += '\t'
        position++
        break
      default:
        // " \ /
        decoded += escaped ?? ''
        position++
    }
    chunkStart = position + 1
  }
  return decoded + inner.slice(chunkStart)
}
