/** Compact provider, verdict and summary cells for the capture list (from `CaptureSummary.recognition` only). */
import type { CaptureRecognition } from '@shared/views'
import type { VerdictStatus } from '@shared/providers'
import { providerName, providerShortName, VERDICT_ICONS, VERDICT_WORDS } from '../../lib/providers'
import './providers.css'

export function ProviderBadge({ provider }: { provider: CaptureRecognition['provider'] }) {
  if (provider.id === 'unknown') {
    return (
      <span className="provider-badge provider-badge-unknown" title="Unknown sender" data-testid="provider-badge" data-provider="unknown">
        —
      </span>
    )
  }
  const title = provider.variant ? `${providerName(provider.id)} (${provider.variant})` : providerName(provider.id)
  return (
    <span className={`provider-badge provider-${provider.id}`} title={title} data-testid="provider-badge" data-provider={provider.id}>
      {providerShortName(provider.id)}
    </span>
  )
}

interface VerdictBadgeProps {
  status: VerdictStatus
  /** Shown on hover: the reason and the verifier's message. */
  title?: string
  testId?: string
}

export function VerdictBadge({ status, title, testId = 'verdict-badge' }: VerdictBadgeProps) {
  return (
    <span className={`verdict verdict-${status}`} title={title} data-testid={testId} data-verdict={status}>
      <span className="verdict-icon" aria-hidden="true">
        {VERDICT_ICONS[status]}
      </span>
      {VERDICT_WORDS[status]}
    </span>
  )
}

/**
 * The verdict cell of a capture its exporting app changed before writing the bundle: its signature
 * was checked on changed bytes, so the verdict is no finding about the sender and is not shown as
 * one ("✗ invalid"); the title says what changed and what the exporting app concluded.
 */
export function ChangedBeforeExportBadge({ title }: { title: string }) {
  return (
    <span className="verdict verdict-changed" title={title} data-testid="verdict-badge" data-verdict="changed-before-export">
      <span className="verdict-icon" aria-hidden="true">
        ≠
      </span>
      changed
    </span>
  )
}

export function verdictTitle(verdict: CaptureRecognition['verdict']): string {
  return verdict.reason ? `${verdict.reason}: ${verdict.message}` : verdict.message
}

/**
 * "DEBIT · OK · 9.99 EUR": event or type, status, amount. The reference or id has its own column
 * (features/captures/capture-reference.ts).
 */
export function summaryLine(summary: CaptureRecognition['summary']): string {
  const parts = [summary.eventType, summary.status, summary.amount]
  const text = parts.filter((part): part is string => part !== null && part !== '').join(' · ')
  return summary.signalOnly ? (text ? `${text} · signal only` : 'signal only: confirm by fetch') : text
}
