import { useMemo } from 'react'
import { CappedText } from '../../components/capped-text'
import { parseFormFields } from '../../lib/body-views'
import type { BodyEncoding } from '../../lib/body-charset'
import { revealHidden } from '../../components/revealed-text'

/** Fields shown as rows; the Raw tab has the rest. 2,000 rows took 270 ms of CPU to create and lay out. */
const MAX_FORM_ROWS = 500
/** A longer value shows this much, and more on request: one 8 MB value in a cell was seconds of layout. */
const VALUE_STEP_CHARS = 16 * 1024

interface FormBodyProps {
  text: string
  /** The body's encoding: its escapes are bytes in it (ISO-8859-1 `%FC` is ü). */
  encoding: BodyEncoding
}

export function FormBody({ text, encoding }: FormBodyProps) {
  const { fields: shown, total, invalidUtf8Escapes } = useMemo(() => parseFormFields(text, MAX_FORM_ROWS, encoding), [text, encoding])
  if (total === 0) return <p className="muted">No form fields.</p>
  return (
    <div data-testid="form-body">
      {invalidUtf8Escapes && (
        <p className="notice notice-warning" data-testid="form-invalid-escapes">
          Some escapes are not valid UTF-8 (the form names no charset): their bytes show as �. The Raw tab has the text as received.
        </p>
      )}
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
              <td className="kv-name">{revealHidden(name)}</td>
              <td className="kv-value">{value.length > VALUE_STEP_CHARS ? <CappedText text={value} step={VALUE_STEP_CHARS} /> : revealHidden(value)}</td>
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
