import { assertNever } from './assert-never'
import type { QueryNode, QueryTerm } from './capture-query'

/**
 * A query's answer in three-valued logic: each term is true, false or `null` (not known from what
 * is at hand), and NOT, AND and OR combine them so that an answer is `null` only when the unknown
 * terms could change it. Used with a capture's parts (capture-query-match.ts) and with its search text
 * alone (core/search/search-text-decision.ts).
 */
export function evaluateQueryNode(node: QueryNode, termValue: (term: QueryTerm) => boolean | null): boolean | null {
  switch (node.kind) {
    case 'term':
      return termValue(node.term)
    case 'not': {
      const inner = evaluateQueryNode(node.node, termValue)
      return inner === null ? null : !inner
    }
    case 'and': {
      let open = false
      for (const child of node.nodes) {
        const result = evaluateQueryNode(child, termValue)
        if (result === false) return false
        if (result === null) open = true
      }
      return open ? null : true
    }
    case 'or': {
      let open = false
      for (const child of node.nodes) {
        const result = evaluateQueryNode(child, termValue)
        if (result === true) return true
        if (result === null) open = true
      }
      return open ? null : false
    }
    default:
      return assertNever(node)
  }
}
