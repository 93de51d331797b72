import { describe, expect, it } from 'vitest'
import { forwardPathSignatureWarning, type ForwardPathSignatureInput } from './forward-path-signature'

const base: ForwardPathSignatureInput = {
  providerId: 'ixopay',
  endpointSlug: 'ixopay-sandbox',
  signedPath: { mode: 'as-received' },
  targetUrl: 'http://127.0.0.1:4555/webhooks/ixopay',
  keepCapturedPath: false,
  exampleRest: '/notify?id=1',
}

describe('forwardPathSignatureWarning', () => {
  it('warns when IXOPAY callbacks reach the target at another path than the one signed', () => {
    // Forwarded as configured here, a verifying dev server answered 400 "bad signature" to every callback.
    expect(forwardPathSignatureWarning(base)).toBe(
      'IXOPAY signs the path it calls: a callback it signed for, say, /ixopay-sandbox/notify?id=1 reaches your server at /webhooks/ixopay, so your server’s signature check will fail ' +
        '(a forward sends the captured signature; it cannot re-sign). To keep it valid, tick “Keep the captured path” and forward to http://127.0.0.1:4555/ixopay-sandbox.',
    )
    expect(forwardPathSignatureWarning({ ...base, keepCapturedPath: true })).toMatch(/reaches your server at \/webhooks\/ixopay\/notify\?id=1,/)
  })

  it('is silent where the forwarded path is the signed one', () => {
    expect(forwardPathSignatureWarning({ ...base, targetUrl: 'http://127.0.0.1:4555/ixopay-sandbox', keepCapturedPath: true })).toBeNull()
    const withoutPrefix = { ...base, signedPath: { mode: 'without-endpoint-prefix' as const } }
    expect(forwardPathSignatureWarning({ ...withoutPrefix, targetUrl: 'http://127.0.0.1:4555', keepCapturedPath: true })).toBeNull()
    expect(forwardPathSignatureWarning(withoutPrefix)).toMatch(/forward to http:\/\/127\.0\.0\.1:4555\.$/)
    const fixed = { ...base, signedPath: { mode: 'fixed' as const, path: '/callbacks/ixopay' } }
    expect(forwardPathSignatureWarning({ ...fixed, targetUrl: 'http://127.0.0.1:4555/callbacks/ixopay' })).toBeNull()
    expect(forwardPathSignatureWarning(fixed)).toMatch(/To keep it valid, forward to exactly http:\/\/127\.0\.0\.1:4555\/callbacks\/ixopay\.$/)
  })

  it('is silent for providers that do not sign the path, and for a URL not yet valid', () => {
    expect(forwardPathSignatureWarning({ ...base, providerId: 'stripe' })).toBeNull()
    expect(forwardPathSignatureWarning({ ...base, providerId: null })).toBeNull()
    expect(forwardPathSignatureWarning({ ...base, targetUrl: 'not a url' })).toBeNull()
  })

  it('tells a bulk replay to re-sign, and is silent once Re-sign is ticked', () => {
    expect(forwardPathSignatureWarning({ ...base, resign: false })).toBe(
      'IXOPAY signs the path it calls: a capture it signed for, say, /ixopay-sandbox/notify?id=1 is replayed to /webhooks/ixopay, so your server’s signature check will fail. ' +
        'Tick “Re-sign” (the endpoint’s key signs the new path), or tick “Keep each capture’s path” and replay to http://127.0.0.1:4555/ixopay-sandbox.',
    )
    expect(forwardPathSignatureWarning({ ...base, resign: true })).toBeNull()
  })
})
