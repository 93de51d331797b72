/**
 * The working copy of a request while re-signing steps are applied one by one, and the record
 * of what each step changed or skipped. It lives beside the providers (not in replay/) because
 * every provider's re-signing step writes to it: with it here, a provider file imports nothing
 * from replay/, and replay/ imports the providers, never the other way round.
 */
import { headerValue, type HeaderPairs } from '../../shared/http-message'
import type { ProviderId } from '../../shared/providers'
import type { ResignChange, ResignSkip } from '../../shared/replay'

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
    const index = this.headers.findIndex(([existing]) => existing.toLowerCase() === name.toLowerCase())
    const before = index >= 0 ? (this.headers[index] as [string, string])[1] : null
    const sentName = index >= 0 ? (this.headers[index] as [string, string])[0] : name
    if (index >= 0) this.headers[index] = [sentName, value]
    else this.headers.push([name, value])
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
