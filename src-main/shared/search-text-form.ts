/**
 * The form text is compared in by a search, on both sides: the text searched in (the summary, the
 * header values, the note, the body text and its search-text sidecar) and the text looked for (a
 * query's words and phrases). Each rule here is applied the same way to both sides, so they
 * cannot disagree, and only to text derived for the search: what the viewer shows, and the stored
 * bytes, are never changed. The body viewer's find compares in the same form, and needs to know
 * where in the shown text a match lies: `readInSearchForm` gives the form of a text a piece at a
 * time with where each of its characters came from.
 *
 * - `foldForSearch`: Unicode full case folding, then NFC. Case folding is what makes case not
 *   count, and more than lower case: `ß` and `ẞ` are `ss` (so `strasse` finds `Straße` and
 *   `STRASSE` finds `straße`), the final `ς` is `σ`, `ﬁ` is `fi`, the micro sign is `μ`. One
 *   change of our own: the Turkish `İ` and `ı` are `i`, so `istanbul` finds `İSTANBUL` and `ISIK`
 *   finds `ışık` (the fold Unicode gives keeps `ı` apart and makes `İ` an `i` with a combining dot,
 *   which `i` alone would not find). NFC: text pasted from different sources spells `café` with a
 *   precomposed é (U+00E9) or with e and a combining acute (U+0301); both fold to the same string.
 *   Case folding goes character by character (unlike lower-casing, whose `Σ` depends on what
 *   follows it), so a text folds, in pieces, to the pieces of its fold.
 * - `withoutJsonSpacing` (body text only): whitespace next to JSON punctuation does not count, so a
 *   phrase copied from pretty-printed JSON (`"result": "OK"`) finds a compact body
 *   (`{"result":"OK"}`) and the other way round.
 *
 * Both are linear in the text, and return the text itself when there is nothing to change (most
 * text is ASCII, and most bodies compact): a search folds every body it reads.
 *
 * Zod-free and Node-free: the renderer's live list runs the same matcher.
 */

/**
 * Code units that NFC may change, alone or with what surrounds them: combining marks start at
 * U+0300, and every character below it is its own NFC form (so is every sequence of them).
 */
const MAY_CHANGE_UNDER_NFC = /[\u0300-\uffff]/

/** Full case folding, then NFC: the form every searched text and every looked-for text is compared in. */
export function foldForSearch(text: string): string {
  const lower = text.toLowerCase()
  // Most text is folded once lower-cased: one native scan for a range (a faster test than a
  // class of several) says so for ASCII, the second only for text past it.
  return PAST_ASCII_LETTERS.test(lower) && MAY_FOLD_FURTHER.test(lower) ? normalizeForSearch(foldLowerCased(text, lower)) : lower
}

/** Lower-cased text holding none of these is its own fold (`MAY_FOLD_FURTHER` starts at µ). */
const PAST_ASCII_LETTERS = /[\u00b5-\uffff]/

/**
 * Code units of lower-cased text that case folding or NFC may still change: the six lower-case
 * characters below U+0300 whose fold is not themselves (`µ`, `ß`, `ı`, `ŉ`, `ſ`, `ǰ`; a test
 * checks the table has no other), and everything from U+0300 on.
 */
const MAY_FOLD_FURTHER = /[\u0300-\uffff\u00b5\u00df\u0131\u0149\u017f\u01f0]/

/**
 * Unicode full case folding (CaseFolding.txt, statuses C and F), with `İ` and `ı` folded to `i`,
 * of `text` whose lower case is `lower`. A character's fold is the fold of its lower case, and
 * lower-casing goes character by character but for `Σ` (`ς` at a word's end: both fold to `σ`)
 * and `İ` (the one character lower-cased to two, `i` and a combining dot: made an `i` first).
 * So the few lower-case characters that fold to something else (`ß` → `ss`, `ς` → `σ`, `ﬁ` →
 * `fi`) are replaced in the lower case. Linear: a lower-casing and one replace.
 */
function caseFold(text: string): string {
  const lower = text.toLowerCase()
  return PAST_ASCII_LETTERS.test(lower) && MAY_FOLD_FURTHER.test(lower) ? foldLowerCased(text, lower) : lower
}

