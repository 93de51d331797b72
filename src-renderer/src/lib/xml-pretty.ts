/**
 * Re-indents XML as text, for reading only. It never parses into a DOM (bodies are hostile) and
 * keeps every token as received; only whitespace between tags changes. Malformed input just comes
 * out less tidy.
 *
 * The tokeniser is one left-to-right scan with `indexOf` and a quote-aware tag scan: a token that
 * never ends takes the rest of the text, so no position is ever scanned twice (1 MB of `<` is one
 * token, not a million rescans). Indentation stops growing at {@link MAX_INDENT_LEVELS}, so deep
 * nesting cannot make the output quadratic.
 */
const INDENT = '  '
/** Deeper elements are shown at this indentation: enough to read structure, bounded output. */
export const MAX_INDENT_LEVELS = 40
/** Above this many characters the XML view is not offered; the raw text view pages instead. */
export const MAX_PRETTY_XML_CHARS = 2 * 1024 * 1024

/** The next token starting at `start` (which is < text.length): its end offset. */
function tokenEnd(text: string, start: number): number {
  if (text.charCodeAt(start) !== 60 /* < */) {
    const next = text.indexOf('<', start)
    return next < 0 ? text.length : next
  }
  const closeOf = (opener: string, closer: string): number | null => {
    if (!text.startsWith(opener, start)) return null
    const close = text.indexOf(closer, start + opener.length)
    return close < 0 ? text.length : close + closer.length
  }
  return closeOf('<![CDATA[', ']]>') ?? closeOf('<!--', '-->') ?? closeOf('<?', '?>') ?? tagEnd(text, start)
}

/** A tag ends at the first `>` outside quotes; an unterminated tag takes the rest of the text. */
function tagEnd(text: string, start: number): number {
  let quote = 0
  for (let position = start + 1; position < text.length; position++) {
    const code = text.charCodeAt(position)
    if (quote !== 0) {
      if (code === quote) quote = 0
    } else if (code === 34 || code === 39) {
      quote = code
    } else if (code === 62 /* > */) {
      return position + 1
    }
  }
  return text.length
}

export function prettyXml(xml: string): string {
  const lines: string[] = []
  let depth = 0
  let pendingOpen: string | null = null
  const indent = (level: number) => INDENT.repeat(Math.min(Math.max(0, level), MAX_INDENT_LEVELS))
  for (let start = 0; start < xml.length;) {
    const end = tokenEnd(xml, start)
    const token = xml.slice(start, end)
    start = end
    if (!token.startsWith('<')) {
      const text = token.trim()
      if (text === '') continue
      if (pendingOpen !== null) {
        // <a>text</a> stays on one line.
        pendingOpen += text
        continue
      }
      lines.push(indent(depth) + text)
      continue
    }
    if (token.startsWith('</')) {
      if (pendingOpen !== null) {
        lines.push(indent(depth - 1) + pendingOpen + token)
        pendingOpen = null
        depth = Math.max(0, depth - 1)
        continue
      }
      depth = Math.max(0, depth - 1)
      lines.push(indent(depth) + token)
      continue
    }
    flushPending()
    const isLeaf = token.startsWith('<?') || token.startsWith('<!') || token.endsWith('/>') || !token.endsWith('>')
    if (isLeaf) {
      lines.push(indent(depth) + token)
    } else {
      pendingOpen = token
      depth++
    }
  }
  flushPending()
  return lines.join('\n')

  function flushPending(): void {
    if (pendingOpen === null) return
    lines.push(indent(depth - 1) + pendingOpen)
    pendingOpen = null
  }
}

/** Looks at the start only (a fixed pattern, never user text). */
export function looksLikeXml(text: string): boolean {
  const start = text.trimStart().slice(0, 256)
  return start.startsWith('<?xml') || /^<[A-Za-z_][\w.:-]*[\s>/]/.test(start)
}
