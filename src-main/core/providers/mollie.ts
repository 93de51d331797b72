/**
 * Mollie. Classic webhooks are unsigned form posts `id=tr_...`: fetch the resource
 * (docs.mollie.com/reference/webhooks). Next-gen webhooks carry
 * `X-Mollie-Signature: sha256=<hex(HMAC-SHA256(signing secret, rawBody))>`; the official validator
 * (mollie-api-php `SignatureValidator.php`) makes the prefix optional, accepts several signatures
 * and several secrets, and treats a missing header as a classic webhook.
 */
import { randomBytes } from 'node:crypto'
import { headerValue } from '../../shared/http-message'
import type { ConfirmHint, DeliverySummary, ProviderKey, ProviderVariant } from '../../shared/providers'
import { keyFingerprint } from '../keys/describe-key'
import { at, firstText, isObject, parseFormBody, parseJsonBody } from './body'
import {
  bodyHmacHeaderExplanation,
  bodyHmacHeaderSimulation,
  bodyHmacHeaderTexts,
  signBodyHmacHeader,
  upperCaseHexMessage,
  utf8SecretCandidates,
  verifyBodyHmacHeader,
  type BodyHmacHeaderScheme,
} from './body-hmac-header'
import { COMMON_URL_RULES, generic2xx, hasHeader, warnAboutSurroundingWhitespace } from './module-parts'
import type { ParseOptions, ProviderModule, VerifyContext } from './provider-module'
import type { SigningDraft } from './signing-draft'
import { hmacSecretFor, type HmacKey } from './signing-keys'
import { decimalAmount, emptySummary, flattenFields, pushField } from './summary'
import { invalidVerdict, result, type Delivery, type VerifyOptions, type VerifyResult } from './verification'

export const MOLLIE_API_URL = 'https://api.mollie.com'
const CLASSIC_BODY = /^id=([a-z]{1,10})_([A-Za-z0-9]{1,64})$/

/** API collection per id prefix, for the confirm request. */
const RESOURCE_BY_PREFIX: Record<string, string> = {
  tr: 'payments',
  ord: 'orders',
  pl: 'payment-links',
  re: 'refunds',
  sub: 'subscriptions',
  mdt: 'mandates',
  cst: 'customers',
}

/** True for a classic webhook: a form body exactly `id=<prefix>_...` sent by `Mollie...`. */
export function isMollieClassic(delivery: Delivery): boolean {
  const userAgent = headerValue(delivery.headers, 'User-Agent') ?? ''
  return userAgent.startsWith('Mollie') && CLASSIC_BODY.test(delivery.body.subarray(0, 200).toString('latin1')) && delivery.body.length < 200
}

export function mollieVariant(delivery: Delivery): Extract<ProviderVariant, 'classic' | 'next-gen'> {
  return headerValue(delivery.headers, 'X-Mollie-Signature') !== undefined ? 'next-gen' : 'classic'
}

/** The confirm request for a classic webhook, e.g. `GET https://api.mollie.com/v2/payments/tr_x`. */
export function mollieConfirmHint(id: string): ConfirmHint {
  const prefix = id.split('_')[0] ?? ''
  const collection = RESOURCE_BY_PREFIX[prefix] ?? 'payments'
  const path = `/v2/${collection}/${encodeURIComponent(id)}`
  const url = `${MOLLIE_API_URL}${path}`
  const nested = prefix === 're' || prefix === 'sub' || prefix === 'mdt'
  return {
    method: 'GET',
    path,
    url,
    display: `GET ${url}`,
    alternativeUrls: [],
    note: `Mollie classic webhooks are unsigned by design: fetch the resource with your API key and act on its status${nested ? ' (this resource is nested under its parent in the API; fetch it from there)' : ''}`,
  }
}

/**
 * Next-gen webhooks: `sha256=<hex>` (prefix optional) in each X-Mollie-Signature header, as
 * mollie-api-php's `SignatureValidator::validateRequest` reads them: every value of the header
 * (`getHeader`, one per header line) is a candidate; a value holding a comma-separated list is one
 * text, compared whole after the prefix is stripped, so it never verifies.
 */
export const MOLLIE_SCHEME: BodyHmacHeaderScheme = {
  scheme: 'mollie-hmac-sha256',
  formula: '"sha256=" + hex(HMAC-SHA256(signing secret, rawBody)), prefix optional',
  headerName: 'X-Mollie-Signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: { text: 'sha256=', required: false },
  list: true,
  variant: 'next-gen HMAC-SHA256',
  malformed: (text) =>
    text.includes(',')
      ? 'X-Mollie-Signature holds a comma-separated list: mollie-api-php compares the value of each X-Mollie-Signature header whole (after "sha256="), so a list in one header never verifies; each signature comes in a header of its own'
      : 'X-Mollie-Signature is not "sha256=<64 hex characters>"',
  noKey: { message: 'no Mollie webhook signing secret configured for this endpoint' },
  // The validator compares hex texts with hash_equals.
  upperCaseHex: upperCaseHexMessage('X-Mollie-Signature', 'Mollie'),
}

/** Value for X-Mollie-Signature. */
export function signMollie(secret: string, body: Buffer | string): string {
  return signBodyHmacHeader(MOLLIE_SCHEME, secret, body)
}

