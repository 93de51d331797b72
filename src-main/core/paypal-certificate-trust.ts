/**
 * Whether a certificate fetched from `PAYPAL-CERT-URL` may be trusted to verify PayPal callbacks
 * (the URL's host and the certificate chain are checked before the fetched key is trusted).
 * The URL's host is checked before fetching (see `isTrustedPaypalCertUrl`); this checks what came
 * back:
 *
 * - the first certificate is issued to PayPal's message-verification host;
 * - every certificate in the chain was valid when PayPal says it signed (PAYPAL-TRANSMISSION-TIME),
 *   so an old delivery verifies with the certificate of its day, as PayPal's own test does;
 * - each certificate is signed by the next, whose issuer is a certificate authority, up to a
 *   trusted root. Issuers missing from the fetched file are fetched from the URL the certificate
 *   names for them ("CA Issuers" in Authority Information Access), as browsers do: they prove
 *   themselves by their signatures, not by where they came from.
 */
import { X509Certificate } from 'node:crypto'
import { rootCertificates } from 'node:tls'
import { errorMessage } from '../shared/errors'

/** The hosts PayPal's signing certificates are issued to (live and sandbox). */
export const PAYPAL_CERTIFICATE_HOSTS = ['messageverificationcerts.paypal.com', 'messageverificationcerts.sandbox.paypal.com'] as const

/** Longer chains are not PayPal's (theirs is leaf, intermediate, root). */
const MAX_CHAIN_LENGTH = 5

export interface CertificateTrustSources {
  /** Trust anchors. */
  roots: readonly X509Certificate[]
  /** Fetches an issuer certificate (DER or PEM) from a "CA Issuers" URL. */
  fetchIssuer(url: string): Promise<Buffer>
}

let bundledRoots: X509Certificate[] | undefined

/** Node's bundled Mozilla root certificates, parsed once when first needed. */
export function bundledRootCertificates(): readonly X509Certificate[] {
  bundledRoots ??= rootCertificates.map((pem) => new X509Certificate(pem))
  return bundledRoots
}

/** Thrown with a reason in plain words when a certificate is not to be trusted. */
export class UntrustedCertificateError extends Error {}

/** Every certificate in a PEM file, in order. */
export function parsePemCertificates(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  return blocks.map((block) => new X509Certificate(block))
}

/**
 * Checks a fetched PEM file (the signing certificate first, optionally followed by its chain);
 * resolves with the signing certificate, or rejects with an {@link UntrustedCertificateError}.
 */
export async function checkPaypalCertificate(pemText: string, signedAt: Date, sources: CertificateTrustSources): Promise<X509Certificate> {
  const [leaf, ...supplied] = parsePemCertificates(pemText)
  if (leaf === undefined) throw new UntrustedCertificateError('the file holds no certificate')
  if (!PAYPAL_CERTIFICATE_HOSTS.some((host) => leaf.checkHost(host) !== undefined)) {
    throw new UntrustedCertificateError(`it is issued to ${subjectName(leaf)}, not to ${PAYPAL_CERTIFICATE_HOSTS.join(' or ')}`)
  }
  let current = leaf
  for (let length = 1; length <= MAX_CHAIN_LENGTH; length++) {
    checkValidAt(current, signedAt)
    if (sources.roots.some((root) => sameCertificate(root, current))) return leaf
    const issuer =
      supplied.find((candidate) => issued(candidate, current)) ?? sources.roots.find((root) => issued(root, current)) ?? (await fetchIssuerOf(current, sources))
    if (!issuer.ca) throw new UntrustedCertificateError(`${subjectName(issuer)} signed ${subjectName(current)} but is not a certificate authority`)
    current = issuer
  }
  throw new UntrustedCertificateError(`its chain is longer than ${MAX_CHAIN_LENGTH} certificates`)
}

async function fetchIssuerOf(certificate: X509Certificate, sources: CertificateTrustSources): Promise<X509Certificate> {
  const missing = `no trusted certificate authority issued ${subjectName(certificate)} (issuer: ${issuerName(certificate)})`
  const url = caIssuersUrl(certificate)
  if (url === null) throw new UntrustedCertificateError(missing)
  let fetched: X509Certificate[]
  try {
    const bytes = await sources.fetchIssuer(url)
    fetched = bytes.includes('-----BEGIN CERTIFICATE-----') ? parsePemCertificates(bytes.toString('latin1')) : [new X509Certificate(bytes)]
  } catch (error: unknown) {
    throw new UntrustedCertificateError(`${missing}; its issuer could not be fetched from ${url}: ${errorMessage(error)}`)
  }
  const issuer = fetched.find((candidate) => issued(candidate, certificate))
  if (issuer === undefined) throw new UntrustedCertificateError(`${missing}; ${url} did not hold the certificate that signed it`)
  return issuer
}

/** The http(s) "CA Issuers" URL of a certificate's Authority Information Access, if any. */
function caIssuersUrl(certificate: X509Certificate): string | null {
  const match = /CA Issuers - URI:(https?:\/\/\S+)/.exec(certificate.infoAccess ?? '')
  return match?.[1] ?? null
}

/** `issuer` names `subject`'s issuer and its key verifies `subject`'s signature. */
function issued(issuer: X509Certificate, subject: X509Certificate): boolean {
  return subject.checkIssued(issuer) && subject.verify(issuer.publicKey)
}

function sameCertificate(a: X509Certificate, b: X509Certificate): boolean {
  return a.fingerprint256 === b.fingerprint256
}

function checkValidAt(certificate: X509Certificate, at: Date): void {
  const from = new Date(certificate.validFrom)
  const to = new Date(certificate.validTo)
  if (at < from || at > to) {
    throw new UntrustedCertificateError(
      `${subjectName(certificate)} was not valid at ${at.toISOString()} (valid from ${from.toISOString()} to ${to.toISOString()})`,
    )
  }
}

function subjectName(certificate: X509Certificate): string {
  return commonName(certificate.subject) ?? 'a certificate without a common name'
}

function issuerName(certificate: X509Certificate): string {
  return commonName(certificate.issuer) ?? 'unnamed'
}

function commonName(distinguishedName: string): string | undefined {
  return /^CN=(.*)$/m.exec(distinguishedName)?.[1]
}
