/**
 * A large JSON document (a HAR file, a bundle) parsed a slice at a time, so the receiver, which
 * shares the main process's event loop, keeps answering while a 20 MiB import is read: one
 * `JSON.parse` of 10,000 captures held it for 0.3-0.9 s.
 *
 * The document is never parsed by anything but `JSON.parse`: a scan (strings skipped with
 * `indexOf`, the rest a character at a time, resumable) finds where each item of the named lists
 * (`captures`, `log.entries`) starts and ends; the document with those lists emptied is parsed in
 * one go (what is left is small), each item on its own, and the items are put back in place. The
 * value is the one `JSON.parse` gives for the whole text (numbers, duplicate members: the last
 * wins, `__proto__` as a plain member), and a text it would refuse is refused, with the place
 * `locateJsonSyntaxError` finds in the whole text.
 */
import { IMPORT_SLICE, workSlices, type SliceLimits } from './work-slices'

/** A list of the document, named by the members that lead to it from the top (objects only). */
export type ListPath = readonly string[]

export type SlicedJson = { ok: true; value: unknown } | { ok: false; problem: 'syntax' } | { ok: false; problem: 'too-deep'; at: number }

/** Characters scanned, or items parsed, between two checks of the slice's time. */
const SCAN_STEP_CHARS = 128 * 1024

interface Frame {
  isObject: boolean
  /** In an object: the next string is a member name. */
  expectsKey: boolean
  /** In an object: the name of the member being read (its raw text, quotes included). */
  key: string
  /** This array is one of the named lists. */
  list: ListRecord | null
}

interface ListRecord {
  path: ListPath
  /** Index of its `[` and of its `]`. */
  open: number
  close: number
  /** Start and end (exclusive) of each item. */
  starts: number[]
  ends: number[]
}

/** Parses `text` as `JSON.parse` would, a slice at a time; refuses nesting deeper than `maxDepth` first. */
export async function parseJsonInSlices(text: string, lists: readonly ListPath[], maxDepth: number, limits: SliceLimits = IMPORT_SLICE): Promise<SlicedJson> {
  const slices = workSlices(limits)
  const scan = scanner(text, lists, maxDepth)
  while (!scan.isDone()) {
    scan.step(SCAN_STEP_CHARS)
    await slices.afterStep()
  }
  const found = scan.result()
  if (found.tooDeepAt !== null) return { ok: false, problem: 'too-deep', at: found.tooDeepAt }
  if (found.isBroken) return { ok: false, problem: 'syntax' }

  // Each list's items, parsed one by one; a list whose member came again later (the last one wins
  // in JSON.parse) is parsed too, so a syntax error in it is still an error.
  const itemsOf = new Map<ListRecord, unknown[]>()
  for (const list of found.cut) {
    if (list.starts.length !== list.ends.length || !separatorsAreValid(text, list)) return { ok: false, problem: 'syntax' }
    const items: unknown[] = []
    for (let index = 0; index < list.starts.length; index++) {
      try {
        items.push(JSON.parse(text.slice(list.starts[index], list.ends[index])))
      } catch {
        return { ok: false, problem: 'syntax' }
      }
      await slices.afterStep()
    }
    itemsOf.set(list, items)
  }

  let head: unknown
  try {
    head = JSON.parse(withoutItems(text, found.cut))
  } catch {
    return { ok: false, problem: 'syntax' }
  }
  for (const list of found.lasts) placeItems(head, list.path, itemsOf.get(list) ?? [])
  return { ok: true, value: head }
}

/** The text with every cut list written `[]`. */
function withoutItems(text: string, cut: ListRecord[]): string {
  if (cut.length === 0) return text
  const parts: string[] = []
  let from = 0
  for (const list of cut) {
    parts.push(text.slice(from, list.open + 1))
    from = list.close
  }
  parts.push(text.slice(from))
  return parts.join('')
}

/** Puts the items where the parsed head has the (emptied) list at `path`. */
function placeItems(head: unknown, path: ListPath, items: unknown[]): void {
  let node = head as Record<string, unknown>
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>
  node[path[path.length - 1]!] = items
}

const WHITESPACE = /^[ \t\n\r]*$/
const COMMA = /^[ \t\n\r]*,[ \t\n\r]*$/

/** Between the items of a list: only whitespace, and one comma between two items. */
function separatorsAreValid(text: string, list: ListRecord): boolean {
  const { starts, ends } = list
  if (starts.length === 0) return WHITESPACE.test(text.slice(list.open + 1, list.close))
  if (!WHITESPACE.test(text.slice(list.open + 1, starts[0]))) return false
  for (let index = 1; index < starts.length; index++) if (!COMMA.test(text.slice(ends[index - 1], starts[index]))) return false
  return WHITESPACE.test(text.slice(ends[ends.length - 1], list.close))
}

