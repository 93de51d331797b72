/**
 * Parsing a query (capture-query.ts describes the language): the tokens (capture-query-tokens.ts)
 * read by a recursive descent whose depth is capped, each term compiled (capture-query-terms.ts)
 * as it is met, and the children of AND and OR ordered cheapest first.
 */
import { assertNever } from './assert-never'
import {
  CaptureQueryError,
  MAX_CAPTURE_QUERY_LENGTH,
  MAX_QUERY_NESTING,
  MAX_QUERY_TERMS,
  termCost,
  type CaptureQueryParse,
  type QueryCost,
  type QueryNode,
  type QueryTerm,
} from './capture-query'
import { alternativesOf, compileTerm } from './capture-query-terms'
import { tokenize, type Token } from './capture-query-tokens'

/**
 * Parses a query. Blank text gives `query: null` (it filters nothing). `now` (ms) anchors relative
 * times such as `after:-2h`; it defaults to the clock.
 */
export function parseCaptureQuery(source: string, options: { now?: number } = {}): CaptureQueryParse {
  try {
    if (source.length > MAX_CAPTURE_QUERY_LENGTH) {
      throw new CaptureQueryError(`the query is longer than ${MAX_CAPTURE_QUERY_LENGTH} characters`, MAX_CAPTURE_QUERY_LENGTH)
    }
    const tokens = tokenize(source)
    if (tokens.length === 0) return { ok: true, query: null }
    const terms: QueryTerm[] = []
    const parser = new Parser(tokens, source.length, options.now ?? Date.now(), terms)
    const root = parser.parseQuery()
    return {
      ok: true,
      query: {
        source,
        root,
        terms,
        needsHeaders: terms.some((term) => termCost(term) !== 'summary'),
        needsBody: terms.some((term) => termCost(term) === 'body'),
      },
    }
  } catch (error: unknown) {
    if (error instanceof CaptureQueryError) return { ok: false, error }
    throw error
  }
}

//   query := and
//   and   := or ( [AND] or )*
//   or    := unary ( OR unary )*
//   unary := ( - | NOT )* primary
//   primary := '(' and ')' | term
//
// OR binds tighter than AND, as in Gmail's search: `provider:stripe OR provider:adyen status:5xx`
// is (stripe or adyen) and 5xx, which is what a person typing it means.

class Parser {
  private next = 0
  private depth = 0
  /** Terms met so far, as typed (not their alternatives). */
  private typedTerms = 0

  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
    private readonly now: number,
    private readonly terms: QueryTerm[],
  ) {}

  parseQuery(): QueryNode {
    const root = this.parseAnd()
    const left = this.tokens[this.next]
    if (left) throw new CaptureQueryError(left.kind === 'close' ? 'unmatched )' : 'unexpected text', left.position)
    return root
  }

  private peek(): Token | undefined {
    return this.tokens[this.next]
  }

  private where(token: Token | undefined): number {
    return token?.position ?? this.length
  }

  private parseAnd(): QueryNode {
    const nodes: QueryNode[] = []
    for (;;) {
      const token = this.peek()
      if (token === undefined || token.kind === 'close') break
      if (token.kind === 'and') {
        if (nodes.length === 0) throw new CaptureQueryError('AND needs a term before it', token.position)
        this.next++
        const following = this.peek()
        if (!startsOperand(following) || following?.kind === 'and') throw new CaptureQueryError('AND needs a term after it', token.position)
        continue
      }
      // An OR right after a term is taken by parseOr: one here has nothing on its left.
      if (token.kind === 'or') throw new CaptureQueryError('OR needs a term before it', token.position)
      nodes.push(this.parseOr())
    }
    if (nodes.length === 0) {
      const token = this.peek()
      if (token?.kind === 'close') throw new CaptureQueryError(this.depth > 0 ? 'empty group' : 'unmatched )', token.position)
      throw new CaptureQueryError('a term is expected', this.where(token))
    }
    return combine('and', nodes)
  }

  private parseOr(): QueryNode {
    const nodes = [this.parseUnary()]
    while (this.peek()?.kind === 'or') {
      const or = this.tokens[this.next++] as Token
      const following = this.peek()
      if (!startsOperand(following) || following?.kind === 'and') throw new CaptureQueryError('OR needs a term after it', or.position)
      nodes.push(this.parseUnary())
    }
    return combine('or', nodes)
  }

  private parseUnary(): QueryNode {
    let negations = 0
    let token = this.peek()
    while (token?.kind === 'minus' || token?.kind === 'not') {
      negations++
      const operator = token
      this.next++
      token = this.peek()
      if (!startsOperand(token) || token?.kind === 'and') {
        throw new CaptureQueryError(`${operator.kind === 'not' ? 'NOT' : '-'} needs a term after it`, operator.position)
      }
    }
    const node = this.parsePrimary()
    return negations % 2 === 1 ? { kind: 'not', node } : node
  }

  private parsePrimary(): QueryNode {
    const token = this.tokens[this.next++] as Token
    if (token.kind === 'open') {
      if (this.depth >= MAX_QUERY_NESTING) throw new CaptureQueryError(`groups nest deeper than ${MAX_QUERY_NESTING}`, token.position)
      this.depth++
      const node = this.parseAnd()
      this.depth--
      if (this.peek()?.kind !== 'close') throw new CaptureQueryError('unclosed (', token.position)
      this.next++
      return node
    }
    if (token.kind !== 'term') throw new CaptureQueryError('a term is expected', token.position)
    if (++this.typedTerms > MAX_QUERY_TERMS) {
      throw new CaptureQueryError(`a query holds at most ${MAX_QUERY_TERMS} terms (a phrase in quotes is one)`, token.position)
    }
    const term = compileTerm(token, this.now)
    const alternatives = alternativesOf(term)
    this.terms.push(term, ...alternatives)
    const node: QueryNode = { kind: 'term', term }
    return alternatives.length === 0 ? node : combine('or', [node, ...alternatives.map((alternative): QueryNode => ({ kind: 'term', term: alternative }))])
  }
}

function startsOperand(token: Token | undefined): boolean {
  return token !== undefined && token.kind !== 'close' && token.kind !== 'or'
}

const COST_ORDER: Record<QueryCost, number> = { summary: 0, headers: 1, body: 2 }

function nodeCost(node: QueryNode): number {
  switch (node.kind) {
    case 'term':
      return COST_ORDER[termCost(node.term)]
    case 'not':
      return nodeCost(node.node)
    case 'and':
    case 'or':
      // Children are sorted cheapest first, so the last is the dearest.
      return nodeCost(node.nodes.at(-1) as QueryNode)
    default:
      return assertNever(node)
  }
}

/** One node for a run of AND or OR: a single child stands alone; cheap children are tested first. */
function combine(kind: 'and' | 'or', nodes: QueryNode[]): QueryNode {
  if (nodes.length === 1) return nodes[0] as QueryNode
  const costed = nodes.map((node, order) => ({ node, order, cost: nodeCost(node) }))
  costed.sort((left, right) => left.cost - right.cost || left.order - right.order)
  return { kind, nodes: costed.map(({ node }) => node) }
}
