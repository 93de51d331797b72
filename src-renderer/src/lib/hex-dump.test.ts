import { describe, expect, it } from 'vitest'
import { hexDump, HEX_BYTES_PER_LINE } from './hex-dump'

describe('hexDump', () => {
  it('dumps line by line exactly what it dumps at once, so a virtualised dump shows the same lines', () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, index) => (index * 7919) % 256)
    const whole = hexDump(bytes, 0, bytes.length).split('\n')
    const lineCount = Math.ceil(bytes.length / HEX_BYTES_PER_LINE)
    expect(whole).toHaveLength(lineCount)
    for (const line of [0, 1, 2047, lineCount - 1]) {
      expect(hexDump(bytes, line * HEX_BYTES_PER_LINE, (line + 1) * HEX_BYTES_PER_LINE)).toBe(whole[line])
    }
    // Offsets are as wide as the last one needs on every line, the first included.
    expect(whole[0]!.startsWith('00000  ')).toBe(true)
    expect(whole[lineCount - 1]!.startsWith('11160  ')).toBe(true)
  })
})
