/**
 * Shopify: `X-Shopify-Hmac-Sha256: base64(HMAC-SHA256(app client secret, rawBody))`
 * (shopify.dev verify-deliveries). Base64, not hex: a hex-encoded MAC is reported as such.
 */
import { randomBytes } from 'node:crypto'
import type { RetrySchedule } from '../../shared/deliveries'
import { headerValue } from '../../shared/http-message'
import type { DeliverySummary, ProviderKey } from '../../shared/providers'
import { decodeHexStrict } from '../crypto/bytes'
import { firstText, isObject, parseJsonBody } from './body'
import {
  bodyHmacHeaderExplanation,
  bodyHmacHeaderSimulation,
  bodyHmacHeaderTexts,
  signBodyHmacHeader,
  utf8SecretCandidates,
  verifyBodyHmacHeader,
  type BodyHmacHeaderScheme,
} from './body-hmac-header'
import { generic2xx, hasHeader, warnAboutSurroundingWhitespace } from './module-parts'
import type { ProviderModule } from './provider-module'
import { resignHmacHeader } from './signing-draft'
import { hmacSecretFor } from './signing-keys'
import { decimalAmount, emptySummary, genericSummary, pushField } from './summary'
import { invalidVerdict, result, type Delivery, type VerifyOptions, type VerifyResult } from './verification'

export const SHOPIFY_SCHEME: BodyHmacHeaderScheme = {
  scheme: 'shopify-hmac-sha256',
  formula: 'base64(HMAC-SHA256(client secret, rawBody))',
  headerName: 'X-Shopify-Hmac-Sha256',
  algorithm: 'sha256',
  encoding: 'base64',
  variant: 'HMAC-SHA256 base64',
  // A 64-character hex MAC is valid base64 text too (decoding to 48 bytes): the hex reading is told apart.
  malformed: (text) => `X-Shopify-Hmac-Sha256 is not base64 of a 32-byte HMAC-SHA256${decodeHexStrict(text) ? ' (it looks hex-encoded)' : ''}`,
  hexInsteadOfBase64: 'encoding mismatch: the header holds the right HMAC, hex-encoded; Shopify sends base64',
  paddedBase64:
    "encoding mismatch: X-Shopify-Hmac-Sha256 holds the right HMAC but not as Shopify writes it (44 base64 characters ending in '='); Shopify's verification examples compare the text, so they refuse it",
  noKey: { message: 'no Shopify client secret configured for this endpoint' },
  mismatchNotes: ['after a secret rotation Shopify can keep signing with the old secret for up to an hour'],
}

/** Value for X-Shopify-Hmac-Sha256. */
export function signShopify(secret: string, body: Buffer | string): string {
  return signBodyHmacHeader(SHOPIFY_SCHEME, secret, body)
}

export function verifyShopify(delivery: Delivery, keys: readonly ProviderKey[], _options?: VerifyOptions): VerifyResult {
  const explanation = bodyHmacHeaderExplanation(SHOPIFY_SCHEME)
  const texts = bodyHmacHeaderTexts(SHOPIFY_SCHEME, delivery, explanation.notes)
  if (texts.length === 0) return result(invalidVerdict('missing-header', 'no X-Shopify-Hmac-Sha256 header'), explanation)
  return verifyBodyHmacHeader(SHOPIFY_SCHEME, texts, delivery.body, utf8SecretCandidates(keys, 'shopify'), explanation)
}

