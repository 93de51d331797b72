import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import { matchesIn, type FindMatches } from '../../lib/body-find'
import { rowAtOffset, splitTextRows, type TextRows } from '../../lib/text-rows'
import { VirtualRows, type ScrollRequest } from './virtual-rows'
import { revealHidden } from '../../components/revealed-text'

/** Wrapped rows are never narrower than this, so a narrow pane still shows words. */
const MIN_COLUMNS = 40
/** Width of the line-number gutter, in characters (the stylesheet gives it this width). */
const GUTTER_CHARS = 8
const SCROLLBAR_AND_PADDING_CHARS = 5

interface TextRowsViewProps {
  text: string
  matches: FindMatches
  /** Index into `matches.starts` of the current match, or -1. */
  currentMatch: number
  /** An offset to mark and scroll to (a JSON syntax error); -1 for none. */
  markOffset?: number
  testId: string
  label: string
}

/** Text shown in wrapped, numbered rows, virtualised: any size renders only what is in view. */
export function TextRowsView({ text, matches, currentMatch, markOffset = -1, testId, label }: TextRowsViewProps) {
  const charWidth = useMonospaceCharWidth()
  // Measured before the first split, so a large text is not split twice (once for a guess).
  const measure = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(0)
  useLayoutEffect(() => {
    if (width === 0) setWidth(measure.current?.offsetWidth || 600)
  }, [width])
  // The gutter, the row padding and room for a vertical scrollbar are not text columns.
  const columns = Math.max(MIN_COLUMNS, Math.floor(width / charWidth) - GUTTER_CHARS - SCROLLBAR_AND_PADDING_CHARS)
  const rows = useMemo(() => (width === 0 ? null : splitTextRows(text, columns)), [text, columns, width])
  const lineNumbers = useMemo(() => (rows === null ? null : numberLines(rows)), [rows])
  const [scrollTo, setScrollTo] = useState<ScrollRequest | null>(null)
  const sequence = useRef(0)

  const target = currentMatch >= 0 ? matches.starts[currentMatch] : markOffset >= 0 ? markOffset : undefined
  useEffect(() => {
    if (target === undefined || rows === null) return
    setScrollTo({ row: rowAtOffset(rows, target), sequence: ++sequence.current })
  }, [target, rows])

  const onWidth = useCallback((next: number) => setWidth((previous) => (Math.abs(previous - next) > charWidth ? next : previous)), [charWidth])

  if (rows === null || lineNumbers === null) return <div ref={measure} className="vrows-measure" />

  const renderRow = (index: number): ReactNode => {
    const start = rows.starts[index]!
    const end = rows.ends[index]!
    const isContinuation = rows.isContinuation[index] === 1
    const isLastRow = index === rows.count - 1
    return (
      <>
        <span className="text-gutter" aria-hidden="true">
          {isContinuation ? '↪' : lineNumbers[index]}
        </span>
        <span className="text-line">
          {highlighted(text, start, end, matches, currentMatch, markOffset)}
          {isLastRow && markOffset === text.length && markOffset >= 0 && <mark className="syntax-error-mark">␄ end of input</mark>}
        </span>
      </>
    )
  }

  return <VirtualRows count={rows.count} renderRow={renderRow} scrollTo={scrollTo} onWidth={onWidth} testId={testId} label={label} />
}

function numberLines(rows: TextRows): Uint32Array {
  const numbers = new Uint32Array(rows.count)
  let line = 0
  for (let index = 0; index < rows.count; index++) {
    if (rows.isContinuation[index] === 0) line++
    numbers[index] = line
  }
  return numbers
}

/**
 * `text[start, end)` with find matches and a marked offset wrapped in `<mark>`. React escapes the
 * text: bodies are hostile input and are never HTML. Characters that would show nothing or reorder
 * the text (a direction override, a zero-width space) are marked where they are.
 */
