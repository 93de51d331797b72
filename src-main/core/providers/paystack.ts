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
import { headerValue } from '../../shared/http-message'
import type { DeliverySummary, MoneyAmount, ProviderKey } from '../../shared/providers'
import { at, firstText, prop, text, type JsonObject } from './body'
import { hexBodyHmacCandidates, hexBodyHmacExplanation, signHexBodyHmac, verifyHexBodyHmac, type HexBodyHmacScheme } from './hex-body-hmac'
import type { RecognitionRule } from './provider-module'
import { currencyExponent, emptySummary, maskCard, minorAmount, pushField, summariseJsonObject } from './summary'
import { invalidVerdict, result, type Delivery, type VerifyOptions, type VerifyResult } from './verification'

export const PAYSTACK_PROVIDER_ID = 'paystack'
export const PAYSTACK_SIGNATURE_HEADER = 'x-paystack-signature'

export const PAYSTACK_SCHEME: HexBodyHmacScheme = {
  scheme: 'paystack-hmac-sha512',
  algorithm: 'sha512',
  headerName: PAYSTACK_SIGNATURE_HEADER,
  providerName: 'Paystack',
  secretName: 'secret key',
  mismatchNotes: [
    'the key is the secret API key (sk_test_… or sk_live_…) of the mode the event comes from: test events are signed with the test key',
    'after the secret key is rolled, events are signed with the new key',
  ],
}

/** Value for x-paystack-signature. */
export function signPaystack(secretKey: string, body: Buffer | string): string {
  return signHexBodyHmac('sha512', secretKey, body)
}

/** Recognition rule: the signature header (the body, `{event, data}`, is too common a shape to go by). */
export const paystackRules: Readonly<Record<string, RecognitionRule>> = {
  signatureHeader: ({ delivery }) =>
    headerValue(delivery.headers, PAYSTACK_SIGNATURE_HEADER) === undefined ? null : { variant: 'webhook', detectedBy: `${PAYSTACK_SIGNATURE_HEADER} header` },
}

export function verifyPaystack(delivery: Delivery, keys: readonly ProviderKey[], _options?: VerifyOptions): VerifyResult {
  const explanation = hexBodyHmacExplanation(PAYSTACK_SCHEME)
  const header = headerValue(delivery.headers, PAYSTACK_SIGNATURE_HEADER)
  if (header === undefined) {
    return result(invalidVerdict('missing-header', `no ${PAYSTACK_SIGNATURE_HEADER} header (Paystack signs every event)`), explanation)
  }
  return verifyHexBodyHmac(PAYSTACK_SCHEME, header, delivery.body, hexBodyHmacCandidates(keys, PAYSTACK_PROVIDER_ID), explanation)
}

/**
 * A Paystack amount: an integer in the currency's subunit. Paystack names the subunit of its
 * two-decimal currencies (kobo, pesewas, cents); for a currency whose ISO 4217 exponent is not 2
 * (XOF has none) the found documentation does not say what "subunit" means, so the value is shown
 * as received, not converted.
 */
export function paystackAmount(value: unknown, currency: unknown): MoneyAmount | null {
  const amount = minorAmount(value, currency)
  if (amount === null || amount.currency === null || currencyExponent(amount.currency) === 2) return amount
  return { ...amount, amountMinor: null, amountDisplay: `${amount.currency} ${amount.raw} (Paystack subunits)` }
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
