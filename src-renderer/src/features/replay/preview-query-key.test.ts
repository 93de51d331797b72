import { describe, expect, it } from 'vitest'
import { previewQueryKey } from './preview-query-key'

describe('resend preview query key', () => {
  it('never holds the private key, only a nonce for it', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n'
    const key = previewQueryKey(
      { captureId: 'c1', targetUrl: 'http://127.0.0.1:3000/x', resign: true, privateKeys: [{ kind: 'rsa-private-key', provider: 'chip', pem }] },
      'nonce-1',
    )
    expect(JSON.stringify(key)).not.toContain('PRIVATE KEY')
    expect(JSON.stringify(key)).toContain('nonce-1')
  })
})
