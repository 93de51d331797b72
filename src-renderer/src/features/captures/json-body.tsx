import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { isDuplicateKey, JsonKind, kindName, nodePath, rawText, type LosslessJsonDocument } from '@shared/lossless-json'
import { CappedText } from '../../components/capped-text'
import { CopyButton } from '../../components/copy-button'
import { NO_MATCHES, type FindMatches } from '../../lib/body-find'
import { allCollapsed, initialCollapsed, isContainerKind, nodeAtOffset, revealNode, rowOfNode, visibleRows } from '../../lib/json-rows'
import { highlighted } from './text-rows-view'
import { VirtualRows, type ScrollRequest } from './virtual-rows'

/** A row shows this much of a long value; the selected value's panel shows all of it. */
const MAX_ROW_VALUE_CHARS = 400
/** Deeper values are indented as this level, with their depth written out: bounded width. */
const MAX_INDENT_LEVEL = 40
const VALUE_PANEL_STEP_CHARS = 256 * 1024

interface JsonBodyProps {
  document: LosslessJsonDocument
  matches?: FindMatches
  currentMatch?: number
}

/**
 * The JSON view: every value exactly as sent (literals are slices of the received text, never
 * re-serialised), every member in order with duplicate keys flagged, collapsible and virtualised.
 */
export function JsonBody({ document, matches = NO_MATCHES, currentMatch = -1 }: JsonBodyProps) {
  const [collapsed, setCollapsed] = useState(() => initialCollapsed(document))
  const rows = useMemo(() => visibleRows(document, collapsed), [document, collapsed])
  const [selected, setSelected] = useState<number | null>(null)
  const [scrollTo, setScrollTo] = useState<ScrollRequest | null>(null)
  const sequence = useRef(0)

  // Stepping to a match opens the containers around it, then scrolls to its row once visible.
  const matchNode = currentMatch >= 0 && currentMatch < matches.starts.length ? nodeAtOffset(document, matches.starts[currentMatch]!) : -1
  const pendingScroll = useRef(-1)
  useEffect(() => {
    if (matchNode < 0) return
    pendingScroll.current = matchNode
    // The find bar stepped to a match (its state, not this component's): open the containers around it once per step.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the scroll effect below waits for the rows this produces
    setCollapsed((current) => revealNode(document, current, matchNode))
  }, [document, matchNode, currentMatch])
  useEffect(() => {
    if (pendingScroll.current < 0) return
    const row = rowOfNode(document, rows, pendingScroll.current)
    if (row < 0) return
    pendingScroll.current = -1
    setScrollTo({ row, sequence: ++sequence.current })
  }, [document, rows, matchNode, currentMatch])

  const toggle = (node: number) => {
    setCollapsed((current) => {
      const next = current.slice()
      next[node] = current[node] === 1 ? 0 : 1
      return next
    })
  }

  /** Arrow keys move the selection (closing rows are skipped); Right opens, Left closes or goes up. */
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return
    const current = selected ?? -1
    const currentRow = current >= 0 ? rowOfNode(document, rows, current) : -1
    const select = (node: number) => {
      setSelected(node)
      const row = rowOfNode(document, rows, node)
      if (row >= 0) setScrollTo({ row, sequence: ++sequence.current })
    }
    /** The next value row from `from` in `direction` (closing rows skipped), if any. */
    const step = (from: number, direction: 1 | -1) => {
      for (let row = from + direction; row >= 0 && row < rows.length; row += direction) {
        if (rows[row]! >= 0) {
          select(rows[row]!)
          return
        }
      }
    }
    const isOpenContainer = current >= 0 && isContainerKind(document.kind[current]!) && document.childCount[current]! > 0 && collapsed[current] !== 1
    switch (event.key) {
      case 'ArrowDown':
        step(currentRow, 1)
        break
      case 'ArrowUp':
        step(currentRow, -1)
        break
      case 'Home':
        select(0)
        break
      case 'End':
        step(rows.length, -1)
        break
      case 'ArrowRight':
        if (current < 0) select(0)
        else if (isContainerKind(document.kind[current]!) && collapsed[current] === 1) toggle(current)
        else if (isOpenContainer) step(currentRow, 1)
        break
      case 'ArrowLeft':
        if (isOpenContainer) toggle(current)
        else if (current > 0) select(document.parent[current]!)
        break
      default:
        return
    }
    event.preventDefault()
  }

  const renderRow = (index: number): ReactNode => {
    const entry = rows[index]!
    if (entry < 0) return <ClosingRow document={document} node={~entry} />
    return (
      <ValueRow
        document={document}
        node={entry}
        isCollapsed={collapsed[entry] === 1}
        isSelected={selected === entry}
        matches={matches}
        currentMatch={currentMatch}
        onToggle={toggle}
        onSelect={setSelected}
      />
    )
  }

  const valueCount = document.count
  return (
    <div className="json-view" data-testid="json-body" onKeyDown={onKeyDown}>
      <div className="json-view-bar">
        <span className="muted" data-testid="json-summary">
          {valueCount.toLocaleString('en-US')} {valueCount === 1 ? 'value' : 'values'}
          {document.hasDuplicateKeys && (
            <>
              {' · '}
              <span className="json-dup-flag" data-testid="json-has-duplicates">
                duplicate keys: all kept, flagged
              </span>
            </>
          )}
        </span>
        <button type="button" className="button button-small" onClick={() => setCollapsed(allCollapsed(document, false))} data-testid="json-expand-all">
          Expand all
        </button>
        <button type="button" className="button button-small" onClick={() => setCollapsed(allCollapsed(document, true))} data-testid="json-collapse-all">
          Collapse all
        </button>
      </div>
      <VirtualRows count={rows.length} renderRow={renderRow} scrollTo={scrollTo} testId="json-rows" label="JSON body" />
      {selected !== null && selected < document.count && <SelectedValue document={document} node={selected} onClose={() => setSelected(null)} />}
    </div>
  )
}

