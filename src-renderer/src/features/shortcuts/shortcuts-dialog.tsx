import { ModalDialog } from '../../components/modal-dialog'
import { LIST_KEYS, SHORTCUTS } from './keyboard-shortcuts'
import './shortcuts.css'

/** "?": every shortcut, from the same table the keys are read from. */
export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const rows = [...SHORTCUTS.map(({ display, description }) => ({ display, description })), ...LIST_KEYS]
  return (
    <ModalDialog title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog" size="medium">
      <p className="muted shortcuts-note">They work outside text fields and dialogs.</p>
      <table className="shortcuts-table">
        <tbody>
          {rows.map(({ display, description }) => (
            <tr key={description} data-testid="shortcut-row">
              <th scope="row">
                {display.map((key, index) => (
                  <span key={key}>
                    {index > 0 && <span className="muted"> or </span>}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </th>
              <td>{description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </ModalDialog>
  )
}
