/**
 * Some schemes sign the request path: IXOPAY (the request URI is part of the signed string) and a
 * generic HMAC scheme whose template uses `{target}`, `{path}` or `{query}`. A resend to another
 * path carries a signature the target's verifier will reject, which looks like a bug in the
 * target. The preview says so before sending, and points at the two ways out: re-sign (the
 * endpoint's key signs the new path) or send to the captured path.
 */
import type { ResignSummary, SigningKey } from '../../shared/replay'

const PATH_TOKEN = /\{(?:target|path|query)\}/

export interface PathSignatureInput {
  /** The recognised provider of the capture (`null` when unknown). */
  providerId: string | null
  /** The endpoint's keys (a generic scheme's template says whether it signs the path). */
  keys: readonly SigningKey[]
  capturedTarget: string
  /**
   * The path and query an IXOPAY signature was verified against when it is not `capturedTarget`:
   * the endpoint's signed-path setting (recognition.ts `signedPathFor`), so the warning compares
   * the resend with the path the verdict was computed for. A generic scheme is verified against
   * the target as received.
   */
  signedPath?: string | undefined
  sentTarget: string
  /** What re-signing did, when it was asked for. */
  resign: ResignSummary | null
}

/** Which scheme of this capture signs the path, by name, and the path it was signed for; or `null`. */
function pathSigningScheme(input: PathSignatureInput): { name: string; signedFor: string } | null {
  if (input.providerId === 'ixopay') return { name: 'IXOPAY', signedFor: input.signedPath ?? input.capturedTarget }
  if (input.providerId === 'generic') {
    const signsPath = input.keys.some((key) => key.kind === 'generic-hmac' && key.config.signed !== 'body' && PATH_TOKEN.test(key.config.signed.template))
    if (signsPath) return { name: 'This endpoint’s HMAC scheme', signedFor: input.capturedTarget }
  }
  return null
}

/** A warning when the path changes and the capture's signature covers it (and re-signing did not fix it). */
export function pathSignatureWarning(input: PathSignatureInput): string | null {
  const scheme = pathSigningScheme(input)
  if (scheme === null || input.sentTarget === scheme.signedFor) return null
  if (input.resign !== null && input.resign.changes.length > 0) return null
  const fix =
    input.resign === null
      ? 'Re-sign (the endpoint’s key signs the new path), or send to the captured path'
      : 'Re-signing changed nothing (is the endpoint’s key configured?): add the key, or send to the captured path'
  return `${scheme.name} signs the request path: the capture was signed for ${scheme.signedFor}, this goes to ${input.sentTarget}, so the target’s signature check will fail. ${fix}.`
}
