/**
 * What the Plexo envelope tests share: a test certificate's private key (PEM) and the thumbprint an
 * envelope names, and a body analysed as the receiver does, with that certificate configured.
 */
import { X509Certificate } from 'node:crypto'
import forge from 'node-forge'
import type { DeliveryAnalysis } from '../shared/providers'
import { analyzeDelivery } from '../core/providers/index'
import type { IssuedCertificate } from './certificate-authority'

/** The private key to sign with, and the certificate's SHA-1 thumbprint as Plexo's `Fingerprint` writes it. */
export function plexoSigningKey(certificate: IssuedCertificate): { privateKey: string; fingerprint: string } {
  return {
    privateKey: forge.pki.privateKeyToPem(certificate.signer.privateKey),
    fingerprint: new X509Certificate(certificate.pem).fingerprint.replaceAll(':', ''),
  }
}

/** `body` POSTed as JSON to a Plexo endpoint holding `certificate`, analysed as of `now`. */
export function analyzePlexoBody(body: string, certificate: IssuedCertificate, now: Date): DeliveryAnalysis {
  return analyzeDelivery(
    { method: 'POST', target: '/plexo', headers: [['Content-Type', 'application/json']], body: Buffer.from(body) },
    { now, keys: [{ kind: 'certificate', provider: 'plexo', pem: certificate.pem }] },
  )
}
