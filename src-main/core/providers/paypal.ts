/**
 * PayPal webhooks, verified offline (PayPal-node-SDK `Notification.js`, `webhookEvent.verify`):
 *   message = transmissionId + "|" + transmissionTime + "|" + webhookId + "|" + crc32(rawBody)   (unsigned decimal)
 *   valid   = RSA PKCS#1 v1.5 verify(cert public key, PAYPAL-AUTH-ALGO digest, message, base64decode(PAYPAL-TRANSMISSION-SIG))
 * The certificate is the one at PAYPAL-CERT-URL. This library never fetches it (no network here):
 * the user provides it, and `isTrustedPaypalCertUrl` lets the caller decide whether to fetch.
 */
import { errorMessage } from '../../shared/errors'
import { randomBytes, sign as rsaSign, type KeyObject } from 'node:crypto'
import { parsedCertificate } from './parsed-certificates'
import { headerValue, type HeaderPairs } from '../../shared/http-message'
import type { DeliverySummary, ProviderKey } from '../../shared/providers'
import { at, firstText, prop, type JsonObject } from './body'
import { crc32, decodeBase64Strict } from '../crypto/bytes'
import { keyFingerprint, keyLabel } from '../keys/describe-key'
import { certificatesFor } from '../keys/key-lookups'
import { certificateCheckDetail, checkRsaPkcs1, telltaleRsaFailure, type RsaCheck, type RsaDigest } from './rsa'
import { decimalAmount, emptySummary, pushField, summariseJsonObject } from './summary'
import {
  invalidVerdict,
  makeAttempt,
  newExplanation,
  noKeyVerdict,
  result,
  signedStringFields,
  validVerdict,
  type Delivery,
  type VerifyOptions,
  type VerifyResult,
  judgeRepeatedHeaders,
  repeatedHeaders,
} from './verification'
import type { RetrySchedule } from '../../shared/deliveries'
import { COMMON_URL_RULES, generic2xx, hasHeader } from './module-parts'
import type { ProviderModule } from './provider-module'
import type { SigningKey } from '../../shared/replay'
import type { SigningDraft } from './signing-draft'
import { privateKeyFingerprint, privateKeyFor } from './signing-keys'

const AUTH_ALGORITHMS: Record<string, RsaDigest> = {
  SHA256WITHRSA: 'sha256',
  SHA1WITHRSA: 'sha1',
  SHA512WITHRSA: 'sha512',
  SHA256: 'sha256',
}

/** The hosts PayPal serves webhook signing certificates from (live and sandbox, classic and `api-m`). */
export const PAYPAL_CERT_HOSTS: readonly string[] = ['api.paypal.com', 'api-m.paypal.com', 'api.sandbox.paypal.com', 'api-m.sandbox.paypal.com']
/** Where PayPal documents its certificates: `/v1/notifications/certs/CERT-…`, one segment. */
const PAYPAL_CERT_PATH = /^\/v1\/notifications\/certs\/[A-Za-z0-9._-]{1,200}$/
/** No real certificate URL comes close; a longer one is a sender padding it. */
export const PAYPAL_CERT_URL_MAX_LENGTH = 300

/**
 * True when a certificate URL may be fetched: https on port 443 of one of PayPal's certificate
 * hosts, under the documented certificate path, with no credentials, query or fragment. A
 * sender picks this URL, so nothing else (another port, path or PayPal host) is ever requested.
 */
export function isTrustedPaypalCertUrl(url: string): boolean {
  if (url.length > PAYPAL_CERT_URL_MAX_LENGTH) return false
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (error: unknown) {
    // new URL throws a TypeError on anything that is not an absolute URL.
    if (error instanceof TypeError) return false
    throw error
  }
  return (
    parsed.protocol === 'https:' &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.search === '' &&
    parsed.hash === '' &&
    PAYPAL_CERT_HOSTS.includes(parsed.hostname.toLowerCase()) &&
    PAYPAL_CERT_PATH.test(parsed.pathname)
  )
}

/** The exact message PayPal signs. */
export function paypalSignedMessage(input: { transmissionId: string; transmissionTime: string; webhookId: string; body: Buffer }): string {
  return `${input.transmissionId}|${input.transmissionTime}|${input.webhookId}|${crc32(input.body)}`
}

export interface PaypalSignInput {
  privateKey: string | KeyObject
  transmissionId: string
  transmissionTime: string
  webhookId: string
  body: Buffer | string
  certUrl?: string
}

