/**
 * Which captures are attempts of one delivery: the same notification, sent again because the
 * first answers were not a 2xx (or because the provider sends duplicates).
 *
 * The key is a pure function of the stored record (its recognition summary, its headers and its
 * body hash), so the store can index it and rebuild the index without reading bodies.
 *
 * The rule per provider (its module's `deliveryIdentity`) names what the provider keeps unchanged
 * across retries of one notification, and changes between two different notifications about the
 * same transaction (an IXOPAY `PENDING` then `OK` callback are two deliveries, not a retry):
 *
 * | provider | key | why |
 * |---|---|---|
 * | IXOPAY | `ixopay:<uuid, else merchantTransactionId>:<transactionType>:<result>` | the gateway's transaction id; one transaction can report PENDING then OK |
 * | CHIP | `chip:<purchase or payment id>:<event_type>:<status>:<updated_on>` (no last part when the body has none, as CHIP Send's) | CHIP retries carry "the same payload and event"; CHIP dedupes on id, event type and updated_on, so two events of one purchase with one type and status are two deliveries |
 * | Adyen classic | `adyen:<pspReference>:<eventCode>:<success>` (first item) | Adyen's own notification identity |
 * | Plexo | `plexo:<id>:<event>:<status>` (a legacy state by its SDK name, `Reserve`, however it was sent or stored) | the payment id; a new status is a new callback |
 * | Mollie classic | `mollie:<resource id>` | the body is only the id; a retry and a new status signal look the same |
 * | GitHub | `github:<X-GitHub-Delivery>` | the delivery GUID, kept on redelivery |
 * | Shopify | `shopify:<X-Shopify-Webhook-Id>` (else `X-Shopify-Event-Id`) | Shopify's documented dedupe key |
 * | Standard Webhooks / Svix | `standard-webhooks:<webhook-id or svix-id>` | the spec's message id, the same on every retry |
 * | Stripe, PayPal | `stripe:<evt_… id>`, `paypal:<WH-… id>` (`summary.eventId`) | the event id, the same on every retry; captures stored before the id was kept fall back to the body's sha256 |
 * | Mollie next-gen, Adyen platform, Swedbank Pay | the body's sha256 | retries resend the same bytes, and nothing kept in the summary tells two notifications apart |
 * | generic, unknown sender | the body's sha256 | nothing identifies the sender's notification but its bytes |
 *
 * A refused request (too large, nothing stored to compare) is a delivery of its own.
 */
import { createHash } from 'node:crypto'
import type { CaptureRecognition } from '../../shared/views'
import type { HeaderPairs } from '../../shared/http-message'
import { PROVIDER_NAMES, type DeliverySummary, type ProviderId } from '../../shared/providers'
import { withWrittenNumbers } from '../providers/body'
import { formerChipDeliveryParts } from '../providers/chip'
import { formerPlexoDeliveryParts } from '../providers/plexo'
import { findProviderModule } from '../providers/registry'
import { identifyingFields } from '../recognition'
import type { LoggedCapture } from '../store/persisted-schema'

/** Keys longer than this (an id header of kilobytes) are replaced by their hash, so indexes stay small. */
export const MAX_DELIVERY_KEY_LENGTH = 300

/** What a delivery key is computed from: the parts of a capture that the rule reads. */
export interface DeliveryKeyInput {
  id: string
  outcome: LoggedCapture['outcome']
  headers: HeaderPairs
  recognition: CaptureRecognition | null
  bodySha256: string
}

/**
 * The delivery key of a stored capture: equal for the attempts of one delivery, different for
 * different notifications (see the table at the top of this file).
 */
export function deliveryKeyOf(capture: LoggedCapture): string {
  return deliveryKeyFrom({
    id: capture.id,
    outcome: capture.outcome,
    headers: capture.headers,
    recognition: capture.recognition,
    bodySha256: capture.body.sha256,
  })
}

/** The same rule for a request being received, before it is stored (answer sequences count per delivery). */
export function deliveryKeyFrom(input: DeliveryKeyInput): string {
  if (input.outcome === 'refused') return `refused:${input.id}`
  const identity = input.recognition === null ? null : providerIdentity(input.recognition, input.headers)
  if (identity === null) return bodyHashKey(input.bodySha256)
  const [provider, ...parts] = identity
  const key = [provider, ...parts.map((part) => encodeKeyPart(part ?? ''))].join(':')
  return key.length <= MAX_DELIVERY_KEY_LENGTH ? key : `${provider}:sha256-of-id:${createHash('sha256').update(key).digest('hex')}`
}

const LONE_SURROGATE = /\p{Cs}/u

