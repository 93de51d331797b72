import { useMemo, useState } from 'react'
import { CappedText } from '../../components/capped-text'
import { analyseBody, MAX_JSON_TREE_BYTES, type BodyViewKind } from '../../lib/body-views'
import { declaredCharset, decodeUtf8Lenient, decodeWithCharset } from '../../lib/bytes'
import { prettyXml } from '../../lib/xml-pretty'
import { FormBody } from './form-body'
import { HexBody } from './hex-body'
import { JsonBody } from './json-body'

/** Text is rendered 256 KB at a time; the capture itself is always whole. */
export const TEXT_STEP_CHARS = 256 * 1024

const VIEW_LABELS: Record<BodyViewKind, string> = {
  json: 'JSON',
  form: 'Form',
  xml: 'XML',
  text: 'Raw',
  hex: 'Hex',
}

interface BodyViewerProps {
  bytes: Uint8Array
  contentType: string | null
  testId: string
}

/** Shows a body as text, never as HTML: bodies are hostile input. */
export function BodyViewer({ bytes, contentType, testId }: BodyViewerProps) {
  const analysis = useMemo(() => analyseBody(bytes, contentType), [bytes, contentType])
  const [chosen, setChosen] = useState<BodyViewKind | null>(null)
  const view = chosen !== null && analysis.views.includes(chosen) ? chosen : analysis.preferred

  if (view === null) {
    return (
      <p className="muted" data-testid={`${testId}-empty`}>
        No body.
      </p>
    )
  }
  return (
    <div className="body-viewer" data-testid={testId}>
      <div className="tabs" role="tablist">
        {analysis.views.map((kind) => (
          <button
            key={kind}
            type="button"
            role="tab"
            aria-selected={kind === view}
            className={`tab ${kind === view ? 'tab-active' : ''}`}
            data-testid={`body-tab-${kind}`}
            onClick={() => setChosen(kind)}
          >
            {VIEW_LABELS[kind]}
          </button>
        ))}
      </div>
      {analysis.notice && <p className="notice notice-warning">{analysis.notice}</p>}
      <div className="body-view" data-testid={`body-view-${view}`}>
        <BodyView kind={view} analysis={analysis} contentType={contentType} />
      </div>
    </div>
  )
}

interface BodyViewProps {
  kind: BodyViewKind
  analysis: ReturnType<typeof analyseBody>
  contentType: string | null
}

function BodyView({ kind, analysis, contentType }: BodyViewProps) {
  const { bytes, text } = analysis
  switch (kind) {
    case 'json':
      if (analysis.json?.ok !== true) return null
      if (bytes.length > MAX_JSON_TREE_BYTES) {
        return (
          <>
            <p className="notice">
              Large JSON: shown as indented text instead of a collapsible tree.
            </p>
            <CappedText text={JSON.stringify(analysis.json.value, null, 2)} step={TEXT_STEP_CHARS} testId="json-text" />
          </>
        )
      }
      return <JsonBody value={analysis.json.value} />
    case 'form':
      return <FormBody text={text ?? ''} />
    case 'xml':
      return <XmlText text={text ?? ''} />
    case 'text':
      if (text === null) return <NonUtf8Text bytes={bytes} charset={declaredCharset(contentType)} />
      return <CappedText text={text} step={TEXT_STEP_CHARS} testId="text-body" />
    case 'hex':
      return <HexBody bytes={bytes} />
    default: {
      const unknownKind: never = kind
      return unknownKind
    }
  }
}

function XmlText({ text }: { text: string }) {
  const pretty = useMemo(() => prettyXml(text), [text])
  return <CappedText text={pretty} step={TEXT_STEP_CHARS} testId="xml-body" />
}

/** Decoded with the declared charset when the browser knows it, else as UTF-8 with U+FFFD. */
function NonUtf8Text({ bytes, charset }: { bytes: Uint8Array; charset: string | null }) {
  const declared = useMemo(() => decodeWithCharset(bytes, charset), [bytes, charset])
  const lenient = useMemo(() => (declared === null ? decodeUtf8Lenient(bytes) : ''), [bytes, declared])
  return (
    <>
      <p className="notice">
        {declared !== null
          ? `Not valid UTF-8; decoded as ${charset ?? ''}, the declared charset.`
          : 'Not valid UTF-8: invalid byte sequences are shown as \uFFFD.'}{' '}
        The Hex tab has the exact bytes.
      </p>
      <CappedText text={declared ?? lenient} step={TEXT_STEP_CHARS} testId="text-body" />
    </>
  )
}
