/**
 * Every provider, one module each (see provider-module.ts). The record is typed over the ids of
 * shared/provider-catalog.ts, so a provider without a module, or a module filed under another
 * id, is a compile error; `checkRegistry` catches what types cannot (run when this file loads,
 * and by registry.test.ts).
 *
 * To add a provider: its module file, one line here, its id in shared/provider-catalog.ts.
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
import type { ProviderModule } from './provider-module'
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

/**
 * Throws when the registry contradicts itself: a module filed under another id (possible through
 * a cast), the same module twice, or a catalogue id without a module (an untyped edit).
 */
export function checkRegistry(modules: Readonly<Record<string, ProviderModule>> = PROVIDERS): void {
  const seen = new Set<ProviderModule>()
  for (const [id, module] of Object.entries(modules)) {
    if (module.id !== id) throw new Error(`provider registry: the module filed under "${id}" says it is "${module.id}"`)
    if (seen.has(module)) throw new Error(`provider registry: duplicate module for "${id}"`)
    seen.add(module)
  }
  for (const id of PINNABLE_PROVIDER_IDS) if (!Object.hasOwn(modules, id)) throw new Error(`provider registry: no module for "${id}"`)
}

checkRegistry()
