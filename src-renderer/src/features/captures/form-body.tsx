import { useMemo } from 'react'
import { parseFormFields } from '../../lib/body-views'

const MAX_FORM_ROWS = 2000

interface FormBodyProps {
  text: string
}

export function FormBody({ text }: FormBodyProps) {
  const fields = useMemo(() => parseFormFields(text), [text])
  if (fields.length === 0) return <p className="muted">No form fields.</p>
  const shown = fields.slice(0, MAX_FORM_ROWS)
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
      {fields.length > shown.length && (
        <p className="muted">
          Showing {shown.length} of {fields.length} fields; the Raw tab has them all.
        </p>
      )}
    </div>
  )
}
