/**
 * Adyen. Classic notifications sign each item (adyen-node-api-library `hmacValidator.ts`):
 *   data = pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success
 *   additionalData.hmacSignature = base64(HMAC-SHA256(hexDecode(key), data))
 * Balance Platform / Management webhooks sign the raw body instead, in the `HmacSignature` header.
 * A batch is valid only when every item is.
 */
import type { DeliverySummary, NotificationItemSummary, ProviderKey, ProviderVariant } from '../../shared/providers'
import { at, firstText, isObject, parseJsonBody, prop, text, type JsonValue } from './body'
import { bytesEqual, decodeBase64WithPadBits, decodeHexStrict } from '../crypto/bytes'
import { bodyHmacHeaderExplanation, bodyHmacHeaderTexts, verifyBodyHmacHeader, type BodyHmacHeaderScheme } from './body-hmac-header'
import { checkHmacCandidates, type HmacSecretCandidate } from './hmac-check'
import { keyFingerprint } from '../keys/describe-key'
import { hmacSecretsFor } from '../keys/key-lookups'
import { emptySummary, flattenFields, minorAmount, pushField } from './summary'
import {
  hmacMismatch,
  hmacBytes,
  invalidVerdict,
  makeAttempt,
  newExplanation,
  noKeyVerdict,
  result,
  signedStringFields,
  validVerdict,
  type Delivery,
  type VerifyOptions,
  type VerifyResult,
} from './verification'
import { randomBytes } from 'node:crypto'
import type { RetrySchedule } from '../../shared/deliveries'
import { COMMON_URL_RULES, fromFirst, fromPrevious, generic2xx, hasHeader, HOUR, is2xx, MINUTE, SECOND, textAnswer } from './module-parts'
import type { ParseOptions, ProviderModule } from './provider-module'
import { signedWithSecret, simulationSecret } from './simulation'
import type { ResignChange } from '../../shared/replay'
import { jsonRecord, parseJsonText, resignHmacHeader, roundTripText, type SigningDraft } from './signing-draft'
import { hmacSecretFor, type HmacKey } from './signing-keys'

const SHA256_BYTES = 32

/** Classic items, each the `NotificationRequestItem` object, or `null` when the body is not a classic batch. */
export function adyenNotificationItems(json: JsonValue | undefined): JsonValue[] | null {
  const items = prop(json, 'notificationItems')
  if (!Array.isArray(items) || items.length === 0) return null
  const requestItems = items.map((item) => prop(item, 'NotificationRequestItem'))
  return requestItems.every(isObject) ? requestItems : null
}

export function adyenVariant(delivery: Delivery): Extract<ProviderVariant, 'classic' | 'platform'> {
  return adyenNotificationItems(parseJsonBody(delivery.body)) ? 'classic' : 'platform'
}

/** The string Adyen signs for one classic item (no escaping, missing values as empty strings). */
export function adyenItemSignedData(item: unknown): string {
  // adyen-node-api-library joins the parsed notification's values: a number as JavaScript prints
  // it (100.50 signed as "100.5"), not as the body wrote it nor as a summary shows it.
  const value = (...path: string[]): string => {
    const found = at(item, ...path)
    return typeof found === 'number' ? String(found) : (text(found) ?? '')
  }
  return [
    value('pspReference'),
    value('originalReference'),
    value('merchantAccountCode'),
    value('merchantReference'),
    value('amount', 'value'),
    value('amount', 'currency'),
    value('eventCode'),
    value('success'),
  ].join(':')
}

/** `additionalData.hmacSignature` for a classic item. */
export function signAdyenItem(hexKey: string, item: unknown): string {
  return hmacBytes('sha256', adyenKeyBytes(hexKey), [adyenItemSignedData(item)]).toString('base64')
}

/** `HmacSignature` header for a platform webhook body. */
export function signAdyenPayload(hexKey: string, body: Buffer | string): string {
  return hmacBytes('sha256', adyenKeyBytes(hexKey), [typeof body === 'string' ? Buffer.from(body, 'utf8') : body]).toString('base64')
}

function adyenKeyBytes(hexKey: string): Buffer {
  const bytes = decodeHexStrict(hexKey.trim())
  if (!bytes) throw new Error('an Adyen HMAC key is hex')
  return bytes
}

