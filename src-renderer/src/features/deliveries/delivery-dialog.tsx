import { ModalDialog } from '../../components/modal-dialog'
import { DeliveryView } from './delivery-view'

/** The Delivery view of the delivery `captureId` is an attempt of. */
export function DeliveryDialog({ captureId, onClose }: { captureId: string; onClose: () => void }) {
  return (
    <ModalDialog title="Delivery" onClose={onClose} testId="delivery-dialog" size="wide" closeLink>
      <DeliveryView captureId={captureId} />
    </ModalDialog>
  )
}
