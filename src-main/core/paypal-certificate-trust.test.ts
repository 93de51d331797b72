import { describe, expect, it } from 'vitest'
import { issueCertificate } from '../test-support/certificate-authority'
import { checkPaypalCertificate, type CertificateTrustSources } from './paypal-certificate-trust'

const ISSUER_URL = 'http://cacerts.example-ca.test/intermediate.crt'
const at = new Date('2026-11-21T10:00:00Z')

const root = issueCertificate({ commonName: 'Example Root CA', isCa: true })
const intermediate = issueCertificate({ commonName: 'Example Issuing CA', isCa: true, issuer: root })
const leaf = issueCertificate({
  commonName: 'messageverificationcerts.paypal.com',
  dnsNames: ['messageverificationcerts.paypal.com'],
  issuer: intermediate,
  caIssuersUrl: ISSUER_URL,
})

function sources(overrides: Partial<CertificateTrustSources> = {}): CertificateTrustSources & { fetched: string[] } {
  const fetched: string[] = []
  return {
    roots: [root.certificate],
    fetched,
    async fetchIssuer(url) {
      fetched.push(url)
      if (url === ISSUER_URL) return intermediate.der
      throw new Error('404')
    },
    ...overrides,
  }
}

describe('checkPaypalCertificate', () => {
  it('trusts a chain supplied whole, up to a trusted root, without fetching', async () => {
    const trust = sources()
    const checked = await checkPaypalCertificate(leaf.pem + intermediate.pem, at, trust)
    expect(checked.fingerprint256).toBe(leaf.certificate.fingerprint256)
    expect(trust.fetched).toEqual([])
  })

  it('fetches a missing issuer from the URL the certificate names', async () => {
    const trust = sources()
    await expect(checkPaypalCertificate(leaf.pem, at, trust)).resolves.toBeDefined()
    expect(trust.fetched).toEqual([ISSUER_URL])
  })

  it('refuses a chain that does not reach a trusted root', async () => {
    const otherRoot = issueCertificate({ commonName: 'Other Root CA', isCa: true })
    await expect(checkPaypalCertificate(leaf.pem + intermediate.pem, at, sources({ roots: [otherRoot.certificate] }))).rejects.toThrow(
      /no trusted certificate authority issued Example Issuing CA \(issuer: Example Root CA\)/,
    )
  })

  it('refuses a certificate issued to another host', async () => {
    const impostor = issueCertificate({ commonName: 'paypal.com.evil.example', dnsNames: ['paypal.com.evil.example'], issuer: intermediate })
    await expect(checkPaypalCertificate(impostor.pem + intermediate.pem, at, sources())).rejects.toThrow(
      /issued to paypal\.com\.evil\.example, not to messageverificationcerts\.paypal\.com/,
    )
  })

  it('checks dates at the time PayPal signed', async () => {
    const expired = issueCertificate({
      commonName: 'messageverificationcerts.sandbox.paypal.com',
      dnsNames: ['messageverificationcerts.sandbox.paypal.com'],
      issuer: intermediate,
      notBefore: new Date('2021-01-01T00:00:00Z'),
      notAfter: new Date('2022-01-01T00:00:00Z'),
    })
    await expect(checkPaypalCertificate(expired.pem + intermediate.pem, at, sources())).rejects.toThrow(/was not valid at 2026-11-21/)
    await expect(checkPaypalCertificate(expired.pem + intermediate.pem, new Date('2021-06-01T00:00:00Z'), sources())).resolves.toBeDefined()
  })

  it('refuses a certificate whose signature its named issuer did not make', async () => {
    // Same issuer name, another key: the name matches, the signature does not.
    const forger = issueCertificate({ commonName: 'Example Issuing CA', isCa: true })
    const forged = issueCertificate({ commonName: 'messageverificationcerts.paypal.com', dnsNames: ['messageverificationcerts.paypal.com'], issuer: forger })
    await expect(checkPaypalCertificate(forged.pem + intermediate.pem, at, sources())).rejects.toThrow(/no trusted certificate authority issued/)
  })

  it('refuses a chain through a certificate that may not sign certificates', async () => {
    const notCa = issueCertificate({ commonName: 'Example Server', isCa: false, issuer: root })
    const below = issueCertificate({ commonName: 'messageverificationcerts.paypal.com', dnsNames: ['messageverificationcerts.paypal.com'], issuer: notCa })
    await expect(checkPaypalCertificate(below.pem + notCa.pem, at, sources())).rejects.toThrow(
      /no trusted certificate authority issued messageverificationcerts\.paypal\.com \(issuer: Example Server\)/,
    )
  })

  it('says so when the issuer cannot be fetched, and when the file holds no certificate', async () => {
    await expect(checkPaypalCertificate(leaf.pem, at, sources({ fetchIssuer: async () => Promise.reject(new Error('timed out')) }))).rejects.toThrow(
      /could not be fetched from http:\/\/cacerts\.example-ca\.test\/intermediate\.crt: timed out/,
    )
    await expect(checkPaypalCertificate('<html>not found</html>', at, sources())).rejects.toThrow(/holds no certificate/)
  })
})
