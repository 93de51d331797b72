/**
 * Paystack: `x-paystack-signature: hex(HMAC-SHA512(secret key "sk_…", rawBody))`, lower-case hex
 * (paystack.com/docs/payments/webhooks; the example in PaystackOSS/doc-code-snippets
 * `src/doc/payments/webhooks/verifying-transaction`). Every event is signed; the key is the
 * integration's secret API key of the same mode (test or live) as the event.
 *
 * Bodies are `{"event":"charge.success","data":{…}}`; `data.domain` is `test` or `live`. Amounts
 * are in the currency's subunit (kobo, pesewas, cents); Paystack documents no event id, so a
 * retry is recognised by its unchanged body.
 */
import { randomBytes } from 'node:crypto'
import type { RetrySchedule } from '../../shared/deliveries'
import { headerValue } from '../../shared/http-message'
import type { DeliverySummary, MoneyAmount, ProviderKey } from '../../shared/providers'
import { at, firstText, prop, text, type JsonObject } from './body'
import {
  bodyHmacHeaderExplanation,
  bodyHmacHeaderSimulation,
  bodyHmacHeaderTexts,
  lowerCaseHexBodyScheme,
  signBodyHmacHeader,
  utf8SecretCandidates,
  verifyBodyHmacHeader,
  type BodyHmacHeaderScheme,
} from './body-hmac-header'
import { COMMON_URL_RULES, EMPTY_200, HOUR, MINUTE, fromPrevious, is2xx } from './module-parts'
import type { ProviderModule, RecognitionRule } from './provider-module'
import { resignHmacHeader } from './signing-draft'
import { hmacSecretFor } from './signing-keys'
import { currencyExponent, emptySummary, maskCard, minorAmount, pushField, summariseJsonObject } from './summary'
import { invalidVerdict, result, type Delivery, type VerifyOptions, type VerifyResult } from './verification'

export const PAYSTACK_SIGNATURE_HEADER = 'x-paystack-signature'

/** Paystack's subunit is a hundredth of the currency, in every currency (see `paystackAmount`). */
const PAYSTACK_SUBUNIT_DIGITS = 2

export const PAYSTACK_SCHEME: BodyHmacHeaderScheme = lowerCaseHexBodyScheme({
  scheme: 'paystack-hmac-sha512',
  algorithm: 'sha512',
  headerName: PAYSTACK_SIGNATURE_HEADER,
  providerName: 'Paystack',
  secretName: 'secret key',
  mismatchNotes: [
    'the key is the secret API key (sk_test_… or sk_live_…) of the mode the event comes from: test events are signed with the test key',
    'after the secret key is rolled, events are signed with the new key',
  ],
})

/** Value for x-paystack-signature. */
export function signPaystack(secretKey: string, body: Buffer | string): string {
  return signBodyHmacHeader(PAYSTACK_SCHEME, secretKey, body)
}

/** Recognition rule: the signature header (the body, `{event, data}`, is too common a shape to go by). */
export const paystackRules: Readonly<Record<string, RecognitionRule>> = {
  signatureHeader: ({ delivery }) =>
    headerValue(delivery.headers, PAYSTACK_SIGNATURE_HEADER) === undefined ? null : { variant: 'webhook', detectedBy: `${PAYSTACK_SIGNATURE_HEADER} header` },
}

export function verifyPaystack(delivery: Delivery, keys: readonly ProviderKey[], _options?: VerifyOptions): VerifyResult {
  const explanation = bodyHmacHeaderExplanation(PAYSTACK_SCHEME)
  const [header] = bodyHmacHeaderTexts(PAYSTACK_SCHEME, delivery, explanation.notes)
  if (header === undefined) {
    return result(invalidVerdict('missing-header', `no ${PAYSTACK_SIGNATURE_HEADER} header (Paystack signs every event)`), explanation)
  }
  return verifyBodyHmacHeader(PAYSTACK_SCHEME, [header], delivery.body, utf8SecretCandidates(keys, 'paystack'), explanation)
}

