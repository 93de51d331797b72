/**
 * What text a capture's searchable text must contain for a query to have any chance of matching
 * it: a necessary condition, used to skip captures by a plain byte search over their search-text
 * sidecar (search-text-sidecar.ts) before the real matcher (shared/capture-query-match.ts) decides the
 * few that are left. It may let through captures that do not match (the matcher drops them); it
 * must never drop one that does.
 *
 * Sound because the sidecar holds, folded, exactly the strings the matcher looks in for these
 * terms: the summary text (the request target among it), the id, the headers and the body text
 * (without JSON spacing, as the matcher reads it), and the path as received and decoded. Terms
 * the sidecar cannot answer (query, which the matcher also form-decodes by parameter; method,
 * status, dates…) and anything under a NOT require nothing. A word's alternatives (a pasted phrase's body form, a URL's target) are OR
 * nodes of the query, so what one requires is required only as one choice among them.
 */
import type { CaptureQuery, QueryNode, QueryTerm } from '../../shared/capture-query'
import { assertNever } from '../../shared/assert-never'

/** `null`: nothing is required (every capture is a candidate). */
export type TextRequirement = { kind: 'text'; text: string } | { kind: 'all' | 'any'; of: TextRequirement[] } | null

/** The query's necessary condition on a capture's search text. */
export function textRequirementOf(query: CaptureQuery): TextRequirement {
  return requirementOf(query.root)
}

function requirementOf(node: QueryNode): TextRequirement {
  switch (node.kind) {
    case 'term':
      return termRequirement(node.term)
    case 'not':
      // A capture that lacks the text matches `-text`: nothing can be required.
      return null
    case 'and': {
      const parts = node.nodes.map(requirementOf).filter((part): part is NonNullable<TextRequirement> => part !== null)
      return parts.length === 0 ? null : parts.length === 1 ? (parts[0] as NonNullable<TextRequirement>) : { kind: 'all', of: parts }
    }
    case 'or': {
      const parts: Array<NonNullable<TextRequirement>> = []
      for (const child of node.nodes) {
        const part = requirementOf(child)
        // One alternative that requires nothing makes the whole OR require nothing.
        if (part === null) return null
        parts.push(part)
      }
      return { kind: 'any', of: parts }
    }
    default:
      return assertNever(node)
  }
}

function termRequirement(term: QueryTerm): TextRequirement {
  switch (term.field) {
    case 'anywhere':
    case 'header':
      // These also match across a header's name and value (`x-signature: abc`), which the sidecar
      // keeps on separate lines: only the pieces around each `:` are sure to be in it.
      return term.field === 'header' && term.name !== null ? textRequirement(term.text) : headerLineRequirement(term.text)
    case 'body':
    case 'event':
    case 'ref':
    case 'id':
    case 'target':
    case 'path':
      // A URL's path and query is looked for in the target: one line of the summary text. A
      // `path:` term looks in the path texts (`searchablePathTexts`), which the sidecar holds.
      return textRequirement(term.text)
    // The note lives in the index, not in the sidecar: a capture with a note is always a candidate
    // (see `scanSegment`), so a `note:` term can require nothing here. Nor can `from:`: where a
    // capture was imported from is in its record only.
    case 'note':
    case 'from':
    case 'query':
    case 'method':
    case 'provider':
    case 'verdict':
    case 'status':
    case 'after':
    case 'before':
      return null
    default:
      return assertNever(term)
  }
}

function textRequirement(text: string): TextRequirement {
  return searchableByBytes(text) ? { kind: 'text', text } : null
}

/** Pieces of a header line required at most: the longest (requiring fewer is still sound). */
const MAX_HEADER_LINE_PIECES = 2

/**
 * What text that may match a header line (`name: value`) requires: itself without a colon, else
 * the longest pieces between its colons (and the space after one). Each piece lies within the
 * name, the value or the other places the sidecar holds whole, wherever the text matched. Each
 * text required is one more search over every capture's text: a phrase of 300 colons asked for 300.
 */
function headerLineRequirement(text: string): TextRequirement {
  if (!text.includes(':')) return textRequirement(text)
  const distinct = [...new Set(text.split(/: ?/).filter((piece) => piece !== ''))]
  const longest = new Set([...distinct].sort((a, b) => b.length - a.length).slice(0, MAX_HEADER_LINE_PIECES))
  const pieces = distinct.filter((piece) => longest.has(piece)).map(textRequirement)
  const required = pieces.filter((piece): piece is NonNullable<TextRequirement> => piece !== null)
  return required.length === 0 ? null : required.length === 1 ? (required[0] as NonNullable<TextRequirement>) : { kind: 'all', of: required }
}

/**
 * Whether looking for the UTF-8 bytes of `text` finds exactly where the string occurs. Not for
 * the empty text (found everywhere) or text with an unpaired surrogate, whose UTF-8 (a
 * replacement character) does not occur where the string does inside a pair.
 */
function searchableByBytes(text: string): boolean {
  if (text === '') return false
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code < 0xd800 || code > 0xdfff) continue
    const next = text.charCodeAt(index + 1)
    if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false
    index++
  }
  return true
}

/** Every distinct text the requirement looks for. */
export function requiredTexts(requirement: TextRequirement): string[] {
  const texts = new Set<string>()
  const visit = (part: TextRequirement): void => {
    if (part === null) return
    if (part.kind === 'text') texts.add(part.text)
    else part.of.forEach(visit)
  }
  visit(requirement)
  return [...texts]
}

/** Whether a capture whose search text contains the texts `found` says it does can match. */
export function meetsRequirement(requirement: TextRequirement, found: (text: string) => boolean): boolean {
  if (requirement === null) return true
  switch (requirement.kind) {
    case 'text':
      return found(requirement.text)
    case 'all':
      return requirement.of.every((part) => meetsRequirement(part, found))
    case 'any':
      return requirement.of.some((part) => meetsRequirement(part, found))
    default:
      return assertNever(requirement)
  }
}
