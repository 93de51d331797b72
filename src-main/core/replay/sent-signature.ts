/**
 * A resend that is not re-signed carries the captured signature. The target then rejects it when
 * the edit changed what was signed (the body, a signed header) or when the scheme is time-bound
 * and the captured timestamp has aged past the provider's tolerance (Stripe, Standard Webhooks,
 * Paddle…: field notes, lesson 4). Nothing said so before sending: the dev server's 400 looked like
 * a bug in the dev server. The preview now verifies the request as it will be sent, at the time of
 * the preview, with the endpoint's keys, and says what will fail and how to fix it.
 *
 * Without a key nothing can be recomputed, but a time-bound scheme's timestamp can still be read:
 * a stale one is named too. A change of path is left to path-signature.ts (it names both paths).
 */
import type { CaptureRecognition } from '../../shared/views'
import type { ProviderKey } from '../../shared/providers'
import type { ResignSummary, SigningKey } from '../../shared/replay'
import { analyzeDelivery } from '../providers'
import type { ProviderSettings } from '../recognition'
import type { ReplayRequest } from './replay-request'

export interface SentSignatureInput {
  /** What the capture was recognised as when it arrived (its verdict as of its arrival). */
  recognition: CaptureRecognition | null
  request: Pick<ReplayRequest, 'method' | 'target' | 'headers' | 'body'>
  /** The endpoint's keys (private keys given for one send are ignored: they only sign). */
  keys: readonly SigningKey[]
  settings: ProviderSettings | undefined
  /** What re-signing did, when it was asked for. */
  resign: ResignSummary | null
  now: Date
}

function isVerifyingKey(key: SigningKey): key is ProviderKey {
  return key.kind !== 'rsa-private-key' && key.kind !== 'ed25519-private-key'
}

/** "12 min" / "3 h" / "2 days": how old a timestamp is, for a sentence. */
function describeAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s`
  if (seconds < 2 * 3600) return `${Math.floor(seconds / 60)} min`
  if (seconds < 2 * 86400) return `${Math.floor(seconds / 3600)} h`
  return `${Math.floor(seconds / 86400)} days`
}

/** A warning when the captured signature, sent as it is, will not verify at the target; else `null`. */
export function sentSignatureWarning(input: SentSignatureInput): string | null {
  const verdictAtArrival = input.recognition?.verdict
  // Already stale when it arrived (an old event sent again): the signature itself matched.
  const captured = verdictAtArrival?.status === 'invalid' && verdictAtArrival.reason === 'stale-timestamp' ? 'valid' : verdictAtArrival?.status
  // A capture that was unsigned, or already invalid when it arrived, loses nothing by being resent.
  if (captured !== 'valid' && captured !== 'no-key') return null
  // Re-signed: the new signature covers what is sent (schemes it could not sign are listed in `resign.skipped`).
  if (input.resign !== null && input.resign.changes.length > 0) return null
  const { request } = input
  const analysis = analyzeDelivery(
    { method: request.method, target: request.target, headers: request.headers, body: request.body },
    {
      now: input.now,
      keys: input.keys.filter(isVerifyingKey),
      pinnedProvider: input.settings?.pinnedProvider ?? undefined,
      toleranceSeconds: input.settings?.toleranceSeconds ?? undefined,
      genericFields: false,
    },
  )
  const { verdict, provider, explanation } = analysis
  const fix =
    input.resign === null ? 'Re-sign (the endpoint’s key signs what is sent, with a fresh timestamp)' : 'Add the endpoint’s key: re-signing changed nothing'
  if (verdict.status === 'invalid' && captured === 'valid') {
    return `${provider.name}: the captured signature will not verify at the target: ${verdict.message.replace(/\.$/, '')}. ${fix}.`
  }
  const timestamp = explanation.timestamp
  if (verdict.status === 'no-key' && timestamp !== null && timestamp.toleranceSeconds !== null && !timestamp.withinTolerance && timestamp.skewSeconds > 0) {
    return `${provider.name}: the captured signature’s timestamp is ${describeAge(timestamp.skewSeconds)} old, past the ${timestamp.toleranceSeconds} s ${provider.name}’s libraries accept, so the target will reject it. Add the endpoint’s ${provider.name} key and re-sign.`
  }
  return null
}
