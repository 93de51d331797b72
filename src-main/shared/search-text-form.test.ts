import { describe, expect, it } from 'vitest'
import {
  CASED_CODE_POINTS_END,
  foldTable,
  foldForSearch,
  normalizeForSearch,
  readInSearchForm,
  searchFormNeedle,
  withoutJsonSpacing,
  withoutJsonSpacingNeedle,
} from './search-text-form'

describe('foldForSearch', () => {
  it('folds precomposed and decomposed spellings to one string, in lower case', () => {
    const composed = 'Caf\u00e9 M\u00fcller'
    const decomposed = 'Cafe\u0301 Mu\u0308ller'
    expect(composed).not.toBe(decomposed)
    expect(foldForSearch(decomposed)).toBe('caf\u00e9 m\u00fcller')
    expect(foldForSearch(composed)).toBe(foldForSearch(decomposed))
    // Singletons and Hangul too: the Ångström sign is Å, conjoining jamo are one syllable.
    expect(foldForSearch('\u212b')).toBe('\u00e5')
    expect(foldForSearch('\u1100\u1161')).toBe('\uac00')
  })

  it('returns ASCII and Latin-1 text as plain lower case, but for \u00df and the micro sign', () => {
    expect(foldForSearch('Order-4711 Gr\u00dcN')).toBe('order-4711 gr\u00fcn')
    expect(foldForSearch('Gr\u00fc\u00dfe 5 \u00b5m')).toBe('gr\u00fcsse 5 \u03bcm')
  })

  it('folds case as Unicode does: \u00df and \u1e9e are ss, every sigma is \u03c3, ligatures are letters', () => {
    const same = (a: string, b: string) => expect(foldForSearch(a), `${a} / ${b}`).toBe(foldForSearch(b))
    same('Stra\u00dfe', 'STRASSE')
    same('STRA\u1e9eE', 'strasse')
    same('\u039f\u0394\u039f\u03a3', '\u03bf\u03b4\u03bf\u03c3')
    same('\u03bf\u03b4\u03bf\u03c2', '\u03bf\u03b4\u03bf\u03c3')
    same('\ufb01le', 'FILE')
    same('\u1f88', '\u1f00\u03b9')
    same('\u212a', 'k')
    expect(foldForSearch('Stra\u00dfe').includes(foldForSearch('strass'))).toBe(true)
  })

  it('makes the Turkish \u0130 and \u0131 an i, so a search typed without them finds them', () => {
    expect(foldForSearch('\u0130STANBUL')).toBe('istanbul')
    expect(foldForSearch('\u0131\u015f\u0131k')).toBe(foldForSearch('I\u015eIK'))
    expect(foldForSearch('Diyarbak\u0131r')).toBe('diyarbakir')
  })

  it('gives every code point one fold that its upper case and its fold share', () => {
    const changes = /\p{Changes_When_Casemapped}/u
    for (let point = 0; point < 0x110000; point++) {
      if (point >= 0xd800 && point <= 0xdfff) continue
      const char = String.fromCodePoint(point)
      if (point >= CASED_CODE_POINTS_END) {
        if (changes.test(char)) expect.fail(`U+${point.toString(16)} changes case past CASED_CODE_POINTS_END`)
        continue
      }
      const folded = foldForSearch(char)
      // Compared without expect in the loop: a million calls of it would take long.
      if (foldForSearch(folded) !== folded || foldForSearch(char.toUpperCase()) !== folded) {
        expect.fail(`U+${point.toString(16)}: ${JSON.stringify([folded, foldForSearch(folded), foldForSearch(char.toUpperCase())])}`)
      }
    }
  })

  it('folds further, once lower-cased, only the six characters below U+0300 it looks for', () => {
    const below = [...foldTable().folds.keys()].filter((char) => (char.codePointAt(0) as number) < 0x300)
    expect(below.sort()).toEqual(['\u00b5', '\u00df', '\u0131', '\u0149', '\u017f', '\u01f0'].sort())
  })

  it('folds a text in pieces to the pieces of its fold (no \u03a3 that depends on what follows)', () => {
    const text = 'O\u0394O\u03a3 \u03a3A \u0130\u00df\u1e9e\u1f88 \u01f0'
    for (let cut = 0; cut <= text.length; cut++) {
      if (text.charCodeAt(cut) >= 0x300) continue
      expect(foldForSearch(text.slice(0, cut)) + foldForSearch(text.slice(cut)), String(cut)).toBe(foldForSearch(text))
    }
  })
})

