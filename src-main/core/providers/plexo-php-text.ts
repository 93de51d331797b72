/**
 * The text plexouy/PHPClient signs and checks (`SignedMessage::getSignatureBaseString`), rebuilt
 * from an envelope's `Object`. PHPClient decodes the body with `json_decode($json, true)` (objects
 * become PHP arrays; a member name that is a canonical decimal integer becomes an integer key; an
 * empty `{}` is kept through a `{"__sdkEmptyMap":1}` placeholder), builds
 * `['Fingerprint' => strtoupper(…), 'UTCUnixTimeExpiration' => …, 'Object' => …]` (the envelope's
 * other members are dropped), sorts it with `ksortRecursive` (PHP's `ksort($array, SORT_REGULAR)`
 * at every level, except an array whose first key is the integer 0, left as it is) and writes it
 * with `json_encode(…, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES)`. That differs from the
 * .NET text: integer keys sort as numbers ("9" before "10"), an array whose keys end up 0…n-1 is
 * written as a JSON list, null members stay, and doubles are written as PHP writes them (`1500`
 * for 1500.00, `1.0e+17`, `1.0e-5`; an integer past 64 bits becomes a double).
 *
 * PHP 8 (from 8.0.23, 8.1.10 and 8.2.0: php/php-src#9296) compares an integer key with a
 * non-numeric string key as strings ("5" before "a"); PHP 7 and earlier 8.0 and 8.1 releases read
 * the string as a number ("a" as 0, before 5), so both orders are offered when they differ. Not
 * emulated: PHP before 7.1 (doubles written with 17 digits), and a `{ }` written with a space
 * (PHPClient keeps only a compact `{}` as an object).
 */
import type { RawJson } from './body'
import { jsonStringEscapingSeparators } from './plexo-signed-text'

type PhpKey = { type: 'int'; value: bigint } | { type: 'string'; value: string }

/** A decoded value: a scalar already written as json_encode writes it, or an array. */
type PhpValue = { type: 'scalar'; json: string } | { type: 'array'; entries: Array<[PhpKey, PhpValue]> }

/** How `ksort` compares an integer key with a non-numeric string key (see above). */
export type PhpKeyComparison = 'php-8' | 'php-7'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** PHP's `ZEND_HANDLE_NUMERIC_STR`: "12" and "-3" are integer keys, "012", "-0" and "1.0" stay strings. */
function arrayKey(name: string): PhpKey {
  if (/^(0|-?[1-9]\d*)$/.test(name)) {
    const value = BigInt(name)
    if (value >= INT64_MIN && value <= INT64_MAX) return { type: 'int', value }
  }
  return { type: 'string', value: name }
}

/** A double as PHP's json_encode writes it (`php_gcvt` with serialize_precision -1: shortest digits; E notation from place 18 on or below place -3; no ".0"). */
function phpDouble(value: number): string | null {
  // json_encode refuses INF and NAN: no text is signed.
  if (!Number.isFinite(value)) return null
  const sign = value < 0 || Object.is(value, -0) ? '-' : ''
  if (value === 0) return `${sign}0`
  const [mantissa = '', exponent = '0'] = Math.abs(value).toExponential().split('e')
  const digits = mantissa.replace('.', '')
  const place = Number(exponent) + 1
  if (place < -3 || place > 17) {
    const power = place - 1
    return `${sign}${digits.slice(0, 1)}.${digits.slice(1) || '0'}e${power < 0 ? '-' : '+'}${Math.abs(power)}`
  }
  if (place <= 0) return `${sign}0.${'0'.repeat(-place)}${digits}`
  const fraction = digits.slice(place)
  return `${sign}${digits.slice(0, place).padEnd(place, '0')}${fraction ? `.${fraction}` : ''}`
}

/** A number as json_decode reads it and json_encode writes it back: a 64-bit integer keeps its digits (-0 is 0), anything else is a double. */
export function numberAsPhpWrites(lexeme: string): string | null {
  if (/^-?\d+$/.test(lexeme)) {
    const value = BigInt(lexeme)
    if (value >= INT64_MIN && value <= INT64_MAX) return String(value)
  }
  return phpDouble(Number(lexeme))
}

