/**
 * Words of curl commands written for Windows cmd.exe, as Chrome's and Edge's DevTools "Copy as
 * cURL (cmd)" writes them: lines continued by a `^` at their end, every special character escaped
 * with `^` (`^"`, `^{`, `^\`), a newline inside a value written `^` + two line ends, and the
 * arguments then split as the Microsoft C runtime does (double quotes group, `\"` is a quote).
 * Read as POSIX shell text, such a command came out as a request to the URL `^` with the real
 * URL and options reported as separate commands that are "not a curl command".
 *
 * Two passes, each linear: cmd.exe's (carets and line ends), then the C runtime's (words).
 */

/**
 * Text that cmd.exe would read: a `^` that continues a line, or a caret-escaped quote, where a
 * POSIX shell would not read it as data. In a POSIX script such as this app's curl export, a body
 * or header value may hold `^"` (a printf argument of binary bytes, a JSON string ending in `^`),
 * inside single or double quotes or in a comment: that text was read as cmd.exe's and refused
 * whole ("the text holds no curl command"). So the first marker found outside quotes and
 * comments decides; a quote that never closes (not POSIX text) leaves it to the markers anywhere.
 */
export function isCmdSyntax(text: string): boolean {
  if (!CMD_MARKER.test(text)) return false
  let index = 0
  let isLineStart = true
  while (index < text.length) {
    const char = text[index]!
    if (char === '^' && (text[index + 1] === '"' || text[index + 1] === '\n' || (text[index + 1] === '\r' && text[index + 2] === '\n'))) return true
    if (char === "'" || char === '"') {
      const end = closingQuote(text, index)
      if (end < 0) return CMD_MARKER.test(text.slice(index))
      index = end + 1
      isLineStart = false
      continue
    }
    if (char === '#' && (isLineStart || text[index - 1] === ' ' || text[index - 1] === '\t')) {
      const lineEnd = text.indexOf('\n', index)
      if (lineEnd < 0) return false
      index = lineEnd
      continue
    }
    // A backslash outside quotes makes the next character a plain one (`\'` is a quote, not an opening one).
    index += char === '\\' ? 2 : 1
    isLineStart = char === '\n' || (isLineStart && (char === ' ' || char === '\t'))
  }
  return false
}

const CMD_MARKER = /\^(?:"|\r?\n)/

/** The index of the quote that closes the one at `start` (a backslash escapes inside double quotes only), or -1. */
function closingQuote(text: string, start: number): number {
  const quote = text[start]!
  if (quote === "'") return text.indexOf("'", start + 1)
  for (let index = start + 1; index < text.length; index++) {
    if (text[index] === '\\') index++
    else if (text[index] === '"') return index
  }
  return -1
}

/** The commands of the text, each as its words (the program first), with the line it starts on. */
export function cmdCommands(text: string): Array<{ line: number; words: string[] }> {
  const commands: Array<{ line: number; words: string[] }> = []
  let current = ''
  let line = 1
  let startLine = 1
  let isQuoted = false
  const finish = () => {
    const words = crtWords(current)
    if (words.length > 0) commands.push({ line: startLine, words })
    current = ''
    startLine = line
  }
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    if (char === '\r' && text[index + 1] === '\n') continue
    if (char === '\n') {
      line++
      // An unescaped line end ends the command (in or out of quotes, as cmd.exe reads a line).
      isQuoted = false
      finish()
      continue
    }
    if (char === '^' && !isQuoted) {
      const next = text[index + 1]
      const lineEnd = next === '\r' && text[index + 2] === '\n' ? 2 : next === '\n' ? 1 : 0
      if (lineEnd > 0) {
        index += lineEnd
        line++
        // `^` + two line ends is an escaped line end: a newline in the value. One is a continuation.
        const after = text[index + 1]
        const secondEnd = after === '\r' && text[index + 2] === '\n' ? 2 : after === '\n' ? 1 : 0
        if (secondEnd > 0) {
          index += secondEnd
          line++
          current += '\n'
        }
        continue
      }
      if (next !== undefined) current += next
      index++
      continue
    }
    if (char === '"') isQuoted = !isQuoted
    current += char
  }
  finish()
  return commands
}

/**
 * A command line split into arguments as the Microsoft C runtime does: whitespace separates
 * words outside double quotes; 2n backslashes before a `"` are n backslashes and the quote
 * groups; 2n+1 are n backslashes and a literal `"`; other backslashes are literal.
 */
function crtWords(commandLine: string): string[] {
  const words: string[] = []
  let word = ''
  let hasWord = false
  let isQuoted = false
  for (let index = 0; index < commandLine.length; index++) {
    const char = commandLine[index]!
    if (char === '\\') {
      let count = 0
      while (commandLine[index + count] === '\\') count++
      if (commandLine[index + count] === '"') {
        word += '\\'.repeat(Math.floor(count / 2))
        if (count % 2 === 1) word += '"'
        else isQuoted = !isQuoted
        index += count
      } else {
        word += '\\'.repeat(count)
        index += count - 1
      }
      hasWord = true
      continue
    }
    if (char === '"') {
      isQuoted = !isQuoted
      hasWord = true
      continue
    }
    if (!isQuoted && (char === ' ' || char === '\t')) {
      if (hasWord) words.push(word)
      word = ''
      hasWord = false
      continue
    }
    word += char
    hasWord = true
  }
  if (hasWord) words.push(word)
  return words
}
