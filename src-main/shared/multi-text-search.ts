/**
 * Looking for many texts at once in one pass over the text searched (Aho-Corasick, built as a
 * complete transition table): each unit of it is read once, however many texts are looked for.
 * A query's terms used to be looked for one after another, each with its own `includes` or
 * `indexOf`; over a body of 10 MB of one letter, a two-letter word starting with that letter
 * restarts the built-in search at every character, so 32 such words cost 32 slow passes.
 *
 * Exact substring matching over code units, as `String.prototype.includes` (UTF-16 code units)
 * or `Buffer.indexOf` (bytes) does: what is found is what they would find. Nothing here folds
 * case or normalises: the texts and the text searched are both in search form already
 * (shared/search-text-form.ts), so the folding is the same as before.
 *
 * Zod-free and free of Node APIs (the query matcher, bundled in the renderer too, uses it).
 */

/** Where reading starts, and where a unit in no text leads back to. */
export const ROOT_STATE = 0

/** Units that occur in no text looked for share this class: from any state they lead back to the root. */
const OTHER_CLASS = 0

/**
 * The automaton for a set of texts, each a sequence of units (UTF-16 code units, or bytes). Read
 * it with `state = transitions[state * classCount + classOf[unit]]` from `ROOT_STATE`; the texts
 * that end at that unit are `outputs[outputStarts[state] .. outputStarts[state + 1])`.
 */
export class MultiTextAutomaton {
  /** The class of each unit (`OTHER_CLASS` for a unit in no text); 65,536 entries. */
  readonly classOf: Uint16Array
  readonly classCount: number
  /** `transitions[state * classCount + class]`: the next state (a complete table, no failure links to follow). */
  readonly transitions: Int32Array
  /** Where each state's outputs start in `outputs`; one more entry than there are states. */
  readonly outputStarts: Int32Array
  /** Indexes (into the texts) of the texts ending at each state. */
  readonly outputs: Int32Array
  /** Each text's length in units. */
  readonly lengths: Int32Array
  /** Indexes of the empty texts (found everywhere, at no unit in particular). */
  readonly emptyTexts: readonly number[]
  /** The distinct units the texts start with: from the root state, any other unit leads back to it. */
  readonly firstUnits: readonly number[]

  constructor(texts: ReadonlyArray<ArrayLike<number>>) {
    this.lengths = Int32Array.from(texts, (text) => text.length)
    this.emptyTexts = texts.flatMap((text, index) => (text.length === 0 ? [index] : []))
    this.firstUnits = [...new Set(texts.flatMap((text) => (text.length === 0 ? [] : [text[0] as number])))]
    // Classes: one per distinct unit in the texts, so the table is as narrow as the texts allow.
    this.classOf = new Uint16Array(65_536)
    let classCount = OTHER_CLASS + 1
    for (const text of texts) {
      for (let index = 0; index < text.length; index++) {
        const unit = text[index] as number
        if (this.classOf[unit] === OTHER_CLASS) this.classOf[unit] = classCount++
      }
    }
    this.classCount = classCount

    // The trie: children by class, and the texts ending at each node.
    const children: Array<Map<number, number>> = [new Map<number, number>()]
    const ending: number[][] = [[]]
    texts.forEach((text, textIndex) => {
      if (text.length === 0) return
      let state = ROOT_STATE
      for (let index = 0; index < text.length; index++) {
        const unitClass = this.classOf[text[index] as number] as number
        const node = children[state] as Map<number, number>
        let next = node.get(unitClass)
        if (next === undefined) {
          next = children.length
          node.set(unitClass, next)
          children.push(new Map<number, number>())
          ending.push([])
        }
        state = next
      }
      ;(ending[state] as number[]).push(textIndex)
    })

    // Breadth first, so a state's failure state (shorter) is complete before it: its missing
    // transitions are its failure state's, and it outputs what its failure state outputs too.
    const stateCount = children.length
    const transitions = new Int32Array(stateCount * classCount)
    const failure = new Int32Array(stateCount)
    const outputsOf: number[][] = Array.from({ length: stateCount }, () => [])
    const queue: number[] = []
    for (const [unitClass, child] of children[ROOT_STATE] as Map<number, number>) {
      transitions[unitClass] = child
      failure[child] = ROOT_STATE
      queue.push(child)
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number
      const fallback = failure[state] as number
      outputsOf[state] = [...(ending[state] as number[]), ...(outputsOf[fallback] as number[])]
      const row = state * classCount
      const fallbackRow = fallback * classCount
      for (let unitClass = 0; unitClass < classCount; unitClass++) transitions[row + unitClass] = transitions[fallbackRow + unitClass] as number
      for (const [unitClass, child] of children[state] as Map<number, number>) {
        transitions[row + unitClass] = child
        failure[child] = transitions[fallbackRow + unitClass] as number
        queue.push(child)
      }
    }
    this.transitions = transitions
    this.outputStarts = new Int32Array(stateCount + 1)
    let total = 0
    for (let state = 0; state < stateCount; state++) {
      this.outputStarts[state] = total
      total += (outputsOf[state] as number[]).length
    }
    this.outputStarts[stateCount] = total
    this.outputs = Int32Array.from(outputsOf.flat())
  }
}

