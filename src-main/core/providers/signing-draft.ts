/**
 * The working copy of a request while re-signing steps are applied one by one, and the record
 * of what each step changed or skipped. It lives beside the providers (not in replay/) because
 * every provider's re-signing step writes to it: with it here, a provider file imports nothing
 * from replay/, and replay/ imports the providers, never the other way round.
 */
import { headerValue, setHeader, type HeaderPairs } from '../../shared/http-message'
import type { ProviderId } from '../../shared/providers'
import type { ResignChange, ResignSkip } from '../../shared/replay'
import { keyFingerprint } from '../keys/describe-key'
import type { HmacKey } from './signing-keys'

/** The bytes a signature covers: what will be sent, as the replay layer built it. */
export interface SigningRequest {
  method: string
  /** The absolute URL the request is sent to (a provider that signs its notification URL, as Square does, signs this). */
  url: string
  /** The request target actually sent (path and query). */
  target: string
  headers: HeaderPairs
  body: Buffer
}

/** Which scheme and key set a header or body field. */
export type ChangeSource = Omit<ResignChange, 'location' | 'name' | 'before' | 'after'>

/** RFC 7231 IMF-fixdate, e.g. `Tue, 21 Jul 2020 13:15:03 GMT`. */
export function httpDate(now: Date): string {
  return now.toUTCString()
}

export class SigningDraft {
  headers: HeaderPairs
  body: Buffer
  bodyChanged = false
  readonly changes: ResignChange[] = []
  readonly skipped: ResignSkip[] = []
  readonly notes: string[] = []

  constructor(readonly request: SigningRequest) {
    this.headers = request.headers.map(([name, value]) => [name, value])
    this.body = request.body
  }

  header(name: string): string | undefined {
    return headerValue(this.headers, name)
  }

  /**
   * Sets the first header of that name in place (its case kept), or appends it. One change is
   * reported per signature the value carries (a Standard Webhooks header can hold v1 and v1a).
   */
  setHeader(name: string, value: string, change: ChangeSource | readonly ChangeSource[]): void {
    const { sentName, before } = setHeader(this.headers, name, value)
    for (const each of [change].flat()) this.changes.push({ ...each, location: 'header', name: sentName, before, after: value })
  }

  setBody(body: Buffer, changes: ResignChange[]): void {
    this.body = body
    this.bodyChanged = true
    this.changes.push(...changes)
  }

  skip(scheme: string, provider: ProviderId, reason: string): void {
    this.skipped.push({ scheme, provider, reason })
  }

  /** Reports a scheme found without its key: the captured signature is sent as it was. */
  noKey(scheme: string, provider: ProviderId, what: string): void {
    this.skip(scheme, provider, `no ${what} configured: the captured signature is sent unchanged and will not match an edited request`)
  }

  /** The request target the signatures cover: the one actually sent. */
  get target(): string {
    return this.request.target
  }
}

/**
 * Re-signs a header whose value is one HMAC over the body (Shopify, Adyen platform): nothing when
 * the header is absent, a skip when the secret is.
 */
export function resignHmacHeader(
  draft: SigningDraft,
  header: string,
  scheme: string,
  provider: ProviderId,
  key: HmacKey | undefined,
  sign: (secret: string) => string,
): void {
  if (draft.header(header) === undefined) return
  if (!key) {
    draft.noKey(scheme, provider, `${provider} secret`)
    return
  }
  draft.setHeader(header, sign(key.value), { scheme, provider, keyFingerprint: keyFingerprint(key) })
}

// ---------------------------------------------------------------------------------------------
// Reading a body to re-sign signatures inside it (Adyen classic items, Plexo envelopes)

/** A plain JSON object, else `null`. */
export function jsonRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
}

/** A JSON member as text: a string as it is, anything else as its JSON (never "[object Object]"). */
export function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The body as text when it is valid UTF-8 that round-trips byte for byte; otherwise `null`. */
export function roundTripText(body: Buffer): string | null {
  const text = body.toString('utf8')
  return Buffer.from(text, 'utf8').equals(body) ? text : null
}

/** JSON text parsed, or `undefined` when it is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error: unknown) {
    if (error instanceof SyntaxError) return undefined
    throw error
  }
}
