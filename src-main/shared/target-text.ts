/**
 * The parts of a request target (path and query, as received) and their decoded text, as the
 * search reads them: the path percent-decoded, the query form-decoded (`+` is a space), malformed
 * escapes kept as they are. Zod-free and Node-free (the renderer's live list runs the same matcher).
 */

export function pathOf(target: string): string {
  const question = target.indexOf('?')
  return question === -1 ? target : target.slice(0, question)
}

export function queryStringOf(target: string): string {
  const question = target.indexOf('?')
  return question === -1 ? '' : target.slice(question + 1)
}

/**
 * The target as a person reads it: `/shop/caf%C3%A9?name=Alex+Smith&city=M%C3%BCnchen` is
 * `/shop/café?name=Alex Smith&city=München`. The target itself when nothing is encoded.
 */
export function decodedTarget(target: string): string {
  if (!target.includes('%') && !target.includes('+')) return target
  const question = target.indexOf('?')
  if (question === -1) return decodeComponent(target)
  return `${decodeComponent(target.slice(0, question))}?${decodeComponent(target.slice(question + 1).replaceAll('+', ' '))}`
}

/** Percent-decoding that keeps malformed escapes (`%zz`, a lone `%`) as they are. */
export function decodeComponent(text: string): string {
  if (!text.includes('%')) return text
  try {
    return decodeURIComponent(text)
  } catch {
    return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run)
      } catch {
        return run
      }
    })
  }
}
