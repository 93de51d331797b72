/**
 * "Send a test callback": builds a realistic callback from a template, with fresh ids and
 * timestamps, signed the way the provider signs it, with the user's key or with a secret, RSA or
 * ed25519 key pair the app generates (a secret or a public key is returned, so the receiving side
 * can be configured with it; a generated private key never leaves the core).
 */
import { generateKeyPairSync, randomBytes, randomUUID, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { setHeader, type HeaderPairs } from '../../shared/http-message'
import type { HmacProviderId, ProviderKey } from '../../shared/providers'
import type { SigningKey, SimulatedKeyInfo, SimulatorTemplateInfo } from '../../shared/replay'
import { InspectorError } from '../../shared/errors'
import { ed25519Fingerprint, parseEd25519PrivateKey, toWhpk } from '../keys/ed25519'
import {
  keyFingerprint,
  signAdyenItem,
  signChip,
  signGithub,
  signIxopayJson,
  signMollie,
  signShopify,
  signStandardWebhook,
  signStripe,
} from '../providers/index'
import type { CapturedRequest } from './replay-request'
import { providerModule } from '../providers/registry'
import { httpDate } from './resign'
import { ed25519PrivateKeyFor, hmacSecretFor, privateKeyFingerprint, privateKeyFor, type HmacKey } from '../providers/signing-keys'
import { keyKindOf, loadSimulatorTemplates, templateInfo, type SimulatedProvider, type SimulatorTemplate } from './simulator-templates'

/** RSA size for generated key pairs: CHIP's published keys are 2048 or 3072 bits. */
export const SIMULATOR_RSA_BITS = 2048

export interface GeneratedKeyPair {
  privateKeyPem: string
  publicKeyPem: string
}

export interface SimulateOptions {
  /** Keys to sign with; a provider without one gets a generated secret or key pair. */
  keys?: readonly SigningKey[]
  /** Reuse a generated RSA key pair (generating one takes tens of milliseconds; ed25519 pairs are cheap and always fresh). */
  generatedKeyPair?: GeneratedKeyPair
  now: Date
  /** Path and query the callback is sent to: IXOPAY signs it. Defaults to the path of `targetUrl`, else `/`. */
  targetPath?: string
  targetUrl?: string
  resourcesDir?: string
}

export interface SimulatedCallback {
  template: SimulatorTemplateInfo
  /** The callback as the provider would send it (`target` is the signed path). */
  request: CapturedRequest
  key: SimulatedKeyInfo
  /** What the receiving endpoint must have configured for `analyzeDelivery` to say `valid`; `null` when unsigned. */
  verificationKey: ProviderKey | null
  /** The private key used for an RSA scheme, so the same pair can be reused. */
  keyPair: GeneratedKeyPair | null
}

/** A fresh RSA key pair (PKCS#8 private, SPKI public). */
export function generateRsaKeyPair(bits = SIMULATOR_RSA_BITS): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits })
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  }
}

/** A secret in the format the provider issues (its module's `hmacSecret.generate`). */
export function generateSecret(provider: HmacProviderId): string {
  return providerModule(provider).hmacSecret.generate()
}

// ---------------------------------------------------------------------------------------------
// Placeholders