describe('withoutJsonSpacing', () => {
  it('drops whitespace next to { } [ ] : , and keeps the rest', () => {
    expect(withoutJsonSpacing('{\n  "result": "OK",\n  "items": [ 1, 2 ]\n}')).toBe('{"result":"OK","items":[1,2]}')
    expect(withoutJsonSpacing('"a" : "b"')).toBe('"a":"b"')
    expect(withoutJsonSpacing('{"name":"Alex Smith"}')).toBe('{"name":"Alex Smith"}')
    expect(withoutJsonSpacing('declined, retry later')).toBe('declined,retry later')
    expect(withoutJsonSpacing('no punctuation here')).toBe('no punctuation here')
    // Only JSON's whitespace: a no-break space is text.
    expect(withoutJsonSpacing('a:\u00a0b')).toBe('a:\u00a0b')
  })

  it('returns the text itself when nothing is dropped', () => {
    const compact = '{"a":[1,2],"b":"c d"}'
    expect(withoutJsonSpacing(compact)).toBe(compact)
  })

  it('gives every fragment of a text, as a needle, inside the whole text', () => {
    const pretty = JSON.stringify({ result: 'OK', amount: 1000, items: [{ id: 'a b' }, 2], note: 'x : y , z' }, null, 2)
    const whole = withoutJsonSpacing(pretty)
    for (let start = 0; start < pretty.length; start++)
      for (let end = start + 1; end <= pretty.length; end++) {
        const fragment = pretty.slice(start, end)
        if (fragment.trim() === '') continue
        expect(whole.includes(withoutJsonSpacingNeedle(fragment)), JSON.stringify(fragment)).toBe(true)
      }
  })

  it('is linear on long runs of whitespace, next to punctuation or not', () => {
    const spaces = ' '.repeat(2_000_000)
    const started = performance.now()
    // Lengths compared, not strings: a failure must not print a diff of megabytes.
    expect(withoutJsonSpacing(`a${spaces}b:${spaces}c`).length).toBe(spaces.length + 4)
    expect(withoutJsonSpacingNeedle(`${spaces}:${spaces}`).length).toBe(1)
    // A quadratic pass over 2 million spaces would take minutes.
    expect(performance.now() - started).toBeLessThan(2_000)
  })
})

describe('withoutJsonSpacingNeedle', () => {
  it('finds compact JSON by a phrase pasted from pretty-printed JSON, and the other way round', () => {
    expect(withoutJsonSpacingNeedle('"result": "ok"')).toBe('"result":"ok"')
    expect(withoutJsonSpacingNeedle('"amount": 1000,\n  "currency": "eur"')).toBe('"amount":1000,"currency":"eur"')
    expect(withoutJsonSpacing('{"result" : "ok"}').includes(withoutJsonSpacingNeedle('"result":"ok"'))).toBe(true)
  })

  it('drops whitespace at its ends, and keeps a phrase of whitespace alone as it is', () => {
    expect(withoutJsonSpacingNeedle(' hello ')).toBe('hello')
    expect(withoutJsonSpacingNeedle('  ')).toBe('  ')
  })
})

