import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { LosslessJsonDocument } from '@shared/lossless-json'
import { CopyButton } from '../../components/copy-button'
import { decodedAsLabel } from '../../lib/body-charset'
import { bodyFileExtension, downloadBytes, safeFileStem } from '../../lib/body-download'
import { analyseBody, withoutJsonView, type BodyAnalysis, type BodyViewKind } from '../../lib/body-views'
import { decodeUtf8Lenient } from '../../lib/bytes'
import { contentCodingsOf, decodeContentCoding, type ContentDecoding } from '../../lib/content-coding'
import { NO_MATCHES } from '../../lib/body-find'
import { formatCharacters, formatExactBytes } from '../../lib/format'
import { contentBytes, type PreparedBody } from '../../lib/prepared-body'
import { prettyXml } from '../../lib/xml-pretty'
import { BodyFindBar, useBodyFind } from './body-find-bar'
import './body-viewer.css'
import { FormBody } from './form-body'
import { HexBody } from './hex-body'
import { JsonBody } from './json-body'
import { TextBody, TextRowsView } from './text-rows-view'
import { useLosslessJson, MAX_JSON_TREE_NODES, type JsonParseState } from './use-lossless-json'

/** While a large JSON body is parsed, this much of its raw text is shown. */
const PARSING_PREVIEW_CHARS = 64 * 1024

const VIEW_LABELS: Record<BodyViewKind, string> = {
  json: 'JSON',
  form: 'Form',
  xml: 'XML',
  text: 'Raw',
  hex: 'Hex',
}

interface BodyViewerProps {
  /** The bytes received. */
  bytes: Uint8Array
  contentType: string | null
  /** Its `Content-Encoding` header: gzip and deflate are undone for every view but Hex. */
  contentEncoding?: string | null
  testId: string
  /** File name without extension for "Save body", e.g. `capture-1a2b-request`. */
  downloadName?: string
  /** These bytes already decoded, and a large JSON body's parse under way, off the UI thread (the capture loader's). */
  prepared?: PreparedBody
}

/** Shows a body as text, never as HTML: bodies are hostile input. */
export function BodyViewer({ bytes, contentEncoding = null, ...props }: BodyViewerProps) {
  const content = useContentDecoding(bytes, contentEncoding, props.prepared)
  if (content === null) {
    return (
      <p className="muted" data-testid={`${props.testId}-decompressing`}>
        Decompressing ({contentCodingsOf(contentEncoding).join(', ')})…
      </p>
    )
  }
  return <ContentViewer key={content.kind} bytes={bytes} content={content} {...props} />
}

/**
 * The body's content: its Content-Encoding undone (prepared by the capture worker, else here, off
 * the render), `null` while that is under way.
 */
function useContentDecoding(bytes: Uint8Array, contentEncoding: string | null, prepared: PreparedBody | undefined): ContentDecoding | null {
  const isCoded = contentCodingsOf(contentEncoding).length > 0
  const [decoded, setDecoded] = useState<{ bytes: Uint8Array; coding: string | null; content: ContentDecoding } | null>(null)
  useEffect(() => {
    if (prepared !== undefined || !isCoded) return
    let isCurrent = true
    void decodeContentCoding(bytes, contentEncoding).then((content) => {
      if (isCurrent) setDecoded({ bytes, coding: contentEncoding, content })
    })
    return () => {
      isCurrent = false
    }
  }, [bytes, contentEncoding, isCoded, prepared])
  if (prepared !== undefined) return prepared.content
  if (!isCoded) return IDENTITY
  return decoded !== null && decoded.bytes === bytes && decoded.coding === contentEncoding ? decoded.content : null
}

const IDENTITY: ContentDecoding = { kind: 'identity' }

interface ContentViewerProps extends Omit<BodyViewerProps, 'contentEncoding'> {
  content: ContentDecoding
}