const PLACEHOLDER = /\{\{(num:)?([a-zA-Z]+)(?::([^}#]*))?(?:#([\w-]+))?\}\}/g
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length)
  let out = ''
  for (const byte of bytes) out += alphabet[byte % alphabet.length]
  return out
}

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
        return randomFrom(ALNUM, length)
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
  let body = filler.fill(template.body)
  const headers: HeaderPairs = template.headers.map(([name, value]) => [name, filler.fillText(value)])
  const target = targetPathOf(options)
  const keys = options.keys ?? []
  const nowSeconds = Math.floor(options.now.getTime() / 1000)
  const provider = template.provider
  const info = templateInfo(template)

  const hmac = (id: HmacProviderId): { key: HmacKey; generated: boolean } => {
    const given = hmacSecretFor(keys, id)
    return given ? { key: given, generated: false } : { key: { kind: 'hmac-secret', provider: id, value: generateSecret(id) }, generated: true }
  }
  const hmacResult = (key: { key: HmacKey; generated: boolean }, bytes: Buffer): SimulatedCallback => ({
    template: info,
    request: { method: template.method, target, headers, body: bytes },
    key: {
      kind: 'hmac-secret',
      generated: key.generated,
      fingerprint: keyFingerprint(key.key),
      generatedSecret: key.generated ? key.key.value : null,
      publicKeyPem: null,
      publicKeyWhpk: null,
    },
    verificationKey: key.key,
    keyPair: null,
  })

  switch (provider) {
    case 'ixopay': {
      const key = hmac('ixopay')
      const bytes = serialise(template, body)
      const date = httpDate(options.now)
      const signed = signIxopayJson({ secret: key.key.value, body: bytes, date, requestUri: target })
      for (const [name, value] of signed.headers) setHeader(headers, name, value)
      return hmacResult(key, bytes)
    }
    case 'stripe': {
      const key = hmac('stripe')
      const bytes = serialise(template, body)
      setHeader(headers, 'Stripe-Signature', signStripe({ secret: key.key.value, body: bytes, timestamp: nowSeconds }).header)
      return hmacResult(key, bytes)
    }
    case 'standard-webhooks': {
      const bytes = serialise(template, body)
      const id = `msg_${randomFrom(ALNUM, 27)}`
      if (keyKindOf(template) === 'ed25519-key-pair') {
        const pair = ed25519SigningPair(keys)
        for (const [name, value] of signStandardWebhook({ privateKey: pair.privateKey, id, timestamp: nowSeconds, body: bytes }).headers)
          setHeader(headers, name, value)
        const publicKeyWhpk = toWhpk(pair.privateKey)
        return {
          template: info,
          request: { method: template.method, target, headers, body: bytes },
          key: {
            kind: 'ed25519-key-pair',
            generated: pair.generated,
            fingerprint: ed25519Fingerprint(pair.privateKey),
            generatedSecret: null,
            publicKeyPem: null,
            publicKeyWhpk,
          },
          verificationKey: { kind: 'ed25519-public-key', provider: 'standard-webhooks', value: publicKeyWhpk },
          keyPair: null,
        }
      }
      const key = hmac('standard-webhooks')
      for (const [name, value] of signStandardWebhook({ secret: key.key.value, id, timestamp: nowSeconds, body: bytes }).headers)
        setHeader(headers, name, value)
      return hmacResult(key, bytes)
    }
    case 'github': {
      const key = hmac('github')
      const bytes = serialise(template, body)
      setHeader(headers, 'X-Hub-Signature-256', signGithub(key.key.value, bytes))
      return hmacResult(key, bytes)
    }
    case 'shopify': {
      const key = hmac('shopify')
      const bytes = serialise(template, body)
      setHeader(headers, 'X-Shopify-Hmac-Sha256', signShopify(key.key.value, bytes))
      return hmacResult(key, bytes)
    }
    case 'mollie': {
      const key = hmac('mollie')
      const bytes = serialise(template, body)
      setHeader(headers, 'X-Mollie-Signature', signMollie(key.key.value, bytes))
      return hmacResult(key, bytes)
    }
    case 'adyen': {
      const key = hmac('adyen')
      body = signAdyenBody(body, key.key.value)
      return hmacResult(key, serialise(template, body))
    }
    case 'chip': {
      const given = privateKeyFor(keys, 'chip')
      const pair: GeneratedKeyPair = given
        ? { privateKeyPem: given.pem, publicKeyPem: createPublicKey(createPrivateKey(given.pem)).export({ type: 'spki', format: 'pem' }).toString() }
        : (options.generatedKeyPair ?? generateRsaKeyPair())
      const bytes = serialise(template, body)
      const product = given?.chipProduct ?? (headers.some(([name]) => name.toLowerCase() === 'event-type') ? 'send' : 'collect')
      setHeader(headers, 'X-Signature', signChip(bytes, pair.privateKeyPem, product))
      return {
        template: info,
        request: { method: template.method, target, headers, body: bytes },
        key: {
          kind: 'rsa-key-pair',
          generated: !given,
          fingerprint: privateKeyFingerprint({ kind: 'rsa-private-key', provider: 'chip', pem: pair.privateKeyPem }),
          generatedSecret: null,
          publicKeyPem: pair.publicKeyPem,
          publicKeyWhpk: null,
        },
        verificationKey: { kind: 'rsa-public-key', provider: 'chip', pem: pair.publicKeyPem, chipProduct: product },
        keyPair: pair,
      }
    }
    case 'plexo':
    case 'swedbankpay':
      // Both are unsigned by design: the receiver confirms by fetching the resource.
      return {
        template: info,
        request: { method: template.method, target, headers, body: serialise(template, body) },
        key: { kind: keyKindOf(template), generated: false, fingerprint: null, generatedSecret: null, publicKeyPem: null, publicKeyWhpk: null },
        verificationKey: null,
        keyPair: null,
      }
    default: {
      const exhaustive: never = provider
      throw new InspectorError('INTERNAL', `no simulator signer for ${String(exhaustive)}`)
    }
  }
}

/**
 * The user's ed25519 private key when one is given, else a fresh pair. A given key that does not
 * load is refused: silently signing with another key would make the receiving side fail for a
 * reason the user cannot see.
 */
function ed25519SigningPair(keys: readonly SigningKey[]): { privateKey: KeyObject; generated: boolean } {
  const given = ed25519PrivateKeyFor(keys)
  if (!given) return { privateKey: generateKeyPairSync('ed25519').privateKey, generated: true }
  const parsed = parseEd25519PrivateKey(given.value)
  if (!parsed.ok) throw new InspectorError('BAD_REQUEST', `the ed25519 private key does not load: ${parsed.message}`)
  return { privateKey: parsed.key, generated: false }
}

/** Sets `additionalData.hmacSignature` on every classic notification item. */
function signAdyenBody(body: SimulatorTemplate['body'], hexKey: string): SimulatorTemplate['body'] {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body.notificationItems)) return body
  for (const wrapper of body.notificationItems) {
    if (wrapper === null || typeof wrapper !== 'object' || Array.isArray(wrapper)) continue
    const item = wrapper.NotificationRequestItem
    if (item === null || item === undefined || typeof item !== 'object' || Array.isArray(item)) continue
    const additional = item.additionalData
    const additionalData = additional !== null && typeof additional === 'object' && !Array.isArray(additional) ? additional : {}
    // The signature is over fields outside additionalData, so it can be computed before it is set.
    additionalData.hmacSignature = signAdyenItem(hexKey, item)
    item.additionalData = additionalData
  }
  return body
}
