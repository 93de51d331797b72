/**
 * The provider layer: recognise who sent a callback, parse it, verify its signature, and sign
 * deliveries (re-signed replays, the simulator). Plain Node, no network, no Electron.
 */
export { analyzeDelivery, type AnalyzeOptions } from './analyze'
export type { Delivery, VerifyOptions, VerifyResult } from './verification'
export { detectProvider, pinnedRecognition } from './detect'
export { validateKey, type KeyValidation } from './key-validation'

export {
  parseIxopay,
  verifyIxopay,
  signIxopayJson,
  signIxopayLegacyXml,
  ixopaySignedMessage,
  IXOPAY_JSON_CONTENT_TYPE,
  IXOPAY_XML_CONTENT_TYPE,
  type IxopaySignInput,
  type IxopaySignature,
} from './ixopay'
export { parseChip, verifyChip, signChip, chipDigest, type ChipProduct } from './chip'
export { parsePlexo, verifyPlexoLegacy, signPlexoEnvelope, plexoCanonicalJson, plexoConfirmHint, certificateThumbprint, type PlexoEnvelopeInput } from './plexo'
export { parseSwedbankPay, swedbankPayConfirmHint } from './swedbankpay'
export { parseStripe, verifyStripe, signStripe, parseStripeSignatureHeader, STRIPE_DEFAULT_TOLERANCE_SECONDS } from './stripe'
export {
  parseStandardWebhooks,
  verifyStandardWebhooks,
  signStandardWebhook,
  parseStandardWebhookSignatures,
  STANDARD_WEBHOOKS_TOLERANCE_SECONDS,
  type StandardWebhookSignInput,
} from './standard-webhooks'
export { parseGithub, verifyGithub, signGithub } from './github'
export { parseShopify, verifyShopify, signShopify } from './shopify'
export { parseAdyen, verifyAdyen, signAdyenItem, signAdyenPayload, adyenItemSignedData, type AdyenVerifyResult } from './adyen'
export { parseMollie, verifyMollie, signMollie, mollieConfirmHint } from './mollie'
export { parsePaypal, verifyPaypal, signPaypal, paypalSignedMessage, isTrustedPaypalCertUrl, type PaypalSignInput } from './paypal'
export { verifyGenericHmac, signGenericHmac, renderGenericTemplate } from './generic-hmac'
export { genericSummary } from './summary'
export { crc32 } from '../crypto/bytes'
