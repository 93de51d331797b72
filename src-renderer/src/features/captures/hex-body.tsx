import { useMemo, useState } from 'react'
import { formatBytes } from '../../lib/format'
import { hexDump } from '../../lib/hex-dump'

export const HEX_STEP_BYTES = 64 * 1024

interface HexBodyProps {
  bytes: Uint8Array
}

export function HexBody({ bytes }: HexBodyProps) {
  const [limit, setLimit] = useState(HEX_STEP_BYTES)
  const shownBytes = Math.min(limit, bytes.length)
  const dump = useMemo(() => hexDump(bytes, 0, shownBytes), [bytes, shownBytes])
  return (
    <div className="capped">
      <pre className="wire-text hex-dump" data-testid="hex-body">
        {dump}
      </pre>
      {shownBytes < bytes.length && (
        <div className="capped-more" data-testid="show-more">
          <span>
            Showing the first {formatBytes(shownBytes)} of {formatBytes(bytes.length)}.
          </span>
          <button type="button" className="button button-small" onClick={() => setLimit(limit + HEX_STEP_BYTES)}>
            Show {formatBytes(Math.min(HEX_STEP_BYTES, bytes.length - shownBytes))} more
          </button>
        </div>
      )}
    </div>
  )
}
