/** The parsed summary at the top of the detail view: who sent it and what it says about which payment. */
import type { DeliveryAnalysis, NotificationItemSummary } from '@shared/providers'
import { CopyButton } from '../../components/copy-button'
import { revealHidden } from '../../components/revealed-text'
import { DetailSection } from '../../components/detail-section'
import { providerName } from '../../lib/providers'
import { VerdictBadge } from './recognition-badges'
import './providers.css'

/** `pinnedBy`: what named the provider when the analysis says it was pinned, the endpoint's setting or an import's "Sent by". */
export function SummaryPanel({ analysis, pinnedBy }: { analysis: DeliveryAnalysis; pinnedBy: 'endpoint' | 'import' }) {
  const { provider, summary } = analysis
  const facts: Array<[string, string | null, string?]> = [
    ['Event / type', summary.eventType, 'summary-event'],
    ['Status / result', summary.status, 'summary-status'],
    ['Provider id', summary.providerObjectId, 'summary-object-id'],
    ['Merchant reference', summary.merchantReference, 'summary-reference'],
    [
      'Amount',
      summary.amount
        ? `${summary.amount.amountDisplay}${summary.amount.raw !== summary.amount.amountDisplay ? `  (sent as ${summary.amount.raw}, ${summary.amount.unit === 'minor' ? 'minor units' : 'decimal'})` : ''}`
        : null,
      'summary-amount',
    ],
    ['Payment method', summary.paymentMethod],
    ['Card', summary.maskedCard, 'summary-card'],
    ['Error code', summary.errorCode, 'summary-error-code'],
    ['Error message', summary.errorMessage, 'summary-error-message'],
    ['Test / live', summary.isTest === null ? null : summary.isTest ? 'test' : 'live'],
  ]
  const hasError = summary.errorCode !== null || summary.errorMessage !== null
  return (
    <DetailSection
      title="Summary"
      aside={
        <span className="summary-aside">
          <span data-testid="summary-provider-name">{provider.name}</span>
          {provider.variant && <span className="muted"> · {revealHidden(provider.variant)}</span>}
        </span>
      }
      testId="summary-panel"
    >
      {summary.signalOnly && (
        <div className="notice notice-signal" role="note" data-testid="signal-only">
          <p>
            <strong>This callback is only a signal: confirm the state with</strong>
          </p>
          <div className="signal-request">
            {/* Built from the body's ids: marked as every value received is, the copy stays exact. */}
            <code className="wire" data-testid="signal-only-request">
              {revealHidden(summary.signalOnly.display)}
            </code>
            <CopyButton text={summary.signalOnly.display} label="Copy" testId="copy-signal-request" />
          </div>
          {summary.signalOnly.note && <p className="signal-note">{summary.signalOnly.note}</p>}
          {summary.signalOnly.alternativeUrls.length > 0 && (
            <p className="signal-note">
              Also served by:{' '}
              {summary.signalOnly.alternativeUrls.map((url, index) => (
                <span key={url}>
                  {index > 0 && ', '}
                  <code className="wire">{revealHidden(url)}</code>
                </span>
              ))}
            </p>
          )}
        </div>
      )}
      <dl className="facts summary-facts" data-testid="summary-facts">
        <dt>Provider</dt>
        <dd data-testid="summary-provider">
          <strong>{providerName(provider.id)}</strong>
          {provider.variant && <span className="tag tag-subtle">{revealHidden(provider.variant)}</span>}
          {provider.pinned && <span className="tag tag-accent">{pinnedBy === 'import' ? 'named at import' : 'pinned'}</span>}
          <div className="muted summary-detected" data-testid="summary-detected-by">
            {provider.pinned
              ? pinnedBy === 'import'
                ? // The importer's "Sent by", or the provider a file's exporting app recognised where the file removed what detection reads.
                  'Named when it was imported (its “Sent by”, or the provider its exporting app recognised), not detected'
                : 'Pinned by the endpoint setting'
              : // An unknown sender was detected by nothing: "Detected by no recognition rule matched" said the opposite.
                provider.id === 'unknown'
                ? `Not recognised: ${provider.detectedBy}`
                : `Detected by ${provider.detectedBy}`}
          </div>
        </dd>
        {facts.map(([label, value, testId]) =>
          value === null || value === '' ? null : (
            <Fact key={label} label={label} value={value} testId={testId} isError={hasError && label.startsWith('Error')} />
          ),
        )}
      </dl>
      {summary.items.length > 0 && <BatchItems items={summary.items} />}
      {summary.problems.length > 0 && (
        <div className="notice notice-warning" data-testid="summary-problems">
          <strong>Problems found while parsing</strong>
          <ul className="plain-list">
            {summary.problems.map((problem, index) => (
              <li key={index}>{problem}</li>
            ))}
          </ul>
        </div>
      )}
      {summary.fields.length > 0 && (
        <details className="summary-fields">
          <summary>All fields ({summary.fields.length})</summary>
          <dl className="facts" data-testid="summary-fields">
            {summary.fields.map((field, index) => (
              <Fact key={index} label={field.label} value={field.value} />
            ))}
          </dl>
        </details>
      )}
    </DetailSection>
  )
}

function Fact({ label, value, testId, isError }: { label: string; value: string; testId?: string; isError?: boolean }) {
  return (
    <>
      <dt>{revealHidden(label)}</dt>
      <dd className={`wire-value ${isError ? 'summary-error' : ''}`} data-testid={testId}>
        {revealHidden(value)}
      </dd>
    </>
  )
}

const ITEM_SIGNATURE_STATUS = {
  valid: 'valid',
  invalid: 'invalid',
  'no-key': 'no-key',
  missing: 'invalid',
  'not-checked': 'not-applicable',
} as const

function BatchItems({ items }: { items: NotificationItemSummary[] }) {
  return (
    <div className="batch-items" data-testid="summary-items">
      <h4 className="panel-subtitle">Notification items ({items.length})</h4>
      <table className="data-table">
        <thead>
          <tr>
            <th>#</th>
            <th>Event</th>
            <th>Success</th>
            <th>PSP reference</th>
            <th>Merchant reference</th>
            <th>Amount</th>
            <th>Signature</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.index} data-testid="summary-item">
              <td>{item.index + 1}</td>
              <td>{item.eventCode !== null ? revealHidden(item.eventCode) : '—'}</td>
              <td>{item.success !== null ? revealHidden(item.success) : '—'}</td>
              <td className="wire">
                {item.pspReference !== null ? revealHidden(item.pspReference) : '—'}
                {item.originalReference && <div className="muted">orig. {revealHidden(item.originalReference)}</div>}
              </td>
              <td className="wire">{item.merchantReference !== null ? revealHidden(item.merchantReference) : '—'}</td>
              <td>
                {item.amount?.amountDisplay ?? '—'}
                {item.paymentMethod && <div className="muted">{revealHidden(item.paymentMethod)}</div>}
                {item.reason && <div className="muted">{revealHidden(item.reason)}</div>}
              </td>
              <td>
                <VerdictBadge
                  status={ITEM_SIGNATURE_STATUS[item.signature]}
                  title={item.signature === 'missing' ? 'no hmacSignature in this item' : item.signature}
                  testId="summary-item-signature"
                />
                {item.signature === 'missing' && <span className="muted"> (missing)</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
