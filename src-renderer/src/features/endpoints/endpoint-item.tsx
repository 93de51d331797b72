import { useState } from 'react'
import type { Endpoint } from '@shared/views'
import { CopyButton } from '../../components/copy-button'
import { AnswerSettingsDialog } from '../answers/answer-settings-dialog'
import { ProviderSettingsDialog } from '../providers/provider-settings-dialog'
import { EndpointReplayActions, ForwardBadge } from '../replay/entry-points'
import { EndpointPublicUrl } from '../tunnel/endpoint-public-url'
import { formatCount } from '../../lib/format'
import { useRovingToolbar } from '../../components/roving-focus'
import './endpoint-sidebar.css'

interface EndpointItemProps {
  endpoint: Endpoint
  isSelected: boolean
  onSelect: () => void
  /**
   * The card the endpoint list's one Tab stop is on (roving focus): its select button and its
   * actions are in the Tab order, every other card's are reached with the arrow keys.
   */
  isActive: boolean
  onSelectFocus: () => void
  onEdit: () => void
  onDelete: () => void
}

export function EndpointItem({ endpoint, isSelected, onSelect, isActive, onSelectFocus, onEdit, onDelete }: EndpointItemProps) {
  const { origin, path } = splitUrl(endpoint.url)
  const [settings, setSettings] = useState<'keys' | 'answers' | null>(null)
  const { root: toolsRoot, onKeyDown: onToolsKeyDown, onFocus: onToolsFocus } = useRovingToolbar<HTMLDivElement>(isActive)
  return (
    <li
      className={`endpoint-item ${isSelected ? 'endpoint-item-selected' : ''}`}
      data-testid="endpoint-item"
      data-endpoint-id={endpoint.id}
      data-endpoint-slug={endpoint.slug}
    >
      <button
        type="button"
        className="endpoint-select"
        onClick={onSelect}
        onFocus={onSelectFocus}
        tabIndex={isActive ? 0 : -1}
        aria-current={isSelected ? 'true' : undefined}
        data-roving-key={endpoint.id}
        data-testid="endpoint-select"
      >
        <span className="endpoint-name" data-testid="endpoint-name">
          {endpoint.name}
        </span>
        <span className="badge" data-testid="endpoint-count" title={`${endpoint.captureCount} captures`}>
          {formatCount(endpoint.captureCount)}
        </span>
      </button>
      <code className="endpoint-url wire" title={endpoint.url} data-testid="endpoint-url">
        {origin}
        <wbr />
        {path}
      </code>
      {/* One Tab stop for the card's actions, ← → between them (WAI-ARIA toolbar). */}
      <div
        ref={toolsRoot}
        className="endpoint-tools"
        role="toolbar"
        aria-label={`Endpoint ${endpoint.name}`}
        onKeyDown={onToolsKeyDown}
        onFocus={onToolsFocus}
        data-testid="endpoint-tools"
      >
        <EndpointPublicUrl endpoint={endpoint} />
        <ForwardBadge endpoint={endpoint} />
        <div className="endpoint-actions">
          <CopyButton text={endpoint.url} label="Copy URL" title="Copy the capture URL" testId="copy-endpoint-url" />
          <span className="endpoint-manage">
            <button type="button" className="link-button" onClick={onEdit} data-testid="edit-endpoint">
              Rename
            </button>
            <button type="button" className="link-button link-danger" onClick={onDelete} data-testid="delete-endpoint">
              Delete
            </button>
          </span>
        </div>
        <div className="endpoint-config">
          <button type="button" className="link-button" onClick={() => setSettings('keys')} data-testid="endpoint-keys">
            Keys &amp; provider
          </button>
          <button type="button" className="link-button" onClick={() => setSettings('answers')} data-testid="endpoint-answers">
            Answers
          </button>
          <EndpointReplayActions endpoint={endpoint} />
        </div>
      </div>
      {settings === 'keys' && <ProviderSettingsDialog endpoint={endpoint} onClose={() => setSettings(null)} />}
      {settings === 'answers' && <AnswerSettingsDialog endpoint={endpoint} onClose={() => setSettings(null)} />}
    </li>
  )
}

/** Splits before the path, so a narrow sidebar wraps the URL at the slash rather than mid-port. */
function splitUrl(url: string): { origin: string; path: string } {
  try {
    const parsed = new URL(url)
    return { origin: parsed.origin, path: url.slice(parsed.origin.length) }
  } catch {
    return { origin: url, path: '' }
  }
}
