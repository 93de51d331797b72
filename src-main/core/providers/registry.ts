/**
 * Every provider, one module each (see provider-module.ts). The record is typed over the ids of
 * shared/provider-catalog.ts, so a provider without a module, or a module filed under another
 * id, is a compile error; `checkRegistry` catches what types cannot (run when this file loads,
 * and by registry.test.ts).
 *
 * To add a provider: its module file, one line in PROVIDERS, its rules in RECOGNITION_ORDER (and
 * its re-signing steps in RESIGN_ORDER), its id in shared/provider-catalog.ts.
 */
import { PINNABLE_PROVIDER_IDS, type PinnableProviderId } from '../../shared/provider-catalog'
import { adyenProvider } from './adyen'
import { braintreeProvider } from './braintree'
import { checkoutComProvider } from './checkout-com'
import { chipProvider } from './chip'
import { genericProvider } from './generic-hmac'
import { githubProvider } from './github'
import { gocardlessProvider } from './gocardless'
import { ixopayProvider } from './ixopay'
import { mercadoPagoProvider } from './mercadopago'
import { mollieProvider } from './mollie'
import { paddleProvider } from './paddle'
import { paypalProvider } from './paypal'
import { paystackProvider } from './paystack'
import { plexoProvider } from './plexo'
import type { ProviderModule, RecognitionRule, ResignStep } from './provider-module'
import { razorpayProvider } from './razorpay'
import { shopifyProvider } from './shopify'
import { squareProvider } from './square'
import { standardWebhooksProvider } from './standard-webhooks'
import { stripeProvider } from './stripe'
import { swedbankPayProvider } from './swedbankpay'

/** One module per provider id. */
export type ProviderModules = { readonly [Id in PinnableProviderId]: ProviderModule<Id> }

export const PROVIDERS: ProviderModules = {
  ixopay: ixopayProvider,
  chip: chipProvider,
  plexo: plexoProvider,
  swedbankpay: swedbankPayProvider,
  stripe: stripeProvider,
  'standard-webhooks': standardWebhooksProvider,
  github: githubProvider,
  shopify: shopifyProvider,
  adyen: adyenProvider,
  mollie: mollieProvider,
  paypal: paypalProvider,
  paddle: paddleProvider,
  'checkout-com': checkoutComProvider,
  razorpay: razorpayProvider,
  paystack: paystackProvider,
  square: squareProvider,
  gocardless: gocardlessProvider,
  mercadopago: mercadoPagoProvider,
  braintree: braintreeProvider,
  generic: genericProvider,
}

/** The module of a provider id. */
export function providerModule<Id extends PinnableProviderId>(id: Id): ProviderModule<Id> {
  return PROVIDERS[id]
}

/**
 * The module for an id read from data (a stored capture, a caller's string), or `null` when no
 * provider has that id (`unknown`, or a provider this version does not know).
 */
export function findProviderModule(id: string): ProviderModule | null {
  return Object.hasOwn(PROVIDERS, id) ? PROVIDERS[id as PinnableProviderId] : null
}

/** One entry of the recognition order: a provider's named rule. */
export interface OrderedRule {
  provider: PinnableProviderId
  /** The rule's name in its module's `rules`, e.g. `xSignature`. */
  name: string
  match: RecognitionRule
}

function rule(module: ProviderModule, name: string): OrderedRule {
  const match = module.rules[name]
  if (match === undefined) throw new Error(`provider registry: ${module.id} has no recognition rule "${name}"`)
  return { provider: module.id, name, match }
}

/**
 * Who sent a delivery: the rules apply in this order and the first match wins. Most specific
 * signature headers first; the order between providers matters where they share a header or a
 * shape: IXOPAY's X-Signature rule (64-byte HMAC) before CHIP's (RSA sizes), IXOPAY's legacy XML
 * after both; Plexo's signed envelope before Swedbank Pay's callback, Plexo's REST shape after it;
 * the endpoint's generic HMAC header last, so it never claims a known provider's delivery.
 * Pinned by registry.test.ts.
 */
export const RECOGNITION_ORDER: readonly OrderedRule[] = [
  rule(PROVIDERS.stripe, 'signatureHeader'),
  // GoCardless's Webhook-Signature is Standard Webhooks' header name: its rule (a 64-hex value, no webhook-id/-timestamp) goes first.
  rule(PROVIDERS.gocardless, 'signatureHeader'),
  rule(PROVIDERS['standard-webhooks'], 'signatureHeader'),
  rule(PROVIDERS.github, 'header'),
  rule(PROVIDERS.shopify, 'header'),
  rule(PROVIDERS.paypal, 'signatureHeader'),
  rule(PROVIDERS.square, 'signatureHeader'),
  rule(PROVIDERS.paddle, 'signatureHeader'),
  rule(PROVIDERS['checkout-com'], 'signatureHeader'),
  rule(PROVIDERS.razorpay, 'signatureHeader'),
  rule(PROVIDERS.razorpay, 'eventIdHeader'),
  rule(PROVIDERS.paystack, 'signatureHeader'),
  rule(PROVIDERS.mercadopago, 'signatureHeader'),
  rule(PROVIDERS.braintree, 'form'),
  rule(PROVIDERS.mollie, 'signatureHeader'),
  rule(PROVIDERS.mollie, 'classicForm'),
  rule(PROVIDERS.adyen, 'classicBody'),
  rule(PROVIDERS.adyen, 'platformHeader'),
  rule(PROVIDERS.ixopay, 'xSignature'),
  rule(PROVIDERS.chip, 'xSignature'),
  rule(PROVIDERS.ixopay, 'legacyXml'),
  rule(PROVIDERS.paddle, 'eventBody'),
  rule(PROVIDERS['checkout-com'], 'eventBody'),
  rule(PROVIDERS.razorpay, 'eventBody'),
  rule(PROVIDERS.mercadopago, 'notificationBody'),
  rule(PROVIDERS.mercadopago, 'ipnQuery'),
  rule(PROVIDERS.plexo, 'envelope'),
  rule(PROVIDERS.swedbankpay, 'callback'),
  rule(PROVIDERS.plexo, 'rest'),
  rule(PROVIDERS.generic, 'configuredHeader'),
]