/** Texts starting with more distinct units than this are read unit by unit: looking for each start costs more than it skips. */
const MAX_SKIPPED_TO_UNITS = 4
/** A jump shorter than this did not pay for its searches: the reader then steps through the next `STEPPED_RUN_UNITS`. */
const MIN_JUMP_UNITS = 16
const STEPPED_RUN_UNITS = 256

/**
 * At the root state, a unit that starts no text leaves the reader there: rather than step through
 * each, it jumps to the next unit that starts one, found by a search for that single unit (a
 * `memchr` for bytes, V8's one-character search for strings), so one word over ordinary text
 * costs about what `indexOf` did. Where those units are close together (the hostile text they
 * make up), a jump does not pay and the reader steps unit by unit for a while: the work stays a
 * small constant per unit either way.
 */
export class RootJumps {
  /** Per first unit, where it next occurs (`-1`: not looked for yet). */
  private readonly nextAt: Float64Array
  private steppedUntil = 0

  private constructor(
    private readonly firstUnits: readonly number[],
    /** The index of `unit` at or after `from` in the units read, `-1` if none. */
    private readonly find: (unit: number, from: number) => number,
    private readonly length: number,
  ) {
    this.nextAt = new Float64Array(firstUnits.length).fill(-1)
  }

  /** Jumps over `length` units (searched with `find`), or `null` when the texts start with too many distinct units. */
  static over(automaton: MultiTextAutomaton, length: number, find: (unit: number, from: number) => number): RootJumps | null {
    const { firstUnits } = automaton
    return firstUnits.length === 0 || firstUnits.length > MAX_SKIPPED_TO_UNITS ? null : new RootJumps(firstUnits, find, length)
  }

  /** Where a reader at the root state at `at` reads on: the next unit that starts a text (`length` when none does). */
  from(at: number): number {
    if (at < this.steppedUntil) return at
    let next = this.length
    for (let index = 0; index < this.firstUnits.length; index++) {
      let found = this.nextAt[index] as number
      if (found < at) {
        found = this.find(this.firstUnits[index] as number, at)
        if (found === -1) found = this.length
        this.nextAt[index] = found
      }
      if (found < next) next = found
    }
    if (next - at < MIN_JUMP_UNITS) this.steppedUntil = next + STEPPED_RUN_UNITS
    return next
  }
}

/**
 * The longest text (in units: UTF-16 code units, or bytes) the built-in search is trusted with.
 * V8's `includes`/`indexOf` and Node's `Buffer.indexOf` skip with Boyer-Moore tables built over a
 * text's last 250 units only: a longer text whose last 250 units say nothing (a 1,000-character
 * phrase `a…a b a…a` with its `b` before them) is compared back over its whole length at nearly
 * every position, so one search of it through 10 MB of `a` took 5-6 s (measured here: 4 MB took
 * 4.5 s for the `b` at 250, 2 ms for it at 750, in the last 250). Longer texts are looked for in
 * one linear pass instead: the automaton below, or `LinearTextSearch` for one text.
 */
export const MAX_NATIVE_SEARCH_UNITS = 250

/** Whether the built-in search of these texts is linear in what it searches (`MAX_NATIVE_SEARCH_UNITS`). */
export function nativeSearchIsLinear(texts: ReadonlyArray<{ length: number }>): boolean {
  return texts.every((text) => text.length <= MAX_NATIVE_SEARCH_UNITS)
}

/**
 * One text looked for in strings in time linear in the string, however the text is made
 * (Knuth-Morris-Pratt): for texts too long for the built-in search (`MAX_NATIVE_SEARCH_UNITS`).
 * `unitsRead` counts the units of the strings read, for the tests.
 */
export class LinearTextSearch {
  /** `border[i]`: the length of the longest proper border of the text's first `i + 1` units. */
  private readonly border: Int32Array
  unitsRead = 0

  constructor(readonly text: string) {
    this.border = new Int32Array(text.length)
    for (let index = 1, length = 0; index < text.length; index++) {
      while (length > 0 && text.charCodeAt(index) !== text.charCodeAt(length)) length = this.border[length - 1] as number
      if (text.charCodeAt(index) === text.charCodeAt(length)) length++
      this.border[index] = length
    }
  }

  /** Whether `haystack` includes the text, as `haystack.includes(text)` says. */
  in(haystack: string): boolean {
    const { text, border } = this
    if (text.length === 0) return true
    if (haystack.length < text.length) return false
    let matched = 0
    for (let at = 0; at < haystack.length; at++) {
      const unit = haystack.charCodeAt(at)
      this.unitsRead++
      while (matched > 0 && unit !== text.charCodeAt(matched)) matched = border[matched - 1] as number
      if (unit === text.charCodeAt(matched) && ++matched === text.length) return true
    }
    return false
  }
}

