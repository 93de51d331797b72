import { useMemo, useState } from 'react'
import { describeJsonPathChange, type BodyDiff } from '@shared/capture-diff'
import type { BodyDigest, TextDiff } from '@shared/replay'
import { formatCount, formatExactBytes } from '../../lib/format'
import { diffLines } from '../replay/replay-format'
import { bodyReadingLine, jsonSameValuesLine } from './body-reading'
// The diff line colours are the resend editor's (one look for every line diff).
import '../replay/replay.css'
import './compare.css'

/**
 * How two bodies differ, as the core compared them: the JSON values by path (literals exactly as
 * sent), the line diff (jsdiff), or hashes when the bytes cannot be shown side by side. Used by
 * Compare and by the resend editor.
 */
export function BodyComparison({ diff, testId = 'body-comparison' }: { diff: BodyDiff; testId?: string }) {
  switch (diff.kind) {
    case 'identical':
      return (
        <p className="muted" data-testid={testId} data-kind="identical">
          Identical bodies ({formatExactBytes(diff.size)}).
        </p>
      )
    case 'json':
      return (
        <div data-testid={testId} data-kind="json">
          <BodyReadingNote diff={diff} />
          <JsonPathChanges diff={diff} />
          {diff.text && diff.text.unified !== '' && <CollapsedLineDiff diff={diff.text} />}
        </div>
      )
    case 'text':
      return (
        <div data-testid={testId} data-kind="text">
          <BodyReadingNote diff={diff} />
          {diff.jsonError && (
            <p className="notice notice-warning compare-small" data-testid="compare-json-error">
              {/* The parser's own message may end in a full stop already. */}
              Compared as text: {diff.jsonError.replace(/\.+$/, '')}.
            </p>
          )}
          <LineDiff diff={diff.text} />
        </div>
      )
    case 'binary':
      return (
        <DigestComparison
          testId={testId}
          kind={diff.kind}
          note="At least one body is not text (in UTF-8 or in the charset its Content-Type declares): compared by size and SHA-256."
          left={diff.left}
          right={diff.right}
        />
      )
    case 'too-large':
      return (
        <DigestComparison
          testId={testId}
          kind={diff.kind}
          note={`A body is larger than ${formatExactBytes(diff.limitBytes)}, the most the app diffs: compared by size and SHA-256.`}
          left={diff.left}
          right={diff.right}
        />
      )
    case 'incomplete':
      return <DigestComparison testId={testId} kind={diff.kind} note={`${capitalise(diff.reason)}.`} left={diff.left} right={diff.right} />
    default: {
      const unhandled: never = diff
      return unhandled
    }
  }
}

/** How each side's bytes were read into the text compared, when that is not the bytes as received. */
function BodyReadingNote({ diff }: { diff: Extract<BodyDiff, { kind: 'json' | 'text' }> }) {
  const line = bodyReadingLine(diff.readAs)
  if (line === null) return null
  return (
    <p className="muted compare-small" data-testid="compare-read-as">
      {line}
    </p>
  )
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * The JSON values that differ, by path, with both literals as sent. `sides` names the two columns:
 * Compare's two captures are left and right; a resend's are what was captured and what is sent.
 */
export function JsonPathChanges({
  diff,
  sides = ['Left', 'Right'],
}: {
  diff: Extract<BodyDiff, { kind: 'json' }>
  sides?: readonly [left: string, right: string]
}) {
  const { changes, changeCount, changesTruncated: truncated, unchangedValues } = diff
  if (changeCount === 0) {
    return (
      <p className="muted compare-small" data-testid="json-path-same">
        {jsonSameValuesLine(unchangedValues, diff.text !== null && diff.text.unified === '', diff.readAs)}
      </p>
    )
  }
  return (
    <>
      <p className="muted compare-small">
        {formatCount(changeCount)} JSON {changeCount === 1 ? 'value differs' : 'values differ'} · {formatCount(unchangedValues)} the same · values as sent,
        compared by their literal text
        {truncated && ` · the first ${formatCount(changes.length)} are listed`}
      </p>
      <table className="compare-table json-path-table" data-testid="json-path-changes">
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">{sides[0]}</th>
            <th scope="col">{sides[1]}</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change, index) => (
            <tr key={index} className={`compare-${change.kind}`} data-kind={change.kind} data-path={change.path} title={describeJsonPathChange(change)}>
              <td className="wire">
                {change.path}
                {change.occurrence > 0 && <span className="muted"> (#{change.occurrence + 1})</span>}
                {change.duplicateKey && <span className="tag compare-dup">duplicate key</span>}
              </td>
              <td className="wire compare-left">{change.left ?? <span className="muted">(absent)</span>}</td>
              <td className="wire compare-right">{change.right ?? <span className="muted">(absent)</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}

/** The JSON text's line diff, rendered only once opened (it can run to thousands of lines). */
function CollapsedLineDiff({ diff }: { diff: TextDiff }) {
  const [isOpen, setIsOpen] = useState(false)
  return (
    <details className="compare-text-details" onToggle={(event) => setIsOpen(event.currentTarget.open)}>
      <summary>Line diff of the JSON text</summary>
      {isOpen && <LineDiff diff={diff} />}
    </details>
  )
}

/** A unified line diff (jsdiff) with added and removed lines marked. */
export function LineDiff({ diff }: { diff: TextDiff }) {
  if (diff.unified === '') return <p className="muted compare-small">The texts are the same.</p>
  return (
    <div data-testid="line-diff">
      <p className="muted compare-small">
        Lines: <span className="diff-added-text">+{diff.addedLines}</span> <span className="diff-removed-text">−{diff.removedLines}</span>
        {diff.truncated && ' · too large to diff fully: cut'}
      </p>
      <UnifiedDiffText unified={diff.unified} />
    </div>
  )
}

function DigestComparison({ testId, kind, note, left, right }: { testId: string; kind: string; note: string; left: BodyDigest; right: BodyDigest }) {
  return (
    <div data-testid={testId} data-kind={kind}>
      <p className="muted compare-small">{note}</p>
      <dl className="inline-facts compare-digests">
        <dt>Left</dt>
        <dd className="wire">
          {formatExactBytes(left.size)} · {left.sha256}
        </dd>
        <dt>Right</dt>
        <dd className="wire">
          {formatExactBytes(right.size)} · {right.sha256}
        </dd>
      </dl>
    </div>
  )
}

/** The lines of a unified diff, each marked added, removed, hunk or context (one look for every line diff). */
export function UnifiedDiffText({ unified }: { unified: string }) {
  const lines = useMemo(() => diffLines(unified), [unified])
  return (
    <pre className="wire-text diff-text">
      {lines.map((line, index) => (
        <span key={index} className={`diff-line diff-${line.kind}`} data-diff={line.kind}>
          {line.text}
          {'\n'}
        </span>
      ))}
    </pre>
  )
}
