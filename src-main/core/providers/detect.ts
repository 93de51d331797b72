/**
 * Recognition: who sent a delivery. Rules apply in the numbered order below (most specific
 * signature header first) and the first match wins; a pinned provider (endpoint setting) skips detection but still gets its
 * variant from the delivery.
 */
import { headerValue } from '../../shared/http-message'
import { PROVIDER_NAMES, type PinnableProviderId, type ProviderKey, type ProviderRecognition, type ProviderVariant } from '../../shared/providers'
import { isObject, parseJsonBody, text, type JsonValue } from './body'
import { adyenNotificationItems } from './adyen'
import { decodeBase64Strict } from './crypto-utils'
import { hasGenericHmacHeader } from './generic-hmac'
import { IXOPAY_SIGNATURE_BYTES, ixopayAuthorizationHeader } from './ixopay'
import { isMollieClassic } from './mollie'
import { isPlexoEnvelope, isPlexoPaymentDto } from './plexo'
import { standardWebhooksVariant } from './standard-webhooks'
import { isSwedbankPayCallback, swedbankPayVariant } from './swedbankpay'
import { providerModule } from './registry'
import type { Delivery } from './verification'
import { xmlRootIs } from './xml'

/** RSA-2048 and RSA-3072 signature sizes: CHIP's keys. */
const CHIP_SIGNATURE_BYTES = new Set([256, 384])

function recognised(id: PinnableProviderId, variant: ProviderVariant | null, detectedBy: string): ProviderRecognition {
  return { id, name: PROVIDER_NAMES[id], variant, detectedBy, pinned: false }
}

const has = (delivery: Delivery, name: string): boolean => headerValue(delivery.headers, name) !== undefined

/**
 * Recognises the sender, by the numbered rules below. `keys` lets an endpoint's generic HMAC scheme
 * claim deliveries that carry its header and match no known provider.
 */
export function detectProvider(delivery: Delivery, keys: readonly ProviderKey[] = []): ProviderRecognition {
  // 1-5: signature headers that only one provider uses.
  if (has(delivery, 'Stripe-Signature')) return recognised('stripe', 'v1', 'Stripe-Signature header')
  if (has(delivery, 'webhook-signature') || has(delivery, 'svix-signature')) {
    const variant = standardWebhooksVariant(delivery)
    return recognised('standard-webhooks', variant, `${variant === 'svix' ? 'svix' : 'webhook'}-signature header`)
  }
  if (has(delivery, 'X-Hub-Signature-256') || has(delivery, 'X-GitHub-Event')) {
    return recognised('github', 'webhook', has(delivery, 'X-Hub-Signature-256') ? 'X-Hub-Signature-256 header' : 'X-GitHub-Event header')
  }
  if (has(delivery, 'X-Shopify-Hmac-Sha256') || has(delivery, 'X-Shopify-Topic')) {
    return recognised('shopify', 'webhook', has(delivery, 'X-Shopify-Hmac-Sha256') ? 'X-Shopify-Hmac-Sha256 header' : 'X-Shopify-Topic header')
  }
  if (has(delivery, 'PAYPAL-TRANSMISSION-SIG')) return recognised('paypal', 'webhook', 'PAYPAL-TRANSMISSION-SIG header')

  // 6: Mollie.
  if (has(delivery, 'X-Mollie-Signature')) return recognised('mollie', 'next-gen', 'X-Mollie-Signature header')
  if (isMollieClassic(delivery)) return recognised('mollie', 'classic', 'form body id=<prefix>_… from a Mollie User-Agent')

  // 7: Adyen.
  const json = parseJsonBody(delivery.body)
  if (adyenNotificationItems(json)) return recognised('adyen', 'classic', 'notificationItems[].NotificationRequestItem in the body')
  if (has(delivery, 'HmacSignature')) return recognised('adyen', 'platform', 'HmacSignature header')

  // 8: X-Signature, told apart by signature length and body.
  const xSignature = headerValue(delivery.headers, 'X-Signature')
  if (xSignature !== undefined) {
    const length = decodeBase64Strict(xSignature.trim())?.length ?? 0
    if (length === IXOPAY_SIGNATURE_BYTES && (has(delivery, 'Date') || has(delivery, 'X-Date')) && hasAnyKey(json, ['result', 'uuid'])) {
      return recognised('ixopay', 'json-api', 'X-Signature of 64 bytes (HMAC-SHA512), Date header, result/uuid in the body')
    }
    if (CHIP_SIGNATURE_BYTES.has(length)) {
      if (has(delivery, 'Event-Type')) return recognised('chip', 'send', `X-Signature of ${length} bytes (RSA) and an Event-Type header`)
      if (isChipBody(json)) return recognised('chip', 'collect', `X-Signature of ${length} bytes (RSA), event_type/type in the body`)
    }
  }

  // 9: IXOPAY legacy XML.
  const authorization = ixopayAuthorizationHeader(delivery.headers)
  if (authorization) {
    const signature = authorization.value.slice(authorization.value.lastIndexOf(':') + 1)
    if (signature.length === 88 && xmlRootIs(delivery.body.subarray(0, 4096).toString('utf8'), 'callback')) {
      return recognised(
        'ixopay',
        'legacy-xml',
        `${authorization.headerName}: ${authorization.value.split(' ')[0] ?? ''} <apiKey>:<signature> with an XML <callback> body`,
      )
    }
  }

  // 10-12: unsigned or body-signed JSON shapes.
  if (isPlexoEnvelope(json)) return recognised('plexo', 'legacy-envelope', 'JSON envelope {"Object":{"Fingerprint":…},"Signature":…}')
  if (isSwedbankPayCallback(json)) return recognised('swedbankpay', swedbankPayVariant(json), '/psp/ ids in paymentOrder, payment or transaction')
  if (isPlexoPaymentDto(json)) return recognised('plexo', 'rest', 'PaymentDto shape: id, Plexo status, transactions[], amount{total,currency}')

  const generic = hasGenericHmacHeader(delivery, keys)
  if (generic) return recognised('generic', 'configured', `${generic.config.header} header named by the endpoint's generic HMAC scheme`)
  return { id: 'unknown', name: PROVIDER_NAMES.unknown, variant: null, detectedBy: 'no recognition rule matched', pinned: false }
}

function hasAnyKey(json: JsonValue | undefined, keys: string[]): boolean {
  return isObject(json) && keys.some((key) => Object.hasOwn(json, key))
}

function isChipBody(json: JsonValue | undefined): boolean {
  if (!isObject(json)) return false
  if (json.event_type !== undefined) return true
  const type = text(json.type)
  return type === 'purchase' || type === 'payment'
}

/** The recognition for a pinned provider: the endpoint decides who, the delivery decides the variant. */
export function pinnedRecognition(id: PinnableProviderId, delivery: Delivery): ProviderRecognition {
  return { id, name: PROVIDER_NAMES[id], variant: providerModule(id).variantOf(delivery), detectedBy: 'pinned by the endpoint setting', pinned: true }
}
