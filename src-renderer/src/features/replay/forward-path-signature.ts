/**
 * IXOPAY signs the path it calls, and a forward sends the captured bytes to another path: the
 * target's own signature check then fails on every forwarded callback (and, passed through, its
 * rejection is what IXOPAY gets, so IXOPAY retries). The resend dialog warns about this and can
 * re-sign; a forward cannot re-sign, so the forward dialog says so before it is saved (and the bulk
 * replay dialog, while Re-sign is not ticked), and names
 * the target that keeps the signed path: the captured path kept, under the server's origin plus
 * the part of the path IXOPAY signed before it (the endpoint's slug, unless the signed-path setting
 * drops it), or, with a fixed signed path, exactly that path.
 */
import { requestedUrl } from '@shared/captured-path'
import type { ProviderSettingsView } from '@shared/views'

type SignedPath = ProviderSettingsView['signedPath']

/**
 * What a provider typically appends under the endpoint's URL, for a dialog's example: the warning
 * says "say," before it, since the captures replayed or forwarded have paths of their own.
 */
export const EXAMPLE_CALLBACK_REST = '/notify?id=1'

export interface ForwardPathSignatureInput {
  /** The endpoint's provider: pinned, else the one its recent captures come from. */
  providerId: string | null
  endpointSlug: string
  signedPath: SignedPath
  targetUrl: string
  keepCapturedPath: boolean
  /** A path and query a provider might append under the endpoint's URL, for the example. */
  exampleRest: string
  /**
   * A bulk replay can re-sign (`false` or `true`: whether it was ticked); a forward cannot
   * (`undefined`). Ticked, the endpoint's key signs the new path and nothing is said.
   */
  resign?: boolean
}

/** The warning, or `null` when the forwarded path is the signed one (or the provider signs no path). */
export function forwardPathSignatureWarning(input: ForwardPathSignatureInput): string | null {
  if (input.providerId !== 'ixopay' || input.resign === true) return null
  let target: URL
  try {
    target = new URL(input.targetUrl)
  } catch {
    return null
  }
  const captured = `/${input.endpointSlug}${input.exampleRest}`
  const signed = input.signedPath.mode === 'fixed' ? input.signedPath.path : input.signedPath.mode === 'without-endpoint-prefix' ? input.exampleRest : captured
  let forwarded: string
  try {
    const sent = requestedUrl(target, captured, input.keepCapturedPath)
    forwarded = `${sent.pathname}${sent.search}`
  } catch {
    return null
  }
  if (forwarded === signed) return null
  const keepsIt =
    input.signedPath.mode === 'fixed'
      ? `forward to exactly ${target.origin}${input.signedPath.path}`
      : `tick “Keep the captured path” and forward to ${target.origin}${input.signedPath.mode === 'as-received' ? `/${input.endpointSlug}` : ''}`
  if (input.resign === false) {
    return (
      `IXOPAY signs the path it calls: a capture it signed for, say, ${signed} is replayed to ${forwarded}, so your server’s signature check will fail. ` +
      `Tick “Re-sign” (the endpoint’s key signs the new path), or ${keepsIt.replace('“Keep the captured path”', '“Keep each capture’s path”').replace('forward to', 'replay to')}.`
    )
  }
  return (
    `IXOPAY signs the path it calls: a callback it signed for, say, ${signed} reaches your server at ${forwarded}, so your server’s signature check will fail ` +
    `(a forward sends the captured signature; it cannot re-sign). To keep it valid, ${keepsIt}.`
  )
}