/** json_decode's array of a parsed body, or `null` when json_encode could not write it back. */
function decode(value: RawJson): PhpValue | null {
  switch (value.type) {
    case 'null':
      return { type: 'scalar', json: 'null' }
    case 'boolean':
      return { type: 'scalar', json: value.value ? 'true' : 'false' }
    case 'number': {
      const json = numberAsPhpWrites(value.lexeme)
      return json === null ? null : { type: 'scalar', json }
    }
    case 'string':
      return { type: 'scalar', json: jsonStringEscapingSeparators(value.value) }
    case 'array': {
      const entries: Array<[PhpKey, PhpValue]> = []
      for (const [index, item] of value.items.entries()) {
        const decoded = decode(item)
        if (!decoded) return null
        entries.push([{ type: 'int', value: BigInt(index) }, decoded])
      }
      return { type: 'array', entries }
    }
    case 'object': {
      // fromJson turns "{}" into this placeholder (json_decode would make it an empty list) and back after encoding.
      if (value.entries.length === 0)
        return {
          type: 'array',
          entries: [
            [
              { type: 'string', value: '__sdkEmptyMap' },
              { type: 'scalar', json: '1' },
            ],
          ],
        }
      const entries: Array<[PhpKey, PhpValue]> = []
      for (const [name, member] of value.entries) {
        const decoded = decode(member)
        if (!decoded) return null
        const key = arrayKey(name)
        // A member written twice keeps its first place and its last value.
        const earlier = entries.find(([known]) => known.type === key.type && known.value === key.value)
        if (earlier) earlier[1] = decoded
        else entries.push([key, decoded])
      }
      return { type: 'array', entries }
    }
    default: {
      const exhaustive: never = value
      return exhaustive
    }
  }
}

/** PHP 8's numeric strings (leading and trailing whitespace allowed): an integer, a double, or `null`. */
function numericString(text: string): { type: 'int'; value: bigint } | { type: 'double'; value: number } | null {
  const match = /^[ \t\n\r\v\f]*([+-]?(?:\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)[ \t\n\r\v\f]*$/.exec(text)
  if (!match?.[1]) return null
  if (match[2] === undefined && match[3] === undefined) {
    const value = BigInt(match[1])
    if (value >= INT64_MIN && value <= INT64_MAX) return { type: 'int', value }
  }
  return { type: 'double', value: Number(match[1]) }
}

/** The number PHP 7 reads from a string compared with an integer key: its leading number, else 0. */
function leadingNumber(text: string): number {
  const match = /^[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text)
  return match ? Number(match[0]) : 0
}

const threeWay = (a: number | bigint, b: number | bigint): number => (a < b ? -1 : a > b ? 1 : 0)

/** `zend_binary_strcmp`: bytes (UTF-8), then length. */
const byteCompare = (a: string, b: string): number => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))

function numericCompare(a: { type: 'int'; value: bigint } | { type: 'double'; value: number }, b: typeof a): number {
  return a.type === 'int' && b.type === 'int' ? threeWay(a.value, b.value) : threeWay(Number(a.value), Number(b.value))
}

/** `ksort($array, SORT_REGULAR)`'s comparison of two keys. */
function keyCompare(a: PhpKey, b: PhpKey, comparison: PhpKeyComparison): number {
  if (a.type === 'int' && b.type === 'int') return threeWay(a.value, b.value)
  if (a.type === 'string' && b.type === 'string') {
    // zendi_smart_strcmp: two numeric strings compare as numbers, others byte by byte.
    const numberA = numericString(a.value)
    const numberB = numericString(b.value)
    return numberA && numberB ? numericCompare(numberA, numberB) : byteCompare(a.value, b.value)
  }
  const [integer, text, direction] = a.type === 'int' ? [a.value, b.value as string, 1] : [b.value as bigint, a.value, -1]
  const numeric = numericString(text)
  if (numeric) return direction * numericCompare({ type: 'int', value: integer }, numeric)
  return direction * (comparison === 'php-8' ? byteCompare(String(integer), text) : threeWay(Number(integer), leadingNumber(text)))
}

/**
 * PHP's `zend_sort` (Zend/zend_sort.c: insertion sort up to 16 items, else a quicksort step that
 * recurses), made stable as PHP 8's `ksort` is by breaking ties on the original position. Its
 * steps matter, not only its result: with an integer and strings that are not numbers PHP's
 * comparison is not transitive (10 < "5x" < 9 < 10), and the order then depends on which pairs
 * the algorithm compares.
 */
