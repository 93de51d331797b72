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
 * or an exponent becomes a double, and serialises the result (`numberAsNewtonsoftWrites`): a decimal
 * Amount the body writes 1500.00 (a decimal(18,2)) is signed as 1500.0, 100.50 as 100.5, 1e-5 as
 * 1E-05 (`as-sdks-read`). Newtonsoft also escapes U+0085, U+2028 and U+2029 in
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
  /** How `as-sdks-read` writes doubles. */
  runtime?: DotnetRuntime
  order?: PlexoMemberOrder
  /**
   * Keep null members. Newtonsoft leaves out a class's null properties (NullValueHandling.Ignore)
   * but writes a dictionary's null values (SerializeDictionary has no null check).
   */
  keepNulls?: boolean
  /** A string value as the signer rewrote it (plexo-dotnet's dates), or `null` to keep it. */
  rewriteString?: (value: string) => string | null
}

/** A string or member name as JSON with U+2028 and U+2029 escaped, as PHP's json_encode writes them. */
export function jsonStringEscapingSeparators(text: string): string {
  return JSON.stringify(text).replace(/[\u2028\u2029]/g, (separator) => `\\u${separator.charCodeAt(0).toString(16)}`)
}

/** A string or member name as Newtonsoft writes it: U+0085 (next line), U+2028 and U+2029 escaped too (JavaScriptUtils). */
function newtonsoftString(text: string): string {
  return JSON.stringify(text).replace(/[\u0085\u2028\u2029]/g, (separator) => `\\u${separator.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A string or member name as the signed text writes it (see `PlexoReading`). */
function plexoString(text: string, reading: PlexoReading): string {
  return reading === 'as-written' ? JSON.stringify(text) : newtonsoftString(text)
}

/**
 * The runtime under Newtonsoft, which writes a double through `double.ToString("R")`: .NET Core
 * 3.0 and later give the shortest digits that read back the same and switch to E notation only
 * when the first digit's place passes 17 (`DoublePrecision`); .NET Framework tries 15 digits, else
 * 17 (not always the shortest), and switches from the 15-digit form's place 16 on: 1e15 is
 * 1000000000000000.0 on the first and 1E+15 on the second.
 */
export type DotnetRuntime = 'dotnet' | 'dotnet-framework'

/** Significant digits (no trailing zeros) and the place of the first one, as `ToString("R")` chooses them, with the place past which it writes E notation. */
function roundTripDigits(value: number, runtime: DotnetRuntime): { digits: string; place: number; widest: number } {
  const magnitude = Math.abs(value)
  const written = (significant: number) => {
    const [mantissa = '', exponent = '0'] = (significant === 0 ? magnitude.toExponential() : magnitude.toExponential(significant - 1)).split('e')
    return { digits: mantissa.replace('.', '').replace(/0+$/, '') || '0', place: Number(exponent) + 1 }
  }
  if (runtime === 'dotnet') return { ...written(0), widest: 17 }
  const fifteen = magnitude.toExponential(14)
  return Number(fifteen) === magnitude ? { ...written(15), widest: 15 } : { ...written(17), widest: 17 }
}

/**
 * A number as Newtonsoft writes it after JObject.Parse read it: an integer (Int64, else BigInteger)
 * by its digits, so -0 as 0; any other number as a double (`JsonConvert.ToString(double)`): its
 * `ToString("R")` digits (`DotnetRuntime`), in E notation with at least two exponent digits past the
 * runtime's place and below 1E-04 (place -3), with ".0" added when the text has neither a point nor
 * an exponent.
 */
export function numberAsNewtonsoftWrites(lexeme: string, runtime: DotnetRuntime = 'dotnet'): string {
  if (/^-?\d+$/.test(lexeme)) return lexeme === '-0' ? '0' : lexeme
  const value = Number(lexeme)
  // Past the double range .NET reads an infinity, which Newtonsoft writes as a string: not a number to sign.
  if (!Number.isFinite(value)) return lexeme
  // .NET Core 3.0 and later write a negative zero's sign, .NET Framework does not.
  if (value === 0) return Object.is(value, -0) && runtime === 'dotnet' ? '-0.0' : '0.0'
  const sign = value < 0 ? '-' : ''
  const { digits, place, widest } = roundTripDigits(value, runtime)
  if (place > widest || place < -3) {
    const exponent = place - 1
    return `${sign}${digits.slice(0, 1)}${digits.length > 1 ? `.${digits.slice(1)}` : ''}E${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
  }
  if (place <= 0) return `${sign}0.${'0'.repeat(-place)}${digits}`
  const whole = digits.slice(0, place).padEnd(place, '0')
  const fraction = digits.slice(place)
  return `${sign}${whole}.${fraction || '0'}`
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
      return reading === 'as-sdks-read' ? numberAsNewtonsoftWrites(value.lexeme, options.runtime) : value.lexeme
    case 'string': {
      const rewritten = options.rewriteString?.(value.value) ?? null
      return plexoString(rewritten ?? value.value, reading)
    }
    case 'array':
      return `[${value.items.map((item) => plexoCanonicalJson(item, options)).join(',')}]`
    case 'object': {
      const present = options.keepNulls ? [...value.entries] : value.entries.filter(([, member]) => member.type !== 'null')
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
