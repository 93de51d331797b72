/**
 * Official vectors quoted in providers.md whose files are not in the shared vectors folder:
 * Standard Webhooks, Adyen, GitHub, PayPal, Stripe key rotation and Plexo expiry.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { DeliveryAnalysis, ProviderKey } from '../../shared/providers'
import { adyenItemSignedData, analyzeDelivery, crc32, isTrustedPaypalCertUrl, paypalSignedMessage } from './index'

function analyze(headers: HeaderPairs, body: string, keys: ProviderKey[], nowSeconds?: number, target = '/hooks'): DeliveryAnalysis {
  return analyzeDelivery({ method: 'POST', target, headers, body: Buffer.from(body, 'utf8') }, { now: nowSeconds === undefined ? new Date() : new Date(nowSeconds * 1000), keys })
}

describe('Standard Webhooks official vector (standard-webhooks spec and libraries)', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
  const timestamp = 1614265330
  const body = '{"test": 2432232314}'
  const signature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
  const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'standard-webhooks', value: secret }]
  const headers = (prefix: string, sig: string, msgId = id, ts = timestamp): HeaderPairs => [
    [`${prefix}-id`, msgId],
    [`${prefix}-timestamp`, String(ts)],
    [`${prefix}-signature`, sig],
  ]

  it('valid: the official vector', () => {
    const analysis = analyze(headers('webhook', signature), body, keys, timestamp)
    expect(analysis.provider).toMatchObject({ id: 'standard-webhooks', variant: 'standard' })
    expect(analysis.verdict).toMatchObject({ status: 'valid' })
    expect(analysis.explanation.attempts[0]?.computedSignature).toBe(signature)
    expect(analysis.explanation.attempts[0]?.signedString).toBe(`${id}.${timestamp}.${body}`)
  })
  it('valid: a multi-signature list (rotation, v1a entries ignored)', () => {
    const list = `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg== ${signature}`
    const analysis = analyze(headers('webhook', list), body, keys, timestamp)
    expect(analysis.verdict).toMatchObject({ status: 'valid' })
    expect(analysis.explanation.notes.join(' ')).toContain('v1a')
  })
  it('valid: svix-branded headers', () => {
    const analysis = analyze(headers('svix', signature), body, keys, timestamp)
    expect(analysis.provider).toMatchObject({ id: 'standard-webhooks', variant: 'svix' })
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'svix v1' })
  })
  it('invalid: tampered body', () => {
    expect(analyze(headers('webhook', signature), '{"test": 2432232315}', keys, timestamp).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
  })
  it('invalid: changed id', () => {
    expect(analyze(headers('webhook', signature, 'msg_p5jXN8AQM9LWM0D4loKWxJeX'), body, keys, timestamp).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
  })
  it('invalid: stale timestamp, and a timestamp too far in the future', () => {
    const stale = analyze(headers('webhook', signature), body, keys, timestamp + 301)
    expect(stale.verdict).toMatchObject({ status: 'invalid', reason: 'stale-timestamp' })
    expect(stale.explanation.timestamp).toMatchObject({ skewSeconds: 301, toleranceSeconds: 300, withinTolerance: false })
    expect(analyze(headers('webhook', signature), body, keys, timestamp - 301).verdict).toMatchObject({ status: 'invalid', reason: 'stale-timestamp' })
    expect(analyze(headers('webhook', signature), body, keys, timestamp + 300).verdict).toMatchObject({ status: 'valid' })
  })
  it('no key: says so, still shows the timestamp skew', () => {
    const analysis = analyze(headers('webhook', signature), body, [], timestamp + 10)
    expect(analysis.verdict.status).toBe('no-key')
    expect(analysis.explanation.timestamp?.skewSeconds).toBe(10)
  })
})

describe('Adyen official vectors (adyen-node-api-library, adyen-python-api-library)', () => {
  const key = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056'
  const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'adyen', value: key }]
  const item = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    pspReference: '7914073381342284',
    merchantAccountCode: 'TestMerchant',
    merchantReference: 'TestPayment-1407325143704',
    amount: { value: 1130, currency: 'EUR' },
    eventCode: 'AUTHORISATION',
    success: 'true',
    paymentMethod: 'visa',
    additionalData: { hmacSignature: 'coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0=' },
    ...overrides,
  })
  const batch = (...items: Array<Record<string, unknown>>): string => JSON.stringify({ live: 'false', notificationItems: items.map((NotificationRequestItem) => ({ NotificationRequestItem })) })

  it('valid: classic item coqCmt/... with the documented signed data', () => {
    expect(adyenItemSignedData(item())).toBe('7914073381342284::TestMerchant:TestPayment-1407325143704:1130:EUR:AUTHORISATION:true')
    const analysis = analyze([['Content-Type', 'application/json']], batch(item()), keys)
    expect(analysis.provider).toMatchObject({ id: 'adyen', variant: 'classic' })
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'classic, 1 item(s)' })
    expect(analysis.summary.items).toHaveLength(1)
    expect(analysis.summary.items[0]).toMatchObject({ eventCode: 'AUTHORISATION', success: 'true', pspReference: '7914073381342284', signature: 'valid' })
    expect(analysis.summary.items[0]?.amount?.amountDisplay).toBe('EUR 11.30')
    expect(analysis.summary.isTest).toBe(true)
  })
  it('valid: the Node library test item (CAPTURE, originalReference) with its own key', () => {
    const nodeKey: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'adyen', value: 'DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00' }]
    const nodeItem = { pspReference: 'pspReference', originalReference: 'originalReference', merchantAccountCode: 'merchantAccount', merchantReference: 'reference', amount: { currency: 'EUR', value: 1000 }, eventCode: 'CAPTURE', success: 'true', additionalData: { hmacSignature: 'xhpHvYq2u2Np0rstbZ6QjLGu7JWhvf7Iwaa6EviJSX0=' } }
    expect(analyze([], batch(nodeItem), nodeKey).verdict).toMatchObject({ status: 'valid' })
  })
  it('batch: every item is checked and reported; one bad item makes the batch invalid', () => {
    const tampered = item({ amount: { value: 1131, currency: 'EUR' } })
    const analysis = analyze([], batch(item(), tampered), keys)
    expect(analysis.summary.items.map((entry) => entry.signature)).toEqual(['valid', 'invalid'])
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
    expect(analysis.verdict.status === 'invalid' && analysis.verdict.message).toContain('item(s) 2 of 2')
  })
  it('invalid: an item without hmacSignature', () => {
    const analysis = analyze([], batch(item({ additionalData: {} })), keys)
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'missing-header' })
    expect(analysis.summary.items[0]?.signature).toBe('missing')
  })
  const platformBody = [
    '{',
    '    "type": "merchant.created",',
    '    "environment": "test",',
    '    "createdAt": "01-01-2024",',
    '    "data": {',
    '        "capabilities": {',
    '            "sendToTransferInstrument": {',
    '                "requested": true,',
    '                "requestedLevel": "notApplicable"',
    '            }',
    '        },',
    '        "companyId": "YOUR_COMPANY_ID",',
    '        "merchantId": "YOUR_MERCHANT_ACCOUNT",',
    '        "status": "PreActive"',
    '    }',
    '}',
  ].join('\n')
  it('valid: platform HmacSignature header NiqA5vsd... over the pretty-printed merchant.created body', () => {
    const analysis = analyze([['HmacSignature', 'NiqA5vsdV5etZMOaR27+GBSG4i6JeP6j1wkCM6t53vA=']], platformBody, keys)
    expect(analysis.provider).toMatchObject({ id: 'adyen', variant: 'platform' })
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'platform HmacSignature' })
    expect(analysis.summary).toMatchObject({ eventType: 'merchant.created', status: 'PreActive', isTest: true })
  })
  it('invalid: the official "MismatchingHmacKey=" (malformed) and a tampered body', () => {
    expect(analyze([['HmacSignature', 'MismatchingHmacKey=']], platformBody, keys).verdict).toMatchObject({ status: 'invalid', reason: 'malformed-signature' })
    expect(analyze([['HmacSignature', 'NiqA5vsdV5etZMOaR27+GBSG4i6JeP6j1wkCM6t53vA=']], platformBody.replace('PreActive', 'Active'), keys).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
  })
})

describe('GitHub official vector (github/docs validating-webhook-deliveries)', () => {
  const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'github', value: "It's a Secret to Everybody" }]
  const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
  it('valid: "Hello, World!"', () => {
    const analysis = analyze([['X-Hub-Signature-256', signature]], 'Hello, World!', keys)
    expect(analysis.provider.id).toBe('github')
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'SHA-256' })
    expect(analysis.explanation.attempts[0]?.computedSignature).toBe(signature)
  })
  it('invalid: tampered body', () => {
    expect(analyze([['X-Hub-Signature-256', signature]], 'Hello, World?', keys).verdict).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' })
  })
  it('missing header: an X-GitHub-Event without a signature', () => {
    expect(analyze([['X-GitHub-Event', 'ping']], '{}', keys).verdict).toMatchObject({ status: 'invalid', reason: 'missing-header' })
  })
})

describe('Stripe: key rotation (two v1 signatures) and secrets', () => {
  const body = JSON.stringify({ id: 'evt_test_webhook', object: 'event' }, null, 2)
  const good = '4f1cd7feda9826e746b7d482c4badebb657398df1099e1046364f6196a230150'
  const keys: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'stripe', value: 'whsec_test_secret' }]
  it('valid when any v1 matches', () => {
    const header = `t=1700000000,v1=${'0'.repeat(64)},v1=${good},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39`
    const analysis = analyze([['Stripe-Signature', header]], body, keys, 1700000010)
    expect(analysis.verdict).toMatchObject({ status: 'valid', variant: 'v1' })
    expect(analysis.explanation.receivedSignatures).toHaveLength(2)
  })
  it('valid with the second of two configured secrets (rotation), reporting its fingerprint', () => {
    const rotated: ProviderKey[] = [{ kind: 'hmac-secret', provider: 'stripe', value: 'whsec_old', label: 'old' }, ...keys]
    const analysis = analyze([['Stripe-Signature', `t=1700000000,v1=${good}`]], body, rotated, 1700000010)
    expect(analysis.verdict.status).toBe('valid')
    expect(analysis.explanation.attempts.map((attempt) => attempt.matched)).toEqual([false, true])
    expect(analysis.explanation.keyFingerprint).toBe(analysis.explanation.attempts[1]?.keyFingerprint)
    expect(JSON.stringify(analysis)).not.toContain('whsec_test_secret')
  })
})

describe('Plexo legacy: expiry and fingerprint', () => {
  const vectors = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../shared/fixtures/vectors/plexo.json', import.meta.url)), 'utf8')) as Array<{ name: string; body: string; secretOrKey: { certificatePem: string } | null }>
  const valid = vectors.find((vector) => vector.name === 'plexo-legacy-signed-transaction-callback-valid')
  if (!valid || !valid.secretOrKey) throw new Error('missing Plexo vector')
  const keys: ProviderKey[] = [{ kind: 'certificate', provider: 'plexo', pem: valid.secretOrKey.certificatePem }]
  it('invalid: expired (verifyAt > UTCUnixTimeExpiration), the signature itself verifying', () => {
    const analysis = analyze([['Content-Type', 'application/json']], valid.body, keys, 1767225601)
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'expired' })
    expect(analysis.explanation.timestamp).toMatchObject({ withinTolerance: false })
  })
  it('invalid: a certificate whose thumbprint differs from the envelope Fingerprint', () => {
    const renamed = valid.body.replace('"Fingerprint":"07E878CCA6F32681DD2726CAF5254804F46D0CD8"', '"Fingerprint":"0000000000000000000000000000000000000000"')
    const analysis = analyze([], renamed, keys, 1735689600)
    // The Fingerprint is inside the signed object: the change breaks the signature too, and that is what is reported first.
    expect(analysis.verdict).toMatchObject({ status: 'invalid', reason: 'body-changed' })
  })
})

describe('PayPal official vector (PayPal-node-SDK test/notification.js)', () => {
  const PAYPAL_SANDBOX_CERT_PEM = [
    '-----BEGIN CERTIFICATE-----',
    'MIIHqDCCBpCgAwIBAgIQCSVMkxB1Kw9SPZtpAr3lTDANBgkqhkiG9w0BAQsFADB1',
    'MQswCQYDVQQGEwJVUzEVMBMGA1UEChMMRGlnaUNlcnQgSW5jMRkwFwYDVQQLExB3',
    'd3cuZGlnaWNlcnQuY29tMTQwMgYDVQQDEytEaWdpQ2VydCBTSEEyIEV4dGVuZGVk',
    'IFZhbGlkYXRpb24gU2VydmVyIENBMB4XDTE1MDMxODAwMDAwMFoXDTE3MDMyMjEy',
    'MDAwMFowggElMR0wGwYDVQQPDBRQcml2YXRlIE9yZ2FuaXphdGlvbjETMBEGCysG',
    'AQQBgjc8AgEDEwJVUzEZMBcGCysGAQQBgjc8AgECEwhEZWxhd2FyZTEQMA4GA1UE',
    'BRMHMzAxNDI2NzEWMBQGA1UECRMNMjIxMSBOIDFzdCBTdDEOMAwGA1UEERMFOTUx',
    'MzExCzAJBgNVBAYTAlVTMRMwEQYDVQQIEwpDYWxpZm9ybmlhMREwDwYDVQQHEwhT',
    'YW4gSm9zZTEVMBMGA1UEChMMUGF5UGFsLCBJbmMuMRgwFgYDVQQLEw9QYXJ0bmVy',
    'IFN1cHBvcnQxNDAyBgNVBAMTK21lc3NhZ2V2ZXJpZmljYXRpb25jZXJ0cy5zYW5k',
    'Ym94LnBheXBhbC5jb20wggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDI',
    'XgwJj1E+vPOLNA7e3nFsRpQq7G1CFcoCNeRgFIGRfd4itt2jBRPfHXf1eeXODQ6V',
    'wTMP6rVYrI3HBQu5SZRZKO3gALPiBWTcz5FhVovYDz/d/DtasA5L7l1xmRM+GGPE',
    'e/D3ETPeyym6GTAuIzR1ju1BuSQlVnIrcILDHrFZo0RyqFH1eNL3oYfgz+ZCv+WH',
    '65rhS60VowiLAb2lsARckJ2P8wKIps3YUxAqVG5SJ9H49ueBDI01wEzE/+59J8s9',
    'GThmbMTqP6x4MneAcGN1TPimGd9wZlbwwrCYDtCoqFDcxMVgvD83uPrIinFwTIOX',
    'w63QSv8/+ANuawBcNJDrAgMBAAGjggOAMIIDfDAfBgNVHSMEGDAWgBQ901Cl1qCt',
    '7vNKYApl0yHU+PjWDzAdBgNVHQ4EFgQUt5yLggZOjjfzULzZCgX2KZO3R/gwNgYD',
    'VR0RBC8wLYIrbWVzc2FnZXZlcmlmaWNhdGlvbmNlcnRzLnNhbmRib3gucGF5cGFs',
    'LmNvbTAOBgNVHQ8BAf8EBAMCBaAwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUF',
    'BwMCMHUGA1UdHwRuMGwwNKAyoDCGLmh0dHA6Ly9jcmwzLmRpZ2ljZXJ0LmNvbS9z',
    'aGEyLWV2LXNlcnZlci1nMS5jcmwwNKAyoDCGLmh0dHA6Ly9jcmw0LmRpZ2ljZXJ0',
    'LmNvbS9zaGEyLWV2LXNlcnZlci1nMS5jcmwwQgYDVR0gBDswOTA3BglghkgBhv1s',
    'AgEwKjAoBggrBgEFBQcCARYcaHR0cHM6Ly93d3cuZGlnaWNlcnQuY29tL0NQUzCB',
    'iAYIKwYBBQUHAQEEfDB6MCQGCCsGAQUFBzABhhhodHRwOi8vb2NzcC5kaWdpY2Vy',
    'dC5jb20wUgYIKwYBBQUHMAKGRmh0dHA6Ly9jYWNlcnRzLmRpZ2ljZXJ0LmNvbS9E',
    'aWdpQ2VydFNIQTJFeHRlbmRlZFZhbGlkYXRpb25TZXJ2ZXJDQS5jcnQwDAYDVR0T',
    'AQH/BAIwADCCAX0GCisGAQQB1nkCBAIEggFtBIIBaQFnAHUApLkJkLQYWBSHuxOi',
    'zGdwCjw1mAT5G9+443fNDsgN3BAAAAFMLovtNgAABAMARjBEAiBTR7r3p76qUJzF',
    '23lsbD/cLsA0KlxoJRSIvIK0OIYWiQIgVQWja8tWBlpcoFP30Iym7IuczitSazpH',
    'fhKAVroTgXgAdgBo9pj4H2SCvjqM7rkoHUz8cVFdZ5PURNEKZ6y7T0/7xAAAAUwu',
    'i+z4AAAEAwBHMEUCIEP3VYyLQB7lOgFo4WstyOurmRe3xa0OVaeFL/bDohHOAiEA',
    '+xQrRVAfaeT4qBdBJzLyVLU4V9bh/qBMXJdjvYujhAcAdgBWFAaaL9fC7NP14b1E',
    'sj7HRna5vJkRXMDvlJhV1onQ3QAAAUwui+6EAAAEAwBHMEUCIQC/YUc5X6xyb3ho',
    'o4VMSJqSoNg9KKkvLh9nUQCdwHi3/QIgNwcBc9ZZCR/aWXQ7hKH6d39kpkDX2Z43',
    'XPy/Kl5sKI4wDQYJKoZIhvcNAQELBQADggEBAHixEZNpb0M1MsvsfNI6lLKxrs9s',
    'JkcBcmxrFyhTC8KP+Qp+Z1fnMRQwpTLIMr1+uAMqCPAnIShGHeFNJpUFSMyW4o0l',
    '+pZGz/L/YJBs7XP3ChSGC17ZKeGSQFfMqMQXfY/L6+n/1HkAwqmewqUMEuUmWN3F',
    'kXJqVngIYGZtxXRyiv2azLOhrNP8BgNZK6d2gVxntQfGr4hnd8Juq8SJy/S4xpPY',
    'YPD8vW7/wSOdAe1/kU38QwDVBQ5PJePS2WFwz8YA/eKcyg9lfsianfw35SjehJbn',
    'wGwzUbjtibyJnv3eAeYDGxaI6vbuoE99pSmYGIwSBLJwZamJHjci6HL6wLg=',
    '-----END CERTIFICATE-----',
  ].join('\n')
  const PAYPAL_OFFICIAL_BODY =
    '{"id":"WH-0G2756385H040842W-5Y612302CV158622M","create_time":"2015-05-18T15:45:13Z","resource_type":"sale","event_type":"PAYMENT.SALE.COMPLETED","summary":"Payment completed for $ 20.0 USD","resource":{"id":"4EU7004268015634R","create_time":"2015-05-18T15:44:02Z","update_time":"2015-05-18T15:44:21Z","amount":{"total":"20.00","currency":"USD"},"payment_mode":"INSTANT_TRANSFER","state":"completed","protection_eligibility":"ELIGIBLE","protection_eligibility_type":"ITEM_NOT_RECEIVED_ELIGIBLE,UNAUTHORIZED_PAYMENT_ELIGIBLE","parent_payment":"PAY-86C81811X5228590KKVNARQQ","transaction_fee":{"value":"0.88","currency":"USD"},"links":[{"href":"https://api.sandbox.paypal.com/v1/payments/sale/4EU7004268015634R","rel":"self","method":"GET"},{"href":"https://api.sandbox.paypal.com/v1/payments/sale/4EU7004268015634R/refund","rel":"refund","method":"POST"},{"href":"https://api.sandbox.paypal.com/v1/payments/payment/PAY-86C81811X5228590KKVNARQQ","rel":"parent_payment","method":"GET"}]},"links":[{"href":"https://api.sandbox.paypal.com/v1/notifications/webhooks-events/WH-0G2756385H040842W-5Y612302CV158622M","rel":"self","method":"GET"},{"href":"https://api.sandbox.paypal.com/v1/notifications/webhooks-events/WH-0G2756385H040842W-5Y612302CV158622M/resend","rel":"resend","method":"POST"}]}'
  const headers = (webhookSig = 'thy4/U002quzxFavHPwbfJGcc46E8rc5jzgyeafWm5mICTBdY/8rl7WJpn8JA0GKA+oDTPsSruqusw+XXg5RLAP7ip53Euh9Xu3UbUhQFX7UgwzE2FeYoY6lyRMiiiQLzy9BvHfIzNIVhPad4KnC339dr6y2l+mN8ALgI4GCdIh3/SoJO5wE64Bh/ueWtt8EVuvsvXfda2Le5a2TrOI9vLEzsm9GS79hAR/5oLexNz8UiZr045Mr5ObroH4w4oNfmkTaDk9Rj0G19uvISs5QzgmBpauKr7Nw++JI0pr/v5mFctQkoWJSGfBGzPRXawrvIIVHQ9Wer48GR2g9ZiApWg=='): HeaderPairs => [
    ['PAYPAL-TRANSMISSION-ID', 'dfb3be50-fd74-11e4-8bf3-77339302725b'],
    ['PAYPAL-TRANSMISSION-TIME', '2015-05-18T15:45:13Z'],
    ['PAYPAL-TRANSMISSION-SIG', webhookSig],
    ['PAYPAL-CERT-URL', 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77'],
    ['PAYPAL-AUTH-ALGO', 'SHA256withRSA'],
  ]
  const keys = (webhookId = '4JH86294D6297924G'): ProviderKey[] => [
    { kind: 'certificate', provider: 'paypal', pem: PAYPAL_SANDBOX_CERT_PEM },
    { kind: 'paypal-webhook-id', value: webhookId },
  ]
  // The certificate expired on 2017-03-22: check at the transmission time, as PayPal's own test did.
  const at = Date.parse('2015-05-18T15:45:13Z') / 1000

  it('CRC-32 of the official body is the unsigned 2771810304', () => {
    expect(crc32(Buffer.from(PAYPAL_OFFICIAL_BODY))).toBe(2771810304)
    expect(paypalSignedMessage({ transmissionId: 'dfb3be50-fd74-11e4-8bf3-77339302725b', transmissionTime: '2015-05-18T15:45:13Z', webhookId: '4JH86294D6297924G', body: Buffer.from(PAYPAL_OFFICIAL_BODY) })).toBe('dfb3be50-fd74-11e4-8bf3-77339302725b|2015-05-18T15:45:13Z|4JH86294D6297924G|2771810304')
  })
  it('valid: the official vector', () => {
    const analysis = analyze(headers(), PAYPAL_OFFICIAL_BODY, keys(), at)
    expect(analysis.provider.id).toBe('paypal')
    expect(analysis.verdict).toMatchObject({ status: 'valid' })
    expect(analysis.summary).toMatchObject({ eventType: 'PAYMENT.SALE.COMPLETED', status: 'completed', providerObjectId: '4EU7004268015634R' })
    expect(analysis.summary.amount?.amountDisplay).toBe('20.00 USD')
  })
  it('valid today too, with a note that the certificate is outside its validity', () => {
    const analysis = analyze(headers(), PAYPAL_OFFICIAL_BODY, keys())
    expect(analysis.verdict.status).toBe('valid')
    expect(analysis.explanation.notes.join(' ')).toContain('outside its validity')
  })
  it('invalid: wrong webhook id', () => {
    expect(analyze(headers(), PAYPAL_OFFICIAL_BODY, keys('4JH86294D6297924X'), at).verdict).toMatchObject({ status: 'invalid', reason: 'signed-data-changed' })
  })
  it('invalid: tampered body', () => {
    expect(analyze(headers(), PAYPAL_OFFICIAL_BODY.replace('20.00', '21.00'), keys(), at).verdict).toMatchObject({ status: 'invalid', reason: 'signed-data-changed' })
  })
  it('no key without a webhook id or a certificate', () => {
    expect(analyze(headers(), PAYPAL_OFFICIAL_BODY, [], at).verdict.status).toBe('no-key')
    expect(analyze(headers(), PAYPAL_OFFICIAL_BODY, [{ kind: 'paypal-webhook-id', value: '4JH86294D6297924G' }], at).verdict.status).toBe('no-key')
  })
  it('certificate URL trust: https on *.paypal.com only', () => {
    expect(isTrustedPaypalCertUrl('https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77')).toBe(true)
    expect(isTrustedPaypalCertUrl('https://api.paypal.com/v1/notifications/certs/x')).toBe(true)
    expect(isTrustedPaypalCertUrl('http://api.paypal.com/cert')).toBe(false)
    expect(isTrustedPaypalCertUrl('https://api.paypal.com.evil.example/cert')).toBe(false)
    expect(isTrustedPaypalCertUrl('https://evilpaypal.com/cert')).toBe(false)
    expect(isTrustedPaypalCertUrl('https://user@api.paypal.com/cert')).toBe(false)
    expect(isTrustedPaypalCertUrl('not a url')).toBe(false)
  })
})