export interface AdyenVerifyResult extends VerifyResult {
  /** Per-item outcome for classic batches, in item order (empty for platform webhooks). */
  itemSignatures: Array<NotificationItemSummary['signature']>
}

export function verifyAdyen(delivery: Delivery, keys: readonly ProviderKey[], _options?: VerifyOptions): AdyenVerifyResult {
  const items = adyenNotificationItems(parseJsonBody(delivery.body))
  return items ? verifyClassic(items, keys) : { ...verifyPlatform(delivery, keys), itemSignatures: [] }
}

function usableKeys(keys: readonly ProviderKey[], notes: string[]): HmacSecretCandidate[] {
  const candidates: HmacSecretCandidate[] = []
  for (const key of hmacSecretsFor(keys, 'adyen')) {
    const bytes = decodeHexStrict(key.value.trim())
    if (bytes) candidates.push({ key, secret: bytes })
    else notes.push(`key ${keyFingerprint(key)} is not hex and was skipped`)
  }
  return candidates
}

/**
 * The MAC in a received signature, or `null` when it is not base64 of 32 bytes. Adyen sends
 * canonical base64. @adyen/api-library decodes both texts and compares the bytes, so a signature
 * whose last character has non-zero unused bits (the same bytes) passes there, and here too, with
 * a note: Adyen's Java library compares the text and refuses it. Other spellings Node's decoder
 * lets through (URL-safe characters, spaces, stray characters) stay malformed here: it skips what
 * is not base64, so a corrupted header could pass for a valid one, and no Adyen library sends them.
 */
function receivedMac(signature: string, name: string, notes: string[]): Buffer | null {
  const decoded = decodeBase64WithPadBits(signature)
  if (!decoded || decoded.bytes.length !== SHA256_BYTES) return null
  if (!decoded.canonical)
    notes.push(
      `${name} is not canonical base64 (its last character has non-zero unused bits), which Adyen does not send; its bytes are compared, as @adyen/api-library does, but Adyen's Java library compares the text and would refuse it`,
    )
  return decoded.bytes
}

function verifyClassic(items: JsonValue[], keys: readonly ProviderKey[]): AdyenVerifyResult {
  const explanation = newExplanation(
    'adyen-classic-hmac',
    'per item: base64(HMAC-SHA256(hexDecode(key), pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success))',
    'notificationItems[].NotificationRequestItem.additionalData.hmacSignature',
  )
  const candidates = usableKeys(keys, explanation.notes)
  const statuses: Array<NotificationItemSummary['signature']> = []
  items.forEach((item, index) => {
    const label = `item ${index + 1}`
    const signatureText = text(at(item, 'additionalData', 'hmacSignature'))
    const signed = Buffer.from(adyenItemSignedData(item), 'utf8')
    if (signatureText === null) {
      statuses.push('missing')
      explanation.attempts.push(makeAttempt({ variant: label, matched: false, ...signedStringFields(signed), detail: 'no additionalData.hmacSignature' }))
      return
    }
    explanation.receivedSignatures.push(signatureText)
    const received = receivedMac(signatureText, `${label}'s hmacSignature`, explanation.notes)
    if (!received) {
      statuses.push('invalid')
      explanation.attempts.push(
        makeAttempt({ variant: label, matched: false, ...signedStringFields(signed), detail: 'hmacSignature is not base64 of 32 bytes' }),
      )
      return
    }
    if (candidates.length === 0) {
      statuses.push('no-key')
      explanation.attempts.push(makeAttempt({ variant: label, matched: false, ...signedStringFields(signed), detail: 'no Adyen HMAC key configured' }))
      return
    }
    const { matched } = checkHmacCandidates({
      candidates,
      algorithm: 'sha256',
      signed,
      received: [received],
      encode: (mac) => mac.toString('base64'),
      variant: label,
      explanation,
    })
    statuses.push(matched ? 'valid' : 'invalid')
  })
  explanation.matchedVariant = statuses.every((status) => status === 'valid') ? `classic, ${items.length} item(s)` : null
  const count = (status: NotificationItemSummary['signature']): number => statuses.filter((candidate) => candidate === status).length
  const numbered = (status: NotificationItemSummary['signature']): string =>
    statuses.flatMap((candidate, index) => (candidate === status ? [String(index + 1)] : [])).join(', ')
  if (count('missing') > 0)
    return {
      ...result(
        invalidVerdict(
          'missing-header',
          `item(s) ${numbered('missing')} have no additionalData.hmacSignature (enable HMAC signing for this webhook in the Customer Area)`,
        ),
        explanation,
      ),
      itemSignatures: statuses,
    }
  if (candidates.length === 0) return { ...result(noKeyVerdict('no Adyen HMAC key (hex) configured for this endpoint'), explanation), itemSignatures: statuses }
  if (count('invalid') > 0) {
    return {
      ...result(
        invalidVerdict(
          'signature-mismatch',
          `${hmacMismatch("an item's signed fields (pspReference, originalReference, merchantAccountCode, merchantReference, amount value and currency, eventCode, success)")}: item(s) ${numbered('invalid')} of ${items.length} do not match`,
        ),
        explanation,
      ),
      itemSignatures: statuses,
    }
  }
  return {
    // "(1)" after the message read like a key's number: say how many items it counts.
    ...result(
      validVerdict(
        `classic, ${items.length} item(s)`,
        items.length === 1 ? "the item's hmacSignature matches" : `all ${items.length} items' hmacSignatures match`,
      ),
      explanation,
    ),
    itemSignatures: statuses,
  }
}