/**
 * A part of a key, percent-encoded. A lone surrogate (a hostile id such as Adyen's pspReference
 * "\udfff") is written `%uDFFF`: `encodeURIComponent` throws on it, so such a callback was answered
 * 500 and never stored, nor any of its retries. No percent-encoded text holds `%u`, and each lone
 * surrogate keeps its own code, so two such ids stay two deliveries; other parts encode as before.
 */
function encodeKeyPart(part: string): string {
  if (!LONE_SURROGATE.test(part)) return encodeURIComponent(part)
  let encoded = ''
  // Code points: a pair is one (encoded as UTF-8), a lone surrogate is one of its own.
  for (const char of part) {
    encoded += LONE_SURROGATE.test(char) ? `%u${char.charCodeAt(0).toString(16).toUpperCase()}` : encodeURIComponent(char)
  }
  return encoded
}

/**
 * The identities earlier versions' rules gave a provider's deliveries, from today's parts. The
 * store's index keeps the hash of the key a capture had when it was stored, so the attempts an
 * earlier version stored are found under these (their summaries, read again, give today's key).
 */
const FORMER_IDENTITIES: Partial<Record<ProviderId, (parts: readonly string[]) => string[][]>> = {
  // Before the legacy state was named, a payment's key held its number: `plexo:<id>:TransactionCallback:0`.
  plexo: formerPlexoDeliveryParts,
  // Before updated_on was in the key: `chip:<id>:<event_type>:<status>`.
  chip: formerChipDeliveryParts,
}

/**
 * The keys a delivery's attempts may be indexed under: its own, then those earlier versions gave
 * the same delivery (`FORMER_IDENTITIES`, and `roundedNumberForms` for an id past 2^53).
 */
export function indexedDeliveryKeysOf(deliveryKey: string): string[] {
  const [provider = '', ...encoded] = deliveryKey.split(':')
  if (encoded.length === 0 || provider === 'sha256' || provider === 'refused') return [deliveryKey]
  let parts: string[]
  try {
    parts = encoded.map((part) => decodeURIComponent(part))
  } catch {
    // Not a key this rule wrote (a hand-made id with a stray %): it has no former form.
    return [deliveryKey]
  }
  const former = FORMER_IDENTITIES[provider as ProviderId]?.(parts) ?? []
  const keys = [...former, ...roundedNumberForms(parts)].map((identity) => [provider, ...identity.map(encodeKeyPart)].join(':'))
  return [...new Set([deliveryKey, ...keys])]
}

/**
 * An id that is an integer past 2^53 (a Paystack `data.id` or a Mercado Pago notification `id`
 * sent as a JSON number) is in today's key with every digit the body wrote. Earlier versions kept
 * what JSON.parse made of it: `String(value)` ("12345678901234567000" for 12345678901234567890,
 * "1.2345678901234568e+23" past 10^21), then, briefly, "≈1.2345678901234567e+19". The store's index
 * still holds the hashes of those keys for the captures they stored: these are the keys the same
 * identity had in each (one form per version, for every such part at once).
 *
 * Such a key names every id that rounds to the same value, so a capture found under it is the
 * delivery's only once its own key is read again from its body (`readsExactKeyFromBody`).
 */
function roundedNumberForms(parts: readonly string[]): string[][] {
  if (!parts.some(isIntegerPastSafeRange)) return []
  const written = (round: (value: number) => string): string[] => parts.map((part) => (isIntegerPastSafeRange(part) ? round(Number(part)) : part))
  return [written((value) => String(value)), written((value) => `≈${value.toExponential()}`)]
}

function isIntegerPastSafeRange(part: string): boolean {
  return /^-?\d{16,}$/.test(part) && !Number.isSafeInteger(Number(part))
}

const ROUNDED_ID_HINT = /\d{16}|e%2B/

/**
 * Whether a key read from a stored record may hold an id past 2^53 as an earlier version rounded
 * it (`roundedNumberForms`): then the record's key is read again from its body
 * (`deliveryKeyFromBody`), and the attempts of one delivery stored before and after the change
 * group together, while two deliveries whose ids round alike stay apart. Digits that are exactly
 * what `String` prints (a power of two, an id ending in zeros) are read again too: the body says
 * whether they were exact, at the cost of one body read for such a rare capture.
 */
