import { ModalDialog } from '../../components/modal-dialog'
import { DeliveryView } from './delivery-view'

/** The Delivery view of the delivery `captureId` is an attempt of, opened at that attempt (`openAt`, see DeliveryView). */
export function DeliveryDialog({
  captureId,
  openAt,
  onClose,
}: {
  captureId: string
  openAt?: { attempt: number; totalAttempts: number }
  onClose: () => void
}) {
  return (
    <ModalDialog title="Delivery" onClose={onClose} testId="delivery-dialog" size="wide" closeLink>
      <DeliveryView captureId={captureId} openAt={openAt} />
    </ModalDialog>
  )
}
