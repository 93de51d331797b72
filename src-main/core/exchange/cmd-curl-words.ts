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

/** Text that cmd.exe would read: a `^` that continues a line, or a caret-escaped quote. */
export function isCmdSyntax(text: string): boolean {
  return /\^\r?\n/.test(text) || /\^"/.test(text)
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
