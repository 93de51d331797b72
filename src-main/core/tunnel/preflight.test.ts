import { describe, expect, it } from 'vitest'
import { PREFLIGHT_PROVIDERS, type PreflightCheck } from '../../shared/tunnel'
import { preflightPublicUrl } from './preflight'

const failing = (checks: PreflightCheck[]): string[] => checks.filter((check) => !check.ok).map((check) => `${check.check}:${check.severity}`)

describe('preflightPublicUrl', () => {
  it('shows no reference to documents outside the repository in any check text', () => {
    for (const provider of PREFLIGHT_PROVIDERS) {
      for (const url of ['http://hooks.example.com:8080/cb', 'https://10.1.2.3/cb', 'https://[::1]/cb', 'not a url']) {
        for (const check of preflightPublicUrl(url, provider)) expect(check.detail).not.toMatch(/\.md\b|§/)
      }
    }
  })

  it('passes a localtunnel https URL for IXOPAY', () => {
    const checks = preflightPublicUrl('https://my-inspector.loca.lt/ixopay', 'ixopay')
    expect(checks.map((check) => check.check)).toEqual(['url', 'https', 'port', 'public-host'])
    expect(failing(checks)).toEqual([])
    expect(checks.find((check) => check.check === 'public-host')?.detail).toMatch(/public IPv4 \(A\) record/)
  })

  it('holds IXOPAY to ports 80 and 443 and warns about http', () => {
    expect(failing(preflightPublicUrl('https://hooks.example.com:8443/cb', 'ixopay'))).toEqual(['port:required'])
    expect(failing(preflightPublicUrl('http://hooks.example.com/cb', 'ixopay'))).toEqual(['https:recommended'])
    expect(preflightPublicUrl('https://hooks.example.com:8443/cb', 'ixopay')[2]?.detail).toMatch(/only calls ports 80 or 443/)
  })

  it.each([
    ['http://127.0.0.1/cb', /loopback/],
    ['https://10.1.2.3/cb', /private \(10\.0\.0\.0\/8\)/],
    ['https://172.20.0.1/cb', /private \(172\.16\.0\.0\/12\)/],
    ['https://192.168.1.10/cb', /private \(192\.168/],
    ['https://169.254.169.254/cb', /link-local/],
    ['https://192.0.0.8/cb', /reserved \(192\.0\.0\.0\/24\)/],
    ['https://255.255.255.255/cb', /reserved \(240/],
    ['https://0.1.2.3/cb', /this network/],
    ['https://[::1]/cb', /loopback/],
    ['https://[::ffff:192.168.0.1]/cb', /private/],
    ['https://[2606:4700::1]/cb', /IPv6 address: IXOPAY needs a host with an IPv4 \(A\) record/],
    ['https://localhost/cb', /local name/],
    ['http://abc.localhost:4100/cb', /local name/],
    ['https://printer.local/cb', /local name/],
    ['https://intranet/cb', /single-label/],
  ])('refuses %s as a host IXOPAY can reach', (url, reason) => {
    const host = preflightPublicUrl(url, 'ixopay').find((check) => check.check === 'public-host')
    expect(host).toMatchObject({ ok: false, severity: 'required', detail: expect.stringMatching(reason) })
  })

  it('accepts a public IPv4 literal', () => {
    expect(preflightPublicUrl('https://8.8.8.8/cb', 'ixopay').at(-1)).toMatchObject({ ok: true })
  })

  it('requires https for Stripe and Shopify, only recommends it elsewhere', () => {
    expect(failing(preflightPublicUrl('http://hooks.example.com/cb', 'stripe'))).toEqual(['https:required'])
    expect(failing(preflightPublicUrl('http://hooks.example.com/cb', 'shopify'))).toEqual(['https:required'])
    expect(failing(preflightPublicUrl('http://hooks.example.com/cb', 'github'))).toEqual(['https:recommended'])
    expect(failing(preflightPublicUrl('https://hooks.example.com:8443/cb', 'stripe'))).toEqual([])
    expect(preflightPublicUrl('https://[2606:4700::1]/cb', 'stripe').at(-1)).toMatchObject({ ok: true })
  })

  it('stops at a URL that does not parse or is not http(s)', () => {
    expect(preflightPublicUrl('not a url', 'generic')).toEqual([
      { check: 'url', ok: false, severity: 'required', detail: '"not a url" is not an absolute URL' },
    ])
    expect(preflightPublicUrl('ftp://hooks.example.com/', 'ixopay')).toMatchObject([{ check: 'url', ok: false }])
  })
})
