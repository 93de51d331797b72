import { useEffect, useRef, useState } from 'react'
import { copyText } from '../lib/clipboard'

interface CopyButtonProps {
  /** The text, or a function computing it on click (e.g. a large curl command, perhaps in a worker). */
  text: string | (() => string | Promise<string>)
  label?: string
  title?: string
  className?: string
  testId?: string
  /** After the text is on the clipboard (e.g. to say what it leaves out). */
  onCopied?: () => void
}

export function CopyButton({ text, label = 'Copy', title, className, testId, onCopied }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined)
  useEffect(() => () => clearTimeout(timer.current), [])

  async function handleClick(event: React.MouseEvent): Promise<void> {
    event.stopPropagation()
    clearTimeout(timer.current)
    try {
      await copyText(typeof text === 'function' ? await text() : text)
      setState('copied')
      onCopied?.()
    } catch {
      setState('failed')
    }
    timer.current = setTimeout(() => setState('idle'), 1500)
  }

  return (
    <button
      type="button"
      className={`button button-small ${className ?? ''}`}
      title={title ?? label}
      data-testid={testId}
      data-copy-state={state}
      onClick={(event) => void handleClick(event)}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  )
}
