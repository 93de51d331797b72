/**
 * Simulator templates: realistic callbacks per provider and event, as JSON files in
 * `resources/simulator/`. Each is validated on load: a broken template is reported by file name
 * instead of producing a callback that silently fails verification.
 *
 * Placeholders in string values are filled afresh for every callback:
 * `{{uuid}}`, `{{hex:N}}`, `{{digits:N}}`, `{{alnum:N}}` (random), `{{unix}}`, `{{unix:+S}}`,
 * `{{iso}}`, `{{isoMs}}`, `{{ymd}}` (the injected clock). A `#name` suffix (`{{uuid#payment}}`) reuses
 * one value across the template. A string that is exactly `{{num:...}}` becomes a JSON number.
 *
 * `keyKind` says how a template is signed when its provider signs in more than one way (Standard
 * Webhooks: `hmac-secret` for v1, `ed25519-key-pair` for v1a); without it, the provider's usual way.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { InspectorError } from '../../shared/errors'
import { PINNABLE_PROVIDER_IDS, type PinnableProviderId } from '../../shared/provider-catalog'
import type { SimulatedKeyKind, SimulatorTemplateInfo } from '../../shared/replay'
import { providerModule } from '../providers/registry'
import { findResourcesDir } from './resources-dir'

/** A provider the simulator can sign for: one whose module has `simulate` (never the generic scheme). */
export type SimulatedProvider = Exclude<PinnableProviderId, 'generic'>

/** The providers with simulator templates, from the registry. */
export const SIMULATED_PROVIDERS: readonly SimulatedProvider[] = PINNABLE_PROVIDER_IDS.filter(
  (id): id is SimulatedProvider => providerModule(id).simulate !== undefined,
)

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }
const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
)

export const simulatorTemplateSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,80}$/),
    provider: z.enum(SIMULATED_PROVIDERS as readonly [SimulatedProvider, ...SimulatedProvider[]]),
    event: z.string().min(1).max(100),
    title: z.string().min(1).max(200),
    description: z.string().max(2000),
    method: z
      .string()
      .regex(/^[A-Z]{3,10}$/)
      .default('POST'),
    /** Headers other than the signature ones, in the order the provider sends them. */
    headers: z.array(z.tuple([z.string().min(1), z.string()])),
    /**
     * How the body is written: `json-compact` (JSON.stringify), `json-pretty` (2-space indent, as
     * Stripe sends), `json-spaced` (`", "` and `": "` separators, as CHIP's Python serialiser),
     * `form` (an object of string fields, urlencoded).
     */
    bodyStyle: z.enum(['json-compact', 'json-pretty', 'json-spaced', 'form']),
    body: jsonValue,
    keyKind: z.enum(['hmac-secret', 'rsa-key-pair', 'ed25519-key-pair', 'none']).optional(),
    /** The provider's everyday callback (IXOPAY's debit OK, not its chargeback): listed first for its provider, so the simulator starts on it. */
    everyday: z.literal(true).optional(),
  })
  .strict()
  .refine((template) => template.keyKind === undefined || keyKindsOf(template.provider).includes(template.keyKind), {
    message: 'keyKind: this provider does not sign that way',
    path: ['keyKind'],
  })
export type SimulatorTemplate = z.infer<typeof simulatorTemplateSchema>

/** The ways a provider signs; the first is its usual one (its module's `simulate.keyKinds`). */
export function keyKindsOf(provider: SimulatedProvider): readonly SimulatedKeyKind[] {
  return providerModule(provider).simulate?.keyKinds ?? []
}

/** How a template is signed: its own `keyKind`, else its provider's usual way. */
export function keyKindOf(template: SimulatorTemplate): SimulatedKeyKind {
  return template.keyKind ?? (keyKindsOf(template.provider)[0] as SimulatedKeyKind)
}

export function templateInfo(template: SimulatorTemplate): SimulatorTemplateInfo {
  return {
    id: template.id,
    provider: template.provider,
    event: template.event,
    title: template.title,
    description: template.description,
    keyKind: keyKindOf(template),
  }
}

const cache = new Map<string, Promise<SimulatorTemplate[]>>()

/** Every template in `<resourcesDir>/simulator/*.json`, by provider, each provider's everyday one first. Cached per directory. */
export function loadSimulatorTemplates(resourcesDir: string = findResourcesDir()): Promise<SimulatorTemplate[]> {
  const dir = join(resourcesDir, 'simulator')
  let loading = cache.get(dir)
  if (!loading) {
    loading = readTemplates(dir)
    cache.set(dir, loading)
    // A failed load is not cached: the next call retries (the user may fix the file).
    loading.catch(() => cache.delete(dir))
  }
  return loading
}

async function readTemplates(dir: string): Promise<SimulatorTemplate[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.json')).sort()
  const templates: SimulatorTemplate[] = []
  for (const file of files) {
    let parsed: unknown
    try {
      parsed = JSON.parse(await readFile(join(dir, file), 'utf8'))
    } catch (error: unknown) {
      throw new InspectorError('INTERNAL', `simulator template ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`)
    }
    const checked = simulatorTemplateSchema.safeParse(parsed)
    if (!checked.success) throw new InspectorError('INTERNAL', `simulator template ${file} is invalid: ${z.prettifyError(checked.error)}`)
    templates.push(checked.data)
  }
  const ids = new Set<string>()
  for (const template of templates) {
    if (ids.has(template.id)) throw new InspectorError('INTERNAL', `two simulator templates share the id ${template.id}`)
    ids.add(template.id)
  }
  return templates.sort((a, b) => a.provider.localeCompare(b.provider) || Number(b.everyday === true) - Number(a.everyday === true) || a.id.localeCompare(b.id))
}

/** The templates as the UI lists them. */
export async function listSimulatorTemplates(resourcesDir?: string): Promise<SimulatorTemplateInfo[]> {
  return (await loadSimulatorTemplates(resourcesDir)).map(templateInfo)
}
