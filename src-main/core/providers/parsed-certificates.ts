/**
 * Certificates parsed once, not at every delivery: a Plexo or PayPal callback is checked against
 * each certificate its endpoint holds, and parsing one (with its thumbprint and public key) took
 * 130-220 µs of the receiver's event loop here, for every callback and every certificate. The few
 * certificates in use stay parsed; a parsed certificate never changes.
 */
import { X509Certificate } from 'node:crypto'

/** More than an installation configures; past it, the longest-held is parsed again when next used. */
const MAX_PARSED = 32

const parsed = new Map<string, X509Certificate>()

/** The certificate in `pem`, parsed; throws as `new X509Certificate(pem)` does. */
export function parsedCertificate(pem: string): X509Certificate {
  let certificate = parsed.get(pem)
  if (certificate === undefined) {
    certificate = new X509Certificate(pem)
    if (parsed.size >= MAX_PARSED) parsed.delete(parsed.keys().next().value as string)
    parsed.set(pem, certificate)
  }
  return certificate
}
