/**
 * Deciding a query from a capture's search text alone, where that text settles it: the capture
 * then need not be read, parsed and decoded from its log. query-prefilter.ts says what a capture's
 * search text must contain to be worth reading; this goes further, in three-valued logic (true,
 * false, or "read the capture"), so that a term under a NOT, or a match, is settled too. A search
 * for `jane -stripe` over 100,000 captures read 75,000 of them to confirm what their search texts
 * already said (1.2 to 3 s); decided here, it reads none.
 *
 * A term is settled:
 * - false, when its search text lacks what the term requires (`termRequirementOf`, the
 *   prefilter's soundness: the sidecar holds every string the matcher looks in);
 * - true, for a bare word or phrase (`anywhere`) whose text is in the capture's search text and
 *   holds no line feed: an entry's text is its id, summary text, header names, header values and
 *   body text joined by line feeds, and a bare word matches when any one of these holds it. Other
 *   fields look in one part only (`body:` in the body text, not in a header), which the entry's
 *   text cannot tell apart, so their presence settles nothing.
 * Everything else (method, status, provider, dates, path and query) is left to the matcher.
 */
import { evaluateQueryNode, type CaptureQuery, type QueryNode, type QueryTerm } from '../../shared/capture-query'
import { meetsRequirement, requiredTexts, textRequirementOf, type TextRequirement } from './query-prefilter'

export interface SearchTextDecision {
  /** Every text whose presence in a capture's search text the decision looks at. */
  readonly texts: readonly string[]
  /**
   * `true` or `false` when the capture's search text settles whether it matches (`found` says
   * whether a text is in it); `null` when the capture must be read to know.
   */
  decide(found: (text: string) => boolean): boolean | null
}

/** A term with what its search text says of it. */
interface TermRule {
  requirement: TextRequirement
  /** The text whose presence makes the term true, when presence settles it. */
  trueWhenFound: string | null
}

/**
 * The decision for a query and the summary text filter (`CaptureFilter.text`, looked for in the
 * summary text only: its absence settles "no match", its presence nothing).
 */
export function searchTextDecision(query: CaptureQuery | null, summaryText: string | undefined): SearchTextDecision {
  const rules = new Map<QueryTerm, TermRule>()
  const texts = new Set<string>()
  const visit = (node: QueryNode): void => {
    if (node.kind === 'not') visit(node.node)
    else if (node.kind === 'and' || node.kind === 'or') node.nodes.forEach(visit)
    else if (query !== null && !rules.has(node.term)) {
      const { term } = node
      // The prefilter's requirement of this term alone.
      const requirement = textRequirementOf({ ...query, root: node })
      const trueWhenFound =
        term.field === 'anywhere' && requirement?.kind === 'text' && requirement.text === term.text && !term.text.includes('\n') ? term.text : null
      rules.set(term, { requirement, trueWhenFound })
      for (const text of requiredTexts(requirement)) texts.add(text)
    }
  }
  if (query !== null) visit(query.root)
  const summaryRequirement: TextRequirement = summaryText === undefined || summaryText === '' ? null : { kind: 'text', text: summaryText }
  for (const text of requiredTexts(summaryRequirement)) texts.add(text)

  /** What the search text says of one term. */
  const termValue = (term: QueryTerm, found: (text: string) => boolean): boolean | null => {
    const rule = rules.get(term)
    if (rule === undefined) return null
    if (rule.requirement !== null && !meetsRequirement(rule.requirement, found)) return false
    return rule.trueWhenFound !== null && found(rule.trueWhenFound) ? true : null
  }

  return {
    texts: [...texts],
    decide(found) {
      if (summaryRequirement !== null && !meetsRequirement(summaryRequirement, found)) return false
      const decided = query === null ? true : evaluateQueryNode(query.root, (term) => termValue(term, found))
      // The summary text filter's presence settles nothing: the text may be in the body, not the summary.
      return decided === true && summaryRequirement !== null ? null : decided
    },
  }
}
