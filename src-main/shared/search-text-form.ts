/**
 * The form text is compared in by a search, on both sides: the text searched in (the summary, the
 * header values, the note, the body text and its search-text sidecar) and the text looked for (a
 * query's words and phrases). Each rule here is applied the same way to both sides, so they
 * cannot disagree, and only to text derived for the search: what the viewer shows, and the stored
 * bytes, are never changed (the search answers which captures match, never where in them, so no
 * offset into the original text depends on these forms).
 *
 * - `foldForSearch`: lower case, then Unicode NFC. Text pasted from different sources spells
 *   `café` with a precomposed é (U+00E9) or with e and a combining acute (U+0301); both fold to
 *   the same string.
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

/** Lower case, then NFC: the form every searched text and every looked-for text is compared in. */
export function foldForSearch(text: string): string {
  const lower = text.toLowerCase()
  return MAY_CHANGE_UNDER_NFC.test(lower) ? lower.normalize('NFC') : lower
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
  let at = 0
  while (at < text.length) {
    if (!isJsonSpace(text.charCodeAt(at))) {
      at++
      continue
    }
    let end = at + 1
    while (end < text.length && isJsonSpace(text.charCodeAt(end))) end++
    // Runs are maximal, so the characters around one are never whitespace that another run dropped.
    if ((at > 0 && isJsonPunctuation(text.charCodeAt(at - 1))) || (end < text.length && isJsonPunctuation(text.charCodeAt(end)))) {
      kept.push(text.slice(copiedUpTo, at))
      copiedUpTo = end
    }
    at = end
  }
  kept.push(text.slice(copiedUpTo))
  return kept.join('')
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
