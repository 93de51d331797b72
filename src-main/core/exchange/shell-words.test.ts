/**
 * shellWords splits a command line as bash does: each line below is given to bash itself (no
 * globbing, no variables in these lines) and the words bash passes on are compared byte for byte.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { ShellQuoteError, shellWords } from './shell-words'

/** The words bash makes of `line`, as bytes (the script comes on stdin: no argument-length limit). */
function bashWords(line: string): Buffer[] {
  const script = `set -f\nset -- ${line}\nfor word in "$@"; do printf '%s\\0' "$word"; done\n`
  const out = execFileSync('bash', ['-s'], { input: Buffer.from(script, 'latin1'), maxBuffer: 64 * 1024 * 1024 })
  const words: Buffer[] = []
  let from = 0
  for (let at = out.indexOf(0); at >= 0; at = out.indexOf(0, from)) {
    words.push(out.subarray(from, at))
    from = at + 1
  }
  return words
}

/** Ours as bytes: one byte per character (the lines hold single-byte characters only). */
const ourWords = (line: string): Buffer[] =>
  shellWords(line).map((word) => {
    if (typeof word !== 'string') throw new Error(`unexpected operator ${word.op}`)
    return Buffer.from(word, 'latin1')
  })

const LINES = [
  `curl -X POST 'http://h/a?x=1&y=2' -H 'Content-Type: application/json'`,
  `a\\ b 'c d'"e f"g \\'h\\" "i\\"j\\\\k\\$l\\m\\\`n" ''`,
  `$'\\xe9\\x41\\x4 \\n\\t\\r\\a\\b\\e\\f\\v\\\\\\'\\"\\?' $'\\0101\\101\\7\\17x' $'\\q\\x' $'\\cA'`,
  `-H $'X-Latin: caf\\xe9' --data-raw '{"a": "b\\\\n"}' "#not-a-comment" x#y`,
  `'it'\\''s' "a'b" $'a"b' \\# # a comment`,
  `x"$"y "\\$HOME" a$'\\x62'c`,
  `{ printf '%b' '\\0101' }`,
  `one\\\ntwo "three\\\nfour" 'five\\\nsix'`,
]

describe('shellWords', () => {
  for (const line of LINES) {
    it(`splits ${JSON.stringify(line.slice(0, 50))} as bash does`, () => {
      expect(ourWords(line)).toEqual(bashWords(line))
    })
  }

  it('splits long arguments as bash does (a 15 MB one too, in one pass)', () => {
    const line = (long: string) => `curl -H 'X: ${long}' "${long.slice(0, 1000)}\\"q" ${long.slice(0, 10)}`
    const long = 'a'.repeat(20_000)
    expect(ourWords(line(long))).toEqual(bashWords(line(long)))
    const words = ourWords(line('b'.repeat(15_000_000)))
    expect(words.map((word) => word.length)).toEqual([4, 2, 15_000_003, 1002, 10])
  }, 30_000)

  it('keeps variables, globs and substitutions as written, and gives the operators between commands', () => {
    expect(shellWords('echo $HOME ${USER} "$PATH" *.json $(id) `id` a|b&&c;d || e > f 2>&1')).toEqual([
      'echo',
      '$HOME',
      '${USER}',
      '$PATH',
      '*.json',
      '$',
      { op: '(' },
      'id',
      { op: ')' },
      '`id`',
      'a',
      { op: '|' },
      'b',
      { op: '&&' },
      'c',
      { op: ';' },
      'd',
      { op: '||' },
      'e',
      { op: '>' },
      'f',
      '2',
      { op: '>&' },
      '1',
    ])
  })

  it('says which quote is never closed', () => {
    const unclosed: Array<[string, string]> = [
      ["a 'b", 'a single quote is never closed'],
      ['a "b', 'a double quote is never closed'],
      ["a $'b", "a $'…' quote is never closed"],
    ]
    for (const [line, message] of unclosed) expect(() => shellWords(line)).toThrow(new ShellQuoteError(message))
  })
})