function foldLowerCased(text: string, lower: string): string {
  const table = foldTable()
  const lowered = text.includes('\u0130') ? text.replaceAll('\u0130', 'i').toLowerCase() : lower
  return table.pattern.test(lowered) ? lowered.replace(table.all, (char) => table.folds.get(char) as string) : lowered
}

/**
 * Where code points that change under case mapping end: none at or past U+20000 does (the cased
 * scripts end with Adlam, at U+1E943); a test checks every code point past it.
 */
export const CASED_CODE_POINTS_END = 0x20000

interface FoldTable {
  /** Each lower-case character whose fold is not itself, to its fold. */
  folds: Map<string, string>
  /** Any of them. */
  pattern: RegExp
  /** Every one of them (global). */
  all: RegExp
}

let foldTableMade: FoldTable | null = null

/**
 * The lower-case characters whose fold is not themselves, derived once (about 10 ms, on the first
 * text that needs it) from the engine's own case mappings (Unicode's, with their special casings)
 * rather than a copied table, so it covers every character the engine knows: a character's full
 * case fold is, up to the form it is written in, the lower case of the upper case of its lower
 * case (`ẞ` → `ß` → `SS` → `ss`; `ς` → `Σ` → `σ`; `ᾈ` → `ᾀ` → `ἈΙ` → `ἀι`). Compared once with
 * CaseFolding.txt (Unicode 14, by Python's `str.casefold`) over every code point: the same
 * characters fold together, but for `ı` (on purpose) and the characters Unicode 14 did not have.
 * The tests check that a fold is its own fold and that a character's cases share it.
 */
export function foldTable(): FoldTable {
  if (foldTableMade !== null) return foldTableMade
  const folds = new Map<string, string>()
  const changes = /\p{Changes_When_Casemapped}/u
  for (let point = 0; point < CASED_CODE_POINTS_END; point++) {
    if (point >= 0xd800 && point <= 0xdfff) continue
    const char = String.fromCodePoint(point)
    if (!changes.test(char) || char.toLowerCase() !== char) continue
    const folded = char.toUpperCase().toLowerCase()
    if (folded !== char) folds.set(char, folded)
  }
  const chars = [...folds.keys()].map((char) => `\\u{${(char.codePointAt(0) as number).toString(16)}}`).join('')
  foldTableMade = { folds, pattern: new RegExp(`[${chars}]`, 'u'), all: new RegExp(`[${chars}]`, 'gu') }
  return foldTableMade
}

/** NFC alone: `foldForSearch` without its lower case (the body viewer's find, when told to match case). */
export function normalizeForSearch(text: string): string {
  return MAY_CHANGE_UNDER_NFC.test(text) ? text.normalize('NFC') : text
}

/** JSON's own whitespace: space, tab, line feed, carriage return. */
const isJsonSpace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d

/** `{ } [ ] : ,`: the characters pretty-printing puts whitespace around. */
const isJsonPunctuation = (code: number): boolean => code === 0x7b || code === 0x7d || code === 0x5b || code === 0x5d || code === 0x3a || code === 0x2c

/** Whether some whitespace touches JSON punctuation: one native scan of the text. */
const SPACED_PUNCTUATION = /[{}[\]:,][ \t\n\r]|[ \t\n\r][{}[\]:,]/

/** Whitespace characters looked at one by one before the text is handed to SPACED_PUNCTUATION. */
const SPACES_CHECKED_ALONE = 16
const JSON_SPACES = [' ', '\n', '\t', '\r']

/**
 * Whether some whitespace touches JSON punctuation. Compact JSON, the common body, holds a few
 * spaces inside its strings and no other whitespace: jumping from one to the next (indexOf is a
 * memchr) costs a fifth of a regular expression's scan of every character. Text with more
 * whitespace than that (prose, pretty-printed JSON) gets the one scan.
 */
function hasSpacedPunctuation(text: string): boolean {
  let checked = 0
  for (const space of JSON_SPACES) {
    for (let at = text.indexOf(space); at !== -1; at = text.indexOf(space, at + 1)) {
      if (++checked > SPACES_CHECKED_ALONE) return SPACED_PUNCTUATION.test(text)
      if (isJsonPunctuation(text.charCodeAt(at - 1)) || isJsonPunctuation(text.charCodeAt(at + 1))) return true
    }
  }
  return false
}