function ContentViewer({ bytes, content, contentType, testId, downloadName, prepared }: ContentViewerProps) {
  const shownBytes = contentBytes(bytes, content)
  const analysed = useMemo(() => analyseBody(shownBytes, contentType, prepared?.decoded), [shownBytes, contentType, prepared])
  const json = useLosslessJson(analysed.text, analysed.views.includes('json'), prepared?.json)
  // A body that only looked like JSON (no JSON content type) and does not parse is just text.
  const analysis = json?.status === 'error' && json.error.kind === 'syntax' && !analysed.isJsonDeclared ? withoutJsonView(analysed) : analysed
  const [chosen, setChosen] = useState<BodyViewKind | null>(null)
  const view = chosen !== null && analysis.views.includes(chosen) ? chosen : analysis.preferred
  const [isExpanded, setIsExpanded] = useState(false)
  const root = useRef<HTMLDivElement>(null)

  // What find searches is the text the view shows: the formatted XML, else the decoded body.
  // Bytes that do not decode are read as UTF-8 with U+FFFD (the Raw view, and find from the Hex view).
  const lenientText = useMemo(
    () => (analysis.text === null ? (prepared?.lenientText ?? decodeUtf8Lenient(shownBytes)) : null),
    [analysis.text, shownBytes, prepared],
  )
  const xmlText = useMemo(() => (view === 'xml' && analysis.text !== null ? prettyXml(analysis.text) : null), [view, analysis.text])
  const shownText = xmlText ?? analysis.text ?? lenientText ?? ''
  const findButton = useRef<HTMLButtonElement>(null)
  const find = useBodyFind(shownText, findButton)
  // Find reads text; form and hex views switch to the raw text while a search is active.
  const activeView = find.isActive && (view === 'form' || view === 'hex') ? 'text' : view

  useExpandedPane(root, isExpanded, () => setIsExpanded(false))

  if (view === null || activeView === null) {
    return (
      <p className="muted" data-testid={`${testId}-empty`}>
        No body.
      </p>
    )
  }

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f') {
      event.preventDefault()
      find.open()
    }
  }

  const extension = bodyFileExtension(contentType, analysis.views.includes('json'), analysis.text !== null && !analysis.isBinary, content)
  const fileName = `${safeFileStem(downloadName ?? testId)}.${extension}`
  const notice = content.kind === 'failed' ? `Content-Encoding ${content.codings.join(', ')}: ${content.reason}. Shown as the bytes received.` : analysis.notice

  return (
    <div ref={root} className={`body-viewer ${isExpanded ? 'body-viewer-expanded' : ''}`} data-testid={testId} data-expanded={isExpanded} onKeyDown={onKeyDown}>
      <div className="body-toolbar">
        <div className="tabs" role="tablist">
          {analysis.views.map((kind) => (
            <button
              key={kind}
              type="button"
              role="tab"
              aria-selected={kind === activeView}
              className={`tab ${kind === activeView ? 'tab-active' : ''}`}
              data-testid={`body-tab-${kind}`}
              onClick={() => setChosen(kind)}
            >
              {VIEW_LABELS[kind]}
            </button>
          ))}
        </div>
        <div className="body-actions">
          <button
            ref={findButton}
            type="button"
            className="button button-small"
            onClick={find.open}
            title="Find in this body (Ctrl+F)"
            data-testid="body-find-open"
          >
            Find
          </button>
          {analysis.text === null ? (
            // Bytes that do not decode have no text to copy: a click used to copy '' and say "Copied".
            <button type="button" className="button button-small" disabled title="The bytes are not text: use Save body" data-testid="body-copy">
              Copy body
            </button>
          ) : (
            <CopyButton
              text={analysis.text}
              label="Copy body"
              title={content.kind === 'decoded' ? 'Copy the decompressed body text' : 'Copy the body text exactly as received'}
              testId="body-copy"
            />
          )}
          <button
            type="button"
            className="button button-small"
            title={`Save the exact bytes as ${fileName}`}
            data-testid="body-save"
            onClick={() => downloadBytes(bytes, fileName)}
          >
            Save body
          </button>
          <button
            type="button"
            className="button button-small"
            aria-pressed={isExpanded}
            title={isExpanded ? 'Back to the capture (Escape)' : 'Show the body over the whole pane'}
            data-testid="body-expand"
            onClick={() => setIsExpanded(!isExpanded)}
          >
            {isExpanded ? 'Restore' : 'Expand'}
          </button>
        </div>
      </div>
      {find.isOpen && <BodyFindBar find={find} />}
      {notice && (
        <p className="notice notice-warning" data-testid="body-notice">
          {notice}
        </p>
      )}
      <div className="body-view" data-testid={`body-view-${activeView}`}>
        <BodyView kind={activeView} analysis={analysis} received={bytes} content={content} json={json} shownText={shownText} find={find} />
      </div>
    </div>
  )
}

interface BodyViewProps {
  kind: BodyViewKind
  analysis: BodyAnalysis
  /** The bytes received, which the Hex view shows (compressed, when the body is). */
  received: Uint8Array
  content: ContentDecoding
  json: JsonParseState | null
  shownText: string
  find: ReturnType<typeof useBodyFind>
}