/** The linear searches of the long texts looked for lately (a query's texts, asked for capture after capture). */
const longTextSearches = new Map<string, LinearTextSearch>()
const LONG_TEXT_SEARCHES_KEPT = 64

/**
 * `haystack.includes(text)`, in time linear in the haystack whatever the text: the built-in search
 * for a text it is linear for, `LinearTextSearch` for a longer one. For the texts a user typed
 * (a query's words and phrases), looked for in what a sender sent (headers, target, note).
 */
export function includesText(haystack: string, text: string): boolean {
  if (haystack.length < text.length) return false
  if (text.length <= MAX_NATIVE_SEARCH_UNITS) return haystack.includes(text)
  let search = longTextSearches.get(text)
  if (search === undefined) {
    if (longTextSearches.size >= LONG_TEXT_SEARCHES_KEPT) longTextSearches.clear()
    search = new LinearTextSearch(text)
    longTextSearches.set(text, search)
  }
  return search.in(haystack)
}

/**
 * Up to this many texts are looked for one after another with the built-in search, more with the
 * automaton (and any text longer than `MAX_NATIVE_SEARCH_UNITS` with the automaton too). The built-in search (`indexOf`, `includes`) is native and skips through ordinary text
 * far faster than this automaton steps through it in JavaScript: over 11 MB of JSON callbacks, a
 * rare id and one more word took 11 ms with two searches and 89 ms with the automaton,
 * `customer_mail` 5 ms and 72 ms (its first byte is in every few bytes of JSON, so the automaton
 * seldom jumps). The automaton pays off against many texts over hostile text (32 words over 10 MB
 * of one letter: tens of seconds one by one); a few texts cost at most a few searches' time.
 */
export const MAX_TEXTS_SEARCHED_ONE_BY_ONE = 4

/** Texts looked for together in strings, as `includes` would look for each. */
export class MultiTextSearch {
  /** The distinct texts. */
  readonly texts: readonly string[]
  private automaton: MultiTextAutomaton | null = null

  /** Whether the texts are looked for with the built-in search, one after another; else the automaton reads each unit once. */
  readonly oneByOne: boolean

  constructor(texts: Iterable<string>) {
    this.texts = [...new Set(texts)]
    this.oneByOne = this.texts.length <= MAX_TEXTS_SEARCHED_ONE_BY_ONE && nativeSearchIsLinear(this.texts)
  }

  /** The automaton, built when first needed (a few texts are looked for with `includes`). */
  private built(): MultiTextAutomaton {
    this.automaton ??= new MultiTextAutomaton(this.texts.map((text) => Array.from({ length: text.length }, (_unused, index) => text.charCodeAt(index))))
    return this.automaton
  }

  /** The texts `haystack` includes: one pass, ended as soon as every text is found. */
  foundIn(haystack: string): ReadonlySet<string> {
    if (this.oneByOne) return new Set(this.texts.filter((text) => haystack.includes(text)))
    const { classOf, classCount, transitions, outputStarts, outputs, emptyTexts } = this.built()
    const found = new Set<string>()
    for (const index of emptyTexts) found.add(this.texts[index] as string)
    // States whose texts are all found already: most of a long run of one match is passed over here.
    const settled = new Uint8Array(outputStarts.length - 1)
    const jumps = RootJumps.over(this.built(), haystack.length, (unit, from) => haystack.indexOf(String.fromCharCode(unit), from))
    let state = ROOT_STATE
    for (let at = 0; at < haystack.length && found.size < this.texts.length; at++) {
      if (state === ROOT_STATE && jumps !== null && (at = jumps.from(at)) >= haystack.length) break
      state = transitions[state * classCount + (classOf[haystack.charCodeAt(at)] as number)] as number
      const end = outputStarts[state + 1] as number
      if (end === outputStarts[state] || settled[state] === 1) continue
      for (let output = outputStarts[state] as number; output < end; output++) found.add(this.texts[outputs[output] as number] as string)
      settled[state] = 1
    }
    return found
  }

  /** Whether `haystack` includes any of the texts: one pass, ended at the first found. */
  anyIn(haystack: string): boolean {
    if (this.oneByOne) return this.texts.some((text) => haystack.includes(text))
    const { classOf, classCount, transitions, outputStarts, emptyTexts } = this.built()
    if (emptyTexts.length > 0) return true
    const jumps = RootJumps.over(this.built(), haystack.length, (unit, from) => haystack.indexOf(String.fromCharCode(unit), from))
    let state = ROOT_STATE
    for (let at = 0; at < haystack.length; at++) {
      if (state === ROOT_STATE && jumps !== null && (at = jumps.from(at)) >= haystack.length) break
      state = transitions[state * classCount + (classOf[haystack.charCodeAt(at)] as number)] as number
      if (outputStarts[state + 1] !== outputStarts[state]) return true
    }
    return false
  }
}