export function highlighted(text: string, start: number, end: number, matches: FindMatches, currentMatch: number, markOffset = -1): ReactNode[] {
  const [firstMatch, endMatch] = matchesIn(matches, start, end)
  const parts: ReactNode[] = []
  let position = start
  const push = (from: number, to: number, className: string | null) => {
    if (to <= from) return
    const piece = revealHidden(text.slice(from, to))
    parts.push(
      className === null ? (
        // A piece cut into marks is a list of its own: keyed by where it starts, as a mark is.
        typeof piece === 'string' ? (
          piece
        ) : (
          <Fragment key={`text-${from}`}>{piece}</Fragment>
        )
      ) : (
        <mark key={`${className}-${from}`} className={className}>
          {piece}
        </mark>
      ),
    )
  }
  const cuts: Array<[from: number, to: number, className: string]> = []
  for (let index = firstMatch; index < endMatch; index++) {
    const matchStart = matches.starts[index]!
    cuts.push([Math.max(start, matchStart), Math.min(end, matches.ends[index]!), index === currentMatch ? 'find-match find-current' : 'find-match'])
  }
  if (markOffset >= start && markOffset < end) cuts.push([markOffset, markOffset + 1, 'syntax-error-mark'])
  cuts.sort((left, right) => left[0] - right[0])
  for (const [from, to, className] of cuts) {
    if (from < position) continue
    push(position, from, null)
    push(from, to, className)
    position = to
  }
  push(position, end, null)
  return parts
}

/** The width of one character in the body font, measured once. */
function useMonospaceCharWidth(): number {
  const [width] = useState(() => {
    const probe = document.createElement('span')
    probe.className = 'vrows-probe'
    probe.textContent = 'M'.repeat(100)
    document.body.append(probe)
    const measured = probe.getBoundingClientRect().width / 100
    probe.remove()
    return measured > 0 ? measured : 7.2
  })
  return width
}

/** Up to this size (and this many highlights) text is one plain block: native selection, exact text. */
const PLAIN_TEXT_MAX_CHARS = 64 * 1024
const PLAIN_TEXT_MAX_MATCHES = 5000

interface TextBodyProps extends TextRowsViewProps {
  /** The view's own name for end-to-end tests and assistive technology. */
  testId: string
}

/**
 * A text body: small ones as one block, large ones as virtual rows. Either way matches are
 * highlighted and the current match is scrolled into view.
 */
export function TextBody(props: TextBodyProps) {
  const { text, matches, currentMatch, markOffset = -1, testId, label } = props
  const block = useRef<HTMLPreElement>(null)
  const scroller = useRef<HTMLDivElement>(null)
  const isPlain = text.length <= PLAIN_TEXT_MAX_CHARS && matches.starts.length <= PLAIN_TEXT_MAX_MATCHES
  useEffect(() => {
    if (!isPlain) return
    // The match the user moved to may scroll the page to it; the syntax error marked when the
    // capture opens only scrolls the body's own box: scrolling the detail pane down to it hid the
    // request line and the actions of every capture with a broken JSON body.
    const current = block.current?.querySelector<HTMLElement>('.find-current')
    if (current) current.scrollIntoView({ block: 'nearest' })
    else {
      // The block scrolls itself, or (expanded) its box does.
      const mark = block.current?.querySelector<HTMLElement>('.syntax-error-mark') ?? null
      revealWithin(block.current, mark)
      revealWithin(scroller.current, mark)
    }
  }, [isPlain, currentMatch, matches, markOffset])
  if (!isPlain) return <TextRowsView {...props} />
  return (
    <div ref={scroller} className="plain-text-scroller" tabIndex={0} role="region" aria-label={label}>
      <pre ref={block} className="wire-text" data-testid={testId}>
        {highlighted(text, 0, text.length, matches, currentMatch, markOffset)}
        {markOffset === text.length && markOffset >= 0 && <mark className="syntax-error-mark">␄ end of input</mark>}
      </pre>
    </div>
  )
}

/** Scrolls `box` (and nothing around it) so that `target`, inside it, is in view. */
function revealWithin(box: HTMLElement | null, target: HTMLElement | null): void {
  if (box === null || target === null) return
  const outer = box.getBoundingClientRect()
  const inner = target.getBoundingClientRect()
  if (inner.top < outer.top) box.scrollTop -= outer.top - inner.top
  else if (inner.bottom > outer.bottom) box.scrollTop += Math.min(inner.bottom - outer.bottom, inner.top - outer.top)
  if (inner.left < outer.left) box.scrollLeft -= outer.left - inner.left
  else if (inner.right > outer.right) box.scrollLeft += Math.min(inner.right - outer.right, inner.left - outer.left)
}
