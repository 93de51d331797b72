import type { HeaderPairs } from '@shared/http-message'
import { readableHeaderValue } from '../../lib/http-status'
import { revealHidden } from '../../components/revealed-text'

interface HeadersTableProps {
  headers: HeaderPairs
  testId: string
}

/** Headers exactly as they arrived: order, case and duplicates kept. */
export function HeadersTable({ headers, testId }: HeadersTableProps) {
  if (headers.length === 0) return <p className="muted">No headers.</p>
  return (
    <table className="kv-table headers-table" data-testid={testId}>
      <tbody>
        {headers.map(([name, value], index) => {
          const readable = readableHeaderValue(value)
          return (
            <tr key={index} data-testid="header-row">
              <td className="kv-name">{revealHidden(name)}</td>
              <td className="kv-value" title={readable.isDecoded ? `Raw (latin1): ${value}` : undefined}>
                {revealHidden(readable.text)}
                {readable.isDecoded && <span className="tag tag-subtle">UTF-8</span>}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