interface ValueRowProps {
  document: LosslessJsonDocument
  node: number
  isCollapsed: boolean
  isSelected: boolean
  matches: FindMatches
  currentMatch: number
  onToggle: (node: number) => void
  onSelect: (node: number) => void
}

function ValueRow({ document, node, isCollapsed, isSelected, matches, currentMatch, onToggle, onSelect }: ValueRowProps) {
  const { text } = document
  const kind = document.kind[node]!
  const keyStart = document.keyStart[node]!
  const isDuplicate = keyStart >= 0 && isDuplicateKey(document, node)
  const hasChildren = isContainerKind(kind) && document.childCount[node]! > 0
  const start = document.start[node]!
  const end = document.end[node]!
  return (
    <div
      className={`json-row ${isSelected ? 'json-row-selected' : ''} ${isDuplicate ? 'json-row-duplicate' : ''}`}
      data-testid="json-row"
      data-node={node}
      onClick={() => onSelect(node)}
    >
      <Indent depth={document.depth[node]!} />
      {hasChildren ? (
        <button
          type="button"
          className="json-toggle"
          aria-expanded={!isCollapsed}
          aria-label={isCollapsed ? 'Expand' : 'Collapse'}
          data-testid="json-toggle"
          onClick={(event) => {
            event.stopPropagation()
            onToggle(node)
          }}
        >
          {isCollapsed ? '▸' : '▾'}
        </button>
      ) : (
        <span className="json-toggle-space" />
      )}
      {keyStart >= 0 && (
        <>
          <span className="json-key" data-testid="json-key">
            {highlighted(text, keyStart, document.keyEnd[node]!, matches, currentMatch)}
          </span>
          <span className="json-punctuation">: </span>
        </>
      )}
      {isContainerKind(kind) ? (
        <ContainerOpening document={document} node={node} isCollapsed={isCollapsed} hasChildren={hasChildren} />
      ) : (
        <span
          className={`json-${kindName(document, node) === 'true' || kindName(document, node) === 'false' ? 'boolean' : kindName(document, node)}`}
          data-testid="json-value"
        >
          {highlighted(text, start, Math.min(end, start + MAX_ROW_VALUE_CHARS), matches, currentMatch)}
          {end - start > MAX_ROW_VALUE_CHARS && (
            <span className="json-more" title="Select the row to read the whole value">
              … {(end - start - MAX_ROW_VALUE_CHARS).toLocaleString('en-US')} more characters
            </span>
          )}
        </span>
      )}
      {hasNextSibling(document, node) && <span className="json-punctuation">,</span>}
      {isDuplicate && (
        <span
          className="json-dup-flag"
          data-testid="json-duplicate-flag"
          title="This key appears more than once in its object. Every occurrence is shown, in the order received; receivers differ in which one they use."
        >
          duplicate key
        </span>
      )}
    </div>
  )
}

