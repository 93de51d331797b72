/**
 * Words for how the compared bodies were read. The core compares the text it reads from each
 * body's bytes: decompressed (Content-Encoding) or decoded from a declared charset or byte order
 * mark where so; Compare did not say so, and two bodies whose JSON values and text were the same
 * read "only the text differs (spacing, key order, escapes or a byte order mark)" when what
 * differed was how they were encoded.
 */
import type { BodyReading } from '@shared/capture-diff'

/** "Compared as read: Left gzip decompressed · Right as received (UTF-8)"; null when both sides are the bytes as received, in UTF-8. */
export function bodyReadingLine(readAs: BodyReading | null, sides: readonly [left: string, right: string] = ['Left', 'Right']): string | null {
  if (readAs === null || (readAs.left === null && readAs.right === null)) return null
  const side = (name: string, reading: string | null) => `${name} ${reading ?? 'as received (UTF-8)'}`
  return `Compared as read: ${side(sides[0], readAs.left)} · ${side(sides[1], readAs.right)}`
}

/** Why two JSON bodies with the same values are not byte for byte the same. */
export function jsonSameValuesLine(unchangedValues: number, isTextSame: boolean, readAs: BodyReading | null): string {
  const values = `Every JSON value is the same (${unchangedValues.toLocaleString('en-US')} ${unchangedValues === 1 ? 'value' : 'values'})`
  if (isTextSame && bodyReadingLine(readAs) !== null)
    return `${values}, and so is the text as read: the bodies differ only in how they were encoded (see above).`
  return `${values}; only the text differs (spacing, key order, escapes or a byte order mark): see the line diff.`
}