/**
 * A Paystack amount: an integer in hundredths of the currency, whatever the currency. Paystack
 * calls the unit its "subunit" (kobo, pesewas, cents) and multiplies by 100 for every currency it
 * settles in, XOF and RWF included although ISO 4217 gives them no minor unit: its own WooCommerce
 * plugin sends `total * 100` and reads `amount / 100` for NGN, USD, GHS, ZAR, KES, XOF, EGP and RWF.
 * So 100000 XOF-subunits are XOF 1000 (`amountMinor` 1000, in ISO minor units), and an amount
 * with hundredths a currency does not have (XOF 1000.50) is shown so, with no ISO minor units.
 */
export function paystackAmount(value: unknown, currency: unknown): MoneyAmount | null {
  const amount = minorAmount(value, currency)
  // Not an integer: shown as received. Hundredths that are the currency's minor units: as they are.
  if (amount === null || amount.amountMinor === null) return amount
  const exponent = currencyExponent(amount.currency)
  if (exponent === PAYSTACK_SUBUNIT_DIGITS) return amount
  const sign = amount.amountMinor < 0 ? '-' : ''
  const digits = String(Math.abs(amount.amountMinor)).padStart(PAYSTACK_SUBUNIT_DIGITS + 1, '0')
  const whole = digits.slice(0, -PAYSTACK_SUBUNIT_DIGITS)
  const hundredths = digits.slice(-PAYSTACK_SUBUNIT_DIGITS)
  // In the currency's own minor units when the digits it lacks are zeros (XOF 1000.00 is 1000 francs).
  const exact = hundredths.replace(/0+$/, '').length <= exponent
  const fraction = exact ? hundredths.padEnd(exponent, '0').slice(0, exponent) : hundredths
  const major = `${sign}${whole}${fraction === '' ? '' : `.${fraction}`}`
  return { ...amount, amountMinor: exact ? Number(`${sign}${whole}${fraction}`) : null, amountDisplay: amount.currency ? `${amount.currency} ${major}` : major }
}

/** Summary of a Paystack event: event, transaction or transfer id, reference, status, amount, card. */
export function parsePaystack(delivery: Delivery): DeliverySummary {
  return summariseJsonObject(delivery.body, 'event', summariseEvent)
}

function summariseEvent(event: JsonObject): DeliverySummary {
  const summary = emptySummary('json')
  const data = event.data
  const authorization = prop(data, 'authorization')
  const domain = text(prop(data, 'domain'))
  summary.eventType = firstText(event.event)
  summary.status = firstText(prop(data, 'status'))
  summary.providerObjectId = firstText(
    prop(data, 'id'),
    prop(data, 'transfer_code'),
    prop(data, 'subscription_code'),
    prop(data, 'request_code'),
    prop(data, 'refund_reference'),
  )
  summary.merchantReference = firstText(prop(data, 'reference'), prop(data, 'transaction_reference'), at(data, 'transaction', 'reference'))
  summary.amount = paystackAmount(prop(data, 'amount'), prop(data, 'currency'))
  summary.isTest = domain === 'test' ? true : domain === 'live' ? false : null
  summary.paymentMethod = firstText(prop(data, 'channel'))
  summary.maskedCard = maskCard(prop(authorization, 'bin'), prop(authorization, 'last4'))
  if (summary.status !== null && summary.status !== 'success') summary.errorMessage = firstText(prop(data, 'gateway_response'), prop(data, 'message'))
  const fields = summary.fields
  pushField(fields, 'Event', event.event)
  pushField(fields, 'Domain', domain)
  pushField(fields, 'Id', prop(data, 'id'))
  pushField(fields, 'Reference', summary.merchantReference)
  pushField(fields, 'Status', summary.status)
  pushField(fields, 'Amount', summary.amount?.amountDisplay)
  pushField(fields, 'Channel', summary.paymentMethod)
  pushField(fields, 'Card', [firstText(prop(authorization, 'brand')), summary.maskedCard].filter(Boolean).join(' '))
  pushField(fields, 'Gateway response', prop(data, 'gateway_response'))
  pushField(fields, 'Customer', at(data, 'customer', 'customer_code'))
  pushField(fields, 'Transfer code', prop(data, 'transfer_code'))
  pushField(fields, 'Subscription code', prop(data, 'subscription_code'))
  pushField(fields, 'Plan', at(data, 'plan', 'plan_code'))
  pushField(fields, 'Paid at', firstText(prop(data, 'paid_at'), prop(data, 'paidAt')))
  return summary
}

