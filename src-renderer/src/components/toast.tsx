import { useEffect } from 'react'

interface ToastProps {
  message: string
  onDismiss: () => void
}

const TOAST_MS = 6000

export function Toast({ message, onDismiss }: ToastProps) {
  useEffect(() => {
    const timer = setTimeout(onDismiss, TOAST_MS)
    return () => clearTimeout(timer)
  }, [message, onDismiss])
  return (
    <div className="toast" role="alert" data-testid="toast">
      <span>{message}</span>
      <button type="button" className="link-button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  )
}