/** Balance Platform / Management webhooks: `HmacSignature: base64(HMAC-SHA256(hexDecode(key), rawBody))`. */
const PLATFORM_SCHEME: BodyHmacHeaderScheme = {
  scheme: 'adyen-platform-hmac',
  formula: 'base64(HMAC-SHA256(hexDecode(key), rawBody))',
  headerName: 'HmacSignature',
  algorithm: 'sha256',
  encoding: 'base64',
  variant: 'platform HmacSignature',
  decode: (text, notes) => receivedMac(text, 'HmacSignature', notes),
  malformed: () => 'HmacSignature is not base64 of a 32-byte HMAC-SHA256',
  noKey: { message: 'no Adyen HMAC key (hex) configured for this endpoint' },
}

function verifyPlatform(delivery: Delivery, keys: readonly ProviderKey[]): VerifyResult {
  const explanation = bodyHmacHeaderExplanation(PLATFORM_SCHEME)
  const texts = bodyHmacHeaderTexts(PLATFORM_SCHEME, delivery, explanation.notes)
  if (texts.length === 0) return result(invalidVerdict('missing-header', 'no HmacSignature header and no classic notificationItems'), explanation)
  return verifyBodyHmacHeader(PLATFORM_SCHEME, texts, delivery.body, () => usableKeys(keys, explanation.notes), explanation)
}

/** Used by tests and callers that only need to know whether one item's signature holds. */
export function isAdyenItemSignatureValid(hexKey: string, item: unknown): boolean {
  const received = receivedMac(text(at(item, 'additionalData', 'hmacSignature')) ?? '', 'hmacSignature', [])
  return received !== null && bytesEqual(received, Buffer.from(signAdyenItem(hexKey, item), 'base64'))
}

/** Summary of an Adyen classic batch (one entry per item) or a platform webhook. */
export function parseAdyen(delivery: Delivery, { genericFields }: ParseOptions = { genericFields: true }): DeliverySummary {
  const json = parseJsonBody(delivery.body)
  const items = adyenNotificationItems(json)
  if (!items) {
    const summary = emptySummary(isObject(json) ? 'json' : delivery.body.length === 0 ? 'empty' : 'text')
    if (isObject(json)) {
      summary.eventType = firstText(json.type)
      summary.providerObjectId = firstText(at(json, 'data', 'id'), at(json, 'data', 'merchantId'))
      summary.status = firstText(at(json, 'data', 'status'))
      summary.isTest = json.environment === 'test' ? true : json.environment === 'live' ? false : null
      if (genericFields) summary.fields = flattenFields(delivery.body)
    }
    return summary
  }
  const summary = emptySummary('json')
  summary.isTest =
    prop(json, 'live') === 'false' || prop(json, 'live') === false ? true : prop(json, 'live') === 'true' || prop(json, 'live') === true ? false : null
  summary.items = items.map((item, index): NotificationItemSummary => ({
    index,
    eventCode: firstText(prop(item, 'eventCode')),
    success: firstText(prop(item, 'success')),
    pspReference: firstText(prop(item, 'pspReference')),
    originalReference: firstText(prop(item, 'originalReference')),
    merchantReference: firstText(prop(item, 'merchantReference')),
    merchantAccountCode: firstText(prop(item, 'merchantAccountCode')),
    amount: minorAmount(at(item, 'amount', 'value'), at(item, 'amount', 'currency')),
    paymentMethod: firstText(prop(item, 'paymentMethod')),
    reason: firstText(prop(item, 'reason')),
    signature: 'not-checked',
  }))
  const first = summary.items[0]
  if (first) {
    summary.eventType = first.eventCode
    summary.status = first.success === null ? null : first.success === 'true' ? 'success' : 'failure'
    summary.providerObjectId = first.pspReference
    summary.merchantReference = first.merchantReference
    summary.amount = first.amount
    summary.paymentMethod = first.paymentMethod
    if (first.success === 'false') summary.errorMessage = first.reason
    const additional = prop(items[0], 'additionalData')
    const summaryDigits = firstText(prop(additional, 'cardSummary'))
    if (summaryDigits) summary.maskedCard = `${firstText(prop(additional, 'cardBin')) ?? ''}******${summaryDigits}`
  }
  pushField(summary.fields, 'Items', String(items.length))
  pushField(summary.fields, 'Live', prop(json, 'live'))
  summary.items.forEach((item) => {
    pushField(
      summary.fields,
      `Item ${item.index + 1}`,
      [
        item.eventCode,
        item.success === 'true' ? 'success' : item.success === 'false' ? 'failure' : null,
        item.pspReference,
        item.merchantReference,
        item.amount?.amountDisplay,
      ]
        .filter(Boolean)
        .join(' · '),
    )
  })
  return summary
}