/**
 * The text without the runs of JSON whitespace that touch `{ } [ ] : ,` on either side. A run is
 * dropped or kept by the two characters around it alone, wherever it is (inside a JSON string
 * too), so the rule needs no parsing, is the same for a whole body and for a fragment of one, and
 * a fragment of a text always has its (trimmed, see `withoutJsonSpacingNeedle`) form inside the
 * text's form. The price is that `a , b` and `a,b` are the same to a phrase in a body.
 */
export function withoutJsonSpacing(text: string): string {
  if (!hasSpacedPunctuation(text)) return text
  const kept: string[] = []
  let copiedUpTo = 0
  forEachDroppedSpacing(text, (start, end) => {
    kept.push(text.slice(copiedUpTo, start))
    copiedUpTo = end
  })
  kept.push(text.slice(copiedUpTo))
  return kept.join('')
}

/** The runs `withoutJsonSpacing` drops, `[start, end)` in order: the one place the rule is applied. */
function forEachDroppedSpacing(text: string, drop: (start: number, end: number) => void): void {
  let at = 0
  while (at < text.length) {
    if (!isJsonSpace(text.charCodeAt(at))) {
      at++
      continue
    }
    let end = at + 1
    while (end < text.length && isJsonSpace(text.charCodeAt(end))) end++
    // Runs are maximal, so the characters around one are never whitespace that another run dropped.
    if ((at > 0 && isJsonPunctuation(text.charCodeAt(at - 1))) || (end < text.length && isJsonPunctuation(text.charCodeAt(end)))) drop(at, end)
    at = end
  }
}

/**
 * What a phrase looks for in body text (already folded): its `withoutJsonSpacing` form, without
 * JSON whitespace at its ends. Whitespace at a fragment's end may be dropped in the whole text
 * (the punctuation it touched there lies outside the fragment), so it cannot be required; a
 * phrase of nothing but whitespace stays as typed.
 */
export function withoutJsonSpacingNeedle(text: string): string {
  const spaced = withoutJsonSpacing(text)
  let start = 0
  let end = spaced.length
  while (start < end && isJsonSpace(spaced.charCodeAt(start))) start++
  while (end > start && isJsonSpace(spaced.charCodeAt(end - 1))) end--
  return start === end ? text : spaced.slice(start, end)
}

/** What a phrase looks for in body text: `foldForSearch` (or, keeping case, `normalizeForSearch`), then `withoutJsonSpacingNeedle`. */
export function searchFormNeedle(text: string, options: { keepCase?: boolean } = {}): string {
  return withoutJsonSpacingNeedle(options.keepCase ? normalizeForSearch(text) : foldForSearch(text))
}

// ---- the form of a text with where it came from ------------------------------------------------

/**
 * A text's form (`withoutJsonSpacing(foldForSearch(text))`, or with `normalizeForSearch` when case
 * is kept), read a piece at a time, and where each character of the form came from.
 */
export interface SearchFormReader {
  /**
   * The form of at least `maxChars` more characters of the text (all that is left, at its end);
   * `null` once the whole text is read. The pieces joined are exactly the form of the whole text.
   */
  next(maxChars: number): string | null
  /** Whether the whole text has been read. */
  atEnd(): boolean
  /**
   * Where the form's characters `[from, to)` (offsets into the pieces read so far, joined) came
   * from: `[start, end)` in the text. Exact where folding kept one character for one (case, and
   * most text); a character NFC composed, or one folded to another length (`ß` to `ss`), stands
   * for the piece of text it was folded from as a whole.
   */
  originalRange(from: number, to: number): [start: number, end: number]
}

/**
 * Reads a text in its search form, a piece at a time, in linear time whatever the text holds.
 *
 * Folding a text piece by piece gives the form of the whole only where a cut changes neither rule:
 * - case folding goes character by character: any cut between code points is safe;
 * - NFC composes a character with marks and some jamo after it, all at U+0300 or above: a cut
 *   before a code unit below U+0300 (a starter that composes with nothing before it, and folds
 *   to one: `µ` to `μ`, `Ⱥ` to `ⱥ`) is safe;
 * - JSON spacing drops whitespace by the characters around it: pieces never start or end with it.
 * So each piece is folded by the very functions the search uses (`foldForSearch` or
 * `normalizeForSearch`, and `withoutJsonSpacing`), and the form is theirs.
 */
