/**
 * Issues X.509 certificates for tests (Node can verify certificates but not issue them): a root,
 * intermediates and leaves, with the extensions a chain check looks at. Keys come from node:crypto
 * (fast); node-forge only assembles and signs the certificates.
 */
import { generateKeyPairSync, X509Certificate } from 'node:crypto'
import forge from 'node-forge'

export interface IssuedCertificate {
  certificate: X509Certificate
  pem: string
  der: Buffer
  /** For issuing further certificates. */
  signer: { name: forge.pki.CertificateField[]; privateKey: forge.pki.rsa.PrivateKey }
}

export interface IssueOptions {
  commonName: string
  /** Signs with this issuer; self-signed when absent. */
  issuer?: IssuedCertificate
  isCa?: boolean
  /** DNS names for Subject Alternative Name (leaves). */
  dnsNames?: string[]
  /** An Authority Information Access "CA Issuers" URL. */
  caIssuersUrl?: string
  notBefore?: Date
  notAfter?: Date
}

let serial = 1

export function issueCertificate(options: IssueOptions): IssuedCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const forgePrivateKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())
  const certificate = forge.pki.createCertificate()
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString())
  certificate.serialNumber = (serial++).toString(16).padStart(2, '0')
  certificate.validity.notBefore = options.notBefore ?? new Date('2020-01-01T00:00:00Z')
  certificate.validity.notAfter = options.notAfter ?? new Date('2040-01-01T00:00:00Z')
  const name = [{ name: 'commonName', value: options.commonName }]
  certificate.setSubject(name)
  certificate.setIssuer(options.issuer?.signer.name ?? name)
  const extensions: object[] = [{ name: 'basicConstraints', cA: options.isCa === true, critical: true }]
  if (options.isCa) extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true })
  else extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true })
  if (options.dnsNames) extensions.push({ name: 'subjectAltName', altNames: options.dnsNames.map((value) => ({ type: 2, value })) })
  certificate.setExtensions(extensions)
  if (options.caIssuersUrl) addCaIssuers(certificate, options.caIssuersUrl)
  certificate.sign(options.issuer?.signer.privateKey ?? forgePrivateKey, forge.md.sha256.create())
  const pem = forge.pki.certificateToPem(certificate)
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary')
  return { certificate: new X509Certificate(pem), pem, der, signer: { name, privateKey: forgePrivateKey } }
}

/** node-forge has no builder for Authority Information Access: the extension's DER by hand. */
function addCaIssuers(certificate: forge.pki.Certificate, url: string): void {
  const { asn1 } = forge
  const accessDescription = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.3.6.1.5.5.7.48.2').getBytes()),
    // GeneralName uniformResourceIdentifier: [6] IA5String
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, url),
  ])
  const value = asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [accessDescription])).getBytes()
  certificate.setExtensions([...(certificate.extensions as object[]), { id: '1.3.6.1.5.5.7.1.1', name: 'authorityInfoAccess', value }])
}
