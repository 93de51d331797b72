/**
 * The registry: one module per provider, today's recognition and re-signing orders pinned, and
 * every provider backed by test vectors and, where it is simulated, a simulator template.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PINNABLE_PROVIDER_IDS, type PinnableProviderId } from '../../shared/provider-catalog'
import { PROVIDER_BY_FILE, vectorsDirectory, type VectorCase } from '../../test-support/vectors'
import { loadSimulatorTemplates } from '../replay/simulator-templates'
import { checkRegistry, findProviderModule, PROVIDERS, RECOGNITION_ORDER, RESIGN_ORDER, type OrderedResignStep, type OrderedRule } from './registry'

describe('provider registry', () => {
  it('holds one module per pinnable provider id, filed under its own id', () => {
    expect(Object.keys(PROVIDERS).sort()).toEqual([...PINNABLE_PROVIDER_IDS].sort())
    for (const id of PINNABLE_PROVIDER_IDS) expect(PROVIDERS[id].id).toBe(id)
    expect(() => checkRegistry()).not.toThrow()
  })

  it('finds modules by ids read from data, and nothing for unknown senders or inherited names', () => {
    expect(findProviderModule('stripe')?.id).toBe('stripe')
    expect(findProviderModule('unknown')).toBeNull()
    expect(findProviderModule('toString')).toBeNull()
    expect(findProviderModule('STRIPE')).toBeNull()
  })

  it('keeps the recognition order the detector always had', () => {
    // The original eleven providers' rules, in the order detect.ts applied them before the registry.
    const legacy = [
      'stripe.signatureHeader',
      'standard-webhooks.signatureHeader',
      'github.header',
      'shopify.header',
      'paypal.signatureHeader',
      'mollie.signatureHeader',
      'mollie.classicForm',
      'adyen.classicBody',
      'adyen.platformHeader',
      'ixopay.xSignature',
      'chip.xSignature',
      'ixopay.legacyXml',
      'plexo.envelope',
      'swedbankpay.callback',
      'plexo.rest',
      'generic.configuredHeader',
    ]
    const order = RECOGNITION_ORDER.map(({ provider, name }) => `${provider}.${name}`)
    // Rules of providers added later may sit between these, but these keep their relative order.
    expect(order.filter((rule) => legacy.includes(rule))).toEqual(legacy)
    // The endpoint's own generic scheme is always the last resort.
    expect(order.at(-1)).toBe('generic.configuredHeader')
  })

  it('refuses a module filed under another id, a rule listed twice and a rule never listed', () => {
    const renamed = { ...PROVIDERS, stripe: { ...PROVIDERS.github } }
    expect(() => checkRegistry(renamed)).toThrow(/filed under "stripe" says it is "github"/)
    const first = RECOGNITION_ORDER[0] as OrderedRule
    expect(() => checkRegistry(PROVIDERS, [...RECOGNITION_ORDER, first])).toThrow(/listed twice/)
    expect(() => checkRegistry(PROVIDERS, RECOGNITION_ORDER.slice(1))).toThrow(/stripe\.signatureHeader is not in RECOGNITION_ORDER/)
  })

  it('keeps the re-signing order: signatures in the body first, the generic HMAC last', () => {
    const legacy = [
      'plexo.envelope',
      'adyen.classicItems',
      'stripe.signatureHeader',
      'standard-webhooks.signatureHeaders',
      'github.signatureHeaders',
      'shopify.hmacHeader',
      'mollie.signatureHeader',
      'adyen.platformHeader',
      'paypal.transmissionSignature',
      'ixopay.xSignature',
      'ixopay.legacyXml',
      'generic.configuredHeader',
    ]
    const order = RESIGN_ORDER.map(({ provider, name }) => `${provider}.${name}`)
    expect(order.filter((step) => legacy.includes(step))).toEqual(legacy)
    expect(order.at(-1)).toBe('generic.configuredHeader')
    const first = RESIGN_ORDER[0] as OrderedResignStep
    expect(() => checkRegistry(PROVIDERS, RECOGNITION_ORDER, [...RESIGN_ORDER, first])).toThrow(/listed twice/)
    expect(() => checkRegistry(PROVIDERS, RECOGNITION_ORDER, RESIGN_ORDER.slice(1))).toThrow(/plexo\.envelope is not in RESIGN_ORDER/)
  })

  it('requires HMAC secret rules exactly where the keys are HMAC secrets', () => {
    for (const id of PINNABLE_PROVIDER_IDS) {
      const module = PROVIDERS[id]
      expect(module.hmacSecret !== undefined, id).toBe(module.keyKinds.includes('hmac-secret'))
    }
  })
})

/**
 * Where each provider's vectors live: by default `src-main/test-support/vectors/<id>.json`, or a
 * file of the shared vectors folder; the generic scheme's are quoted in a test file.
 */
const VECTORS_IN_TEST_FILES: Partial<Record<PinnableProviderId, string>> = {
  generic: 'schemes.test.ts',
}

function vectorCasesOf(id: PinnableProviderId): VectorCase[] {
  const own = fileURLToPath(new URL(`../../test-support/vectors/${id}.json`, import.meta.url))
  const shared = Object.entries(PROVIDER_BY_FILE)
    .filter(([, provider]) => provider === id)
    .map(([file]) => `${vectorsDirectory()}${file}`)
  return [own, ...shared].filter((file) => existsSync(file)).flatMap((file) => JSON.parse(readFileSync(file, 'utf8')) as VectorCase[])
}

describe('every provider has vectors', () => {
  for (const id of PINNABLE_PROVIDER_IDS) {
    it(id, () => {
      const testFile = VECTORS_IN_TEST_FILES[id]
      if (testFile !== undefined) {
        const text = readFileSync(fileURLToPath(new URL(testFile, import.meta.url)), 'utf8')
        expect(text).toContain(`'${id}'`)
        return
      }
      const cases = vectorCasesOf(id)
      expect(cases.length, `no vectors for ${id}`).toBeGreaterThan(0)
      // At least one delivery the provider really sends is accepted (tampered copies are made by vectors.test.ts).
      expect(cases.some((vector) => vector.expected.valid)).toBe(true)
    })
  }
})

describe('every simulated provider has a template', () => {
  for (const id of PINNABLE_PROVIDER_IDS) {
    const simulation = PROVIDERS[id].simulate
    if (simulation === undefined) continue
    it(id, async () => {
      const templates = (await loadSimulatorTemplates()).filter((template) => template.provider === id)
      expect(templates.length, `no template in resources/simulator for ${id}`).toBeGreaterThan(0)
      // Every way the provider signs is exercised by a template.
      const kinds = new Set(templates.map((template) => template.keyKind ?? simulation.keyKinds[0]))
      expect([...kinds].sort()).toEqual([...simulation.keyKinds].sort())
    })
  }
})