export function readInSearchForm(text: string, options: { keepCase?: boolean } = {}): SearchFormReader {
  const keepCase = options.keepCase === true
  const caseOf = keepCase ? (piece: string) => piece : caseFold
  const foldsToOtherLength = keepCase ? null : lowUnitsFoldingToOtherLengths()
  // Runs of the form, in order: where each starts in the form and in the text; a run that is not
  // one-for-one has its text's length (`EXACT` marks the others).
  const runFormStarts: number[] = []
  const runTextStarts: number[] = []
  const runTextLengths: number[] = []
  let formLength = 0
  let read = 0
  /** The last piece did not fold one for one (see `next`). */
  let isSlow = false

  const addRun = (length: number, textStart: number, textLength: number): void => {
    if (length === 0) return
    const last = runFormStarts.length - 1
    // A one-for-one run that goes on from the last one is the same run.
    if (
      textLength === EXACT &&
      last >= 0 &&
      runTextLengths[last] === EXACT &&
      (runTextStarts[last] as number) + formLength - (runFormStarts[last] as number) === textStart
    ) {
      formLength += length
      return
    }
    runFormStarts.push(formLength)
    runTextStarts.push(textStart)
    runTextLengths.push(textLength)
    formLength += length
  }

  /** `text[start, end)` folded alone, one for one or standing for its text as a whole. */
  /**
   * The folds of short parts met (a character and its marks, mostly): German text folds each `ß`
   * as a part of its own, a million of them took 2.6 s to fold one by one (the same few, cached: a
   * third of that).
   */
  const shortParts = new Map<string, { folded: string; isExact: boolean }>()
  const foldedPart = (start: number, end: number): FoldedPart => {
    const part = text.slice(start, end)
    let known = part.length <= MAX_CACHED_PART ? shortParts.get(part) : undefined
    if (known === undefined) {
      const lower = caseOf(part)
      const folded = normalizeForSearch(lower)
      // Case changed one unit for one (no fold is shorter than its character) and NFC nothing: one for one.
      known = { folded, isExact: folded === lower && lower.length === part.length }
      if (part.length <= MAX_CACHED_PART && shortParts.size < MAX_CACHED_PARTS) shortParts.set(part, known)
    }
    return { folded: known.folded, textStart: start, textLength: known.isExact ? EXACT : part.length }
  }

  /**
   * `text[start, end)` folded in parts: itself when it folds one for one (most text); else runs
   * of code units that fold one for one (below U+0300, but `ß`, `ŉ` and `ǰ`) and, between cuts
   * around each other unit, the few characters NFC or case folding change in length, so a match
   * near them is placed exactly.
   */
  const foldedParts = (start: number, end: number): FoldedPart[] => {
    const parts: FoldedPart[] = []
    let partStart = start
    let lastCut = start
    let isComplex = false
    const close = (to: number) => {
      if (to > partStart) parts.push(foldedPart(partStart, to))
      partStart = to
    }
    for (let at = start; at < end; at++) {
      if (at > start && isFoldCut(text, at)) {
        if (isComplex) close(at)
        isComplex = false
        lastCut = at
      }
      const unit = text.charCodeAt(at)
      if (!isComplex && (unit >= 0x300 || foldsToOtherLength?.[unit] === 1)) {
        close(lastCut)
        isComplex = true
      }
    }
    close(end)
    return parts
  }

  /** The first place at or after `at` a piece may end (the text's end at the latest). */
  const pieceEndFrom = (at: number): number => {
    let end = Math.min(text.length, at)
    while (end < text.length && !isPieceCut(text, end)) end++
    return end
  }

  return {
    next(maxChars) {
      if (read >= text.length) return null
      // Folded in small parts, a character costs several times more: while the text needs that,
      // pieces are smaller, so a step takes about as long.
      const size = Math.max(1, Math.floor(maxChars))
      const smaller = Math.max(1, Math.floor(size / SLOW_PIECE_DIVISOR))
      let end = pieceEndFrom(read + (isSlow ? smaller : size))
      let parts = [foldedPart(read, end)]
      isSlow = (parts[0] as FoldedPart).textLength !== EXACT
      if (isSlow) {
        end = Math.min(end, pieceEndFrom(read + smaller))
        parts = foldedParts(read, end)
      }
      const folded = parts.length === 1 ? (parts[0] as { folded: string }).folded : parts.map((part) => part.folded).join('')
      // The runs JSON spacing drops, in the folded piece's offsets, taken out of the parts they fall in.
      const dropped: number[] = []
      if (hasSpacedPunctuation(folded)) forEachDroppedSpacing(folded, (start, stop) => dropped.push(start, stop))
      let drop = 0
      let partAt = 0
      for (const part of parts) {
        const partEnd = partAt + part.folded.length
        let at = partAt
        while (at < partEnd) {
          while (drop < dropped.length && (dropped[drop + 1] as number) <= at) drop += 2
          const dropStart = drop < dropped.length ? (dropped[drop] as number) : Infinity
          if (dropStart <= at) {
            at = Math.min(partEnd, dropped[drop + 1] as number)
            continue
          }
          const keptEnd = Math.min(partEnd, dropStart)
          addRun(keptEnd - at, part.textLength === EXACT ? part.textStart + (at - partAt) : part.textStart, part.textLength)
          at = keptEnd
        }
        partAt = partEnd
      }
      read = end
      return dropped.length === 0 ? folded : withoutJsonSpacing(folded)
    },
    atEnd: () => read >= text.length,
    originalRange(from, to) {
      const first = runAt(runFormStarts, from)
      const last = runAt(runFormStarts, Math.max(from, to - 1))
      const start = (runTextStarts[first] as number) + (runTextLengths[first] === EXACT ? from - (runFormStarts[first] as number) : 0)
      const lastStart = runTextStarts[last] as number
      const lastLength = runTextLengths[last] as number
      const end = lastLength === EXACT ? lastStart + Math.max(from, to - 1) - (runFormStarts[last] as number) + 1 : lastStart + lastLength
      return [start, end]
    },
  }
}

