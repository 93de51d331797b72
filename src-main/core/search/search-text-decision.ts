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
 *   body text joined by line feeds, and a bare word matches when any one of these holds it (the
 *   id only whole or by its start: a text the id holds is left to the matcher);
 * - true, for a `body:` term whose text is in the entry's body text (its last line, which the
 *   sidecar locates). Other fields look in one part the entry's text does not locate (`event:`,
 *   `ref:`, a header), so their presence settles nothing;
 * - true or false, for a `path:` term: true exactly when its text is in the entry's path texts
 *   (its path as received and decoded, which the sidecar locates), so a path filter over 100,000
 *   captures reads none of them.
 * Everything else (method, status, provider, dates, query) is left to the matcher.
 */
import type { CaptureQuery, QueryNode, QueryTerm } from '../../shared/capture-query'
import { evaluateQueryNode } from '../../shared/capture-query-logic'
import { meetsRequirement, requiredTexts, textRequirementOf, type TextRequirement } from './query-prefilter'

/** What a capture's search text holds of the texts looked for. */
export interface SearchTextHits {
  /** Whether the text is anywhere in it. */
  has(text: string): boolean
  /** Whether the text is in its body text. */
  inBody(text: string): boolean
  /** Whether the text is in its summary text (what `CaptureFilter.text` looks in). */
  inSummary(text: string): boolean
  /** Whether the text is in its path texts (what a `path:` term looks in). */
  inPath(text: string): boolean
  /**
   * Whether the text is in its capture id (the entry's first line): a bare word finds an id only
   * whole or by its start (capture-query-match.ts), so a text found there may be found nowhere else.
   */
  inId(text: string): boolean
}

export interface SearchTextDecision {
  /** Every text whose presence in a capture's search text the decision looks at. */
  readonly texts: readonly string[]
  /** `true` or `false` when the capture's search text settles whether it matches; `null` when the capture must be read to know. */
  decide(hits: SearchTextHits): boolean | null
}

/** A term with what its search text says of it. */
interface TermRule {
  requirement: TextRequirement
  /**
   * The text whose presence (anywhere, in the body text or in the path texts) makes the term true,
   * when presence settles it; in the path texts, its absence makes it false too.
   */
  trueWhenFound: { text: string; where: 'anywhere' | 'body' | 'path' } | null
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
      rules.set(term, { requirement, trueWhenFound: presenceRule(term, requirement) })
      for (const text of requiredTexts(requirement)) texts.add(text)
    }
  }
  if (query !== null) visit(query.root)
  const summaryRequirement: TextRequirement = summaryText === undefined || summaryText === '' ? null : { kind: 'text', text: summaryText }
  for (const text of requiredTexts(summaryRequirement)) texts.add(text)

  /** What the search text says of one term. */
  const termValue = (term: QueryTerm, hits: SearchTextHits): boolean | null => {
    const rule = rules.get(term)
    if (rule === undefined) return null
    if (rule.requirement !== null && !meetsRequirement(rule.requirement, (text) => hits.has(text))) return false
    const when = rule.trueWhenFound
    if (when === null) return null
    if (when.where === 'path') return hits.inPath(when.text)
    if (when.where === 'body') return hits.inBody(when.text) ? true : null
    return hits.has(when.text) && !hits.inId(when.text) ? true : null
  }

  return {
    texts: [...texts],
    decide(hits) {
      if (summaryRequirement !== null && !meetsRequirement(summaryRequirement, (text) => hits.has(text))) return false
      const decided = query === null ? true : evaluateQueryNode(query.root, (term) => termValue(term, hits))
      // The summary text filter's presence elsewhere settles nothing (the text may be in the body,
      // not the summary); in the summary text, it is the filter's match. A text filter matching a
      // quarter of 1,000,000 captures read every one of them from the logs to confirm it (19 s).
      return decided === true && summaryText !== undefined && summaryText !== '' && !hits.inSummary(summaryText) ? null : decided
    },
  }
}

/**
 * The text whose presence makes a term true: a bare word's anywhere, a `body:` term's in the body
 * text, a `path:` term's in the path texts; `null` for the others.
 */
function presenceRule(term: QueryTerm, requirement: TextRequirement): TermRule['trueWhenFound'] {
  if (term.field !== 'anywhere' && term.field !== 'body' && term.field !== 'path') return null
  // Required whole (not in pieces, as a pasted header line is), so its presence is the term's.
  if (requirement?.kind !== 'text' || requirement.text !== term.text) return null
  if (term.field === 'body') return { text: term.text, where: 'body' }
  // A line feed in it could join two lines of the entry, two parts a bare word (or the path
  // received and the path decoded) looks in apart.
  return term.text.includes('\n') ? null : { text: term.text, where: term.field }
}