/** Signs as PayPal does (simulator); the receiver needs the matching certificate to verify. */
export function signPaypal(input: PaypalSignInput): { signature: string; signedMessage: string; headers: HeaderPairs } {
  const body = typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body
  const signedMessage = paypalSignedMessage({ ...input, body })
  const signature = rsaSign('sha256', Buffer.from(signedMessage, 'utf8'), input.privateKey).toString('base64')
  return {
    signature,
    signedMessage,
    headers: [
      ['PAYPAL-TRANSMISSION-ID', input.transmissionId],
      ['PAYPAL-TRANSMISSION-TIME', input.transmissionTime],
      ['PAYPAL-TRANSMISSION-SIG', signature],
      ['PAYPAL-CERT-URL', input.certUrl ?? 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-SIMULATED'],
      ['PAYPAL-AUTH-ALGO', 'SHA256withRSA'],
    ],
  }
}

export function verifyPaypal(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions): VerifyResult {
  const repeated = repeatedHeaders(delivery.headers, PAYPAL_HEADERS)
  const signatureOnly = repeated.every(({ name }) => name === 'PAYPAL-TRANSMISSION-SIG')
  return judgeRepeatedHeaders(
    verifyPaypalOnce(delivery, keys, options),
    repeated,
    'PAYPAL-TRANSMISSION-SIG',
    `Node joins the copies with ", " (PayPal-node-SDK is handed the joined text${signatureOnly ? ', whose base64 it decodes only up to the first copy\'s "=" padding: it checks the first signature' : ', and signs the joined transmission id, time or certificate URL, which PayPal never signed'}); PHP under Apache or nginx gets the joined text too, a Java servlet's getHeader the first copy; the check here reads the first copy of each`,
  )
}

/** The headers PayPal's signature check reads, each sent once. */
const PAYPAL_HEADERS = ['PAYPAL-TRANSMISSION-ID', 'PAYPAL-TRANSMISSION-TIME', 'PAYPAL-TRANSMISSION-SIG', 'PAYPAL-CERT-URL', 'PAYPAL-AUTH-ALGO']

function verifyPaypalOnce(delivery: Delivery, keys: readonly ProviderKey[], options: VerifyOptions): VerifyResult {
  const explanation = newExplanation(
    'paypal-rsa',
    'RSA PKCS#1 v1.5 (PAYPAL-AUTH-ALGO) over transmissionId|transmissionTime|webhookId|crc32(rawBody), with the certificate at PAYPAL-CERT-URL',
    'PAYPAL-TRANSMISSION-SIG header',
  )
  const read = (name: string): string | undefined => headerValue(delivery.headers, name)
  const transmissionId = read('PAYPAL-TRANSMISSION-ID')
  const transmissionTime = read('PAYPAL-TRANSMISSION-TIME')
  const signatureText = read('PAYPAL-TRANSMISSION-SIG')
  const certUrl = read('PAYPAL-CERT-URL')
  const authAlgo = read('PAYPAL-AUTH-ALGO')
  const missing = (
    [
      ['PAYPAL-TRANSMISSION-ID', transmissionId],
      ['PAYPAL-TRANSMISSION-TIME', transmissionTime],
      ['PAYPAL-TRANSMISSION-SIG', signatureText],
    ] as const
  )
    .filter(([, value]) => value === undefined)
    .map(([name]) => name)
  if (transmissionId === undefined || transmissionTime === undefined || signatureText === undefined)
    return result(invalidVerdict('missing-header', `missing ${missing.join(', ')}`), explanation)
  explanation.receivedSignatures.push(signatureText)
  if (certUrl !== undefined)
    explanation.notes.push(
      `PAYPAL-CERT-URL ${certUrl} is ${isTrustedPaypalCertUrl(certUrl) ? "PayPal's certificate location (https on a PayPal certificate host, /v1/notifications/certs/)" : "NOT PayPal's certificate location: it is not fetched"}`,
    )
  const digest = AUTH_ALGORITHMS[(authAlgo ?? 'SHA256withRSA').toUpperCase()]
  if (!digest)
    return result(invalidVerdict('unsupported-algorithm', `PAYPAL-AUTH-ALGO ${authAlgo ?? ''} is not supported (expected SHA256withRSA)`), explanation)
  if (authAlgo === undefined) explanation.notes.push('no PAYPAL-AUTH-ALGO header: assuming SHA256withRSA')
  const signature = decodeBase64Strict(signatureText.trim())
  if (!signature) return result(invalidVerdict('malformed-signature', 'PAYPAL-TRANSMISSION-SIG is not base64'), explanation)
  explanation.notes.push(`CRC-32 of the body: ${crc32(delivery.body)}`)

  const webhookIds = keys.filter((key): key is Extract<ProviderKey, { kind: 'paypal-webhook-id' }> => key.kind === 'paypal-webhook-id')
  const certificates = certificatesFor(keys, 'paypal')
  if (webhookIds.length === 0) return result(noKeyVerdict('no PayPal webhook id configured (it is part of the signed message)'), explanation)
  if (certificates.length === 0) {
    return result(
      noKeyVerdict(
        `no PayPal certificate configured: provide the certificate from PAYPAL-CERT-URL${certUrl ? ` (${certUrl})` : ''}, or verify online with POST /v1/notifications/verify-webhook-signature`,
      ),
      explanation,
    )
  }

  const failures: Array<{ key: ProviderKey; check: RsaCheck }> = []
  for (const certificateKey of certificates) {
    let publicKey: KeyObject
    try {
      const certificate = parsedCertificate(certificateKey.pem)
      publicKey = certificate.publicKey
      const now = options.now.getTime()
      if (now > Date.parse(certificate.validTo) || now < Date.parse(certificate.validFrom)) {
        explanation.notes.push(
          `certificate ${keyFingerprint(certificateKey)} is outside its validity (${certificate.validFrom} – ${certificate.validTo}) at the check time; the signature is checked anyway`,
        )
      }
    } catch (error: unknown) {
      failures.push({ key: certificateKey, check: { outcome: 'wrong-key', detail: `the certificate does not load: ${errorMessage(error)}` } })
      continue
    }
    for (const webhookIdKey of webhookIds) {
      const signedMessage = paypalSignedMessage({ transmissionId, transmissionTime, webhookId: webhookIdKey.value, body: delivery.body })
      const check = checkRsaPkcs1(publicKey, digest, Buffer.from(signedMessage, 'utf8'), signature)
      const variant = `${authAlgo ?? 'SHA256withRSA'}, webhook id ${webhookIdKey.value}`
      explanation.attempts.push(
        makeAttempt({
          variant,
          matched: check.outcome === 'valid',
          keyFingerprint: keyFingerprint(certificateKey),
          keyLabel: keyLabel(certificateKey),
          ...signedStringFields(Buffer.from(signedMessage, 'utf8')),
          bodyHash: { algorithm: 'crc32', hex: crc32(delivery.body).toString(16).padStart(8, '0') },
          detail: certificateCheckDetail(check, 'another message'),
        }),
      )
      if (check.outcome === 'valid') {
        explanation.matchedVariant = variant
        explanation.keyFingerprint = keyFingerprint(certificateKey)
        return result(
          validVerdict(variant, `PAYPAL-TRANSMISSION-SIG verifies with certificate ${keyFingerprint(certificateKey)} and webhook id ${webhookIdKey.value}`),
          explanation,
        )
      }
      failures.push({ key: certificateKey, check })
    }
  }
  const telltale = telltaleRsaFailure(failures)
  if (telltale?.kind === 'data-changed') {
    explanation.keyFingerprint = keyFingerprint(telltale.failure.key)
    return result(
      invalidVerdict(
        'signed-data-changed',
        'the certificate matches, but the signed message differs: the body (its CRC-32), the transmission id or time, or the webhook id',
      ),
      explanation,
    )
  }
  if (telltale?.kind === 'other-digest')
    return result(invalidVerdict('digest-mismatch', `the signature was made with ${telltale.signedWith}, PAYPAL-AUTH-ALGO says ${digest}`), explanation)
  return result(
    invalidVerdict('wrong-key', 'the signature was not made with the configured PayPal certificate (is it the certificate from PAYPAL-CERT-URL?)'),
    explanation,
  )
}

/** Summary of a PayPal webhook event. */
export function parsePaypal(delivery: Delivery): DeliverySummary {
  return summariseJsonObject(delivery.body, 'event', summariseEvent)
}

function summariseEvent(event: JsonObject): DeliverySummary {
  const summary = emptySummary('json')
  const resource = event.resource
  summary.eventType = firstText(event.event_type)
  summary.eventId = firstText(event.id)
  summary.status = firstText(prop(resource, 'state'), prop(resource, 'status'))
  summary.providerObjectId = firstText(prop(resource, 'id'))
  summary.merchantReference = firstText(prop(resource, 'invoice_id'), prop(resource, 'custom_id'), prop(resource, 'custom'))
  // v1 resources: amount{total,currency}; v2: amount{value,currency_code}.
  summary.amount = decimalAmount(
    at(resource, 'amount', 'total') ?? at(resource, 'amount', 'value'),
    at(resource, 'amount', 'currency') ?? at(resource, 'amount', 'currency_code'),
  )
  summary.paymentMethod = firstText(prop(resource, 'payment_mode'))
  const fields = summary.fields
  pushField(fields, 'Event id', event.id)
  pushField(fields, 'Event type', event.event_type)
  pushField(fields, 'Summary', event.summary)
  pushField(fields, 'Resource type', event.resource_type)
  pushField(fields, 'Resource id', prop(resource, 'id'))
  pushField(fields, 'State', summary.status)
  pushField(fields, 'Amount', summary.amount?.amountDisplay)
  pushField(fields, 'Parent payment', prop(resource, 'parent_payment'))
  pushField(fields, 'Created', event.create_time)
  return summary
}

// PayPal, https://developer.paypal.com/api/rest/webhooks/: "up to 25 retries over 3 days" is how
// PayPal's policy is commonly described; not confirmed on PayPal's own page.
const PAYPAL_RETRIES: RetrySchedule = {
  provider: 'paypal',
  title: 'PayPal',
  kind: 'outline',
  description: 'Commonly described as up to 25 retries over 3 days for answers that are not 2xx.',
  successRule: 'any 2xx',
  retries: [],
  sourceUrl: 'https://developer.paypal.com/api/rest/webhooks/',
  sourceTitle: 'PayPal: webhooks',
  confirmed: false,
  caveat: 'Not confirmed on PayPal’s own pages.',
}

function resignPaypal(draft: SigningDraft, keys: readonly SigningKey[], now: Date): void {
  if (draft.header('PAYPAL-TRANSMISSION-SIG') === undefined) return
  const privateKey = privateKeyFor(keys, 'paypal')
  const webhookId = keys.find((key): key is Extract<ProviderKey, { kind: 'paypal-webhook-id' }> => key.kind === 'paypal-webhook-id')
  if (!privateKey || !webhookId) {
    draft.skip(
      'paypal-rsa',
      'paypal',
      `${!privateKey ? 'no PayPal private key' : 'no PayPal webhook id'} configured: PayPal signs with its own certificate, so a re-signed delivery only verifies against the matching certificate`,
    )
    return
  }
  const transmissionId = draft.header('PAYPAL-TRANSMISSION-ID') ?? randomBytes(16).toString('hex')
  const transmissionTime = now.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const signed = signPaypal({ privateKey: privateKey.pem, transmissionId, transmissionTime, webhookId: webhookId.value, body: draft.body })
  const change = { scheme: 'paypal-rsa', provider: 'paypal' as const, keyFingerprint: privateKeyFingerprint(privateKey) }
  draft.setHeader('PAYPAL-TRANSMISSION-TIME', transmissionTime, change)
  draft.setHeader('PAYPAL-TRANSMISSION-SIG', signed.signature, change)
}

export const paypalProvider: ProviderModule<'paypal'> = {
  id: 'paypal',
  rules: {
    signatureHeader: ({ delivery }) =>
      hasHeader(delivery, 'PAYPAL-TRANSMISSION-SIG') ? { variant: 'webhook', detectedBy: 'PAYPAL-TRANSMISSION-SIG header' } : null,
  },
  variantOf: () => 'webhook',
  parse: parsePaypal,
  verify: verifyPaypal,
  acknowledgement: () => generic2xx('PayPal', 'and retry (reportedly up to 25 times over 3 days)'),
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'PayPal' },
  keyKinds: ['certificate', 'paypal-webhook-id'],
  deliveryIdentity: {
    label: 'event id',
    // The event id is the same on every retry; records stored before it was kept use the bytes.
    parts: ({ summary }) => (summary.eventId ? [summary.eventId] : null),
  },
  resign: {
    transmissionSignature: { scheme: 'paypal-rsa', apply: (draft, keys, { now }) => resignPaypal(draft, keys, now) },
  },
  retrySchedule: () => PAYPAL_RETRIES,
}
