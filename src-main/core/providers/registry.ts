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

/** A provider's named rule or re-signing step, written `<provider id>.<name>`, e.g. `ixopay.xSignature`. */
type EntryRef = `${PinnableProviderId}.${string}`

/** One entry of the recognition order: a provider's named rule. */
export interface OrderedRule {
  provider: PinnableProviderId
  /** The rule's name in its module's `rules`, e.g. `xSignature`. */
  name: string
  match: RecognitionRule
}

/** One entry of the re-signing order: a provider's named re-signing step. */
export interface OrderedResignStep {
  provider: PinnableProviderId
  /** The step's name in its module's `resign`, e.g. `classicItems`. */
  name: string
  step: ResignStep
}

/** The module and entry a reference names, or a throw naming what is missing (`what`: "recognition rule"). */
function resolve<Entry>(ref: EntryRef, what: string, entriesOf: (module: ProviderModule) => Readonly<Record<string, Entry>> | undefined) {
  const dot = ref.indexOf('.')
  const module = findProviderModule(ref.slice(0, dot))
  const name = ref.slice(dot + 1)
  const entry = module ? entriesOf(module)?.[name] : undefined
  if (!module || entry === undefined) throw new Error(`provider registry: ${ref.slice(0, dot)} has no ${what} "${name}"`)
  return { provider: module.id, name, entry }
}

const rules = (...refs: EntryRef[]): OrderedRule[] =>
  refs.map((ref) => {
    const { provider, name, entry } = resolve(ref, 'recognition rule', (module) => module.rules)
    return { provider, name, match: entry }
  })

const resignSteps = (...refs: EntryRef[]): OrderedResignStep[] =>
  refs.map((ref) => {
    const { provider, name, entry } = resolve(ref, 're-signing step', (module) => module.resign)
    return { provider, name, step: entry }
  })

/**
 * Who sent a delivery: the rules apply in this order and the first match wins. Most specific
 * signature headers first; the order between providers matters where they share a header or a
 * shape: IXOPAY's X-Signature rule (64-byte HMAC) before CHIP's (RSA sizes), IXOPAY's legacy XML
 * after both; Plexo's signed envelope before Swedbank Pay's callback, Plexo's REST shape after it;
 * the endpoint's generic HMAC header last, so it never claims a known provider's delivery.
 * Pinned by registry.test.ts.
 */
export const RECOGNITION_ORDER: readonly OrderedRule[] = [
  // GoCardless's Webhook-Signature is Standard Webhooks' header name: its rule (a 64-hex value, no webhook-id/-timestamp) goes first.
  ...rules('stripe.signatureHeader', 'gocardless.signatureHeader', 'standard-webhooks.signatureHeader'),
  ...rules('github.header', 'shopify.header', 'paypal.signatureHeader', 'square.signatureHeader', 'paddle.signatureHeader', 'checkout-com.signatureHeader'),
  ...rules('razorpay.signatureHeader', 'razorpay.eventIdHeader', 'paystack.signatureHeader', 'mercadopago.signatureHeader', 'braintree.form'),
  ...rules('mollie.signatureHeader', 'mollie.classicForm', 'adyen.classicBody', 'adyen.platformHeader'),
  // The shared X-Signature header: IXOPAY's 64-byte HMAC, then CHIP's RSA sizes, then IXOPAY's legacy XML.
  ...rules('ixopay.xSignature', 'chip.xSignature', 'ixopay.legacyXml'),
  // Unsigned copies recognised by their bodies or query.
  ...rules('paddle.eventBody', 'checkout-com.eventBody', 'razorpay.eventBody', 'mercadopago.notificationBody', 'mercadopago.ipnQuery'),
  ...rules('plexo.envelope', 'swedbankpay.callback', 'plexo.rest'),
  ...rules('generic.configuredHeader'),
]

/**
 * The order re-signing applies the steps in: signatures inside the body first (Plexo envelope,
 * Adyen classic items), header signatures after them, since they cover the final body, and the
 * generic HMAC last, since its template may cover other headers.
 */
export const RESIGN_ORDER: readonly OrderedResignStep[] = [
  ...resignSteps('plexo.envelope', 'adyen.classicItems', 'braintree.signatureForm'),
  ...resignSteps('stripe.signatureHeader', 'standard-webhooks.signatureHeaders', 'github.signatureHeaders', 'shopify.hmacHeader', 'mollie.signatureHeader'),
  ...resignSteps(
    'adyen.platformHeader',
    'paypal.transmissionSignature',
    'square.signatureHeaders',
    'gocardless.signatureHeader',
    'mercadopago.signatureHeader',
  ),
  ...resignSteps('razorpay.signatureHeader', 'paystack.signatureHeader', 'paddle.signatureHeader', 'checkout-com.signatureHeader'),
  ...resignSteps('ixopay.xSignature', 'ixopay.legacyXml'),
  ...resignSteps('generic.configuredHeader'),
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
  checkOrder('recognition rule', 'RECOGNITION_ORDER', order, modules, (module) => module.rules)
  checkOrder('re-signing step', 'RESIGN_ORDER', resignOrder, modules, (module) => module.resign)
}

/** Throws when an entry is listed twice in `order`, or a module's entry is never listed. */
function checkOrder(
  what: string,
  orderName: string,
  order: ReadonlyArray<{ provider: PinnableProviderId; name: string }>,
  modules: Readonly<Record<string, ProviderModule>>,
  entriesOf: (module: ProviderModule) => Readonly<Record<string, unknown>> | undefined,
): void {
  const listed = new Set<string>()
  for (const { provider, name } of order) {
    const key = `${provider}.${name}`
    if (listed.has(key)) throw new Error(`provider registry: ${what} ${key} is listed twice`)
    listed.add(key)
  }
  for (const module of Object.values(modules)) {
    for (const name of Object.keys(entriesOf(module) ?? {})) {
      if (!listed.has(`${module.id}.${name}`)) throw new Error(`provider registry: ${what} ${module.id}.${name} is not in ${orderName}`)
    }
  }
}

checkRegistry()
