/**
 * Find within a body: every occurrence of what the user typed, as ranges of the shown text.
 *
 * It compares as the capture search does (shared/search-text-form.ts): any case (unless "Match
 * case"), any Unicode normalisation (`café` finds `cafe` + a combining accent), and whitespace
 * next to JSON punctuation does not count (`"result": "OK"` finds `{"result":"OK"}` and the other
 * way round). The text is read in that form a piece at a time (`readInSearchForm`, the search's
 * own rule, with where each character came from), and matches are mapped back to the shown text,
 * so a match's length there may differ from what was typed.
 *
 * The user's text is never turned into a regular expression. Matching is Knuth-Morris-Pratt over
 * the form, linear in the text plus the needle whatever either contains.
 */
import { readInSearchForm, searchFormNeedle } from '@shared/search-text-form'

/** Longer search text is cut to this; nobody types more, and it bounds the failure table. */
export const MAX_FIND_NEEDLE_CHARS = 1000
/** Counting stops here; the count then reads "100000+". */
export const MAX_FIND_MATCHES = 100_000

export interface FindMatches {
  /** Where the matches start in the shown text, ascending. */
  starts: Uint32Array
  /** Where each ends (exclusive), ascending too: a match is `[starts[i], ends[i])`. */
  ends: Uint32Array
  /** More matches exist than {@link MAX_FIND_MATCHES}. */
  isTruncated: boolean
}

export const NO_MATCHES: FindMatches = { starts: new Uint32Array(0), ends: new Uint32Array(0), isTruncated: false }

/** Non-overlapping matches of `needle` in `text`, left to right, in one pass. */
export function findAll(text: string, needle: string, options: FindOptions): FindMatches {
  const scan = startFind(text, needle, options)
  let matches = scan.step(text.length)
  while (matches === null) matches = scan.step(text.length)
  return matches
}

export interface FindOptions {
  matchCase: boolean
  maxMatches?: number
}

/**
 * A find that runs in slices: each {@link FindScan.step} reads about `maxChars` more characters
 * (more where the text cannot be cut there without changing its form: a run of whitespace, a
 * letter and its combining marks) and the matching state carries over, so a 10 MB body is
 * searched in short tasks (in one pass it held the UI thread for 150-340 ms) with exactly the
 * matches of one pass.
 */
export interface FindScan {
  /** Reads on; the matches once the whole text is read (or the count is capped), else `null`. */
  step(maxChars: number): FindMatches | null
}

export function startFind(text: string, needle: string, options: FindOptions): FindScan {
  const keepCase = options.matchCase
  const pattern = searchFormNeedle(needle.slice(0, MAX_FIND_NEEDLE_CHARS), { keepCase })
  if (pattern === '' || text.length === 0) return { step: () => NO_MATCHES }
  const maxMatches = options.maxMatches ?? MAX_FIND_MATCHES
  const needleCodes = new Uint16Array(pattern.length)
  for (let index = 0; index < pattern.length; index++) needleCodes[index] = pattern.charCodeAt(index)
  const failure = failureTable(needleCodes)
  const form = readInSearchForm(text, { keepCase })

  const starts: number[] = []
  const ends: number[] = []
  let matched = 0
  /** Where the next piece of the form starts in the whole form. */
  let formAt = 0
  let result: FindMatches | null = null
  const finish = (isTruncated: boolean): FindMatches => (result = { starts: Uint32Array.from(starts), ends: Uint32Array.from(ends), isTruncated })
  return {
    step(maxChars) {
      if (result !== null) return result
      const piece = form.next(maxChars)
      if (piece === null) return finish(false)
      for (let position = 0; position < piece.length; position++) {
        const code = piece.charCodeAt(position)
        while (matched > 0 && needleCodes[matched] !== code) matched = failure[matched - 1]!
        if (needleCodes[matched] === code) matched++
        if (matched === needleCodes.length) {
          if (starts.length === maxMatches) return finish(true)
          const end = formAt + position + 1
          const [start, shownEnd] = form.originalRange(end - matched, end)
          starts.push(start)
          ends.push(shownEnd)
          // Non-overlapping: start afresh after this match.
          matched = 0
        }
      }
      formAt += piece.length
      return form.atEnd() ? finish(false) : null
    },
  }
}

/** KMP failure function: for each prefix, the length of its longest proper border. */
function failureTable(needle: Uint16Array): Uint32Array {
  const table = new Uint32Array(needle.length)
  let border = 0
  for (let index = 1; index < needle.length; index++) {
    while (border > 0 && needle[index] !== needle[border]) border = table[border - 1]!
    if (needle[index] === needle[border]) border++
    table[index] = border
  }
  return table
}

/** Index of the first match starting at or after `offset` (`starts.length` when none). */
export function firstMatchFrom(starts: Uint32Array, offset: number): number {
  let low = 0
  let high = starts.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (starts[middle]! < offset) low = middle + 1
    else high = middle
  }
  return low
}

/** Matches that overlap `[from, to)`, as `[first, end)` indexes into `starts`. */
export function matchesIn(matches: FindMatches, from: number, to: number): [first: number, end: number] {
  // The first match that ends after `from` (ends ascend as starts do).
  let first = 0
  let high = matches.ends.length
  while (first < high) {
    const middle = (first + high) >>> 1
    if (matches.ends[middle]! <= from) first = middle + 1
    else high = middle
  }
  let end = first
  while (end < matches.starts.length && matches.starts[end]! < to) end++
  return [first, end]
}

/** "3 of 17", "0 matches", "1 of 100000+". */
export function matchCountLabel(matches: FindMatches, current: number): string {
  const total = `${matches.starts.length}${matches.isTruncated ? '+' : ''}`
  if (matches.starts.length === 0) return 'No matches'
  return `${current + 1} of ${total}`
}
