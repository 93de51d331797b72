/**
 * Characters a sender can put in a body, a header or a field that show nothing where they are, or
 * change the order the text around them is shown in: bidirectional embeddings, overrides, isolates
 * and marks, zero-width and invisible characters, the byte order mark, line and paragraph
 * separators, and control characters (tab, line feed and carriage return excepted). Shown as they
 * render, `{"name": "\u202Eevil"}` read `"live"` and `"a\u200Bb"` read `"ab"`: another value than
 * the one received. The views mark each one instead (components/revealed-text.tsx). The zero-width
 * joiner and non-joiner are left alone: emoji sequences and several scripts are written with them.
 */
const HIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g

const NAMES: Record<number, string> = {
  0x00ad: 'soft hyphen',
  0x061c: 'Arabic letter mark',
  0x180e: 'Mongolian vowel separator',
  0x200b: 'zero-width space',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2060: 'word joiner',
  0x2061: 'invisible function application',
  0x2062: 'invisible times',
  0x2063: 'invisible separator',
  0x2064: 'invisible plus',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0xfeff: 'zero-width no-break space (byte order mark)',
}

export interface HiddenCharacter {
  /** The character itself, kept so that selecting and copying the text gives what was received. */
  character: string
  /** `U+202E`. */
  codePoint: string
  /** `right-to-left override`. */
  name: string
}

/** Whether `text` holds a character that {@link splitHidden} marks. */
export function hasHidden(text: string): boolean {
  return text.search(HIDDEN) !== -1
}

/** `text` cut into its plain runs and the hidden characters between them, in order. */
export function splitHidden(text: string): Array<string | HiddenCharacter> {
  const parts: Array<string | HiddenCharacter> = []
  let position = 0
  // matchAll works on a copy of the pattern, from index 0: a global pattern keeps no state here.
  for (const match of text.matchAll(HIDDEN)) {
    if (match.index > position) parts.push(text.slice(position, match.index))
    parts.push(describeHidden(match[0]))
    position = match.index + 1
  }
  if (position < text.length) parts.push(text.slice(position))
  return parts
}

function describeHidden(character: string): HiddenCharacter {
  const code = character.charCodeAt(0)
  return { character, codePoint: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`, name: NAMES[code] ?? 'control character' }
}
