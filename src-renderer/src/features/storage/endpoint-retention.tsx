/**
 * Per-endpoint retention in the Storage dialog: one row per endpoint with its own caps (captures,
 * MiB, days), which apply besides the global ones. A busy test endpoint can be kept small while
 * the others keep everything.
 */
import type { Endpoint } from '@shared/views'
import type { RetentionLimitsSetting } from '@shared/storage-settings'
import { capProblem, capTextsOf, hasAnyCap, invalidCapName, limitsOf, parseCap, type CapTexts } from './retention-caps'
import './storage.css'

/** The typed caps of each endpoint, by endpoint id. */
export type EndpointCapTexts = Record<string, CapTexts>

export function endpointCapTextsOf(perEndpoint: Record<string, RetentionLimitsSetting> | undefined, endpoints: readonly Endpoint[]): EndpointCapTexts {
  return Object.fromEntries(endpoints.map((endpoint) => [endpoint.id, capTextsOf(perEndpoint?.[endpoint.id])]))
}

/**
 * The `perEndpoint` policy to save: the endpoints with at least one cap, and the saved caps of
 * endpoints this list does not show (kept as they are), of endpoints that still exist only: caps
 * of an endpoint deleted while the dialog was open went with it, and the app refuses caps for an
 * endpoint it does not have (every Save failed until the dialog was reopened). `'invalid'` when a
 * typed cap is not valid.
 */
export function perEndpointPolicyOf(
  texts: EndpointCapTexts,
  saved: Record<string, RetentionLimitsSetting> | undefined,
  endpoints: readonly Endpoint[],
): Record<string, RetentionLimitsSetting> | 'invalid' {
  const existing = new Set(endpoints.map((endpoint) => endpoint.id))
  const policy: Record<string, RetentionLimitsSetting> = {}
  for (const [endpointId, limits] of Object.entries(saved ?? {})) if (!(endpointId in texts) && existing.has(endpointId)) policy[endpointId] = limits
  for (const [endpointId, typed] of Object.entries(texts)) {
    if (!existing.has(endpointId)) continue
    const limits = limitsOf(typed)
    if (limits === 'invalid') return 'invalid'
    if (hasAnyCap(limits)) policy[endpointId] = limits
  }
  return policy
}

/** The three cap columns of a row, with the words that name them in a field's label. */
const CAP_COLUMNS = [
  ['maxCaptures', 'keep at most (captures)'],
  ['maxMiB', 'keep at most (MiB)'],
  ['maxAgeDays', 'delete after (days)'],
] as const

/** The typed caps that are not limits, named as their fields are ("Misc: delete after (days)"), in the table's order. */
export function invalidEndpointCapNames(endpoints: readonly Endpoint[], texts: EndpointCapTexts): string[] {
  const names: string[] = []
  for (const endpoint of endpoints) {
    const typed = texts[endpoint.id]
    if (!typed) continue
    for (const [field, column] of CAP_COLUMNS) {
      if (parseCap(typed[field], field) === 'invalid') names.push(invalidCapName(`${endpoint.name}: ${column}`, typed[field], field))
    }
  }
  return names
}

export function EndpointRetentionFields({
  endpoints,
  texts,
  onChange,
}: {
  endpoints: readonly Endpoint[]
  texts: EndpointCapTexts
  onChange: (next: EndpointCapTexts) => void
}) {
  if (endpoints.length === 0) return null
  const set = (endpointId: string, field: keyof CapTexts, value: string) =>
    onChange({ ...texts, [endpointId]: { ...(texts[endpointId] ?? capTextsOf(undefined)), [field]: value } })
  return (
    <fieldset className="field">
      <legend className="field-label">Per endpoint (besides the limits above)</legend>
      <table className="endpoint-retention" data-testid="endpoint-retention">
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col">Captures now</th>
            <th scope="col">Keep at most (captures)</th>
            <th scope="col">Keep at most (MiB)</th>
            <th scope="col">Delete after (days)</th>
          </tr>
        </thead>
        <tbody>
          {endpoints.map((endpoint) => {
            const typed = texts[endpoint.id] ?? capTextsOf(undefined)
            return (
              <tr key={endpoint.id} data-testid="endpoint-retention-row" data-endpoint-slug={endpoint.slug}>
                <th scope="row">
                  {endpoint.name} <span className="muted">/{endpoint.slug}</span>
                </th>
                <td className="endpoint-retention-count">{endpoint.captureCount.toLocaleString()}</td>
                {CAP_COLUMNS.map(([field, column]) => (
                  <td key={field}>
                    <input
                      className="input"
                      inputMode={field === 'maxMiB' ? 'decimal' : 'numeric'}
                      value={typed[field]}
                      placeholder="no limit"
                      aria-label={`${endpoint.name}: ${column}`}
                      aria-invalid={parseCap(typed[field], field) === 'invalid'}
                      title={capProblem(typed[field], field) ?? undefined}
                      onChange={(event) => set(endpoint.id, field, event.target.value)}
                      data-testid={`endpoint-retention-${field}`}
                    />
                  </td>
                ))}
              </tr>
            )
          })}
        </tbody>
      </table>
    </fieldset>
  )
}
