/**
 * "Send a test callback": builds a realistic callback from a template, with fresh ids and
 * timestamps, signed the way the provider signs it (its module's `simulate.sign`), with the user's
 * key or with a secret, RSA or ed25519 key pair the app generates (a secret or a public key is
 * returned, so the receiving side can be configured with it; a generated private key never leaves
 * the core). This file keeps the templates' placeholders, serialisation and the result's framing.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { HeaderPairs } from '../../shared/http-message'
import type { HmacProviderId, ProviderKey } from '../../shared/providers'
import type { SigningKey, SimulatedKeyInfo, SimulatorTemplateInfo } from '../../shared/replay'
import { InspectorError } from '../../shared/errors'
import type { GeneratedKeyPair } from '../providers/provider-module'
import { providerModule } from '../providers/registry'
import { ALPHANUMERIC, randomFrom } from '../providers/simulation'
import { PATH_SIGNING_PROVIDERS } from '../recognition'
import type { CapturedRequest } from './replay-request'
import { keyKindOf, loadSimulatorTemplates, templateInfo, type SimulatedProvider, type SimulatorTemplate } from './simulator-templates'

export type { GeneratedKeyPair } from '../providers/provider-module'
export { generateRsaKeyPair, SIMULATOR_RSA_BITS } from '../providers/simulation'

export interface SimulateOptions {
  /** Keys to sign with; a provider without one gets a generated secret or key pair. */
  keys?: readonly SigningKey[]
  /** Reuse a generated RSA key pair (generating one takes tens of milliseconds; ed25519 pairs are cheap and always fresh). */
  generatedKeyPair?: GeneratedKeyPair
  now: Date
  /** Path and query the callback is sent to: IXOPAY signs it. Defaults to the path of `targetUrl`, else `/`. */
  targetPath?: string
  /**
   * The path and query the receiving side verifies a path-covering signature against, when it is
   * not the one sent to: an endpoint of this app whose signed-path setting drops its `/<slug>`
   * prefix or names a fixed path (recognition.ts `signedPathFor`). Only a provider that signs the
   * request target (`PATH_SIGNING_PROVIDERS`) signs it; the callback still goes to `targetUrl`.
   */
  signedPath?: string
  targetUrl?: string
  resourcesDir?: string
}

export interface SimulatedCallback {
  template: SimulatorTemplateInfo
  /** The callback as the provider would send it (`target`: the path and query it is sent to). */
  request: CapturedRequest
  /**
   * Where to send it: `targetUrl` with the path and query the provider signed, which may add to
   * them (Mercado Pago puts `?data.id=` in the URL and signs it); `null` without a `targetUrl`.
   */
  url: string | null
  key: SimulatedKeyInfo
  /** What the receiving endpoint must have configured for `analyzeDelivery` to say `valid`; `null` when unsigned. */
  verificationKey: ProviderKey | null
  /** The private key used for an RSA scheme, so the same pair can be reused. */
  keyPair: GeneratedKeyPair | null
}

/** A secret in the format the provider issues (its module's `hmacSecret.generate`). */
export function generateSecret(provider: HmacProviderId): string {
  return providerModule(provider).hmacSecret.generate()
}

// ---------------------------------------------------------------------------------------------
// Placeholders