function ContainerOpening({
  document,
  node,
  isCollapsed,
  hasChildren,
}: {
  document: LosslessJsonDocument
  node: number
  isCollapsed: boolean
  hasChildren: boolean
}) {
  const isObject = document.kind[node] === JsonKind.object
  const [open, close] = isObject ? ['{', '}'] : ['[', ']']
  if (!hasChildren) return <span className="json-punctuation">{open + close}</span>
  if (!isCollapsed) return <span className="json-punctuation">{open}</span>
  const count = document.childCount[node]!
  const noun = isObject ? (count === 1 ? 'key' : 'keys') : count === 1 ? 'item' : 'items'
  return (
    <>
      <span className="json-punctuation">{open}</span>
      <span className="json-collapsed-count">
        {' '}
        {count.toLocaleString('en-US')} {noun}{' '}
      </span>
      <span className="json-punctuation">{close}</span>
    </>
  )
}

function ClosingRow({ document, node }: { document: LosslessJsonDocument; node: number }) {
  return (
    <div className="json-row">
      <Indent depth={document.depth[node]!} />
      <span className="json-toggle-space" />
      <span className="json-punctuation">{document.kind[node] === JsonKind.object ? '}' : ']'}</span>
      {hasNextSibling(document, node) && <span className="json-punctuation">,</span>}
    </div>
  )
}

function Indent({ depth }: { depth: number }) {
  const level = Math.min(depth, MAX_INDENT_LEVEL)
  return (
    <span className="json-indent" style={{ width: `${level * 2}ch` }}>
      {depth > MAX_INDENT_LEVEL && <span className="json-depth">depth {depth}</span>}
    </span>
  )
}

function hasNextSibling(document: LosslessJsonDocument, node: number): boolean {
  const parent = document.parent[node]!
  return parent >= 0 && document.subtreeEnd[node]! < document.subtreeEnd[parent]!
}

/** The selected value: its path and, for a scalar, the whole literal as received. */
function SelectedValue({ document, node, onClose }: { document: LosslessJsonDocument; node: number; onClose: () => void }) {
  const path = useMemo(() => nodePath(document, node), [document, node])
  const isScalar = !isContainerKind(document.kind[node]!)
  const raw = isScalar ? rawText(document, node) : ''
  return (
    <div className="json-selected" data-testid="json-selected">
      <div className="json-selected-bar">
        <span className="wire json-path" data-testid="json-selected-path">
          {path}
        </span>
        <span className="muted">{kindName(document, node)}</span>
        <CopyButton text={path} label="Copy path" />
        {isScalar && <CopyButton text={raw} label="Copy value" testId="json-copy-value" />}
        <button type="button" className="button button-small" onClick={onClose}>
          Close
        </button>
      </div>
      {isScalar && <CappedText text={raw} step={VALUE_PANEL_STEP_CHARS} testId="json-selected-value" />}
    </div>
  )
}