/** Parts this short are folded once per reader (`foldedPart`), at most this many of them. */
const MAX_CACHED_PART = 8
const MAX_CACHED_PARTS = 4096

/** How much smaller a piece that does not fold one for one is read (see `next`). */
const SLOW_PIECE_DIVISOR = 8

/** A piece of the text folded alone: `textLength` is `EXACT` when it maps one for one. */
interface FoldedPart {
  folded: string
  textStart: number
  textLength: number
}

/** `runTextLengths` of a run whose characters map one for one. */
const EXACT = -1

/** The last run starting at or before `offset` (runs start at 0 and ascend). */
function runAt(starts: number[], offset: number): number {
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const middle = (low + high + 1) >>> 1
    if ((starts[middle] as number) <= offset) low = middle
    else high = middle - 1
  }
  return low
}

/** Where a piece of a text may end: a cut folding respects, with no JSON whitespace on either side. */
function isPieceCut(text: string, at: number): boolean {
  return !isJsonSpace(text.charCodeAt(at)) && !isJsonSpace(text.charCodeAt(at - 1)) && isFoldCut(text, at)
}

/** Whether folding `text` cut before `at` gives, joined, what folding it whole gives (see `readInSearchForm`). */
function isFoldCut(text: string, at: number): boolean {
  return text.charCodeAt(at) < 0x300
}

let lowUnitsFoldingToOtherLengthsTable: Uint8Array | null = null

/** 1 for each code unit below U+0300 whose fold is not one code unit (`ß`, `ŉ`, `ǰ`). */
function lowUnitsFoldingToOtherLengths(): Uint8Array {
  if (lowUnitsFoldingToOtherLengthsTable !== null) return lowUnitsFoldingToOtherLengthsTable
  const table = new Uint8Array(0x300)
  for (let code = 0; code < table.length; code++) table[code] = caseFold(String.fromCharCode(code)).length === 1 ? 0 : 1
  lowUnitsFoldingToOtherLengthsTable = table
  return table
}
