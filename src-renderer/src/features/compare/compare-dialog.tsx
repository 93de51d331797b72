import { ModalDialog } from '../../components/modal-dialog'
import type { CompareTarget } from './compare-queries'
import { CompareView } from './compare-view'

/** Compare in a wide dialog: the two requests side by side, then what differs. */
export function CompareDialog({ target, onClose }: { target: CompareTarget; onClose: () => void }) {
  return (
    <ModalDialog title="Compare" onClose={onClose} testId="compare-dialog" size="wide" closeLink>
      <CompareView target={target} />
    </ModalDialog>
  )
}
