import { useMemo } from 'react'
import { hexDump, HEX_BYTES_PER_LINE } from '../../lib/hex-dump'
import { VirtualRows } from './virtual-rows'

/**
 * Up to this many bytes the dump is one block (native selection of the whole dump). Larger
 * bodies are dumped a line at a time as they scroll into view: 64 KB as one block was 4,096 lines
 * to lay out, a 100-280 ms task on opening the tab, and showed only the start of the body.
 */
const PLAIN_DUMP_MAX_BYTES = 8 * 1024

interface HexBodyProps {
  bytes: Uint8Array
}

/** The exact bytes as a classic hex dump, all of them, whatever the size. */
export function HexBody({ bytes }: HexBodyProps) {
  const isPlain = bytes.length <= PLAIN_DUMP_MAX_BYTES
  const dump = useMemo(() => (isPlain ? hexDump(bytes, 0, bytes.length) : null), [isPlain, bytes])
  if (dump !== null) {
    return (
      <pre className="wire-text hex-dump" data-testid="hex-body">
        {dump}
      </pre>
    )
  }
  const renderRow = (index: number) => <span className="hex-dump">{hexDump(bytes, index * HEX_BYTES_PER_LINE, (index + 1) * HEX_BYTES_PER_LINE)}</span>
  return <VirtualRows count={Math.ceil(bytes.length / HEX_BYTES_PER_LINE)} renderRow={renderRow} testId="hex-body" label="Body bytes, hex" />
}
