/**
 * Re-indents XML as text, for reading only. It never parses into a DOM (bodies are hostile) and
 * keeps every token as received; only whitespace between tags changes. Malformed input just comes
 * out less tidy.
 */
const TOKEN = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<![^>]*>|<\/[^>]*>|<[^>]*>|[^<]+/g
const INDENT = '  '

export function prettyXml(xml: string): string {
  const lines: string[] = []
  let depth = 0
  let pendingOpen: string | null = null
  for (const match of xml.matchAll(TOKEN)) {
    const token = match[0]
    if (!token.startsWith('<')) {
      const text = token.trim()
      if (text === '') continue
      if (pendingOpen !== null) {
        // <a>text</a> stays on one line.
        pendingOpen += text
        continue
      }
      lines.push(INDENT.repeat(depth) + text)
      continue
    }
    if (token.startsWith('</')) {
      if (pendingOpen !== null) {
        lines.push(INDENT.repeat(depth - 1) + pendingOpen + token)
        pendingOpen = null
        depth = Math.max(0, depth - 1)
        continue
      }
      depth = Math.max(0, depth - 1)
      lines.push(INDENT.repeat(depth) + token)
      continue
    }
    flushPending()
    const isLeaf = token.startsWith('<?') || token.startsWith('<!') || token.endsWith('/>')
    if (isLeaf) {
      lines.push(INDENT.repeat(depth) + token)
    } else {
      pendingOpen = token
      depth++
    }
  }
  flushPending()
  return lines.join('\n')

  function flushPending(): void {
    if (pendingOpen === null) return
    lines.push(INDENT.repeat(depth - 1) + pendingOpen)
    pendingOpen = null
  }
}

export function looksLikeXml(text: string): boolean {
  const start = text.trimStart()
  return start.startsWith('<?xml') || /^<[A-Za-z_][\w.:-]*[\s>/]/.test(start)
}
