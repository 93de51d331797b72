/**
 * Verdicts compared with the providers' own libraries (where one is in node_modules) or with
 * providers.md's algorithm written out with node:crypto, on deliveries varied in what the vectors
 * keep fixed: header-name case, several signatures and secrets (a rotation), whitespace and line
 * ends, unicode bodies, number spellings (1e2, -0, 100.0, integers past 2^53), timestamps written
 * otherwise (leading zeros, a fraction, an exponent) and at the edges of the tolerance, at a whole
 * second and at its end. Libraries: stripe (constructEvent), standardwebhooks (for Svix's headers
 * too, which svix reads alike), @octokit/webhooks-methods, @adyen/api-library's HmacValidator;
 * node:crypto for Shopify, Mollie next-gen, IXOPAY, CHIP, PayPal and Plexo. Every case is judged
 * by both, and the verdicts must agree: the inspector never calls valid what the reference
 * refuses, nor refuses what it accepts.
 */
import forge from 'node-forge'
import { Webhook as StandardWebhook } from 'standardwebhooks'
import Stripe from 'stripe'
import { verify as octokitVerify } from '@octokit/webhooks-methods'
import { hmacValidator as AdyenHmacValidator } from '@adyen/api-library'
import { createHash, generateKeyPairSync, sign as rsaSign } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { PinnableProviderId, ProviderKey } from '../../shared/providers'
import { canonicalJson, crc32, hmac, PAYPAL_CERTS, PLEXO_CERTS } from '../../test-support/provider-spec'
import { analyzeDelivery } from './index'

interface Case {
  name: string
  provider: PinnableProviderId
  target?: string
  headers: HeaderPairs
  body: Buffer
  keys: ProviderKey[]
  now: number
  /** The reference's verdict. */
  reference: boolean
}

function inspectorValid(each: Case): boolean {
  const analysis = analyzeDelivery(
    { method: 'POST', target: each.target ?? '/hooks/in', headers: each.headers, body: each.body },
    { now: new Date(Math.round(each.now * 1000)), keys: each.keys, pinnedProvider: each.provider },
  )
  return analysis.verdict.status === 'valid'
}

/** Bodies a sender may write: unicode, number spellings, whitespace, line ends. */
const BODIES: readonly string[] = [
  '{"id":"evt_1","object":"event","amount":100}',
  '{"id":"evt_1","amount":1e2,"zero":-0,"big":12345678901234567890,"f":100.0}',
  '{\r\n  "id": "evt_1",\r\n  "name": "Jürgen Müller 日本語 😀 \\u00e9 \\" \\\\ \u2028"\r\n}\r\n',
  ' {"id":"evt_1"} \n',
  '{"id":"evt_1","text":"tab\\there","n":-0.0,"e":1E+2}',
]

const NOW = 1_765_000_000
const cases: Case[] = []

// ---------------------------------------------------------------------------------------------
// Stripe: the stripe npm package's constructEvent, at the same clock.

