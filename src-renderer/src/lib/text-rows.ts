/**
 * Splits text into display rows for a virtual list: one row per line, and lines longer than the
 * view's width wrapped every `columns` characters, so every row has the same height and a 10 MB
 * body of one line is as cheap to show as one of many. Offsets only; the text is never copied.
 */
export interface TextRows {
  /** Start offset of each row. */
  starts: Uint32Array
  /** Offset after each row's last character, line terminator excluded. */
  ends: Uint32Array
  /** 1 where a row is a wrapped continuation of the row before it. */
  isContinuation: Uint8Array
  count: number
}

/** One linear pass to count, one to fill. `\n`, `\r\n` and a lone `\r` end a line. */
export function splitTextRows(text: string, columns: number): TextRows {
  const width = Math.max(1, Math.floor(columns))
  const count = walkRows(text, width, null)
  const rows: TextRows = {
    starts: new Uint32Array(count),
    ends: new Uint32Array(count),
    isContinuation: new Uint8Array(count),
    count,
  }
  walkRows(text, width, rows)
  return rows
}

function walkRows(text: string, width: number, rows: TextRows | null): number {
  let count = 0
  let lineStart = 0
  const length = text.length
  // Line ends are found with indexOf (native, fast on long lines); each is searched for once.
  let nextLf = text.indexOf('\n')
  let nextCr = text.indexOf('\r')
  for (;;) {
    if (nextLf >= 0 && nextLf < lineStart) nextLf = text.indexOf('\n', lineStart)
    if (nextCr >= 0 && nextCr < lineStart) nextCr = text.indexOf('\r', lineStart)
    const lineEnd = Math.min(nextLf < 0 ? length : nextLf, nextCr < 0 ? length : nextCr)
    // A line of `width * k` characters is k rows; an empty line is one row.
    let rowStart = lineStart
    do {
      const rowEnd = Math.min(lineEnd, rowStart + width)
      if (rows !== null) {
        rows.starts[count] = rowStart
        rows.ends[count] = rowEnd
        rows.isContinuation[count] = rowStart === lineStart ? 0 : 1
      }
      count++
      rowStart = rowEnd
    } while (rowStart < lineEnd)
    if (lineEnd >= length) return count
    lineStart = lineEnd + (text.charCodeAt(lineEnd) === 13 && text.charCodeAt(lineEnd + 1) === 10 ? 2 : 1)
  }
}

/** The row holding `offset` (the last row starting at or before it). */
export function rowAtOffset(rows: TextRows, offset: number): number {
  let low = 0
  let high = rows.count - 1
  while (low < high) {
    const middle = (low + high + 1) >>> 1
    if (rows.starts[middle]! <= offset) low = middle
    else high = middle - 1
  }
  return low
}