const ADYEN_TIMEOUT_MS = 10_000

// Adyen, https://docs.adyen.com/development-resources/webhooks/troubleshoot: three tries at 9 s,
// 18 s and 27 s, then a retry queue at 2 min, 5 min, 10 min, 15 min, 30 min, 1 h, 2 h, 4 h and 8 h,
// continuing for up to 30 days.
const ADYEN_RETRIES: RetrySchedule = {
  provider: 'adyen',
  title: 'Adyen',
  kind: 'published-times',
  description:
    'Three tries at 9 s, 18 s and 27 s, then a retry queue after 2 min, 5 min, 10 min, 15 min, 30 min, 1 h, 2 h, 4 h and 8 h, and on for up to 30 days.',
  successRule: 'any 2xx (older integrations: the body [accepted])',
  retries: [
    fromFirst(9 * SECOND),
    fromFirst(18 * SECOND),
    fromFirst(27 * SECOND),
    ...[2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR].map(fromPrevious),
  ],
  sourceUrl: 'https://docs.adyen.com/development-resources/webhooks/troubleshoot',
  sourceTitle: 'Adyen: troubleshoot webhooks (retry queue)',
  confirmed: true,
  caveat:
    'Adyen does not say whether the 9, 18 and 27 s count from the first attempt: they are shown as such. Queue intervals are counted from the attempt before.',
}

/** Adyen classic: each item's `additionalData.hmacSignature`, replaced in the raw text so every other byte stays as sent. */
const HMAC_SIGNATURE_MEMBER = /("hmacSignature"\s*:\s*)"((?:[^"\\]|\\.)*)"/g

/** Recomputes each classic item's `additionalData.hmacSignature` in place. */
function resignAdyenItems(draft: SigningDraft, key: HmacKey | undefined): void {
  const text = roundTripText(draft.body)
  if (text === null || !text.includes('"hmacSignature"')) return
  const items = jsonRecord(parseJsonText(text))?.notificationItems
  if (!Array.isArray(items)) return
  const requestItems = items.map((item) => jsonRecord(jsonRecord(item)?.NotificationRequestItem))
  const signedIndexes = requestItems.flatMap((item, index) => (typeof jsonRecord(item?.additionalData)?.hmacSignature === 'string' ? [index] : []))
  if (signedIndexes.length === 0) return
  if (!key) {
    draft.skip(
      'adyen-classic-item',
      'adyen',
      'no Adyen HMAC key configured: the items keep their captured hmacSignature, which no longer matches an edited item',
    )
    return
  }
  const matches = [...text.matchAll(HMAC_SIGNATURE_MEMBER)]
  if (matches.length !== signedIndexes.length) {
    draft.skip(
      'adyen-classic-item',
      'adyen',
      `found ${matches.length} hmacSignature members for ${signedIndexes.length} signed items: not re-signed rather than guess which is which`,
    )
    return
  }
  const changes: ResignChange[] = []
  const fingerprint = keyFingerprint(key)
  let position = 0
  const rewritten = text.replace(HMAC_SIGNATURE_MEMBER, (_whole: string, prefix: string, escaped: string) => {
    const index = signedIndexes[position++] as number
    const signature = signAdyenItem(key.value, requestItems[index])
    changes.push({
      scheme: 'adyen-classic-item',
      provider: 'adyen',
      location: 'body',
      name: `notificationItems[${index}].NotificationRequestItem.additionalData.hmacSignature`,
      before: parseJsonText(`"${escaped}"`) as string,
      after: signature,
      keyFingerprint: fingerprint,
    })
    return `${prefix}${JSON.stringify(signature)}`
  })
  const unsignedItems = requestItems.length - signedIndexes.length
  if (unsignedItems > 0) draft.notes.push(`${unsignedItems} Adyen item(s) carry no hmacSignature and were left unsigned`)
  draft.setBody(Buffer.from(rewritten, 'utf8'), changes)
}