function zendSort<T>(items: T[], compare: (a: T, b: T) => number): void {
  const position = new Map(items.map((item, index) => [item, index]))
  const cmp = (a: number, b: number): number => compare(items[a]!, items[b]!) || position.get(items[a]!)! - position.get(items[b]!)!
  const swap = (a: number, b: number): void => {
    const held = items[a]!
    items[a] = items[b]!
    items[b] = held
  }
  const sort2 = (a: number, b: number) => {
    if (cmp(a, b) > 0) swap(a, b)
  }
  const sort3 = (a: number, b: number, c: number) => {
    if (cmp(a, b) <= 0) {
      if (cmp(b, c) <= 0) return
      swap(b, c)
      if (cmp(a, b) > 0) swap(a, b)
      return
    }
    if (cmp(c, b) <= 0) {
      swap(a, c)
      return
    }
    swap(a, b)
    if (cmp(b, c) > 0) swap(b, c)
  }
  const sort4 = (a: number, b: number, c: number, d: number) => {
    sort3(a, b, c)
    if (cmp(c, d) > 0) {
      swap(c, d)
      if (cmp(b, c) > 0) {
        swap(b, c)
        if (cmp(a, b) > 0) swap(a, b)
      }
    }
  }
  const sort5 = (a: number, b: number, c: number, d: number, e: number) => {
    sort4(a, b, c, d)
    if (cmp(d, e) > 0) {
      swap(d, e)
      if (cmp(c, d) > 0) {
        swap(c, d)
        if (cmp(b, c) > 0) {
          swap(b, c)
          if (cmp(a, b) > 0) swap(a, b)
        }
      }
    }
  }
  const moveDown = (from: number, to: number) => {
    for (let k = from; k > to; k--) swap(k, k - 1)
  }
  const insertSort = (start: number, count: number) => {
    if (count <= 1) return
    if (count === 2) return sort2(start, start + 1)
    if (count === 3) return sort3(start, start + 1, start + 2)
    if (count === 4) return sort4(start, start + 1, start + 2, start + 3)
    if (count === 5) return sort5(start, start + 1, start + 2, start + 3, start + 4)
    const end = start + count
    const sentry = start + 6
    for (let i = start + 1; i < sentry; i++) {
      let j = i - 1
      if (cmp(j, i) <= 0) continue
      while (j !== start) {
        j--
        if (cmp(j, i) <= 0) {
          j++
          break
        }
      }
      moveDown(i, j)
    }
    for (let i = sentry; i < end; i++) {
      let j = i - 1
      if (cmp(j, i) <= 0) continue
      for (;;) {
        j -= 2
        if (cmp(j, i) <= 0) {
          j++
          if (cmp(j, i) <= 0) j++
          break
        }
        if (j === start) break
        if (j === start + 1) {
          j--
          if (cmp(i, j) > 0) j++
          break
        }
      }
      moveDown(i, j)
    }
  }
  const sort = (base: number, count: number): void => {
    for (;;) {
      if (count <= 16) return insertSort(base, count)
      const start = base
      const end = start + count
      const offset = count >> 1
      let pivot = start + offset
      if (count >> 10) {
        const delta = offset >> 1
        sort5(start, start + delta, pivot, pivot + delta, end - 1)
      } else sort3(start, pivot, end - 1)
      swap(start + 1, pivot)
      pivot = start + 1
      let i = pivot + 1
      let j = end - 1
      partition: for (;;) {
        while (cmp(pivot, i) > 0) {
          i++
          if (i === j) break partition
        }
        j--
        if (j === i) break
        while (cmp(j, pivot) > 0) {
          j--
          if (j === i) break partition
        }
        swap(i, j)
        i++
        if (i === j) break
      }
      swap(pivot, i - 1)
      if (i - 1 - start < end - i) {
        sort(start, i - start - 1)
        base = i
        count = end - i
      } else {
        sort(i, end - i)
        base = start
        count = i - start - 1
      }
    }
  }
  sort(0, items.length)
}

/** ksortRecursive: a stable sort of every array's keys, but for an array whose first key is the integer 0. */
function sortRecursively(value: PhpValue, comparison: PhpKeyComparison): PhpValue {
  if (value.type === 'scalar') return value
  const [first] = value.entries
  const keepOrder = first !== undefined && first[0].type === 'int' && first[0].value === 0n
  const entries = value.entries.map(([key, member]): [PhpKey, PhpValue] => [key, sortRecursively(member, comparison)])
  if (!keepOrder) zendSort(entries, ([a], [b]) => keyCompare(a, b, comparison))
  return { type: 'array', entries }
}

