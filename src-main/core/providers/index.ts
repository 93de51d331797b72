/**
 * The provider layer: recognise who sent a callback, parse it, verify its signature, and sign
 * deliveries (re-signed replays, the simulator). Plain Node, no network, no Electron.
 *
 * Only what callers import through this file is here (the analysis, key validation, the PayPal
 * certificate rule, and the signers tests build callbacks with); everything else is imported from
 * its own module, as the product modules inside providers/ import each other.
 */
export { analyzeDelivery } from './analyze'
export { detectProvider } from './detect'
export { validateKey } from './key-validation'

export { signIxopayJson, signIxopayLegacyXml } from './ixopay'
export { signChip } from './chip'
export { signPlexoEnvelope } from './plexo'
export { signStripe } from './stripe'
export { signStandardWebhook } from './standard-webhooks'
export { signGithub } from './github'
export { signShopify } from './shopify'
export { signAdyenItem, signAdyenPayload, adyenItemSignedData } from './adyen'
export { signMollie } from './mollie'
export { signPaypal, paypalSignedMessage, isTrustedPaypalCertUrl } from './paypal'
export { signGenericHmac } from './generic-hmac'
export { crc32 } from '../crypto/bytes'