/** Sets `additionalData.hmacSignature` on every classic notification item of a simulated body. */
function signAdyenBody(body: JsonValue, hexKey: string): JsonValue {
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

export const adyenProvider: ProviderModule<'adyen'> = {
  id: 'adyen',
  rules: {
    classicBody: ({ json }) =>
      adyenNotificationItems(json) ? { variant: 'classic', detectedBy: 'notificationItems[].NotificationRequestItem in the body' } : null,
    platformHeader: ({ delivery }) => (hasHeader(delivery, 'HmacSignature') ? { variant: 'platform', detectedBy: 'HmacSignature header' } : null),
  },
  variantOf: adyenVariant,
  parse: parseAdyen,
  verify: (delivery, keys, options, { summary }) => {
    const adyen = verifyAdyen(delivery, keys, options)
    // Classic batches carry one signature per item: each item of the summary shows its own.
    adyen.itemSignatures.forEach((status, index) => {
      const item = summary.items[index]
      if (item) item.signature = status
    })
    return { verdict: adyen.verdict, explanation: adyen.explanation }
  },
  acknowledgement: (variant) =>
    variant === 'classic'
      ? {
          subject: 'Adyen',
          expects: `a 2xx answer with body [accepted] within ${ADYEN_TIMEOUT_MS / 1000} s (older integrations need the body)`,
          consequence: 'and retry',
          acknowledgement: textAnswer(200, '[accepted]'),
          timeoutMs: ADYEN_TIMEOUT_MS,
          judge: (status, body) => (!is2xx(status) ? 'failure' : body.trim() === '[accepted]' ? 'success' : 'uncertain'),
        }
      : generic2xx('Adyen', 'and retry', ADYEN_TIMEOUT_MS),
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'Adyen' },
  keyKinds: ['hmac-secret'],
  hmacSecret: {
    check: (value) =>
      decodeHexStrict(value.trim()) ? null : 'an Adyen HMAC key is hex (an even number of 0-9, A-F characters), as shown in the Customer Area',
    generate: () => randomBytes(32).toString('hex').toUpperCase(),
  },
  deliveryIdentity: {
    label: 'pspReference, event code and success',
    // Adyen's own notification identity. Platform webhooks carry an id of the changed resource
    // only; several updates share it, so the bytes identify them.
    parts: ({ variant, summary }) => (variant === 'classic' && summary.objectId !== null ? [summary.objectId, summary.eventType, summary.status] : null),
  },
  resign: {
    classicItems: { scheme: 'adyen-classic-item', apply: (draft, keys) => resignAdyenItems(draft, hmacSecretFor(keys, 'adyen')) },
    platformHeader: {
      scheme: 'adyen-platform-hmac',
      apply: (draft, keys) =>
        resignHmacHeader(draft, 'HmacSignature', 'adyen-platform-hmac', 'adyen', hmacSecretFor(keys, 'adyen'), (secret) =>
          signAdyenPayload(secret, draft.body),
        ),
    },
  },
  simulate: {
    keyKinds: ['hmac-secret'],
    sign: (input) => {
      const secret = simulationSecret(input.keys, 'adyen', adyenProvider.hmacSecret.generate)
      return signedWithSecret(secret, input.serialise(signAdyenBody(input.body, secret.key.value)))
    },
  },
  retrySchedule: () => ADYEN_RETRIES,
}