describe('readInSearchForm', () => {
  /** The pieces of a text's form read `maxChars` at a time, and the reader. */
  const readAll = (text: string, maxChars: number, keepCase = false) => {
    const reader = readInSearchForm(text, { keepCase })
    const pieces: string[] = []
    for (let piece = reader.next(maxChars); piece !== null; piece = reader.next(maxChars)) pieces.push(piece)
    return { form: pieces.join(''), pieces, reader }
  }
  /** Where each occurrence of `needle` in the form lies in the text. */
  const rangesOf = (text: string, needle: string, keepCase = false) => {
    const { form, reader } = readAll(text, 3, keepCase)
    const ranges: Array<[number, number]> = []
    for (let at = form.indexOf(needle); at !== -1; at = form.indexOf(needle, at + needle.length)) ranges.push(reader.originalRange(at, at + needle.length))
    return ranges.map(([start, end]) => text.slice(start, end))
  }

  it('is, in pieces of any size, the form the search compares in', () => {
    // Characters each rule treats specially: case, NFC (marks, jamo, singletons), the capital
    // sigma (ς at a word's end), case-ignorable punctuation, JSON punctuation and whitespace.
    const alphabet = [
      'a',
      'B',
      'É',
      'e',
      '\u0301',
      '\u0307',
      '\u0130',
      'Σ',
      'σ',
      'ς',
      'Ο',
      "'",
      '.',
      ':',
      ',',
      '{',
      '}',
      ' ',
      '\n',
      '\u1100',
      '\u1161',
      '\u212b',
      '\u00a0',
      '1',
      '"',
      '\u{1f600}',
      '\u{10400}',
      '\u00df',
      '\u1e9e',
      '\u0131',
      '\u0149',
      '\u01f0',
      '\u030c',
      '\ufb01',
      '\u00b5',
      '\u1f88',
    ]
    let seed = 7
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % below
    }
    for (let round = 0; round < 400; round++) {
      const text = Array.from({ length: 1 + random(40) }, () => alphabet[random(alphabet.length)]).join('')
      for (const keepCase of [false, true]) {
        const whole = withoutJsonSpacing(keepCase ? normalizeForSearch(text) : foldForSearch(text))
        for (const maxChars of [1, 2, 5, 100]) expect(readAll(text, maxChars, keepCase).form, JSON.stringify({ text, maxChars, keepCase })).toBe(whole)
        // Every character of the form comes from a place in the text, in order.
        const { form, reader } = readAll(text, 2, keepCase)
        let lastStart = 0
        for (let at = 0; at < form.length; at++) {
          const [start, end] = reader.originalRange(at, at + 1)
          expect(start).toBeGreaterThanOrEqual(lastStart)
          expect(end).toBeGreaterThan(start)
          expect(end).toBeLessThanOrEqual(text.length)
          lastStart = start
        }
      }
    }
  })

  it('says where a match lies in the original text', () => {
    expect(rangesOf('Order: Cafe\u0301 au lait, CAFÉ', searchFormNeedle('café'))).toEqual(['Cafe\u0301', 'CAFÉ'])
    expect(rangesOf('{\n  "result": "OK",\n  "amount": 100\n}', searchFormNeedle('"result":"ok","amount"'))).toEqual(['"result": "OK",\n  "amount"'])
    // U+0130 folds to i; \u00df to two characters, and stands for them both.
    expect(rangesOf('\u0130stanbul', searchFormNeedle('stanbul'))).toEqual(['stanbul'])
    expect(rangesOf('\u0130stanbul', searchFormNeedle('is'))).toEqual(['\u0130s'])
    expect(rangesOf('Hauptstra\u00dfe, STRASSE', searchFormNeedle('strasse'))).toEqual(['stra\u00dfe', 'STRASSE'])
    expect(rangesOf('Stra\u00dfe', searchFormNeedle('ras'))).toEqual(['ra\u00df'])
    expect(rangesOf('ΟΔΟΣ ΟΔΟΣ', searchFormNeedle('οδος'))).toEqual(['ΟΔΟΣ', 'ΟΔΟΣ'])
    // Keeping case, NFC still applies.
    expect(rangesOf('Cafe\u0301 cafe\u0301', searchFormNeedle('café', { keepCase: true }), true)).toEqual(['cafe\u0301'])
  })

  // No wall-clock budget (unit tests do not time things; a 10 s one failed on CI's loaded machine at
  // 10.4 s): quadratic work on a million characters would take hours, so this test's own timeout
  // catches it, far from the seconds the linear reader takes even on a loaded machine.
  it('is linear on text made to defeat its cuts', { timeout: 180_000 }, () => {
    const size = 1_000_000
    const hostile = [
      `Σ${'\u0301'.repeat(size)}${'a'.repeat(size)}`,
      `${"Σ'".repeat(size)}b`,
      'e\u0301'.repeat(size),
      ' '.repeat(size) + ': ' + ' '.repeat(size),
      '\u0130'.repeat(size),
    ]
    for (const text of hostile) {
      const { form } = readAll(text, 512 * 1024)
      expect(form.length).toBe(withoutJsonSpacing(foldForSearch(text)).length)
    }
  })
})