/** json_encode: an array keyed 0…n-1 in order is a list, any other an object. */
function encode(value: PhpValue): string {
  if (value.type === 'scalar') return value.json
  const isList = value.entries.every(([key], index) => key.type === 'int' && key.value === BigInt(index))
  if (isList) return `[${value.entries.map(([, member]) => encode(member)).join(',')}]`
  return `{${value.entries.map(([key, member]) => `${jsonStringEscapingSeparators(String(key.value))}:${encode(member)}`).join(',')}}`
}

/** The member json_decode keeps for `name`: the last one. */
function lastMember(object: Extract<RawJson, { type: 'object' }>, name: string): RawJson | undefined {
  return object.entries.findLast(([key]) => key === name)?.[1]
}

/** PHP's truthiness of the decoded `Object`: null, false, 0, "", "0" and an empty list are false. */
function isFalsy(value: RawJson | undefined): boolean {
  if (value === undefined) return true
  switch (value.type) {
    case 'null':
      return true
    case 'boolean':
      return !value.value
    case 'number':
      return Number(value.lexeme) === 0
    case 'string':
      return value.value === '' || value.value === '0'
    case 'array':
      return value.items.length === 0
    case 'object':
      return false
    default: {
      const exhaustive: never = value
      return exhaustive
    }
  }
}

/**
 * The texts PHPClient signs for an envelope's `Object` (the inner envelope: Fingerprint, Object,
 * UTCUnixTimeExpiration), one per `PhpKeyComparison` when they differ; none when PHPClient could
 * not sign it (an Object that is a non-empty scalar, a number past the double range).
 */
export function plexoPhpSignedTexts(envelope: RawJson): Array<{ comparison: PhpKeyComparison; text: string }> {
  if (envelope.type !== 'object') return []
  const fingerprint = lastMember(envelope, 'Fingerprint')
  const expiry = lastMember(envelope, 'UTCUnixTimeExpiration')
  const sentObject = lastMember(envelope, 'Object')
  if (fingerprint?.type !== 'string' || expiry === undefined) return []
  // Falsy: ['Client' => null]; an array is sorted; any other value cannot be signed by PHPClient.
  const signedObject: RawJson | null = isFalsy(sentObject)
    ? { type: 'object', entries: [['Client', { type: 'null' }]] }
    : sentObject?.type === 'object' || sentObject?.type === 'array'
      ? sentObject
      : null
  if (!signedObject) return []
  const fingerprintValue = decode({ type: 'string', value: fingerprint.value.replace(/[a-z]+/g, (letters) => letters.toUpperCase()) })
  const expiryValue = decode(expiry)
  const objectValue = decode(signedObject)
  if (!fingerprintValue || !expiryValue || !objectValue) return []
  const texts = (['php-8', 'php-7'] as const).map((comparison) => {
    // toArray sorts an array Object once, then getSignatureBaseString sorts the whole again: with
    // PHP's comparison not always transitive, the second pass can reorder what the first left.
    const object = isFalsy(sentObject) ? objectValue : sortRecursively(objectValue, comparison)
    const whole: PhpValue = {
      type: 'array',
      entries: [
        [{ type: 'string', value: 'Fingerprint' }, fingerprintValue],
        [{ type: 'string', value: 'UTCUnixTimeExpiration' }, expiryValue],
        [{ type: 'string', value: 'Object' }, object],
      ],
    }
    return { comparison, text: finish(encode(sortRecursively(whole, comparison))) }
  })
  return texts[0]!.text === texts[1]!.text ? [texts[0]!] : texts
}

/** getSignatureBaseString's last steps: "float(12.50)" strings become numbers, the empty-map placeholder `{}` again. */
function finish(json: string): string {
  return json
    .replace(/":"float\((\d+)(\.(\d+))?\)"/g, (_, whole: string, __: string | undefined, fraction: string | undefined) => {
      // sprintf('%d') of the digits: a number past 64 bits is clamped, as PHP converts it.
      const integer = BigInt(whole) > INT64_MAX ? INT64_MAX : BigInt(whole)
      return `":${integer}.${fraction ?? '0'}`
    })
    .replaceAll('{"__sdkEmptyMap":1}', '{}')
}