const stripe = new Stripe('sk_test_x')
function stripeReference(body: Buffer, header: string, secrets: readonly string[], now: number): boolean {
  return secrets.some((secret) => {
    try {
      stripe.webhooks.constructEvent(body, header, secret, 300, undefined, Math.round(now * 1000))
      return true
    } catch {
      return false
    }
  })
}
{
  const secret = 'whsec_current'
  const retired = 'whsec_retired'
  const sign = (secretValue: string, t: string, body: string) => hmac('sha256', secretValue, `${t}.`, body).toString('hex')
  // At a whole second and at its end: both libraries floor the clock.
  for (const clock of [NOW, NOW + 0.999])
    for (const body of BODIES) {
      for (const age of [-100_000, -301, -300, 0, 299, 300, 301]) {
        const t = String(NOW - age)
        const good = sign(secret, t, body)
        const headersFor = (value: string): string[] => [
          `t=${t},v1=${value}`,
          `v1=${value},t=${t}`,
          `t=${t},v1=${'0'.repeat(64)},v1=${value}`,
          `t=${t},v0=${value},v1=${value}`,
          `t=${t}, v1=${value}`,
          `t=${t},v1=${value.toUpperCase()}`,
          `t=${t},v1=${value},`,
          `t=0${t},v1=${value}`,
          `t=${t}.0,v1=${value}`,
          `t=${t},v1=${value}=`,
        ]
        for (const header of headersFor(good)) {
          for (const [keys, name] of [
            [[secret], 'Stripe-Signature'],
            [[retired, secret], 'stripe-signature'],
            [[retired], 'STRIPE-SIGNATURE'],
          ] as const) {
            cases.push({
              name: `stripe body ${BODIES.indexOf(body)} ${header.replace(good, '<sig>')} age ${age} clock +${clock - NOW} keys ${keys.join('+')}`,
              provider: 'stripe',
              headers: [[name, header]],
              body: Buffer.from(body),
              keys: keys.map((value) => ({ kind: 'hmac-secret', provider: 'stripe', value })),
              now: clock,
              reference: stripeReference(Buffer.from(body), header, keys, clock),
            })
          }
        }
        // Signed over the timestamp as written in the header, however it is written.
        for (const written of [`0${t}`, `${t}.5`, ` ${t}`, `+${t}`]) {
          const header = `t=${written},v1=${sign(secret, written, body)}`
          cases.push({
            name: `stripe t written ${JSON.stringify(written)} signed as written, age ${age}`,
            provider: 'stripe',
            headers: [['Stripe-Signature', header]],
            body: Buffer.from(body),
            keys: [{ kind: 'hmac-secret', provider: 'stripe', value: secret }],
            now: clock,
            reference: stripeReference(Buffer.from(body), header, [secret], clock),
          })
        }
      }
    }
}

// ---------------------------------------------------------------------------------------------
// Standard Webhooks / Svix: the standardwebhooks npm package, its clock pinned to the case's.

