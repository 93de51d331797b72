/**
 * A per-endpoint HMAC verifier for senders the inspector does not know. The endpoint names the
 * header, an optional prefix, the algorithm, the encoding and what is signed: the raw body or a
 * template (syntax documented on `GenericHmacConfig` in shared/providers.ts).
 */
import { headerValue } from '../../shared/http-message'
import type { GenericHmacConfig, ProviderKey } from '../../shared/providers'
import { decodeBase64Strict, decodeHexStrict } from '../crypto/bytes'
import { checkHmacCandidates } from './hmac-check'
import { keyFingerprint } from '../keys/describe-key'
import {
  HMAC_MISMATCH,
  hmacBytes,
  invalidVerdict,
  newExplanation,
  noKeyVerdict,
  result,
  validVerdict,
  type Delivery,
  type VerifyOptions,
  type VerifyResult,
} from './verification'
import { COMMON_URL_RULES } from './module-parts'
import type { ProviderModule } from './provider-module'
import type { SigningKey } from '../../shared/replay'
import type { SigningDraft } from './signing-draft'
import { genericSummary } from './summary'

type GenericKey = Extract<ProviderKey, { kind: 'generic-hmac' }>

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\' }
const TOKEN = /\{\{|\}\}|\\[nrt\\]|\{(method|target|path|query|body|header:[^{}]+)\}/g

/** The bytes a template stands for, or the name of a header it needs and the delivery lacks. */
export function renderGenericTemplate(template: string, delivery: Delivery): { bytes: Buffer } | { missingHeader: string } {
  const parts: Buffer[] = []
  let last = 0
  const [path = '', query = ''] = splitTarget(delivery.target)
  for (const match of template.matchAll(TOKEN)) {
    parts.push(Buffer.from(template.slice(last, match.index), 'utf8'))
    last = match.index + match[0].length
    const token = match[0]
    if (token === '{{') parts.push(Buffer.from('{'))
    else if (token === '}}') parts.push(Buffer.from('}'))
    else if (token.startsWith('\\')) parts.push(Buffer.from(ESCAPES[token.slice(1)] ?? token))
    else {
      const name = match[1] ?? ''
      if (name === 'method') parts.push(Buffer.from(delivery.method, 'latin1'))
      else if (name === 'target') parts.push(Buffer.from(delivery.target, 'latin1'))
      else if (name === 'path') parts.push(Buffer.from(path, 'latin1'))
      else if (name === 'query') parts.push(Buffer.from(query, 'latin1'))
      else if (name === 'body') parts.push(delivery.body)
      else {
        const headerName = name.slice('header:'.length)
        const value = headerValue(delivery.headers, headerName)
        if (value === undefined) return { missingHeader: headerName }
        // Header strings hold one wire byte per character (latin1): keep the bytes as received.
        parts.push(Buffer.from(value, 'latin1'))
      }
    }
  }
  parts.push(Buffer.from(template.slice(last), 'utf8'))
  return { bytes: Buffer.concat(parts) }
}

function splitTarget(target: string): [string, string] {
  const index = target.indexOf('?')
  return index < 0 ? [target, ''] : [target.slice(0, index), target.slice(index + 1)]
}

function signedBytes(config: GenericHmacConfig, delivery: Delivery): { bytes: Buffer } | { missingHeader: string } {
  return config.signed === 'body' ? { bytes: delivery.body } : renderGenericTemplate(config.signed.template, delivery)
}

function encode(config: GenericHmacConfig, mac: Buffer): string {
  return config.encoding === 'hex' ? mac.toString('hex') : mac.toString('base64')
}

/** The header value a sender using this scheme would send for the delivery. */
export function signGenericHmac(config: GenericHmacConfig, secret: string, delivery: Delivery): string {
  const signed = signedBytes(config, delivery)
  if ('missingHeader' in signed) throw new Error(`the template needs header ${signed.missingHeader}`)
  return `${config.prefix}${encode(config, hmacBytes(config.algorithm, secret, [signed.bytes]))}`
}

/** True when some configured generic scheme's header is present (used by detection). */
export function hasGenericHmacHeader(delivery: Delivery, keys: readonly ProviderKey[]): GenericKey | null {
  return keys.find((key): key is GenericKey => key.kind === 'generic-hmac' && headerValue(delivery.headers, key.config.header) !== undefined) ?? null
}

