/**
 * The text a Plexo legacy envelope's `Object` is signed as, rebuilt from the body: canonical JSON
 * (members sorted recursively, no whitespace, null members omitted) written the way plexo-dotnet's
 * SignatureHelper writes it. PHPClient's text is in plexo-php-text.ts, plexo-dotnet's local-time
 * dates in plexo-local-dates.ts.
 */
import type { RawJson } from './body'

/**
 * How the signed text writes numbers and strings. plexo-dotnet's SignatureHelper (Sign and Verify alike)
 * serialises the object, parses that again with JObject.Parse, where a number with a decimal point
 * or an exponent becomes a double, and serialises the result (Newtonsoft `JsonConvert.ToString(double)`):
 * a decimal Amount the body writes 1500.00 (a decimal(18,2)) is signed as 1500.0, 100.50 as 100.5,
 * 1000000000000000.0 as 1E+15 (`as-sdks-read`). Newtonsoft also escapes U+2028 and U+2029 in
 * strings, where JSON.stringify leaves them raw. `as-written` keeps the body's own digits and those
 * characters raw, for a signer that did neither.
 */
export type PlexoReading = 'as-sdks-read' | 'as-written'

/**
 * The order of an object's members in the signed text. `ordinal` compares UTF-16 code units
 * (providers.md §3.2). plexo-dotnet's SignatureHelper sorts with `OrderBy(p => p.Name)`, whose
 * default comparison is the culture's: letters compare without regard to case, so FieldType's
 * "CommerceRUT" comes after "CommerceReferenceId" there and before it in ordinal order
 * (`dotnet-culture`).
 */
export type PlexoMemberOrder = 'ordinal' | 'dotnet-culture'

export interface PlexoTextOptions {
  reading?: PlexoReading
  order?: PlexoMemberOrder
  /** A string value as the signer rewrote it (plexo-dotnet's dates), or `null` to keep it. */
  rewriteString?: (value: string) => string | null
}

/** A string or member name as JSON with U+2028 and U+2029 escaped, as Newtonsoft and json_encode write them. */
export function jsonStringEscapingSeparators(text: string): string {
  return JSON.stringify(text).replace(/[\u2028\u2029]/g, (separator) => (separator === '\u2028' ? '\\u2028' : '\\u2029'))
}

/** A string or member name as the signed text writes it (see `PlexoReading`). */
function plexoString(text: string, reading: PlexoReading): string {
  return reading === 'as-written' ? JSON.stringify(text) : jsonStringEscapingSeparators(text)
}

/** A number as the SDKs write it after reading it back (see `PlexoReading`). */
function numberAsNewtonsoftWrites(lexeme: string): string {
  // Integers are read as integers (Int64, BigInteger): their digits stay.
  if (/^-?\d+$/.test(lexeme)) return lexeme
  const value = Number(lexeme)
  if (Object.is(value, -0)) return '-0.0'
  // Below 1e-4 and from 1e15 on, Newtonsoft writes 1E-05 / 1E+15 and PHP 1.0e-5 / 1.0e+15: no one
  // spelling to sign, and no amount gets there, so the body's own digits are kept.
  if (value !== 0 && !(Math.abs(value) >= 1e-4 && Math.abs(value) < 1e15)) return lexeme
  // In this range JS writes the shortest double in plain digits, as both SDKs do.
  const text = String(value)
  return text.includes('.') ? text : `${text}.0`
}

const ORDINAL = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * .NET's culture comparison of two names of ASCII letters and digits (where the cultures .NET runs
 * under agree): case-blind first, then a lower-case letter before its capital.
 */
function dotnetCultureCompare(a: string, b: string): number {
  const lowerA = a.toLowerCase()
  const lowerB = b.toLowerCase()
  if (lowerA !== lowerB) return ORDINAL(lowerA, lowerB)
  for (let index = 0; index < a.length; index++) {
    if (a[index] !== b[index]) return a[index] === lowerA[index] ? -1 : 1
  }
  return 0
}

/** The comparison for one object's names: the culture's only for names of ASCII letters and digits (others: their order there is not certain). */
function memberComparison(names: readonly string[], order: PlexoMemberOrder): (a: string, b: string) => number {
  return order === 'dotnet-culture' && names.every((name) => /^[A-Za-z0-9]+$/.test(name)) ? dotnetCultureCompare : ORDINAL
}

/** Canonical JSON of a parsed value, as Plexo signs it. */
export function plexoCanonicalJson(value: RawJson, options: PlexoTextOptions = {}): string {
  const reading = options.reading ?? 'as-sdks-read'
  switch (value.type) {
    case 'null':
      return 'null'
    case 'boolean':
      return value.value ? 'true' : 'false'
    case 'number':
      return reading === 'as-sdks-read' ? numberAsNewtonsoftWrites(value.lexeme) : value.lexeme
    case 'string': {
      const rewritten = options.rewriteString?.(value.value) ?? null
      return plexoString(rewritten ?? value.value, reading)
    }
    case 'array':
      return `[${value.items.map((item) => plexoCanonicalJson(item, options)).join(',')}]`
    case 'object': {
      const present = value.entries.filter(([, member]) => member.type !== 'null')
      const compare = memberComparison(
        present.map(([key]) => key),
        options.order ?? 'ordinal',
      )
      const members = present.sort(([a], [b]) => compare(a, b))
      return `{${members.map(([key, member]) => `${plexoString(key, reading)}:${plexoCanonicalJson(member, options)}`).join(',')}}`
    }
    default: {
      const exhaustive: never = value
      return String(exhaustive)
    }
  }
}