export function verifyMollie(
  delivery: Delivery,
  keys: readonly ProviderKey[],
  _options?: VerifyOptions,
  context?: Pick<VerifyContext, 'variant'>,
): VerifyResult {
  const explanation = bodyHmacHeaderExplanation(MOLLIE_SCHEME)
  const texts = bodyHmacHeaderTexts(MOLLIE_SCHEME, delivery, explanation.notes)
  // Next-gen without a signature: an import whose export removed the header (recognition.ts), or a
  // received delivery whose header is there but empty.
  if (texts.length === 0 && context?.variant === 'next-gen') {
    const missing = hasHeader(delivery, 'X-Mollie-Signature') ? 'the X-Mollie-Signature header is empty' : 'no X-Mollie-Signature header'
    return result(invalidVerdict('missing-header', `${missing} (Mollie signs every next-gen webhook)`), explanation)
  }
  if (texts.length === 0) {
    const form = parseFormBody(delivery.body)
    const id = form?.find(([name]) => name === 'id')?.[1]
    const hint = id ? mollieConfirmHint(id) : null
    explanation.scheme = null
    return result(
      { status: 'unsigned', confirmHint: hint, message: `classic Mollie webhook: unsigned by design${hint ? `; confirm with ${hint.display}` : ''}` },
      explanation,
    )
  }
  return verifyBodyHmacHeader(MOLLIE_SCHEME, texts, delivery.body, utf8SecretCandidates(keys, 'mollie'), explanation)
}

/** Summary of a classic (form) or next-gen (JSON event) Mollie webhook. */
export function parseMollie(delivery: Delivery, { genericFields }: ParseOptions = { genericFields: true }): DeliverySummary {
  const json = parseJsonBody(delivery.body)
  if (isObject(json)) {
    const summary = emptySummary('json')
    // Next-gen events: {resource:"event", id, type, entityId, _embedded.entity}; older samples: {id, event_type}.
    const entity = at(json, '_embedded', 'entity')
    summary.eventType = firstText(json.type, json.event_type)
    summary.providerObjectId = firstText(json.entityId, json.id)
    summary.status = firstText(at(entity, 'status'))
    summary.amount = decimalAmount(at(entity, 'amount', 'value'), at(entity, 'amount', 'currency'))
    summary.merchantReference = firstText(at(entity, 'metadata', 'order_id'), at(entity, 'description'))
    if (genericFields) summary.fields = flattenFields(delivery.body)
    return summary
  }
  const form = parseFormBody(delivery.body)
  const summary = emptySummary(form ? 'form' : delivery.body.length === 0 ? 'empty' : 'text')
  const id = form?.find(([name]) => name === 'id')?.[1] ?? null
  summary.providerObjectId = id
  if (id) summary.signalOnly = mollieConfirmHint(id)
  else summary.problems.push('no id= parameter')
  pushField(summary.fields, 'Resource id', id)
  return summary
}

function resignMollie(draft: SigningDraft, key: HmacKey | undefined): void {
  const current = draft.header('X-Mollie-Signature')
  if (current === undefined) return
  if (!key) {
    draft.noKey('mollie-hmac-sha256', 'mollie', 'Mollie signing secret')
    return
  }
  const signed = signMollie(key.value, draft.body)
  // Keep the form the capture used: the `sha256=` prefix is optional for Mollie's validator.
  const value = current.trim().startsWith('sha256=') ? signed : signed.replace(/^sha256=/, '')
  draft.setHeader('X-Mollie-Signature', value, { scheme: 'mollie-hmac-sha256', provider: 'mollie', keyFingerprint: keyFingerprint(key) })
}

export const mollieProvider: ProviderModule<'mollie'> = {
  id: 'mollie',
  rules: {
    signatureHeader: ({ delivery }) => (hasHeader(delivery, 'X-Mollie-Signature') ? { variant: 'next-gen', detectedBy: 'X-Mollie-Signature header' } : null),
    classicForm: ({ delivery }) => (isMollieClassic(delivery) ? { variant: 'classic', detectedBy: 'form body id=<prefix>_… from a Mollie User-Agent' } : null),
  },
  variantOf: mollieVariant,
  parse: parseMollie,
  verify: verifyMollie,
  acknowledgement: () => generic2xx('Mollie', ''),
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'Mollie' },
  keyKinds: ['hmac-secret'],
  hmacSecret: { check: warnAboutSurroundingWhitespace, generate: () => randomBytes(24).toString('hex') },
  deliveryIdentity: {
    label: 'resource id',
    // Classic bodies are only the id: a retry and a new status signal look the same. Next-gen bodies
    // are events whose own id is not kept in the summary: the bytes identify them.
    parts: ({ variant, summary }) => (variant === 'classic' && summary.objectId !== null ? [summary.objectId] : null),
  },
  resign: {
    signatureHeader: { scheme: 'mollie-hmac-sha256', apply: (draft, keys) => resignMollie(draft, hmacSecretFor(keys, 'mollie')) },
  },
  simulate: bodyHmacHeaderSimulation('mollie', MOLLIE_SCHEME, () => mollieProvider.hmacSecret.generate()),
  // Mollie publishes no retry policy.
  retrySchedule: () => null,
}
