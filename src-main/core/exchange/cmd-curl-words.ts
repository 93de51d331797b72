/**
 * Words of curl commands written for Windows cmd.exe, as Chrome's and Edge's DevTools "Copy as
 * cURL (cmd)" writes them: lines continued by a `^` at their end, every special character escaped
 * with `^` (`^"`, `^{`, `^\`), a newline inside a value written `^` + two line ends, and the
 * arguments then split as the Microsoft C runtime does (double quotes group, `\"` is a quote).
 * Read as POSIX shell text, such a command came out as a request to the URL `^` with the real
 * URL and options reported as separate commands that are "not a curl command".
 *
 * Two passes, each linear: cmd.exe's (carets and line ends), then the C runtime's (words) on
 * each command when it is read. The text is looked at and cut into commands with a pause every
 * so many characters (`textPauses`, as a POSIX script is), and every word is built from slices
 * of the text: a script of one 15 MB command was read character by character in one go, holding
 * the receiver's event loop for as long.
 */
import { textPauses, type Steps } from './work-slices'

/**
 * Text that cmd.exe would read: a `^` that continues a line, or a caret-escaped quote, where a
 * POSIX shell would not read it as data. In a POSIX script such as this app's curl export, a body
 * or header value may hold `^"` (a printf argument of binary bytes, a JSON string ending in `^`),
 * inside single or double quotes or in a comment: that text was read as cmd.exe's and refused
 * whole ("the text holds no curl command"). So the first marker found outside quotes and
 * comments decides; a quote that never closes (not POSIX text) leaves it to the markers anywhere.
 */
export function* isCmdSyntax(text: string): Steps<boolean> {
  if (!CMD_MARKER.test(text)) return false
  const isPauseDue = textPauses()
  let quote: "'" | '"' | null = null
  let quoteStart = 0
  let isLineStart = true
  for (let index = 0; index < text.length; index++) {
    if (isPauseDue(index)) yield
    const char = text[index]!
    if (quote === "'") {
      // Nothing is special inside single quotes: on to the closing one.
      const end = text.indexOf("'", index)
      if (end < 0) break
      index = end
      quote = null
      isLineStart = false
      continue
    }
    if (quote === '"') {
      // A backslash escapes inside double quotes.
      if (char === '\\') index++
      else if (char === '"') {
        quote = null
        isLineStart = false
      }
      continue
    }
    if (char === '^' && (text[index + 1] === '"' || text[index + 1] === '\n' || (text[index + 1] === '\r' && text[index + 2] === '\n'))) return true
    if (char === "'" || char === '"') {
      quote = char
      quoteStart = index
      continue
    }
    if (char === '#' && (isLineStart || text[index - 1] === ' ' || text[index - 1] === '\t')) {
      const lineEnd = text.indexOf('\n', index)
      if (lineEnd < 0) return false
      index = lineEnd - 1
      continue
    }
    // A backslash outside quotes makes the next character a plain one (`\'` is a quote, not an opening one).
    if (char === '\\') index++
    isLineStart = char === '\n' || (isLineStart && (char === ' ' || char === '\t'))
  }
  // A quote that never closes: not POSIX text.
  return quote !== null && CMD_MARKER.test(text.slice(quoteStart))
}

const CMD_MARKER = /\^(?:"|\r?\n)/

/** The number of characters of a line end at `index` (CR LF or LF), or 0. */
function lineEndAt(text: string, index: number): number {
  const char = text[index]
  return char === '\n' ? 1 : char === '\r' && text[index + 1] === '\n' ? 2 : 0
}

/**
 * The commands of the text after cmd.exe's pass (carets and line ends read, quotes kept for the
 * C runtime's), each with the line it starts on; `crtWords` splits one into its words.
 */
export function* cmdCommands(text: string): Steps<Array<{ text: string; line: number }>> {
  const commands: Array<{ text: string; line: number }> = []
  // The current command is `pieces` joined, then the text from `from`: slices, never a character at a time.
  const pieces: string[] = []
  let from = 0
  let line = 1
  let startLine = 1
  let isQuoted = false
  const finish = (end: number, next: number) => {
    pieces.push(text.slice(from, end))
    const current = pieces.join('')
    pieces.length = 0
    from = next
    // Blanks alone are no command (the C runtime splits only at spaces and tabs).
    if (!/^[ \t]*$/.test(current)) commands.push({ text: current, line: startLine })
    startLine = line
  }
  const isPauseDue = textPauses()
  for (let index = 0; index < text.length; index++) {
    if (isPauseDue(index)) yield
    const char = text[index]!
    if (char === '\n') {
      line++
      // An unescaped line end ends the command (in or out of quotes, as cmd.exe reads a line); a CR before it is dropped.
      isQuoted = false
      finish(index > from && text[index - 1] === '\r' ? index - 1 : index, index + 1)
      continue
    }
    if (char === '^' && !isQuoted) {
      pieces.push(text.slice(from, index))
      const lineEnd = lineEndAt(text, index + 1)
      if (lineEnd > 0) {
        index += lineEnd
        line++
        // `^` + two line ends is an escaped line end: a newline in the value. One is a continuation.
        const secondEnd = lineEndAt(text, index + 1)
        if (secondEnd > 0) {
          index += secondEnd
          line++
          pieces.push('\n')
        }
        from = index + 1
        continue
      }
      // The next character is itself (a quote that does not group, a caret); a caret at the very end is dropped.
      from = index + 1
      index++
      continue
    }
    if (char === '"') isQuoted = !isQuoted
  }
  finish(text.length, text.length)
  return commands
}

/**
 * A command line split into arguments as the Microsoft C runtime does: whitespace separates
 * words outside double quotes; 2n backslashes before a `"` are n backslashes and the quote
 * groups; 2n+1 are n backslashes and a literal `"`; other backslashes are literal. Each word is
 * joined from slices of the line.
 */
export function crtWords(commandLine: string): string[] {
  const words: string[] = []
  const parts: string[] = []
  // Where the plain text not yet in `parts` starts.
  let from = 0
  let hasWord = false
  let isQuoted = false
  const takePlain = (end: number, next: number) => {
    if (end > from) parts.push(commandLine.slice(from, end))
    from = next
  }
  for (let index = 0; index < commandLine.length; index++) {
    const char = commandLine[index]!
    if (char === '\\') {
      let count = 0
      while (commandLine[index + count] === '\\') count++
      if (commandLine[index + count] === '"') {
        takePlain(index, index + count + 1)
        parts.push('\\'.repeat(Math.floor(count / 2)))
        if (count % 2 === 1) parts.push('"')
        else isQuoted = !isQuoted
        index += count
      } else {
        // Backslashes not before a quote are themselves: they stay in the plain text.
        index += count - 1
      }
      hasWord = true
      continue
    }
    if (char === '"') {
      takePlain(index, index + 1)
      isQuoted = !isQuoted
      hasWord = true
      continue
    }
    if (!isQuoted && (char === ' ' || char === '\t')) {
      takePlain(index, index + 1)
      if (hasWord) words.push(parts.join(''))
      parts.length = 0
      hasWord = false
      continue
    }
    hasWord = true
  }
  takePlain(commandLine.length, commandLine.length)
  if (hasWord) words.push(parts.join(''))
  return words
}
