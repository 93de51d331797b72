/**
 * How the app writes a size in bytes: one rule for the core's messages and the renderer's views.
 * Sizes are counted in powers of 1,024 everywhere (limits, caps, bodies), so the units are the binary
 * ones and say so: 20 × 1,048,576 bytes is "20 MiB", where "20.0 MB" (1 MB being 1,000,000 bytes)
 * understated it by 5%.
 */

const KIB = 1024
const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const
const countFormat = new Intl.NumberFormat('en-US')

/**
 * A short human size: `512 B`, `1.5 KiB`, `20 MiB`. One decimal below 100, none when it is .0; the
 * exact count belongs in a title or beside it ({@link formatExactBytes}).
 */
export function formatBytes(bytes: number): string {
  if (bytes < KIB) return `${bytes} B`
  let value = bytes / KIB
  for (const [index, unit] of BYTE_UNITS.entries()) {
    // Compared as shown, so 1,048,575 bytes reads "1 MiB", not "1024 KiB".
    if (Number(shortNumber(value)) < KIB || index === BYTE_UNITS.length - 1) return `${shortNumber(value)} ${unit}`
    value /= KIB
  }
  throw new Error('unreachable: the last unit returns')
}

function shortNumber(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '')
}

/** `1,048,577 bytes`, `1 byte`. */
export function formatExactBytes(bytes: number): string {
  return `${countFormat.format(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`
}

/**
 * A size stated exactly, as a limit is: `1 MiB`, `8 KiB` when it is a whole number of them, else the
 * byte count. A body one byte over a 1 MiB limit must not read "1 MiB, over the limit of 1 MiB".
 */
export function formatByteLimit(bytes: number): string {
  let unit: string | null = null
  let value = bytes
  for (const each of BYTE_UNITS) {
    if (value === 0 || value % KIB !== 0) break
    value /= KIB
    unit = each
  }
  return unit === null ? formatExactBytes(bytes) : `${countFormat.format(value)} ${unit}`
}