/** One entry of the re-signing order: a provider's named re-signing step. */
export interface OrderedResignStep {
  provider: PinnableProviderId
  /** The step's name in its module's `resign`, e.g. `classicItems`. */
  name: string
  step: ResignStep
}

function resignStep(module: ProviderModule, name: string): OrderedResignStep {
  const step = module.resign?.[name]
  if (step === undefined) throw new Error(`provider registry: ${module.id} has no re-signing step "${name}"`)
  return { provider: module.id, name, step }
}

/**
 * The order re-signing applies the steps in: signatures inside the body first (Plexo envelope,
 * Adyen classic items), header signatures after them, since they cover the final body, and the
 * generic HMAC last, since its template may cover other headers.
 */
export const RESIGN_ORDER: readonly OrderedResignStep[] = [
  resignStep(PROVIDERS.plexo, 'envelope'),
  resignStep(PROVIDERS.adyen, 'classicItems'),
  resignStep(PROVIDERS.braintree, 'signatureForm'),
  resignStep(PROVIDERS.stripe, 'signatureHeader'),
  resignStep(PROVIDERS['standard-webhooks'], 'signatureHeaders'),
  resignStep(PROVIDERS.github, 'signatureHeaders'),
  resignStep(PROVIDERS.shopify, 'hmacHeader'),
  resignStep(PROVIDERS.mollie, 'signatureHeader'),
  resignStep(PROVIDERS.adyen, 'platformHeader'),
  resignStep(PROVIDERS.paypal, 'transmissionSignature'),
  resignStep(PROVIDERS.square, 'signatureHeaders'),
  resignStep(PROVIDERS.gocardless, 'signatureHeader'),
  resignStep(PROVIDERS.mercadopago, 'signatureHeader'),
  resignStep(PROVIDERS.razorpay, 'signatureHeader'),
  resignStep(PROVIDERS.paystack, 'signatureHeader'),
  resignStep(PROVIDERS.paddle, 'signatureHeader'),
  resignStep(PROVIDERS['checkout-com'], 'signatureHeader'),
  resignStep(PROVIDERS.ixopay, 'xSignature'),
  resignStep(PROVIDERS.ixopay, 'legacyXml'),
  resignStep(PROVIDERS.generic, 'configuredHeader'),
]

/**
 * Throws when the registry contradicts itself: a module filed under another id (possible through
 * a cast), the same module twice, a catalogue id without a module (an untyped edit), or a
 * recognition rule or re-signing step listed twice or never.
 */
export function checkRegistry(
  modules: Readonly<Record<string, ProviderModule>> = PROVIDERS,
  order: readonly OrderedRule[] = RECOGNITION_ORDER,
  resignOrder: readonly OrderedResignStep[] = RESIGN_ORDER,
): void {
  const seen = new Set<ProviderModule>()
  for (const [id, module] of Object.entries(modules)) {
    if (module.id !== id) throw new Error(`provider registry: the module filed under "${id}" says it is "${module.id}"`)
    if (seen.has(module)) throw new Error(`provider registry: duplicate module for "${id}"`)
    seen.add(module)
  }
  for (const id of PINNABLE_PROVIDER_IDS) if (!Object.hasOwn(modules, id)) throw new Error(`provider registry: no module for "${id}"`)
  const listed = new Set<string>()
  for (const { provider, name } of order) {
    const key = `${provider}.${name}`
    if (listed.has(key)) throw new Error(`provider registry: recognition rule ${key} is listed twice`)
    listed.add(key)
  }
  for (const module of Object.values(modules)) {
    for (const name of Object.keys(module.rules)) {
      if (!listed.has(`${module.id}.${name}`)) throw new Error(`provider registry: recognition rule ${module.id}.${name} is not in RECOGNITION_ORDER`)
    }
  }
  const steps = new Set<string>()
  for (const { provider, name } of resignOrder) {
    const key = `${provider}.${name}`
    if (steps.has(key)) throw new Error(`provider registry: re-signing step ${key} is listed twice`)
    steps.add(key)
  }
  for (const module of Object.values(modules)) {
    for (const name of Object.keys(module.resign ?? {})) {
      if (!steps.has(`${module.id}.${name}`)) throw new Error(`provider registry: re-signing step ${module.id}.${name} is not in RESIGN_ORDER`)
    }
  }
}

checkRegistry()
