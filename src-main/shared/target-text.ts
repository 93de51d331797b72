/**
 * The parts of a request target (path and query, as received) and their decoded text, as the
 * search reads them: the path percent-decoded, the query form-decoded (`+` is a space), malformed
 * escapes kept as they are. Zod-free and Node-free (the renderer's live list runs the same matcher).
 */

/** `http://` or `https://` (any case) and the authority, up to the path, query or end. */
const ABSOLUTE_FORM_PREFIX = /^https?:\/\/[^/?#]*/i

/**
 * The origin form (path and query) of a request target: what everything but the capture itself
 * reads. A target in absolute form (`http://host:4100/shop/x?y=1`, RFC 9112 §3.2.2: sent by some
 * proxies and clients) is stored as received; routing, signatures, resends, exports and search use
 * `/shop/x?y=1` (an empty path is `/`). An origin-form target, or one in no form a receiver takes
 * (`*`, `host:443`), is returned as it is.
 */
export function originFormOf(target: string): string {
  // Nearly every target: one character compare.
  if (target.charCodeAt(0) === 0x2f) return target
  const authority = ABSOLUTE_FORM_PREFIX.exec(target)
  if (authority === null) return target
  const rest = target.slice(authority[0].length)
  return rest.startsWith('/') ? rest : `/${rest}`
}

/** Whether a target is in absolute form (`http://host/path?query`); see `originFormOf`. */
export function isAbsoluteFormTarget(target: string): boolean {
  return target.charCodeAt(0) !== 0x2f && ABSOLUTE_FORM_PREFIX.test(target)
}

/** The path of a target (its origin form's: see `originFormOf`), without the query. */
export function pathOf(target: string): string {
  const originForm = originFormOf(target)
  const question = originForm.indexOf('?')
  return question === -1 ? originForm : originForm.slice(0, question)
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