/** Summary of a Shopify delivery: topic and shop from the headers, order fields from the body. */
export function parseShopify(delivery: Delivery): DeliverySummary {
  const json = parseJsonBody(delivery.body)
  const summary = isObject(json) ? emptySummary('json') : genericSummary(delivery.body)
  summary.eventType = headerValue(delivery.headers, 'X-Shopify-Topic') ?? null
  if (isObject(json)) {
    summary.providerObjectId = firstText(json.admin_graphql_api_id, json.id)
    summary.status = firstText(json.financial_status, json.status)
    summary.merchantReference = firstText(json.name, json.order_number)
    summary.amount = decimalAmount(json.total_price ?? json.amount, json.currency)
  }
  const fields = summary.fields
  pushField(fields, 'Topic', summary.eventType)
  pushField(fields, 'Shop', headerValue(delivery.headers, 'X-Shopify-Shop-Domain'))
  pushField(fields, 'API version', headerValue(delivery.headers, 'X-Shopify-API-Version'))
  pushField(fields, 'Webhook id (dedupe key)', headerValue(delivery.headers, 'X-Shopify-Webhook-Id'))
  pushField(fields, 'Event id', headerValue(delivery.headers, 'X-Shopify-Event-Id'))
  pushField(fields, 'Triggered at', headerValue(delivery.headers, 'X-Shopify-Triggered-At'))
  if (isObject(json)) {
    pushField(fields, 'Id', json.id)
    pushField(fields, 'Email', json.email)
    pushField(fields, 'Financial status', json.financial_status)
    pushField(fields, 'Total', summary.amount?.amountDisplay)
  }
  return summary
}

const SHOPIFY_TIMEOUT_MS = 5_000

// Shopify, https://shopify.dev/docs/apps/build/webhooks: failed deliveries are retried 8 times
// over 4 hours (figures from summaries of the docs, not re-read on Shopify's page).
const SHOPIFY_RETRIES: RetrySchedule = {
  provider: 'shopify',
  title: 'Shopify',
  kind: 'outline',
  description: 'Retried 8 times over 4 hours; after 8 consecutive failures an Admin API subscription is deleted.',
  successRule: 'a 200-series status within 5 s',
  retries: [],
  sourceUrl: 'https://shopify.dev/docs/apps/build/webhooks',
  sourceTitle: 'Shopify: about webhooks',
  confirmed: false,
  caveat: 'Taken from summaries of Shopify’s documentation; check the page for the current figures.',
}

export const shopifyProvider: ProviderModule<'shopify'> = {
  id: 'shopify',
  rules: {
    header: ({ delivery }) => {
      if (hasHeader(delivery, 'X-Shopify-Hmac-Sha256')) return { variant: 'webhook', detectedBy: 'X-Shopify-Hmac-Sha256 header' }
      return hasHeader(delivery, 'X-Shopify-Topic') ? { variant: 'webhook', detectedBy: 'X-Shopify-Topic header' } : null
    },
  },
  variantOf: () => 'webhook',
  parse: parseShopify,
  verify: verifyShopify,
  acknowledgement: () => ({
    ...generic2xx('Shopify', 'and retry (8 times over 4 hours, after which it may delete the subscription)', SHOPIFY_TIMEOUT_MS),
    expects: `a 200-series answer within ${SHOPIFY_TIMEOUT_MS / 1000} s`,
  }),
  publicUrl: {
    // https://shopify.dev/docs/apps/build/webhooks/verify-deliveries: signed deliveries are https only.
    rules: { https: { severity: 'required', why: 'Shopify signs deliveries to https endpoints only' }, ports: null, isIpv4Only: false },
    senderName: 'Shopify',
  },
  keyKinds: ['hmac-secret'],
  hmacSecret: { check: warnAboutSurroundingWhitespace, generate: () => randomBytes(24).toString('hex') },
  deliveryIdentity: {
    label: 'webhook id (X-Shopify-Webhook-Id)',
    // Shopify's documented dedupe key.
    parts: ({ headers }) => {
      const id = headerValue(headers, 'X-Shopify-Webhook-Id') ?? headerValue(headers, 'X-Shopify-Event-Id')
      return id === undefined ? null : [id]
    },
  },
  resign: {
    hmacHeader: {
      scheme: 'shopify-hmac-sha256',
      apply: (draft, keys) =>
        resignHmacHeader(draft, 'X-Shopify-Hmac-Sha256', 'shopify-hmac-sha256', 'shopify', hmacSecretFor(keys, 'shopify'), (secret) =>
          signShopify(secret, draft.body),
        ),
    },
  },
  simulate: bodyHmacHeaderSimulation('shopify', SHOPIFY_SCHEME, () => shopifyProvider.hmacSecret.generate()),
  retrySchedule: () => SHOPIFY_RETRIES,
}
