import { useMemo } from 'react'
import { parseFormFields } from '../../lib/body-views'

const MAX_FORM_ROWS = 2000

interface FormBodyProps {
  text: string
}

export function FormBody({ text }: FormBodyProps) {
  const { fields: shown, total } = useMemo(() => parseFormFields(text, MAX_FORM_ROWS), [text])
  if (total === 0) return <p className="muted">No form fields.</p>
  return (
    <div data-testid="form-body">
      <table className="kv-table">
        <thead>
          <tr>
            <th>Field</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {shown.map(([name, value], index) => (
            <tr key={index} data-testid="form-field">
              <td className="kv-name">{name}</td>
              <td className="kv-value">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > shown.length && (
        <p className="muted" data-testid="form-fields-shown">
          Showing {shown.length} of {total} fields; the Raw tab has them all.
        </p>
      )}
    </div>
  )
}