export function readsExactKeyFromBody(deliveryKey: string): boolean {
  // Runs for every listed capture: a key without 16 digits in a row or an encoded exponent ("e%2B") holds no such id.
  if (!ROUNDED_ID_HINT.test(deliveryKey)) return false
  const [provider = '', ...encoded] = deliveryKey.split(':')
  if (encoded.length === 0 || provider === 'sha256' || provider === 'refused') return false
  return encoded.some((part) => {
    let decoded: string
    try {
      decoded = decodeURIComponent(part)
    } catch {
      return false
    }
    if (/^≈-?\d(?:\.\d+)?e\+\d+$/.test(decoded)) return true
    const value = Number(decoded)
    return /^-?\d(?:\.\d+)?e\+\d+$|^-?\d{16,}$/.test(decoded) && Number.isInteger(value) && !Number.isSafeInteger(value) && String(value) === decoded
  })
}

/**
 * Whether a stored record's key is read again from its body (`deliveryKeyFromBody`) before it is
 * listed or compared: its key may hold an id past 2^53 rounded (`readsExactKeyFromBody`), or it is
 * a CHIP Collect record stored before the summary kept `updated_on` (`revision` absent), whose key
 * then lacks it and would name every event of its purchase with its event type and status. Found
 * under that former key (`formerChipDeliveryParts`), it joins the delivery its body says.
 */
export function readsKeyFromBody(capture: LoggedCapture, storedKey: string): boolean {
  return readsExactKeyFromBody(storedKey) || keyedBeforeRevisionWasKept(capture)
}

function keyedBeforeRevisionWasKept(capture: LoggedCapture): boolean {
  const recognition = capture.recognition
  // CHIP Send bodies carry no updated_on: their keys did not change.
  return recognition !== null && recognition.provider.id === 'chip' && recognition.provider.variant !== 'send' && recognition.summary.revision === undefined
}

/**
 * The key of a stored capture as today's rule gives it, its summary read again from its body with
 * the provider it was recognised as (the summary alone, no signature check). For a record whose
 * stored key is of an earlier form (`readsKeyFromBody`); other records' keys are `deliveryKeyOf`
 * of the record.
 */
export function deliveryKeyFromBody(capture: LoggedCapture, body: Buffer): string {
  const recognition = recognitionFromBody(capture, body)
  if (recognition === null) return deliveryKeyOf(capture)
  return deliveryKeyFrom({ id: capture.id, outcome: capture.outcome, headers: capture.headers, recognition, bodySha256: capture.body.sha256 })
}

/**
 * The capture's recognition with its summary read again from its body as `deliveryKeyFromBody`
 * reads it (the verdict as it was), or `null` when the body gives none (not recognised, refused,
 * or the parser fails on it): what the store keeps so the body is not read for the key again.
 */
export function recognitionFromBody(capture: LoggedCapture, body: Buffer): CaptureRecognition | null {
  const recognition = capture.recognition
  const module = recognition === null ? null : findProviderModule(recognition.provider.id)
  if (recognition === null || module === null || capture.outcome === 'refused') return null
  const delivery = { method: capture.method, target: capture.target, headers: capture.headers, body }
  let summary: DeliverySummary
  try {
    summary = withWrittenNumbers(body, () => module.parse(delivery, { genericFields: false }))
  } catch {
    // The parser failed on these bytes (it did not when they were stored, or they were stored without it): as stored.
    return null
  }
  return { ...recognition, summary: { ...recognition.summary, ...identifyingFields(summary) } }
}

/** The key of a delivery identified by its bytes only. */
export function bodyHashKey(bodySha256: string): string {
  return `sha256:${bodySha256}`
}

/** The kind of identity a key carries, for the UI's "grouped by …" line: the provider as the catalogue names it ("the IXOPAY transaction id…"). */
export function describeDeliveryKey(key: string): string {
  if (key.startsWith('refused:')) return 'nothing: a refused request is a delivery of its own'
  if (key.startsWith('sha256:')) return 'the same body bytes'
  const provider = key.slice(0, key.indexOf(':'))
  // A key stored by another version may name a provider this one does not know: its id, as stored.
  const name = Object.hasOwn(PROVIDER_NAMES, provider) ? PROVIDER_NAMES[provider as ProviderId] : provider
  return `the ${name} ${findProviderModule(provider)?.deliveryIdentity?.label ?? 'id'}`
}

type Identity = [provider: ProviderId, ...parts: Array<string | null>]

/** The provider's identity of the notification (its module's rule), or `null` when only the body's bytes identify it. */
function providerIdentity(recognition: CaptureRecognition, headers: HeaderPairs): Identity | null {
  const { provider, summary } = recognition
  // A stored record may name a provider this version does not know: its bytes identify it.
  const parts = findProviderModule(provider.id)?.deliveryIdentity?.parts({ variant: provider.variant, summary, headers }) ?? null
  return parts === null ? null : [provider.id, ...parts]
}
