/**
 * The search help's examples, grouped for reading and put into the search box on a click: a
 * field's example is inserted with its value selected, so typing replaces it (`from:` then the
 * file's name), anything else is inserted whole and selected.
 */

export interface SyntaxRow {
  example: string
  meaning: string
}

export interface SyntaxGroup {
  title: string
  rows: SyntaxRow[]
}

/** A field term: `name:` or `name.sub:` at the start (`from:merchant.bundle`, `header.user-agent:ixopay`). */
const FIELD_TERM = /^[a-z][a-z0-9.-]*:/i
/** Rows about combining terms: exclusion, OR, parentheses. */
const COMBINING = /^-|\bOR\b|^\(/

/** The rows in three groups, each in the order given: text anywhere, field terms, combining. */
export function groupSyntaxRows(rows: readonly SyntaxRow[]): SyntaxGroup[] {
  const groups: SyntaxGroup[] = [
    { title: 'Text, anywhere in a capture', rows: [] },
    { title: 'In one field (click one to try it)', rows: [] },
    { title: 'Combining terms', rows: [] },
  ]
  for (const row of rows) {
    // A pasted URL (https://…) starts like a field term but is text.
    const isUrl = /^[a-z]+:\/\//i.test(row.example)
    const index = COMBINING.test(row.example) ? 2 : FIELD_TERM.test(row.example) && !isUrl ? 1 : 0
    groups[index]!.rows.push(row)
  }
  return groups.filter((group) => group.rows.length > 0)
}

export interface Insertion {
  text: string
  /** What to select afterwards, so typing replaces the example's sample value. */
  selectionStart: number
  selectionEnd: number
}

/**
 * `example` added at the end of what the box holds (a space between), with the part to type over
 * selected: a field term's value up to its first space (`from:` → `merchant.bundle`), else the
 * whole example.
 */
export function insertExample(draft: string, example: string): Insertion {
  const before = draft.trimEnd()
  const prefix = before === '' ? '' : `${before} `
  const start = prefix.length
  const text = prefix + example
  const field = FIELD_TERM.exec(example)
  if (field === null || /^[a-z]+:\/\//i.test(example)) return { text, selectionStart: start, selectionEnd: text.length }
  const valueStart = start + field[0].length
  const space = example.indexOf(' ', field[0].length)
  return { text, selectionStart: valueStart, selectionEnd: space === -1 ? text.length : start + space }
}
