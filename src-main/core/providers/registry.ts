/**
 * Every provider, one module each (see provider-module.ts). The record is typed over the ids of
 * shared/provider-catalog.ts, so a provider without a module, or a module filed under another
 * id, is a compile error; `checkRegistry` catches what types cannot (run when this file loads,
 * and by registry.test.ts).
 *
 * To add a provider: its module file, one line in PROVIDERS, its rules in RECOGNITION_ORDER, its id
 * in shared/provider-catalog.ts.
 */
import { PINNABLE_PROVIDER_IDS, type PinnableProviderId } from '../../shared/provider-catalog'
import { adyenProvider } from './adyen'
import { chipProvider } from './chip'
import { genericProvider } from './generic-hmac'
import { githubProvider } from './github'
import { ixopayProvider } from './ixopay'
import { mollieProvider } from './mollie'
import { paypalProvider } from './paypal'
import { plexoProvider } from './plexo'
import type { ProviderModule, RecognitionRule } from './provider-module'
import { shopifyProvider } from './shopify'
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
  rule(PROVIDERS['standard-webhooks'], 'signatureHeader'),
  rule(PROVIDERS.github, 'header'),
  rule(PROVIDERS.shopify, 'header'),
  rule(PROVIDERS.paypal, 'signatureHeader'),
  rule(PROVIDERS.mollie, 'signatureHeader'),
  rule(PROVIDERS.mollie, 'classicForm'),
  rule(PROVIDERS.adyen, 'classicBody'),
  rule(PROVIDERS.adyen, 'platformHeader'),
  rule(PROVIDERS.ixopay, 'xSignature'),
  rule(PROVIDERS.chip, 'xSignature'),
  rule(PROVIDERS.ixopay, 'legacyXml'),
  rule(PROVIDERS.plexo, 'envelope'),
  rule(PROVIDERS.swedbankpay, 'callback'),
  rule(PROVIDERS.plexo, 'rest'),
  rule(PROVIDERS.generic, 'configuredHeader'),
]

/**
 * Throws when the registry contradicts itself: a module filed under another id (possible through
 * a cast), the same module twice, a catalogue id without a module (an untyped edit), or a
 * recognition rule listed twice or never.
 */
export function checkRegistry(modules: Readonly<Record<string, ProviderModule>> = PROVIDERS, order: readonly OrderedRule[] = RECOGNITION_ORDER): void {
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
}

checkRegistry()
