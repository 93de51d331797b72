/**
 * A JSON document exactly as `JSON.stringify(document, null, 1)` writes it, but in pieces: the
 * items of its long lists (one per capture, one per redaction) are rendered one at a time, as the
 * writer asks for them. An export of thousands of captures is then never one stringify that holds
 * the event loop (which the receiver shares) for seconds, nor one string of the whole file.
 */
import { randomUUID } from 'node:crypto'

/** Puts a list in the document whose items are rendered one by one; returns what stands in for it. */
export type StreamedList = (items: Iterable<unknown>) => unknown

/**
 * The pieces of `JSON.stringify(build(list), null, 1)`, where each `list(items)` in the document
 * stands for an array of those items. Joined, they are that text byte for byte.
 */
export function* prettyJsonPieces(build: (list: StreamedList) => unknown): Generator<string> {
  // A marker no value of the document can spell by chance, one per list, in place of the array.
  const token = `streamed-list:${randomUUID()}:`
  const lists: Array<Iterable<unknown>> = []
  const document = build((items) => {
    lists.push(items)
    return `${token}${lists.length - 1}`
  })
  const text = JSON.stringify(document, null, 1)
  const marker = new RegExp(`"${token}(\\d+)"`, 'g')
  let from = 0
  for (const match of text.matchAll(marker)) {
    yield text.slice(from, match.index)
    // The array is written where the marker is, at the indentation of the line that holds it.
    const lineStart = text.lastIndexOf('\n', match.index) + 1
    const depth = /^ */.exec(text.slice(lineStart, match.index))![0].length
    yield* arrayPieces(lists[Number(match[1])]!, depth)
    from = match.index + match[0].length
  }
  yield text.slice(from)
}

/** An array at `depth` spaces, item by item, as `JSON.stringify(…, null, 1)` lays it out. */
function* arrayPieces(items: Iterable<unknown>, depth: number): Generator<string> {
  // JSON text holds no raw line break inside a string, so every line break is layout: an item
  // rendered alone is indented into place by indenting each of its lines.
  const itemBreak = `\n${' '.repeat(depth + 1)}`
  let isFirst = true
  for (const item of items) {
    // As inside an array, a value JSON cannot write (undefined, a function) is written null.
    const json = JSON.stringify(item, null, 1) ?? 'null'
    yield `${isFirst ? '[' : ','}${itemBreak}${json.replaceAll('\n', itemBreak)}`
    isFirst = false
  }
  yield isFirst ? '[]' : `\n${' '.repeat(depth)}]`
}

/** The items, each mapped when it is asked for (so only the one being written exists at a time). */
export function* mapItems<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item)
}
