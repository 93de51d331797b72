import type { HeaderPairs } from '@shared/http-message'
import { HTTP_TOKEN_PATTERN } from '@shared/answer-catalog'
import { atOrBefore, useFocusAfterChange } from '../../components/focus-after-change'

export interface HeaderRow {
  id: number
  name: string
  value: string
}

let nextRowId = 1

export function toRows(headers: HeaderPairs): HeaderRow[] {
  return headers.map(([name, value]) => ({ id: nextRowId++, name, value }))
}

export function toPairs(rows: HeaderRow[]): HeaderPairs {
  return rows.map((row) => [row.name, row.value])
}

/**
 * The problem with one row, or `null` (the API's rules: a token name; a value without line breaks,
 * of characters written one byte each). A value typed with ✓ was refused only by the preview, with
 * a message naming no header, and Send stayed disabled without a word at the row.
 */
export function rowProblem(row: HeaderRow): string | null {
  if (!HTTP_TOKEN_PATTERN.test(row.name)) return row.name === '' ? 'a header needs a name' : `“${row.name}” is not a header name`
  if (/[\r\n\0]/.test(row.value)) return `${row.name}: a value cannot contain line breaks`
  const unsendable = /[^\t\x20-\x7e\x80-\xff]/u.exec(row.value)
  if (unsendable) {
    const character = unsendable[0]
    const codePoint = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
    const shown = /\p{C}/u.test(character) ? codePoint : `“${character}” (${codePoint})`
    return `${row.name}: ${shown} cannot be sent in a header value, which goes out one byte per character (tab, printable ASCII and Latin-1 only): percent-encode it`
  }
  return null
}

interface HeadersEditorProps {
  rows: HeaderRow[]
  onChange: (rows: HeaderRow[]) => void
}

/** The header list as it will go out: order and case kept; Host is set for the target anyway. */
export function HeadersEditor({ rows, onChange }: HeadersEditorProps) {
  const { root, focusAfterChange } = useFocusAfterChange<HTMLDivElement>()
  const update = (id: number, patch: Partial<HeaderRow>) => onChange(rows.map((row) => (row.id === id ? { ...row, ...patch } : row)))
  return (
    <div ref={root} className="headers-editor" data-testid="headers-editor">
      <table className="kv-table headers-editor-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Value</th>
            <th className="headers-editor-remove-col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => {
            const problem = rowProblem(row)
            return (
              <tr key={row.id} data-testid="header-edit-row">
                <td>
                  <input
                    className="input wire input-compact"
                    value={row.name}
                    aria-label="Header name"
                    aria-invalid={problem !== null && !HTTP_TOKEN_PATTERN.test(row.name)}
                    spellCheck={false}
                    onChange={(event) => update(row.id, { name: event.target.value })}
                    data-testid="header-edit-name"
                  />
                </td>
                <td>
                  <input
                    className="input wire input-compact"
                    value={row.value}
                    aria-label={`Value of ${row.name || 'header'}`}
                    spellCheck={false}
                    onChange={(event) => update(row.id, { value: event.target.value })}
                    data-testid="header-edit-value"
                  />
                </td>
                <td className="headers-editor-remove-col">
                  <button
                    type="button"
                    className="link-button link-danger"
                    aria-label={`Remove header ${row.name}`}
                    onClick={() => {
                      // To the header that takes its place (or the one before), else to "+ Add header".
                      focusAfterChange((editor) => atOrBefore(editor, '[data-testid=header-edit-name]', index, '[data-testid=header-edit-add]'))
                      onChange(rows.filter((each) => each.id !== row.id))
                    }}
                    data-testid="header-edit-remove"
                  >
                    ✕
                  </button>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <button
        type="button"
        className="button button-small"
        onClick={() => {
          const index = rows.length
          focusAfterChange((editor) => editor.querySelectorAll<HTMLElement>('[data-testid=header-edit-name]')[index])
          onChange([...rows, { id: nextRowId++, name: '', value: '' }])
        }}
        data-testid="header-edit-add"
      >
        + Add header
      </button>
    </div>
  )
}
