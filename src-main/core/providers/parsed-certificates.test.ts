import { describe, expect, it } from 'vitest'
import { PLEXO_CERTS } from '../../test-support/provider-spec'
import { parsedCertificate } from './parsed-certificates'

describe('parsedCertificate', () => {
  const { pem } = PLEXO_CERTS[0]!

  it('parses a certificate once, however often it is asked for', () => {
    const first = parsedCertificate(pem)
    expect(parsedCertificate(pem)).toBe(first)
    expect(first.fingerprint).toBe(PLEXO_CERTS[0]!.certificate.fingerprint)
  })

  it('keeps a bounded number: past it, the longest-held is parsed again when next asked for', () => {
    const first = parsedCertificate(pem)
    // The same certificate under other texts (PEM readers skip what precedes the block): other entries.
    for (let other = 1; other <= 40; other++) parsedCertificate(`${'#'.repeat(other)}\n${pem}`)
    const again = parsedCertificate(pem)
    expect(again).not.toBe(first)
    expect(again.fingerprint).toBe(first.fingerprint)
  })

  it('throws for what is not a certificate, every time, and keeps nothing of it', () => {
    expect(() => parsedCertificate('not a certificate')).toThrow()
    expect(() => parsedCertificate('not a certificate')).toThrow()
  })
})
