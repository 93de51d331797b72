/**
 * Words of one POSIX shell command line, as bash would split them before running it: single
 * quotes, double quotes (a backslash escapes only `$`, `` ` ``, `"` and `\` there), bash's `$'…'`
 * (ANSI-C escapes: `\n`, `\xHH`, `\0NNN`, `\uHHHH`…), backslashes outside quotes, and the
 * operators between commands. Nothing is expanded: `$NAME`, `${NAME}`, globs and command
 * substitutions stay as written, since nothing of the user's environment belongs in an import.
 *
 * One pass, each word built from slices of the text (never a character at a time), so a
 * 15 MB argument is split in milliseconds; the parser this replaced took 6.7 s over one, holding
 * the receiver's event loop for as long.
 */

/** A word, or an operator between words (`|`, `&&`, `;`, `>`…). */
export type ShellWord = string | { op: string }

/** Longest first, so `&&` is not read as two `&`. */
const OPERATORS = ['&&', '||', ';;', '|&', '>>', '<<', '>&', '<&', '|', '&', ';', '(', ')', '<', '>']

const isOperatorStart = (char: string): boolean => char === '|' || char === '&' || char === ';' || char === '(' || char === ')' || char === '<' || char === '>'

/** Characters that end a run of plain word characters. */
const isSpecial = (char: string): boolean =>
  char === ' ' ||
  char === '\t' ||
  char === '\n' ||
  char === '\r' ||
  char === "'" ||
  char === '"' ||
  char === '\\' ||
  char === '$' ||
  char === '|' ||
  char === '&' ||
  char === ';' ||
  char === '(' ||
  char === ')' ||
  char === '<' ||
  char === '>'

/** Thrown for a quote that is never closed; the message says which. */
export class ShellQuoteError extends Error {}

export function shellWords(text: string): ShellWord[] {
  const words: ShellWord[] = []
  const parts: string[] = []
  let inWord = false
  const finish = () => {
    if (!inWord) return
    words.push(parts.length === 1 ? (parts[0] as string) : parts.join(''))
    parts.length = 0
    inWord = false
  }
  let at = 0
  while (at < text.length) {
    const char = text[at] as string
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      finish()
      at++
    } else if (char === '#' && !inWord) {
      // A comment runs to the end of the line.
      const end = text.indexOf('\n', at)
      at = end < 0 ? text.length : end
    } else if (char === "'") {
      const end = text.indexOf("'", at + 1)
      if (end < 0) throw new ShellQuoteError('a single quote is never closed')
      parts.push(text.slice(at + 1, end))
      inWord = true
      at = end + 1
    } else if (char === '$' && text[at + 1] === "'") {
      const quoted = ansiCQuoted(text, at + 2)
      parts.push(quoted.text)
      inWord = true
      at = quoted.end
    } else if (char === '"') {
      const quoted = doubleQuoted(text, at + 1)
      parts.push(quoted.text)
      inWord = true
      at = quoted.end
    } else if (char === '\\') {
      const next = text[at + 1]
      // A backslash before a line end joins the lines; before anything else, it is that character.
      if (next !== '\n') parts.push(next ?? '\\')
      if (next !== '\n') inWord = true
      at += next === undefined ? 1 : 2
    } else {
      const operator = isOperatorStart(char) ? OPERATORS.find((candidate) => text.startsWith(candidate, at)) : undefined
      if (operator !== undefined) {
        finish()
        words.push({ op: operator })
        at += operator.length
        continue
      }
      // A run of plain characters (a `$` not starting `$'` among them).
      let end = at + 1
      while (end < text.length && !(isSpecial(text[end] as string) && !(text[end] === '$' && text[end + 1] !== "'"))) end++
      parts.push(text.slice(at, end))
      inWord = true
      at = end
    }
  }
  finish()
  return words
}

/** `"…"` from after its opening quote: `\$ \` \" \\` and a backslash-line end are escapes, every other character is itself. */
function doubleQuoted(text: string, start: number): { text: string; end: number } {
  const parts: string[] = []
  let from = start
  for (let at = start; at < text.length; at++) {
    const char = text[at]
    if (char === '"') {
      parts.push(text.slice(from, at))
      return { text: parts.join(''), end: at + 1 }
    }
    if (char !== '\\') continue
    const next = text[at + 1]
    if (next === '$' || next === '`' || next === '"' || next === '\\' || next === '\n') {
      parts.push(text.slice(from, at))
      if (next !== '\n') parts.push(next)
      from = at + 2
      at++
    }
  }
  throw new ShellQuoteError('a double quote is never closed')
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
}

/**
 * bash's `$'…'` from after its opening quote. `\xHH` and octal escapes give the character of that
 * code (one byte each, as header values are kept: one character per byte); `\uHHHH` and
 * `\UHHHHHHHH` the character; an unknown escape stays as written.
 */
function ansiCQuoted(text: string, start: number): { text: string; end: number } {
  const parts: string[] = []
  let from = start
  for (let at = start; at < text.length; at++) {
    const char = text[at]
    if (char === "'") {
      parts.push(text.slice(from, at))
      return { text: parts.join(''), end: at + 1 }
    }
    if (char !== '\\' || at + 1 >= text.length) continue
    parts.push(text.slice(from, at))
    const next = text[at + 1] as string
    let consumed = 2
    const simple = SIMPLE_ESCAPES[next]
    if (simple !== undefined) parts.push(simple)
    else if (next >= '0' && next <= '7') {
      const octal = /^[0-7]{1,3}/.exec(text.slice(at + 1, at + 4))![0]
      parts.push(String.fromCharCode(parseInt(octal, 8) & 0xff))
      consumed = 1 + octal.length
    } else if (next === 'x' || next === 'u' || next === 'U') {
      const digits = /^[0-9A-Fa-f]*/.exec(text.slice(at + 2, at + 2 + (next === 'x' ? 2 : next === 'u' ? 4 : 8)))![0]
      const code = digits === '' ? null : parseInt(digits, 16)
      if (code === null || code > 0x10ffff) parts.push(`\\${next}`)
      else parts.push(String.fromCodePoint(code))
      consumed = 2 + digits.length
    } else if (next === 'c' && at + 2 < text.length) {
      parts.push(String.fromCharCode((text.charCodeAt(at + 2) & 0x1f) >>> 0))
      consumed = 3
    } else parts.push(`\\${next}`)
    at += consumed - 1
    from = at + 1
  }
  throw new ShellQuoteError("a $'…' quote is never closed")
}
