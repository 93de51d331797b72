/**
 * The query's tokens: one pass over the text, giving words, phrases, field terms (`body:x`,
 * `header.x-sig:"a b"`), parentheses and the operators. Linear in the text's length.
 */
import { CaptureQueryError, QUERY_FIELDS } from './capture-query'
import { foldForSearch } from './search-text-form'

export type Token =
  | { kind: 'open' | 'close' | 'or' | 'and' | 'not' | 'minus'; position: number }
  /** `field` is lower-cased (`header.x-sig`), `null` for a bare word or phrase. */
  | { kind: 'term'; position: number; field: string | null; value: string }

const isSpace = (char: string): boolean =>
  char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f' || char === '\v' || char === '\u00a0'
/** Characters that end a word: to search for them, quote the text. */
const endsWord = (char: string): boolean => isSpace(char) || char === '(' || char === ')' || char === '"'

/** One pass over the text. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < source.length) {
    const char = source[at] as string
    if (isSpace(char)) {
      at++
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char === '(' ? 'open' : 'close', position: at })
      at++
    } else if (char === '"') {
      const phrase = readPhrase(source, at)
      tokens.push({ kind: 'term', position: at, field: null, value: phrase.text })
      at = phrase.end
    } else if (char === '-') {
      // A minus that starts a term excludes it; inside a word (`order-4711`, `after:-2h`) it is text.
      const following = source[at + 1]
      if (following === undefined || isSpace(following) || following === ')') throw new CaptureQueryError('- needs a term after it', at)
      tokens.push({ kind: 'minus', position: at })
      at++
    } else {
      let end = at
      while (end < source.length && !endsWord(source[end] as string)) end++
      const word = source.slice(at, end)
      const token = wordToken(word, at, source, end)
      tokens.push(token.token)
      at = token.end
    }
  }
  return tokens
}

/** A quoted phrase from its opening quote; `\"` and `\\` inside it stand for `"` and `\`. */
function readPhrase(source: string, start: number): { text: string; end: number } {
  let text = ''
  let at = start + 1
  while (at < source.length) {
    const char = source[at] as string
    if (char === '"') return { text, end: at + 1 }
    if (char === '\\' && (source[at + 1] === '"' || source[at + 1] === '\\')) {
      text += source[at + 1]
      at += 2
    } else {
      text += char
      at++
    }
  }
  throw new CaptureQueryError('unclosed quote', start)
}

/** A field name: letters, or `header.`/`query.` and a header or parameter name. */
const FIELD_NAME = /^(?:[a-z]+|(?:header|query)\.[^\s:()"]+)$/i
/** Prefixes of URLs and such, searched as text rather than refused as unknown fields (`localhost:4100/shop`). */
const TEXT_PREFIXES = new Set(['http', 'https', 'urn', 'mailto', 'tel', 'data', 'localhost'])

function wordToken(word: string, position: number, source: string, end: number): { token: Token; end: number } {
  if (word === 'OR' || word === 'AND' || word === 'NOT') {
    return { token: { kind: word === 'OR' ? 'or' : word === 'AND' ? 'and' : 'not', position }, end }
  }
  const colon = word.indexOf(':')
  const name = colon > 0 ? word.slice(0, colon) : ''
  const namedField = name.toLowerCase()
  // `header.:x` would otherwise be searched as plain text and silently match nothing.
  if (namedField === 'header.' || namedField === 'query.') {
    const what = namedField === 'header.' ? 'header' : 'parameter'
    throw new CaptureQueryError(`${name} needs a ${what} name before the colon, as in ${namedField}NAME:text`, position + colon)
  }
  if (colon <= 0 || !FIELD_NAME.test(name) || TEXT_PREFIXES.has(name.toLowerCase())) {
    return { token: { kind: 'term', position, field: null, value: word }, end }
  }
  // A parameter's name is compared folded, as the names in the target are (`query.STRASSE:` is `query.straße:`).
  const field = namedField.startsWith('query.') ? `query.${foldForSearch(name.slice('query.'.length))}` : namedField
  const base = field.startsWith('header.') ? 'header' : field.startsWith('query.') ? 'query' : field
  if (!(QUERY_FIELDS as readonly string[]).includes(base)) {
    throw new CaptureQueryError(`unknown field "${name}" (fields: ${QUERY_FIELDS.join(', ')}; put text in quotes to search for it as is)`, position)
  }
  const rest = word.slice(colon + 1)
  if (rest !== '') return { token: { kind: 'term', position, field, value: rest }, end }
  // `field:"a phrase"`: the value is the phrase that follows the colon.
  if (source[end] === '"') {
    const phrase = readPhrase(source, end)
    return { token: { kind: 'term', position, field, value: phrase.text }, end: phrase.end }
  }
  throw new CaptureQueryError(`${name}: needs a value`, position + colon + 1)
}
