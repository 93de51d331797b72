/**
 * Headers that prove who the sender is: credentials (`Authorization`, `Cookie`,
 * `Proxy-Authorization`, API keys and tokens) and webhook signatures. A followed redirect to
 * another origin must not carry them, as browsers (fetch) and curl do not: the origin that
 * redirected chose where they would go, and signatures are replayable proofs.
 *
 * Signature header names differ per provider (`X-Signature`, `Stripe-Signature`,
 * `X-Hub-Signature-256`, `X-Shopify-Hmac-Sha256`, `PAYPAL-TRANSMISSION-SIG`, `webhook-signature`,
 * a generic scheme's own header...), so they are recognised by the words in their names.
 */
import type { HeaderPairs } from '../../shared/http-message'

// One rule for every place that must not pass a credential on: redirects to another origin here,
// redacted exports (core/exchange/redaction.ts). Broad on purpose: a header wrongly treated as a
// credential is only left out; a credential treated as plain text leaks.
const CREDENTIAL_NAME = /authorization|cookie|signature|hmac|api[-_]?key|token|secret|password|credential|session|(?:^|[-_])sig(?:$|[-_])|(?:^|[-_])auth/i

/** Whether a header name carries a credential or a signature. */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_NAME.test(name)
}

/** The headers without credentials and signatures, and the names of those left out. */
export function withoutCredentials(headers: HeaderPairs): { kept: HeaderPairs; dropped: string[] } {
  const kept: HeaderPairs = []
  const dropped: string[] = []
  for (const pair of headers) {
    if (isCredentialHeader(pair[0])) dropped.push(pair[0])
    else kept.push(pair)
  }
  return { kept, dropped }
}
