import { describe, expect, it } from 'vitest'
import { isBinaryControl, looksLikeText } from './text-sniff'

describe('isBinaryControl', () => {
  it('takes whitespace as text and other C0 controls and DEL as binary', () => {
    for (const whitespace of ['\t', '\n', '\f', '\r', ' ']) expect(isBinaryControl(whitespace.charCodeAt(0))).toBe(false)
    for (const code of [0x00, 0x01, 0x07, 0x0b, 0x1b, 0x1f, 0x7f]) expect(isBinaryControl(code)).toBe(true)
    expect(isBinaryControl('é'.charCodeAt(0))).toBe(false)
    expect(isBinaryControl(0x80)).toBe(false)
  })
})

describe('looksLikeText', () => {
  it('accepts text with whitespace and non-ASCII letters', () => {
    expect(looksLikeText('{"a": 1}\r\n\tCrème brûlée 日本\f')).toBe(true)
    expect(looksLikeText('')).toBe(true)
  })

  it('refuses a single control character by default', () => {
    expect(looksLikeText('status=ok\u001b[0m')).toBe(false)
    expect(looksLikeText('deleted\u007f')).toBe(false)
  })

  it('forgives up to the tolerated share of control characters, never a NUL', () => {
    const withEscapes = `${'a'.repeat(98)}\u001b\u001b`
    expect(looksLikeText(withEscapes, { tolerance: 0.02 })).toBe(true)
    expect(looksLikeText(`${'a'.repeat(97)}\u001b\u001b\u001b`, { tolerance: 0.02 })).toBe(false)
    expect(looksLikeText(`${'a'.repeat(999)}\u0000`, { tolerance: 0.02 })).toBe(false)
  })

  it('looks at the sample only', () => {
    expect(looksLikeText(`${'a'.repeat(10)}\u0000`, { sampleChars: 10 })).toBe(true)
    expect(looksLikeText(`${'a'.repeat(10)}\u0000`, { sampleChars: 11 })).toBe(false)
  })
})
