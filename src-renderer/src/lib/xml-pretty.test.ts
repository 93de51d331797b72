import { describe, expect, it } from 'vitest'
import { looksLikeXml, MAX_INDENT_LEVELS, prettyXml } from './xml-pretty'

describe('prettyXml', () => {
  it('re-indents without changing tokens', () => {
    expect(prettyXml('<?xml version="1.0"?><a><b x="1">t</b><!-- c --><![CDATA[<x>]]><c/></a>')).toBe(
      '<?xml version="1.0"?>\n<a>\n  <b x="1">t</b>\n  <!-- c -->\n  <![CDATA[<x>]]>\n  <c/>\n</a>',
    )
  })

  it('keeps a ">" inside a quoted attribute within its tag', () => {
    expect(prettyXml('<a title="x>y"><b/></a>')).toBe('<a title="x>y">\n  <b/>\n</a>')
  })

  it('keeps every character of malformed input, in order', () => {
    const hostile = '<a><<b <c "unclosed'
    expect(prettyXml(hostile).replace(/\n\s*/g, '')).toBe(hostile)
  })

  it('turns 1 MB of "<" into one token (one pass, not a rescan per position)', () => {
    const text = '<'.repeat(1024 * 1024)
    expect(prettyXml(text)).toBe(text)
  })

  it('stops indenting deeper than the cap, so deep nesting cannot blow up the output', () => {
    const depth = 10_000
    const pretty = prettyXml('<a>'.repeat(depth) + '</a>'.repeat(depth))
    const widest = Math.max(...pretty.split('\n').map((line) => line.length))
    // The innermost line is `<a></a>` at the capped indentation.
    expect(widest).toBe(MAX_INDENT_LEVELS * 2 + '<a></a>'.length)
  })

  it('recognises XML by its start', () => {
    expect(looksLikeXml('  <?xml version="1.0"?>')).toBe(true)
    expect(looksLikeXml('<root attr="1">')).toBe(true)
    expect(looksLikeXml('< not xml')).toBe(false)
  })
})