const SW_SECRET = `whsec_${Buffer.from('standard webhooks secret key 32b').toString('base64')}`
const SW_RETIRED = `whsec_${Buffer.from('a secret rotated out of service!').toString('base64')}`
function standardWebhooksReference(body: string, headers: Record<string, string>, secrets: readonly string[], now: number): boolean {
  vi.useFakeTimers({ now: Math.round(now * 1000), toFake: ['Date'] })
  try {
    return secrets.some((secret) => {
      try {
        new StandardWebhook(secret).verify(body, headers)
        return true
      } catch {
        return false
      }
    })
  } finally {
    vi.useRealTimers()
  }
}
{
  const sign = (secret: string, id: string, ts: string, body: string) =>
    `v1,${hmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'), `${id}.${ts}.`, body).toString('base64')}`
  for (const clock of [NOW, NOW + 0.999])
    for (const body of BODIES) {
      for (const age of [-301, -300, 0, 300, 301]) {
        const ts = String(NOW - age)
        for (const id of ['msg_2Lh9KRb0pzN4LePd3XiA4ek39Uq', 'msg_ünïcode']) {
          const good = sign(SW_SECRET, id, ts, body)
          const signatureLists = [
            good,
            `v1,${'A'.repeat(43)}= ${good}`,
            `v1a,${'B'.repeat(86)} ${good}`,
            `${good}  v1,${'C'.repeat(44)}`,
            `v2,${good.slice(3)}`,
            good.replace('v1,', 'V1,'),
            `${good.replace(/=$/, '')}`,
          ]
          for (const list of signatureLists) {
            for (const [prefix, keys] of [
              ['webhook-', [SW_SECRET]],
              ['svix-', [SW_RETIRED, SW_SECRET]],
              ['Webhook-', [SW_RETIRED]],
            ] as const) {
              const headers: HeaderPairs = [
                [`${prefix}id`, id],
                [`${prefix}timestamp`, ts],
                [`${prefix}signature`, list],
              ]
              cases.push({
                name: `standard-webhooks body ${BODIES.indexOf(body)} id ${id} ${prefix} ${list.replace(good.slice(3), '<sig>')} age ${age} clock +${clock - NOW} keys ${keys.length}`,
                provider: 'standard-webhooks',
                headers,
                body: Buffer.from(body),
                keys: keys.map((value) => ({ kind: 'hmac-secret', provider: 'standard-webhooks', value })),
                now: clock,
                // svix's library reads svix-* as standardwebhooks reads webhook-*.
                reference: standardWebhooksReference(body, { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': list }, keys, clock),
              })
            }
          }
        }
        for (const written of [`0${ts}`, `${ts}.5`, `${ts}e0`, `+${ts}`]) {
          const id = 'msg_1'
          const list = sign(SW_SECRET, id, written, body)
          cases.push({
            name: `standard-webhooks timestamp written ${JSON.stringify(written)} signed as written, age ${age}`,
            provider: 'standard-webhooks',
            headers: [
              ['webhook-id', id],
              ['webhook-timestamp', written],
              ['webhook-signature', list],
            ],
            body: Buffer.from(body),
            keys: [{ kind: 'hmac-secret', provider: 'standard-webhooks', value: SW_SECRET }],
            now: clock,
            reference: standardWebhooksReference(body, { 'webhook-id': id, 'webhook-timestamp': written, 'webhook-signature': list }, [SW_SECRET], clock),
          })
        }
      }
    }
}

// ---------------------------------------------------------------------------------------------
// GitHub: @octokit/webhooks-methods verify.

const githubCases: Array<{ body: string; signature: string; secrets: string[]; name: string }> = []
{
  const secret = "It's a Secret to Everybody"
  const retired = 'rotated out'
  for (const body of [...BODIES, 'Hello, World!']) {
    const hex = hmac('sha256', secret, body).toString('hex')
    for (const signature of [
      `sha256=${hex}`,
      `sha256=${hex.toUpperCase()}`,
      `SHA256=${hex}`,
      `sha256=${hex.slice(0, -1)}`,
      hex,
      `sha256= ${hex}`,
      `sha256=${hex},sha256=${hex}`,
    ]) {
      for (const [secrets, name] of [
        [[secret], 'X-Hub-Signature-256'],
        [[retired, secret], 'x-hub-signature-256'],
      ] as const) {
        githubCases.push({ body, signature, secrets: [...secrets], name })
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Adyen: @adyen/api-library's HmacValidator (classic items and the platform body).

const ADYEN_KEY = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056'
const ADYEN_RETIRED = 'DFB1EB5485895CFA84146406857104ABB4CBCABDC8AAF103A624C8F6A3EAAB00'
const adyen = new AdyenHmacValidator()
{
  // The value as Adyen's server signs it (an integer), and as the body may spell it.
  const spellings: Array<[string, string]> = [
    ['1130', '1130'],
    ['1130', '1.13e3'],
    ['1130', '1130.0'],
    ['0', '-0'],
    ['12345678901234567890', '12345678901234567890'],
    ['100', '"100"'],
  ]
  for (const [signedValue, written] of spellings) {
    for (const success of ['"true"', 'true']) {
      for (const reference of ['TestPayment-1', 'Bestellung Ü 日本 😀', 'a:b\\c']) {
        for (const originalReference of [null, '"ORIG1"', '""']) {
          for (const keys of [[ADYEN_KEY], [ADYEN_RETIRED, ADYEN_KEY]]) {
            const data = [
              '7914073381342284',
              originalReference === null ? '' : JSON.parse(originalReference),
              'TestMerchant',
              reference,
              signedValue,
              'EUR',
              'AUTHORISATION',
              'true',
            ].join(':')
            const signature = hmac('sha256', Buffer.from(ADYEN_KEY, 'hex'), data).toString('base64')
            const item = `{"additionalData":{"hmacSignature":"${signature}"},"amount":{"currency":"EUR","value":${written}},"eventCode":"AUTHORISATION","merchantAccountCode":"TestMerchant","merchantReference":${JSON.stringify(reference)},${originalReference === null ? '' : `"originalReference":${originalReference},`}"pspReference":"7914073381342284","success":${success}}`
            const body = `{"live":"false","notificationItems":[{"NotificationRequestItem":${item}}]}`
            const parsed = (JSON.parse(body) as { notificationItems: Array<{ NotificationRequestItem: unknown }> }).notificationItems[0]!
              .NotificationRequestItem
            cases.push({
              name: `adyen classic value ${written} (signed ${signedValue}) success ${success} ref ${reference} orig ${originalReference ?? 'absent'} keys ${keys.length}`,
              provider: 'adyen',
              headers: [['Content-Type', 'application/json']],
              body: Buffer.from(body),
              keys: keys.map((value) => ({ kind: 'hmac-secret', provider: 'adyen', value })),
              now: NOW,
              reference: keys.some((key) => {
                try {
                  return adyen.validateHMAC(parsed as never, key)
                } catch {
                  return false
                }
              }),
            })
          }
        }
      }
    }
  }
  // A batch: each item is checked on its own (providers.md §5.5); one item that does not verify makes the delivery not genuine.
  const batchItem = (psp: string, key: string, tampered: boolean): { json: string; parsed: unknown } => {
    const data = [psp, '', 'TestMerchant', `order-${psp}`, '500', 'EUR', 'AUTHORISATION', 'true'].join(':')
    const signature = hmac('sha256', Buffer.from(key, 'hex'), data).toString('base64')
    const json = `{"additionalData":{"hmacSignature":"${signature}"},"amount":{"currency":"EUR","value":${tampered ? 501 : 500}},"eventCode":"AUTHORISATION","merchantAccountCode":"TestMerchant","merchantReference":"order-${psp}","pspReference":"${psp}","success":"true"}`
    return { json, parsed: JSON.parse(json) }
  }
  for (const [first, second] of [
    [false, false],
    [false, true],
    [true, false],
  ] as const) {
    for (const [firstKey, secondKey] of [
      [ADYEN_KEY, ADYEN_KEY],
      [ADYEN_RETIRED, ADYEN_KEY],
    ] as const) {
      const items = [batchItem('1111111111111111', firstKey, first), batchItem('2222222222222222', secondKey, second)]
      const body = `{"live":"false","notificationItems":[${items.map((item) => `{"NotificationRequestItem":${item.json}}`).join(',')}]}`
      cases.push({
        name: `adyen batch tampered ${first}/${second} keys ${firstKey === secondKey ? 'one' : 'rotated'}`,
        provider: 'adyen',
        headers: [['Content-Type', 'application/json']],
        body: Buffer.from(body),
        keys: [ADYEN_RETIRED, ADYEN_KEY].map((value) => ({ kind: 'hmac-secret', provider: 'adyen', value })),
        now: NOW,
        reference: items.every((item) => [ADYEN_RETIRED, ADYEN_KEY].some((key) => adyen.validateHMAC(item.parsed as never, key))),
      })
    }
  }
  for (const body of BODIES) {
    const signature = hmac('sha256', Buffer.from(ADYEN_KEY, 'hex'), body).toString('base64')
    for (const [name, value] of [
      ['HmacSignature', signature],
      ['hmacsignature', signature],
      ['HMACSIGNATURE', signature.replace(/=+$/, '')],
      ['HmacSignature', `${signature.slice(0, -4)}AAAA`],
    ] as const) {
      for (const key of [ADYEN_KEY, ADYEN_KEY.toLowerCase()]) {
        cases.push({
          name: `adyen platform ${name} ${value === signature ? 'sig' : value} key ${key.slice(0, 4)}`,
          provider: 'adyen',
          headers: [
            ['Content-Type', 'application/json'],
            [name, value],
          ],
          body: Buffer.from(body),
          keys: [{ kind: 'hmac-secret', provider: 'adyen', value: key }],
          now: NOW,
          reference: adyen.validateHMACSignature(key, value, body),
        })
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Shopify, Mollie next-gen: providers.md's formulas (base64 / "sha256=" hex of HMAC-SHA256 over the body).

{
  const secret = 'shpss_client_secret'
  for (const body of BODIES) {
    const good = hmac('sha256', secret, body).toString('base64')
    for (const [value, valid] of [
      [good, true],
      [hmac('sha256', secret, body).toString('hex'), false],
      [good.replace(/=+$/, ''), false],
      [`${good}, ${good}`, false],
      [hmac('sha256', secret, Buffer.concat([Buffer.from(body), Buffer.from('\n')])).toString('base64'), false],
    ] as const) {
      for (const name of ['X-Shopify-Hmac-Sha256', 'x-shopify-hmac-sha256']) {
        cases.push({
          name: `shopify ${name} ${value === good ? 'sig' : value}`,
          provider: 'shopify',
          headers: [
            [name, value],
            ['X-Shopify-Topic', 'orders/paid'],
          ],
          body: Buffer.from(body),
          keys: [{ kind: 'hmac-secret', provider: 'shopify', value: secret }],
          now: NOW,
          // Shopify's libraries compare the base64 text as sent.
          reference: valid,
        })
      }
    }
  }
}
{
  const secret = 'test_webhook_secret'
  const retired = 'old_webhook_secret'
  for (const body of BODIES) {
    const hex = hmac('sha256', secret, body).toString('hex')
    // mollie-api-php SignatureValidator: an optional "sha256=" prefix, hash_equals on the hex text, any secret.
    for (const [value, valid] of [
      [`sha256=${hex}`, true],
      [hex, true],
      [`sha256=${hex.toUpperCase()}`, false],
      [`SHA256=${hex}`, false],
      [`sha256=${hex.slice(0, -2)}`, false],
      [`sha1=${hex}`, false],
    ] as const) {
      for (const keys of [[secret], [retired, secret], [retired]]) {
        cases.push({
          name: `mollie ${value.replace(hex, '<hex>').replace(hex.toUpperCase(), '<HEX>')} keys ${keys.join('+')}`,
          provider: 'mollie',
          headers: [
            ['X-Mollie-Signature', value],
            ['Content-Type', 'application/json'],
          ],
          body: Buffer.from(body),
          keys: keys.map((each) => ({ kind: 'hmac-secret', provider: 'mollie', value: each })),
          now: NOW,
          reference: valid && keys.includes(secret),
        })
      }
    }
    // A rotation: mollie-api-php's validateRequest takes the request's values of the header, one per
    // header line (PSR-7 getHeader); one value holding a comma-separated list is compared whole.
    const retiredHex = hmac('sha256', retired, body).toString('hex')
    for (const [label, headers, valid] of [
      ['a comma-separated list in one header', [['X-Mollie-Signature', `sha256=${retiredHex}, sha256=${hex}`]], false],
      ['a comma-separated list without spaces', [['X-Mollie-Signature', `sha256=${retiredHex},sha256=${hex}`]], false],
      [
        'two header lines, the second right',
        [
          ['X-Mollie-Signature', `sha256=${retiredHex}`],
          ['x-mollie-signature', `sha256=${hex}`],
        ],
        true,
      ],
    ] as const) {
      cases.push({
        name: `mollie ${label}`,
        provider: 'mollie',
        headers: [...headers.map(([name, value]): [string, string] => [name, value]), ['Content-Type', 'application/json']],
        body: Buffer.from(body),
        keys: [{ kind: 'hmac-secret', provider: 'mollie', value: secret }],
        now: NOW,
        reference: valid,
      })
    }
  }
}

// ---------------------------------------------------------------------------------------------
// IXOPAY JSON API: providers.md §1 with node:crypto.

{
  const secret = 'ixopay shared sécret'
  const target = '/callback/ixopay?order=1&x=%C3%BC'
  for (const body of BODIES.map((each) => each.replace('evt_1', 'tx-1').replace('{', '{"result":"OK","uuid":"u-1",'))) {
    const date = 'Mon, 07 Dec 2026 12:00:00 GMT'
    const contentType = 'application/json; charset=utf-8'
    const signed = (uri: string, dateValue = date) =>
      hmac('sha512', secret, `POST\n${createHash('sha512').update(body).digest('hex')}\n${contentType}\n${dateValue}\n${uri}`).toString('base64')
    for (const [name, signature, dateName, valid] of [
      ['X-Signature', signed(target), 'Date', true],
      ['x-signature', signed(target), 'date', true],
      ['X-Signature', signed(target), 'X-Date', true],
      ['X-Signature', signed('/callback/ixopay'), 'Date', false],
      ['X-Signature', signed(target, 'Mon, 07 Dec 2026 12:00:01 GMT'), 'Date', false],
      ['X-Signature', signed(target.replace('%C3%BC', 'ü')), 'Date', false],
    ] as const) {
      cases.push({
        name: `ixopay ${name} ${dateName} ${valid ? 'signed as sent' : 'signed otherwise'}`,
        provider: 'ixopay',
        target,
        headers: [
          ['Content-Type', contentType],
          [dateName, date],
          [name, signature],
        ],
        body: Buffer.from(body),
        keys: [{ kind: 'hmac-secret', provider: 'ixopay', value: secret }],
        now: NOW,
        reference: valid,
      })
    }
  }
}

// ---------------------------------------------------------------------------------------------
// CHIP Collect and Send: RSA PKCS#1 v1.5 over the raw body (SHA-256 / SHA-512), node:crypto.

{
  const pairs = [2048, 3072].map((modulusLength) => generateKeyPairSync('rsa', { modulusLength }))
  const pem = (index: number) => pairs[index]!.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  for (const body of BODIES.map((each) => each.replace('{', '{"event_type":"purchase.paid","type":"purchase",'))) {
    for (const [signer, digest, send] of [
      [0, 'sha256', false],
      [1, 'sha256', false],
      [0, 'sha512', true],
      [1, 'sha512', false],
      [0, 'sha256', true],
    ] as const) {
      const signature = rsaSign(digest, Buffer.from(body), pairs[signer]!.privateKey).toString('base64')
      for (const [name, value] of [
        ['X-Signature', signature],
        ['x-signature', signature],
        ['X-Signature', signature.replace(/=+$/, '')],
      ] as const) {
        for (const keys of [[0], [1], [1, 0]]) {
          const headers: HeaderPairs = [
            ['Content-Type', 'application/json'],
            [name, value],
          ]
          if (send) headers.push(['Event-Type', 'send_instruction_status'])
          const expectedDigest = send ? 'sha512' : 'sha256'
          cases.push({
            name: `chip ${send ? 'send' : 'collect'} signed ${digest} by ${signer} ${name} ${value === signature ? 'sig' : 'unpadded'} keys ${keys.join('+')}`,
            provider: 'chip',
            headers,
            body: Buffer.from(body),
            keys: keys.map((index) => ({ kind: 'rsa-public-key', provider: 'chip', pem: pem(index) })),
            now: NOW,
            // The SDKs verify with the product's digest and base64_decode the header (padding optional).
            reference: digest === expectedDigest && keys.includes(signer),
          })
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// PayPal: providers.md §5.7 offline verification with node:crypto (the certificate configured).

{
  const [signer, other] = PAYPAL_CERTS as [(typeof PAYPAL_CERTS)[number], (typeof PAYPAL_CERTS)[number]]
  const webhookId = '4JH86294D6297924G'
  for (const body of BODIES) {
    const id = 'dfb3be50-fd74-11e4-8bf3-77339302725b'
    const time = '2026-12-07T12:00:00Z'
    const message = (hook: string, crc: string) => `${id}|${time}|${hook}|${crc}`
    const sign = (text: string) => rsaSign('sha256', Buffer.from(text), forge.pki.privateKeyToPem(signer.signer.privateKey)).toString('base64')
    const crc = crc32(Buffer.from(body))
    for (const [label, signature, valid] of [
      ['unsigned crc', sign(message(webhookId, String(crc))), true],
      ['signed crc', sign(message(webhookId, String(crc | 0))), crc === (crc | 0)],
      ['another webhook id', sign(message('OTHER', String(crc))), false],
    ] as const) {
      for (const [keys, name] of [
        [[signer.pem], 'PAYPAL-TRANSMISSION-SIG'],
        [[other.pem, signer.pem], 'paypal-transmission-sig'],
        [[other.pem], 'Paypal-Transmission-Sig'],
      ] as const) {
        cases.push({
          name: `paypal ${label} ${name} certs ${keys.length}`,
          provider: 'paypal',
          headers: [
            ['Content-Type', 'application/json'],
            ['PAYPAL-TRANSMISSION-ID', id],
            ['PAYPAL-TRANSMISSION-TIME', time],
            [name, signature],
            ['PAYPAL-CERT-URL', 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77'],
            ['PAYPAL-AUTH-ALGO', 'SHA256withRSA'],
          ],
          body: Buffer.from(body),
          keys: [...keys.map((pem) => ({ kind: 'certificate' as const, provider: 'paypal' as const, pem })), { kind: 'paypal-webhook-id', value: webhookId }],
          now: NOW,
          reference: valid && keys.includes(signer.pem),
        })
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Plexo legacy envelope: providers.md §3.2 with node:crypto (canonical JSON of Object, SHA-512,
// thumbprint, now ≤ expiry), with two certificates configured in either order (a rotation).

{
  const [signer, other] = PLEXO_CERTS as [(typeof PLEXO_CERTS)[number], (typeof PLEXO_CERTS)[number]]
  const fingerprint = createHash('sha1').update(signer.der).digest('hex').toUpperCase()
  const clients = ['Tienda Ñandú', 'a/b \\ "q" 日本 😀', 'line\u2028sep', '']
  for (const client of clients) {
    for (const expiresIn of [-1, 0, 1, 600]) {
      for (const [label, fingerprintSent, valid] of [
        ['thumbprint', fingerprint, true],
        ['thumbprint with colons', fingerprint.replace(/(..)(?!$)/g, '$1:'), true],
        ['another thumbprint', createHash('sha1').update(other.der).digest('hex').toUpperCase(), false],
      ] as const) {
        const object = {
          Fingerprint: fingerprintSent,
          Object: { Client: client, Amount: 100, InvoiceNumber: null, Transactions: [{ Id: 1, Note: null }], IsAnonymous: false },
          UTCUnixTimeExpiration: NOW + expiresIn,
        }
        const signature = rsaSign('sha512', Buffer.from(canonicalJson(object), 'utf8'), forge.pki.privateKeyToPem(signer.signer.privateKey)).toString('base64')
        for (const keys of [[signer], [other, signer], [other]]) {
          cases.push({
            name: `plexo ${label} client ${JSON.stringify(client)} expires in ${expiresIn} certs ${keys.length}`,
            provider: 'plexo',
            headers: [['Content-Type', 'application/json']],
            body: Buffer.from(JSON.stringify({ Object: object, Signature: signature }, null, 1), 'utf8'),
            keys: keys.map((certificate) => ({ kind: 'certificate', provider: 'plexo', pem: certificate.pem })),
            now: NOW,
            // .NET compares thumbprints without separators; now ≤ expiry.
            reference: valid && expiresIn >= 0 && keys.includes(signer),
          })
        }
      }
    }
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('verdicts against the providers’ libraries and providers.md, on varied deliveries', () => {
  it('never calls valid what the reference refuses, nor refuses what the provider’s library accepts', () => {
    const disagreements: string[] = []
    for (const each of cases) {
      const inspector = inspectorValid(each)
      if (inspector !== each.reference) disagreements.push(`${inspector ? 'FALSE VALID' : 'false invalid'}: ${each.name}`)
    }
    for (const each of githubCases) {
      const reference = each.secrets.some((secret) => {
        try {
          return octokitVerifySync(secret, each.body, each.signature)
        } catch {
          return false
        }
      })
      const inspector = inspectorValid({
        name: '',
        provider: 'github',
        headers: [
          [each.name, each.signature],
          ['X-GitHub-Event', 'ping'],
          // The legacy SHA-1 header, right for the body: it must not stand in for SHA-256.
          ['X-Hub-Signature', `sha1=${hmac('sha1', each.secrets.at(-1)!, each.body).toString('hex')}`],
        ],
        body: Buffer.from(each.body),
        keys: each.secrets.map((value) => ({ kind: 'hmac-secret', provider: 'github', value })),
        now: NOW,
        reference,
      })
      if (inspector !== reference)
        disagreements.push(`${inspector ? 'FALSE VALID' : 'false invalid'}: github ${each.name} ${each.signature.slice(0, 12)}… secrets ${each.secrets.length}`)
    }
    // Each reference accepts some cases and refuses others: the comparison cannot pass by a verdict that never changes.
    const counts = new Map<string, [number, number]>()
    for (const each of cases) {
      const [valid, invalid] = counts.get(each.provider) ?? [0, 0]
      counts.set(each.provider, each.reference ? [valid + 1, invalid] : [valid, invalid + 1])
    }
    for (const [provider, [valid, invalid]] of counts)
      expect({ provider, valid: valid > 0, invalid: invalid > 0 }).toEqual({ provider, valid: true, invalid: true })
    expect([...counts.keys()].sort()).toEqual(['adyen', 'chip', 'ixopay', 'mollie', 'paypal', 'plexo', 'shopify', 'standard-webhooks', 'stripe'])
    expect(new Set([...githubReferences.values()])).toEqual(new Set([true, false]))
    expect(disagreements).toEqual([])
  })
})

/** @octokit/webhooks-methods' verify is async: awaited results are gathered before the test by `githubReferences`. */
function octokitVerifySync(secret: string, body: string, signature: string): boolean {
  const found = githubReferences.get(`${secret}\u0000${body}\u0000${signature}`)
  if (found === undefined) throw new Error('not computed')
  return found
}
const githubReferences = new Map<string, boolean>()
await Promise.all(
  githubCases.flatMap((each) =>
    each.secrets.map(async (secret) => {
      let verdict: boolean
      try {
        verdict = await octokitVerify(secret, each.body, each.signature)
      } catch {
        verdict = false
      }
      githubReferences.set(`${secret}\u0000${each.body}\u0000${each.signature}`, verdict)
    }),
  ),
)
