/** Words for replays: outcomes, failures and how a sent request differs from its capture. */
import type { ForwardSummary, RecordedOutcome, ReplayDifference, ReplayFailureKind, ReplayRecord, ResignSummary } from '@shared/replay'
import { reasonPhrase } from '../../lib/http-status'
import { errorMessage } from '@shared/errors'
import { trailersNotSent } from '@shared/trailers-not-sent'

const FAILURE_TITLES: Record<ReplayFailureKind, string> = {
  'invalid-request': 'Request could not be built',
  'connection-refused': 'Connection refused',
  'connection-reset': 'Connection reset',
  dns: 'Host not found (DNS)',
  unreachable: 'Host unreachable',
  tls: 'TLS error',
  'connect-timeout': 'Connect timeout',
  timeout: 'Timed out',
  'too-large': 'Request too large',
  redirect: 'Redirect could not be followed',
  protocol: 'Not a valid HTTP answer',
  aborted: 'Cancelled',
  network: 'Network error',
}

export function failureTitle(kind: ReplayFailureKind): string {
  return FAILURE_TITLES[kind] ?? kind
}

/** A history record whose answer never came: the app stopped while it was awaited (the outcome's message says so). Short, like the other labels, for a history row. */
export const APP_STOPPED_LABEL = 'No answer'

/** A history record of a send still awaiting its answer. */
export const SENDING_LABEL = 'Sending…'

/** `200 OK` or the failure's title: what the history and tables show in one cell. */
export function outcomeLabel(outcome: RecordedOutcome): string {
  if (outcome.kind === 'app-stopped') return APP_STOPPED_LABEL
  if (outcome.kind === 'sending') return SENDING_LABEL
  if (outcome.kind === 'failure') return failureTitle(outcome.failure.kind)
  const { status } = outcome.response
  return `${status} ${outcome.response.statusMessage || reasonPhrase(status)}`.trim()
}

export function outcomeClass(outcome: RecordedOutcome | null): string {
  if (outcome === null || outcome.kind === 'app-stopped' || outcome.kind === 'sending') return 'status-pending'
  if (outcome.kind === 'failure') return 'status-server-error'
  const { status } = outcome.response
  if (status >= 500) return 'status-server-error'
  if (status >= 400) return 'status-client-error'
  if (status >= 300) return 'status-redirect'
  return 'status-ok'
}

export const REPLAY_KIND_LABELS: Record<ReplayRecord['kind'], string> = {
  resend: 'Resend',
  bulk: 'Bulk',
  forward: 'Forward',
  simulate: 'Simulated',
}

const FRESHNESS_HEADERS = new Set(['date', 'x-date', 'webhook-timestamp', 'svix-timestamp', 'x-timestamp'])

/**
 * The plain list of what differs, e.g. `["body edited", "X-Signature re-signed", "Date refreshed"]`.
 * Host and hop-by-hop headers are not differences (they always change); the caller says so apart.
 */
export function describeDifferences(differences: ReplayDifference[], resign: ResignSummary | null): string[] {
  const phrases: string[] = []
  const add = (phrase: string) => {
    if (!phrases.includes(phrase)) phrases.push(phrase)
  }
  const resigned = (name: string) => add(FRESHNESS_HEADERS.has(name.toLowerCase()) ? `${name} refreshed` : `${name} re-signed`)
  for (const difference of differences) {
    switch (difference.kind) {
      case 'method':
        add(`method ${difference.captured} → ${difference.sent}`)
        break
      case 'path':
        // The path follows the target URL by design; it does not make the request differ.
        break
      case 'body':
        add(difference.reason === 'edited' ? 'body edited' : 'body re-signed')
        break
      case 'header-order':
        add('header order changed')
        break
      case 'trailers-not-sent':
        add(trailersNotSent(difference.trailers, 'resend'))
        break
      case 'header-added':
      case 'header-removed':
      case 'header-changed': {
        const verb = difference.kind === 'header-added' ? 'added' : difference.kind === 'header-removed' ? 'removed' : 'edited'
        if (difference.reason === 'resigned') resigned(difference.name)
        else if (difference.reason === 'recomputed') add(`${difference.name} recomputed`)
        else if (difference.reason === 'forward-mark') add(`${difference.name} added (marks a forward, so it is never forwarded again)`)
        else add(`${difference.name} ${verb}`)
        break
      }
      default: {
        const unknown: never = difference
        add(String(unknown))
      }
    }
  }
  for (const change of resign?.changes ?? []) {
    if (change.location === 'header') resigned(change.name)
    else add(`${change.name} re-signed (body)`)
  }
  return phrases
}

/** Splits a unified diff into lines tagged for colouring. */
export function diffLines(unified: string): Array<{ kind: 'add' | 'remove' | 'hunk' | 'file' | 'context'; text: string }> {
  return unified
    .split('\n')
    .filter((line, index, all) => !(line === '' && index === all.length - 1))
    .map((text) => {
      if (text.startsWith('+++') || text.startsWith('---')) return { kind: 'file' as const, text }
      if (text.startsWith('@@')) return { kind: 'hunk' as const, text }
      if (text.startsWith('+')) return { kind: 'add' as const, text }
      if (text.startsWith('-')) return { kind: 'remove' as const, text }
      return { kind: 'context' as const, text }
    })
}

/** The JSON parse error of `text`, or `null` when it parses. */
export function jsonProblem(text: string): string | null {
  try {
    JSON.parse(text)
    return null
  } catch (error: unknown) {
    return errorMessage(error)
  }
}

/** Whether a body should be checked as JSON while it is edited. */
export function looksLikeJson(contentType: string | null, text: string): boolean {
  if (contentType !== null && /[/+]json\b/i.test(contentType)) return true
  const first = text.trimStart()[0]
  return first === '{' || first === '['
}

/** What the provider got, as the forward's record says: never an answer when none reached it. */
export function forwardSummarySentence(forward: ForwardSummary): string {
  if (forward.reason === 'app-stopped') return 'the app stopped while waiting for your server, so the provider got no answer.'
  if (forward.reason === 'sender-left') return 'the provider gave up waiting before your server answered, so it got no answer.'
  if (forward.reason === 'store-failed') return 'the app could not record the answer, so the provider got 503 (retry later) instead.'
  if (forward.usedConfiguredAnswer) return `the provider got this endpoint's configured answer${forward.reason ? ` (${forward.reason})` : ''}.`
  return forward.mode === 'pass-through'
    ? 'the provider got this answer from your server.'
    : 'the provider got the configured answer; this is the copy your server received.'
}
