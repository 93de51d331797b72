/** A classic hex dump: offset, 16 bytes in hex, their printable ASCII. */
export const HEX_BYTES_PER_LINE = 16

const hexByte = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, '0'))

export function hexDump(bytes: Uint8Array, start: number, end: number): string {
  const lines: string[] = []
  const limit = Math.min(end, bytes.length)
  const offsetWidth = Math.max(4, (bytes.length - 1).toString(16).length)
  for (let lineStart = start; lineStart < limit; lineStart += HEX_BYTES_PER_LINE) {
    let hex = ''
    let ascii = ''
    for (let column = 0; column < HEX_BYTES_PER_LINE; column++) {
      const index = lineStart + column
      if (index < limit) {
        const value = bytes[index] ?? 0
        hex += hexByte[value]
        ascii += value >= 0x20 && value < 0x7f ? String.fromCharCode(value) : '.'
      } else {
        hex += '  '
        ascii += ' '
      }
      hex += column === 7 ? '  ' : ' '
    }
    lines.push(`${lineStart.toString(16).padStart(offsetWidth, '0')}  ${hex} |${ascii}|`)
  }
  return lines.join('\n')
}