/** "The timeout for each attempt is 30 seconds" (test mode; the live-mode timeout is not stated). */
const PAYSTACK_TIMEOUT_MS = 30_000

// Paystack, https://paystack.com/docs/payments/webhooks/ (Go live checklist): "In the live mode,
// failed attempts are retried every 3 minutes for the first 4 tries, then retried hourly for the
// next 72 hours. In the test mode, failed attempts are retried hourly for the next 10 hours."
const PAYSTACK_RETRIES: RetrySchedule = {
  provider: 'paystack',
  title: 'Paystack (live mode)',
  kind: 'published-times',
  description:
    'Live mode: retried every 3 minutes for the first 4 tries, then hourly for the next 72 hours. Test mode: retried hourly for the next 10 hours, each attempt timing out after 30 s.',
  successRule: 'HTTP 200',
  retries: [...Array.from({ length: 4 }, () => fromPrevious(3 * MINUTE)), ...Array.from({ length: 72 }, () => fromPrevious(HOUR))],
  sourceUrl: 'https://paystack.com/docs/payments/webhooks/',
  sourceTitle: 'Paystack: webhooks (go live checklist)',
  confirmed: true,
  caveat:
    'Times are those of live mode; test-mode events come hourly for 10 hours. Paystack does not say whether the first delivery is one of "the first 4 tries": they are shown as 4 retries 3 minutes apart.',
}

const PAYSTACK_SECRET_KEY = /^sk_(?:test|live)_/

/** A fresh secret in the provider's format (the simulator signs with it). */
const generatePaystackSecret = () => `sk_test_${randomBytes(20).toString('hex')}`

export const paystackProvider: ProviderModule<'paystack'> = {
  id: 'paystack',
  rules: paystackRules,
  variantOf: () => 'webhook',
  parse: parsePaystack,
  verify: verifyPaystack,
  acknowledgement: () => ({
    subject: 'Paystack',
    expects: 'HTTP 200 (within 30 s in test mode)',
    consequence: 'and retry (live mode: every 3 minutes for the first 4 tries, then hourly for 72 hours; test mode: hourly for 10 hours)',
    acknowledgement: EMPTY_200,
    timeoutMs: PAYSTACK_TIMEOUT_MS,
    // "If we don't get a 200 OK HTTP response from your webhooks, we flagged it as a failed
    // attempt": another 2xx is not documented either way.
    judge: (status) => (status === 200 ? 'success' : is2xx(status) ? 'uncertain' : 'failure'),
  }),
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'Paystack' },
  keyKinds: ['hmac-secret'],
  hmacSecret: {
    check: (value, warnings) => {
      const trimmed = value.trim()
      if (/^pk_(?:test|live)_/.test(trimmed)) return 'this is a Paystack public key (pk_…): webhooks are signed with the secret key (sk_test_… or sk_live_…)'
      if (!PAYSTACK_SECRET_KEY.test(trimmed))
        warnings.push('Paystack signs webhooks with the secret key, sk_test_… or sk_live_…; this one does not start that way (it is used as-is)')
      if (trimmed !== value) warnings.push('the key has leading or trailing whitespace; it is used exactly as entered')
      return null
    },
    generate: generatePaystackSecret,
  },
  deliveryIdentity: {
    label: 'event, object id and status',
    // Paystack documents no event id. A retry resends the event; two events about one transaction
    // (charge.success, then a refund) differ in event or status.
    parts: ({ summary }) => {
      const object = summary.objectId ?? summary.reference
      return object === null ? null : [summary.eventType, object, summary.status]
    },
  },
  simulate: bodyHmacHeaderSimulation('paystack', PAYSTACK_SCHEME, generatePaystackSecret),
  resign: {
    signatureHeader: {
      scheme: PAYSTACK_SCHEME.scheme,
      // Only a delivery that carries the header is re-signed.
      apply: (draft, keys) =>
        resignHmacHeader(draft, PAYSTACK_SIGNATURE_HEADER, PAYSTACK_SCHEME.scheme, 'paystack', hmacSecretFor(keys, 'paystack'), (secret) =>
          signPaystack(secret, draft.body),
        ),
    },
  },
  retrySchedule: () => PAYSTACK_RETRIES,
}
