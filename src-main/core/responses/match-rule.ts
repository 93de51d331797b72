import { headerValues } from '../../shared/http-message'
import type { RuleMatch } from '../../shared/responses'
import type { AnswerContext } from './answer-context'
import { matchesPathPattern } from './path-pattern'

/**
 * Parses the body as JSON at most once per delivery, and only when a rule asks for a JSON field:
 * most deliveries never need it, and bodies can be large.
 */
export interface LazyJsonBody {
  (): { ok: true; value: unknown } | { ok: false }
}

export function lazyJsonBody(body: Buffer): LazyJsonBody {
  let parsed: { ok: true; value: unknown } | { ok: false } | undefined
  return () => {
    if (parsed === undefined) {
      try {
        parsed = { ok: true, value: JSON.parse(body.toString('utf8')) as unknown }
      } catch {
        // Not JSON (a form post, XML, binary): a JSON-field condition simply does not hold.
        parsed = { ok: false }
      }
    }
    return parsed
  }
}

/**
 * The value at a dotted path such as `a.b.0.c`: object keys by name, array items by index.
 * Only own properties count, so `constructor` or `__proto__` never reach the prototype.
 */
export function valueAtJsonPath(root: unknown, path: string): { found: true; value: unknown } | { found: false } {
  let current: unknown = root
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return { found: false }
      const index = Number(segment)
      if (index >= current.length) return { found: false }
      current = current[index]
    } else if (typeof current === 'object' && current !== null) {
      if (!Object.hasOwn(current, segment)) return { found: false }
      current = (current as Record<string, unknown>)[segment]
    } else {
      return { found: false }
    }
  }
  return { found: true, value: current }
}

/** Whether every condition of a rule holds for this delivery (an empty match holds for all). */
export function ruleMatches(match: RuleMatch, context: AnswerContext, json: LazyJsonBody): boolean {
  // Cheap conditions first; the JSON parse and body scan last.
  if (match.method !== undefined && match.method.toUpperCase() !== context.method.toUpperCase()) return false
  if (match.provider !== undefined && match.provider.toLowerCase() !== context.provider?.toLowerCase()) return false
  if (match.verdict !== undefined && match.verdict !== context.verdict) return false
  if (match.pathPattern !== undefined && !matchesPathPattern(match.pathPattern, context.pathWithinEndpoint)) {
    return false
  }
  if (match.header !== undefined) {
    const { name, equals, contains, present } = match.header
    const values = headerValues(context.headers, name)
    // A repeated header matches when any of its lines does.
    if (equals !== undefined && !values.some((value) => value === equals)) return false
    if (contains !== undefined && !values.some((value) => value.includes(contains))) return false
    if (present !== undefined && values.length > 0 !== present) return false
  }
  if (match.bodyContains !== undefined && !context.body.includes(Buffer.from(match.bodyContains, 'utf8'))) {
    return false
  }
  if (match.jsonField !== undefined) {
    const parsed = json()
    if (!parsed.ok) return false
    const found = valueAtJsonPath(parsed.value, match.jsonField.path)
    // Strict equality: the string "1" and the number 1 differ, as they do in the payload.
    if (!found.found || found.value !== match.jsonField.equals) return false
  }
  return true
}