function BodyView({ kind, analysis, received, content, json, shownText, find }: BodyViewProps) {
  const { matches, current } = find
  // "decompressed from gzip (97 bytes received) · decoded as UTF-8"
  const decodedAs = `${content.kind === 'decoded' ? `decompressed from ${content.codings.join(', ')} (${formatExactBytes(received.length)} received) · ` : ''}${decodedAsLabel(analysis.decoded)}`
  switch (kind) {
    case 'json': {
      if (json === null) return null
      switch (json.status) {
        case 'ok':
          return (
            <>
              <Provenance>
                Formatted view: every value exactly as received (numbers verbatim, every duplicate key); only indentation is added · {decodedAs}
              </Provenance>
              <JsonBody key={documentKey(json.document)} document={json.document} matches={matches} currentMatch={current} />
            </>
          )
        case 'parsing':
          // A cheap preview while the worker parses: the start of the raw text, no find.
          return (
            <>
              <Provenance>
                Reading the JSON… meanwhile the first {formatCharacters(Math.min(shownText.length, PARSING_PREVIEW_CHARS))} of the raw text as received ·{' '}
                {decodedAs}
              </Provenance>
              {/* Rows, even for less than a plain block's limit: a 64 KB line laid out as one block took 60 ms. */}
              <TextRowsView
                text={shownText.slice(0, PARSING_PREVIEW_CHARS)}
                matches={NO_MATCHES}
                currentMatch={-1}
                testId="json-parsing-preview"
                label="Body text"
              />
            </>
          )
        case 'error':
          if (json.error.kind === 'too-many-values') {
            return (
              <>
                <p className="notice" data-testid="json-too-large">
                  Over {MAX_JSON_TREE_NODES.toLocaleString('en-US')} values: too many for the tree. The raw text is shown as received.
                </p>
                <TextBody text={shownText} matches={matches} currentMatch={current} testId="json-raw-text" label="Body text" />
              </>
            )
          }
          return (
            <>
              <p
                className="notice notice-warning"
                data-testid="json-syntax-error"
                data-offset={json.error.offset}
                data-line={json.error.line}
                data-column={json.error.column}
              >
                Not valid JSON: {json.error.message} The error is marked in the raw text below.
              </p>
              <TextBody text={shownText} matches={matches} currentMatch={current} markOffset={json.error.offset} testId="json-raw-text" label="Body text" />
            </>
          )
        default: {
          const unknown: never = json
          return unknown
        }
      }
    }
    case 'form':
      return (
        <>
          <Provenance>
            Decoded form fields, in the order received (percent-decoding applied); the Raw tab has the text as received
            {content.kind === 'decoded' ? ` · ${decodedAs}` : ''}.
          </Provenance>
          <FormBody text={analysis.text ?? ''} encoding={analysis.decoded} />
        </>
      )
    case 'xml':
      return (
        <>
          <Provenance>Formatted view: re-indented from the received text, only whitespace between tags changes · {decodedAs}</Provenance>
          <TextBody text={shownText} matches={matches} currentMatch={current} testId="xml-body" label="Body XML, formatted" />
        </>
      )
    case 'text':
      return (
        <>
          {analysis.text === null ? (
            <p className="notice" data-testid="body-provenance">
              Not valid {analysis.decoded.encoding}: invalid byte sequences are shown as {'\uFFFD'}. The Hex tab has the exact bytes.
            </p>
          ) : (
            <Provenance>
              {content.kind === 'decoded' ? 'Raw text' : 'Raw text as received'} · {decodedAs}
            </Provenance>
          )}
          <TextBody text={shownText} matches={matches} currentMatch={current} testId="text-body" label="Body text" />
        </>
      )
    case 'hex':
      return (
        <>
          <Provenance>The exact bytes received{content.kind === 'identity' ? '' : ` (${content.codings.join(', ')}-compressed, as sent)`}.</Provenance>
          <HexBody bytes={received} />
        </>
      )
    default: {
      const unknownKind: never = kind
      return unknownKind
    }
  }
}

function Provenance({ children }: { children: React.ReactNode }) {
  return (
    <p className="body-provenance" data-testid="body-provenance">
      {children}
    </p>
  )
}

const documentKeys = new WeakMap<LosslessJsonDocument, number>()
let nextDocumentKey = 1
/** A React key per parsed document, so the tree's open/closed state starts afresh for a new one. */
function documentKey(document: LosslessJsonDocument): number {
  let key = documentKeys.get(document)
  if (key === undefined) {
    key = nextDocumentKey++
    documentKeys.set(document, key)
  }
  return key
}

/**
 * While expanded, the body covers the detail pane (measured, so it follows window resizes) and
 * Escape brings it back, unless something inside (the find box) took the key first.
 */
function useExpandedPane(root: React.RefObject<HTMLDivElement | null>, isExpanded: boolean, onRestore: () => void) {
  const restore = useRef(onRestore)
  useLayoutEffect(() => {
    restore.current = onRestore
  })
  /* eslint-disable react-hooks/immutability -- the effect positions the DOM node of the caller's ref, which the rule takes for mutating a hook argument */
  useEffect(() => {
    const element = root.current
    if (!isExpanded || element === null) return
    const place = () => {
      const pane = element.parentElement?.closest('.detail-pane')
      const rect = pane?.getBoundingClientRect() ?? new DOMRect(0, 0, window.innerWidth, window.innerHeight)
      element.style.top = `${rect.top}px`
      element.style.left = `${rect.left}px`
      element.style.width = `${rect.width}px`
      element.style.height = `${rect.height}px`
    }
    place()
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault()
        restore.current()
      }
    }
    window.addEventListener('resize', place)
    document.addEventListener('keydown', onKey)
    return () => {
      window.removeEventListener('resize', place)
      document.removeEventListener('keydown', onKey)
      for (const property of ['top', 'left', 'width', 'height'] as const) element.style[property] = ''
    }
  }, [root, isExpanded])
  /* eslint-enable react-hooks/immutability */
}
