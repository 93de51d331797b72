/**
 * Re-signing: after an edit, or after a time-bound scheme's tolerance window, the captured
 * signature no longer holds. For every scheme found on the request whose key is configured, the
 * signature is recomputed over what is actually sent (body, method, request target, headers), with
 * a fresh timestamp where the scheme is time-bound, and every header or body field that changed is
 * reported. Schemes found without a key are listed as skipped, so the UI can warn before sending.
 *
 * Each scheme's step belongs to its provider module; the registry's `RESIGN_ORDER` says in which
 * order they run (signatures in the body first, header signatures after, the generic HMAC last).
 * This file keeps the loop and the framing of the result.
 */
import { errorMessage } from '../../shared/errors'
import type { ResignSummary, SigningKey } from '../../shared/replay'
import { PLEXO_ENVELOPE_LIFETIME_SECONDS } from '../providers/plexo'
import { RESIGN_ORDER } from '../providers/registry'
import { SigningDraft } from '../providers/signing-draft'
import { compareWithCapture, frameHeaders, type ReplayRequest } from './replay-request'

export { httpDate } from '../providers/signing-draft'
export { PLEXO_ENVELOPE_LIFETIME_SECONDS } from '../providers/plexo'

export interface ResignOptions {
  /** Injected clock: fresh timestamps and `Date` headers are taken from it. */
  now: Date
  plexoLifetimeSeconds?: number
}

export interface ResignResult {
  request: ReplayRequest
  summary: ResignSummary
}

/**
 * Re-signs every recognised scheme whose key is given, over the request as it will be sent.
 * Never throws for a bad key: the scheme is listed in `skipped` with the reason.
 */
export function resignRequest(request: ReplayRequest, keys: readonly SigningKey[], options: ResignOptions): ResignResult {
  const draft = new SigningDraft(request)
  const context = {
    now: options.now,
    nowSeconds: Math.floor(options.now.getTime() / 1000),
    plexoLifetimeSeconds: options.plexoLifetimeSeconds ?? PLEXO_ENVELOPE_LIFETIME_SECONDS,
  }
  for (const { provider, step } of RESIGN_ORDER) {
    try {
      step.apply(draft, keys, context)
    } catch (error: unknown) {
      draft.skip(step.scheme, provider, `could not sign: ${errorMessage(error)}`)
    }
  }

  const url = new URL(request.url)
  const headers = frameHeaders(draft.headers, url.host, request.method, draft.body)
  const resignedHeaders = new Set(request.resigned.headers)
  for (const change of draft.changes) if (change.location === 'header') resignedHeaders.add(change.name.toLowerCase())
  const next: ReplayRequest = {
    ...request,
    headers,
    body: draft.body,
    resigned: { headers: [...resignedHeaders], body: request.resigned.body || draft.bodyChanged },
  }
  next.differences = compareWithCapture(next)
  return { request: next, summary: { changes: draft.changes, skipped: draft.skipped, notes: draft.notes } }
}