/**
 * The resumable scan: the structure (objects, arrays, member names) and where the named lists'
 * items are. It does not check the grammar (JSON.parse of each part does); it only needs a text
 * that parses to be cut right, and stops at anything a valid text cannot hold.
 */
function scanner(text: string, lists: readonly ListPath[], maxDepth: number) {
  const stack: Frame[] = []
  const deepest = Math.max(...lists.map((path) => path.length))
  /** Every list found at a named path, in order; and the last one at each path (the one JSON.parse keeps). */
  const cut: ListRecord[] = []
  const lasts = new Map<string, ListRecord>()
  let index = 0
  let tooDeepAt: number | null = null
  let isBroken = false

  /** A value starts at `at`: an item of a named list, or a value at (or above) a named path. */
  function valueStarts(at: number, isArray: boolean): ListRecord | null {
    const top = stack[stack.length - 1]
    if (top?.list) top.list.starts.push(at)
    if (stack.length > deepest || !stack.every((frame) => frame.isObject)) return null
    const path = stack.map((frame) => memberName(frame.key))
    let opened: ListRecord | null = null
    for (const listPath of lists) {
      if (path.length > listPath.length || !path.every((key, at) => key === listPath[at])) continue
      // A member named again replaces the earlier one, whatever it held.
      lasts.delete(listPath.join('\u0000'))
      if (isArray && path.length === listPath.length) {
        opened = { path: listPath, open: at, close: -1, starts: [], ends: [] }
        lasts.set(listPath.join('\u0000'), opened)
      }
    }
    return opened
  }

  function valueEnds(at: number): void {
    const top = stack[stack.length - 1]
    if (top?.list) top.list.ends.push(at)
    if (top?.isObject) top.expectsKey = false
  }

  function step(chars: number): void {
    const until = Math.min(text.length, index + chars)
    while (index < until && !isBroken && tooDeepAt === null) {
      const code = text.charCodeAt(index)
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09 || code === 0x3a /* : */) {
        index++
        continue
      }
      const top = stack[stack.length - 1]
      if (code === 0x22 /* " */) {
        const end = endOfString(text, index)
        if (end < 0) {
          isBroken = true
          return
        }
        if (top?.isObject && top.expectsKey) {
          top.key = text.slice(index, end)
          top.expectsKey = false
        } else {
          valueStarts(index, false)
          valueEnds(end)
        }
        index = end
      } else if (code === 0x2c /* , */) {
        if (top?.isObject) top.expectsKey = true
        index++
      } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
        const isObject = code === 0x7b
        const list = valueStarts(index, !isObject)
        if (list) cut.push(list)
        stack.push({ isObject, expectsKey: isObject, key: '', list })
        if (stack.length > maxDepth) tooDeepAt = index
        index++
      } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
        const closed = stack.pop()
        if (!closed || closed.isObject !== (code === 0x7d)) {
          isBroken = true
          return
        }
        if (closed.list) closed.list.close = index
        index++
        valueEnds(index)
      } else {
        // A number, true, false or null: up to the next character that ends one.
        let end = index + 1
        while (end < text.length && !ENDS_LITERAL.has(text.charCodeAt(end))) end++
        valueStarts(index, false)
        valueEnds(end)
        index = end
      }
    }
    if (index >= text.length && stack.length > 0) isBroken = true
  }

  return {
    step,
    isDone: () => index >= text.length || isBroken || tooDeepAt !== null,
    result: () => ({ cut, lasts: [...lasts.values()], tooDeepAt, isBroken }),
  }
}

/** Characters after which a number or literal has ended. */
const ENDS_LITERAL = new Set([0x20, 0x0a, 0x0d, 0x09, 0x2c, 0x3a, 0x5d, 0x7d, 0x5b, 0x7b, 0x22])

/** A member name's value, from its raw text (quotes and escapes); one that cannot be read matches no path. */
function memberName(raw: string): string {
  if (!raw.includes('\\')) return raw.slice(1, -1)
  try {
    return JSON.parse(raw) as string
  } catch {
    return '\u0000'
  }
}

/** End (exclusive) of the string whose opening quote is at `start`, or -1 when it never closes. */
function endOfString(text: string, start: number): number {
  let from = start + 1
  for (;;) {
    const quote = text.indexOf('"', from)
    if (quote < 0) return -1
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++
    if (backslashes % 2 === 0) return quote + 1
    from = quote + 1
  }
}