const PLACEHOLDER = /\{\{(num:)?([a-zA-Z]+)(?::([^}#]*))?(?:#([\w-]+))?\}\}/g

class Filler {
  private readonly named = new Map<string, string>()
  constructor(private readonly now: Date) {}

  value(kind: string, arg: string | undefined, name: string | undefined): string {
    const key = name === undefined ? undefined : `${kind}:${arg ?? ''}#${name}`
    if (key !== undefined) {
      const known = this.named.get(key)
      if (known !== undefined) return known
    }
    const fresh = this.fresh(kind, arg)
    if (key !== undefined) this.named.set(key, fresh)
    return fresh
  }

  private fresh(kind: string, arg: string | undefined): string {
    const length = Number(arg ?? '16')
    const unix = Math.floor(this.now.getTime() / 1000)
    switch (kind) {
      case 'uuid':
        return randomUUID()
      case 'hex':
        return randomBytes(Math.ceil(length / 2))
          .toString('hex')
          .slice(0, length)
      case 'digits':
        return `${randomFrom('123456789', 1)}${randomFrom('0123456789', length - 1)}`
      case 'alnum':
        return randomFrom(ALPHANUMERIC, length)
      case 'unix':
        return String(unix + (arg ? Number(arg) : 0))
      case 'iso':
        return this.now.toISOString().replace(/\.\d{3}Z$/, 'Z')
      case 'isoMs':
        return this.now.toISOString()
      case 'ymd':
        return this.now.toISOString().slice(0, 10).replace(/-/g, '')
      default:
        throw new InspectorError('INTERNAL', `unknown simulator placeholder {{${kind}}}`)
    }
  }

  fill(value: SimulatorTemplate['body']): SimulatorTemplate['body'] {
    if (typeof value === 'string') {
      const whole = /^\{\{num:([a-zA-Z]+)(?::([^}#]*))?(?:#([\w-]+))?\}\}$/.exec(value)
      if (whole) return Number(this.value(whole[1] as string, whole[2], whole[3]))
      return value.replace(PLACEHOLDER, (_match, _num: string | undefined, kind: string, arg: string | undefined, name: string | undefined) =>
        this.value(kind, arg, name),
      )
    }
    if (Array.isArray(value)) return value.map((item) => this.fill(item))
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.fill(item)]))
    return value
  }

  fillText(text: string): string {
    return text.replace(PLACEHOLDER, (_match, _num: string | undefined, kind: string, arg: string | undefined, name: string | undefined) =>
      this.value(kind, arg, name),
    )
  }
}

/** JSON with `", "` and `": "` separators, as Python's `json.dumps` writes it (CHIP's bodies). */
function spacedJson(value: SimulatorTemplate['body']): string {
  if (Array.isArray(value)) return `[${value.map(spacedJson).join(', ')}]`
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}: ${spacedJson(item)}`)
      .join(', ')}}`
  return JSON.stringify(value)
}

function serialise(template: SimulatorTemplate, body: SimulatorTemplate['body']): Buffer {
  switch (template.bodyStyle) {
    case 'json-compact':
      return Buffer.from(JSON.stringify(body), 'utf8')
    case 'json-pretty':
      return Buffer.from(JSON.stringify(body, null, 2), 'utf8')
    case 'json-spaced':
      return Buffer.from(spacedJson(body), 'utf8')
    case 'form': {
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw new InspectorError('INTERNAL', `template ${template.id}: a form body is an object of fields`)
      return Buffer.from(
        new URLSearchParams(
          Object.entries(body).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)]),
        ).toString(),
        'utf8',
      )
    }
    default: {
      const exhaustive: never = template.bodyStyle
      throw new InspectorError('INTERNAL', `unknown body style ${String(exhaustive)}`)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Building

function targetPathOf(options: SimulateOptions): string {
  if (options.targetPath !== undefined) return options.targetPath
  if (options.targetUrl !== undefined) {
    const url = new URL(options.targetUrl)
    return `${url.pathname}${url.search}`
  }
  return '/'
}

/** The URL to send to: the target URL, with its path and query replaced by the provider's target when it has one. */
function sendUrl(targetUrl: string | undefined, providerTarget: string | undefined): string | null {
  if (targetUrl === undefined) return null
  if (providerTarget === undefined) return targetUrl
  const url = new URL(targetUrl)
  return `${url.protocol}//${url.host}${providerTarget}`
}

/**
 * Builds a signed callback for a provider and event (`event` is the template's event, e.g.
 * `purchase.paid`, or its id). Throws `InspectorError('NOT_FOUND')` for an unknown template.
 */
export async function buildSimulatedCallback(provider: SimulatedProvider, event: string, options: SimulateOptions): Promise<SimulatedCallback> {
  const templates = await loadSimulatorTemplates(options.resourcesDir)
  const template = templates.find((candidate) => candidate.provider === provider && (candidate.event === event || candidate.id === event))
  if (!template) throw new InspectorError('NOT_FOUND', `no simulator template for ${provider} ${event}`)
  return buildFromTemplate(template, options)
}

/** Builds a signed callback from a loaded template. */
export function buildFromTemplate(template: SimulatorTemplate, options: SimulateOptions): SimulatedCallback {
  const filler = new Filler(options.now)
  const body = filler.fill(template.body)
  const headers: HeaderPairs = template.headers.map(([name, value]) => [name, filler.fillText(value)])
  const target = targetPathOf(options)
  const simulation = providerModule(template.provider).simulate
  if (simulation === undefined) throw new InspectorError('INTERNAL', `no simulator signer for ${template.provider}`)
  // A provider that signs no path gets the one sent to: Mercado Pago adds its ?data.id= to it, and sends there.
  const signerTarget = PATH_SIGNING_PROVIDERS.has(template.provider) ? (options.signedPath ?? target) : target
  const signed = simulation.sign({
    body,
    serialise: (body) => serialise(template, body),
    headers,
    target: signerTarget,
    ...(options.targetUrl === undefined ? {} : { targetUrl: options.targetUrl }),
    keys: options.keys ?? [],
    keyKind: keyKindOf(template),
    now: options.now,
    ...(options.generatedKeyPair === undefined ? {} : { generatedKeyPair: options.generatedKeyPair }),
  })
  return {
    template: templateInfo(template),
    request: { method: template.method, target: signed.target ?? target, headers, body: signed.body },
    url: sendUrl(options.targetUrl, signed.target),
    key: signed.key,
    verificationKey: signed.verificationKey,
    keyPair: signed.keyPair,
  }
}