export function verifyGenericHmac(delivery: Delivery, keys: readonly ProviderKey[], _options?: VerifyOptions): VerifyResult {
  const genericKeys = keys.filter((key): key is GenericKey => key.kind === 'generic-hmac')
  const explanation = newExplanation('generic-hmac', null, null)
  if (genericKeys.length === 0) return result(noKeyVerdict('no generic HMAC scheme configured for this endpoint'), explanation)
  const present = genericKeys.filter((key) => headerValue(delivery.headers, key.config.header) !== undefined)
  if (present.length === 0) {
    explanation.signatureLocation = `${genericKeys.map((key) => key.config.header).join(' / ')} header`
    return result(invalidVerdict('missing-header', `no ${genericKeys.map((key) => key.config.header).join(' or ')} header`), explanation)
  }
  let lastFailure: VerifyResult['verdict'] | null = null
  for (const key of present) {
    const { config } = key
    explanation.signatureLocation = `${config.header} header`
    explanation.algorithm = `${config.prefix ? `"${config.prefix}" + ` : ''}${config.encoding}(HMAC-${config.algorithm.toUpperCase()}(secret, ${config.signed === 'body' ? 'rawBody' : `template ${JSON.stringify(config.signed.template)}`}))`
    const header = headerValue(delivery.headers, config.header) ?? ''
    explanation.receivedSignatures.push(header)
    if (!header.startsWith(config.prefix)) {
      lastFailure = invalidVerdict('malformed-signature', `${config.header} does not start with "${config.prefix}"`)
      continue
    }
    const encoded = header.slice(config.prefix.length).trim()
    const received = config.encoding === 'hex' ? decodeHexStrict(encoded) : decodeBase64Strict(encoded)
    if (!received) {
      lastFailure = invalidVerdict('malformed-signature', `${config.header} is not ${config.encoding} after the prefix`)
      continue
    }
    const signed = signedBytes(config, delivery)
    if ('missingHeader' in signed) {
      lastFailure = invalidVerdict('missing-header', `the signed template needs header ${signed.missingHeader}, which the delivery lacks`)
      continue
    }
    const { matched } = checkHmacCandidates({
      candidates: [{ key, secret: key.secret }],
      algorithm: config.algorithm,
      signed: signed.bytes,
      received: [received],
      encode: (mac) => `${config.prefix}${encode(config, mac)}`,
      variant: `HMAC-${config.algorithm.toUpperCase()} ${config.encoding}`,
      explanation,
    })
    if (matched) {
      explanation.keyFingerprint = keyFingerprint(key)
      return result(validVerdict(`HMAC-${config.algorithm.toUpperCase()} ${config.encoding}`, `${config.header} matches the configured scheme`), explanation)
    }
    lastFailure = invalidVerdict('signature-mismatch', HMAC_MISMATCH)
  }
  return result(lastFailure ?? invalidVerdict('signature-mismatch', HMAC_MISMATCH), explanation)
}

function resignGeneric(draft: SigningDraft, keys: readonly SigningKey[]): void {
  for (const key of keys) {
    if (key.kind !== 'generic-hmac') continue
    const genericKey: GenericKey = key
    if (draft.header(genericKey.config.header) === undefined) continue
    const value = signGenericHmac(genericKey.config, genericKey.secret, {
      method: draft.request.method,
      target: draft.target,
      headers: draft.headers,
      body: draft.body,
    })
    if (genericKey.config.signed !== 'body')
      draft.notes.push(`the generic scheme on ${genericKey.config.header} was signed over its template as sent; timestamp headers it covers were not refreshed`)
    draft.setHeader(genericKey.config.header, value, { scheme: 'generic-hmac', provider: 'generic', keyFingerprint: keyFingerprint(genericKey) })
  }
}

/** The endpoint's own HMAC scheme: no provider behind it, so no acknowledgement or retry policy is known. */
export const genericProvider: ProviderModule<'generic'> = {
  id: 'generic',
  rules: {
    // Claims deliveries that carry the header the endpoint's own scheme names and match no known provider.
    configuredHeader: ({ delivery, keys }) => {
      const generic = hasGenericHmacHeader(delivery, keys)
      return generic ? { variant: 'configured', detectedBy: `${generic.config.header} header named by the endpoint's generic HMAC scheme` } : null
    },
  },
  variantOf: () => 'configured',
  parse: (delivery, { genericFields }) => genericSummary(delivery.body, genericFields),
  verify: verifyGenericHmac,
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'the provider' },
  keyKinds: ['generic-hmac'],
  resign: {
    configuredHeader: { scheme: 'generic-hmac', apply: (draft, keys) => resignGeneric(draft, keys) },
  },
  // Nothing identifies the sender's notification but its bytes: no identity rule.
  retrySchedule: () => null,
}
