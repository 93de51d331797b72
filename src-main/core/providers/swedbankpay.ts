/**
 * PayEx / Swedbank Pay callbacks: unsigned pointers to a resource the integration must GET
 * (SwedbankPay/developer.swedbankpay.com `_includes/callback*.md`). Four body generations:
 * PayEx Checkout v1 (flat strings), payment instruments (`payment{id}`), Payment Order v3.0
 * (`paymentOrder{id,instrument}` + payment + transaction) and v3.1 (`orderReference` + `paymentOrder`).
 * For payment orders the resource to fetch is the payment order, not the payment.
 */
import type { ConfirmHint, DeliverySummary, ProviderVariant } from '../../shared/providers'
import { at, firstText, isObject, parseJsonBody, prop, text, type JsonObject, type JsonValue } from './body'
import { emptySummary, pushField, summariseJsonObject } from './summary'
import type { Delivery } from './verification'
import type { RetrySchedule } from '../../shared/deliveries'
import { COMMON_URL_RULES, EMPTY_200, fromFirst, is2xx, SECOND, unsignedResult } from './module-parts'
import type { ProviderModule } from './provider-module'
import { UNSIGNED_SIMULATION } from './simulation'

export const SWEDBANKPAY_API_URL = 'https://api.swedbankpay.com'
export const SWEDBANKPAY_TEST_API_URL = 'https://api.externalintegration.swedbankpay.com'
export const PAYEX_API_URL = 'https://api.payex.com'

const PSP_PATH = /^\/psp\/[A-Za-z0-9/_.-]+$/

function pspId(value: JsonValue | undefined): string | null {
  const id = typeof value === 'string' ? value : text(prop(value, 'id'))
  return id !== null && PSP_PATH.test(id) ? id : null
}

/** True when the body carries a `/psp/` id in paymentOrder, payment or transaction. */
export function isSwedbankPayCallback(json: JsonValue | undefined): boolean {
  if (!isObject(json)) return false
  return pspId(json.paymentOrder) !== null || pspId(json.payment) !== null || pspId(json.transaction) !== null
}

export function swedbankPayVariant(
  json: JsonValue | undefined,
): Extract<ProviderVariant, 'payex-v1' | 'instrument' | 'payment-order-v3.0' | 'payment-order-v3.1'> {
  if (isObject(json) && isObject(json.paymentOrder)) {
    return json.payment === undefined && json.transaction === undefined ? 'payment-order-v3.1' : 'payment-order-v3.0'
  }
  if (isObject(json) && typeof json.payment === 'string') return 'payex-v1'
  return 'instrument'
}

/** The confirm request: the payment order if present, else the payment, else the transaction. */
export function swedbankPayConfirmHint(json: JsonValue | undefined): ConfirmHint | null {
  if (!isObject(json)) return null
  const path = pspId(json.paymentOrder) ?? pspId(json.payment) ?? pspId(json.transaction)
  if (path === null) return null
  const isPayEx = typeof json.payment === 'string'
  const url = `${SWEDBANKPAY_API_URL}${path}`
  return {
    method: 'GET',
    path,
    url,
    display: `GET ${url}`,
    alternativeUrls: [`${SWEDBANKPAY_TEST_API_URL}${path}`, ...(isPayEx ? [`${PAYEX_API_URL}${path}`] : [])],
    note: 'Swedbank Pay callbacks are unsigned pointers (the IP allow-list is the only sender check): GET the resource with your bearer token and act on its state; never infer the state from the URL',
  }
}

/** Summary of a PayEx / Swedbank Pay callback. */
export function parseSwedbankPay(delivery: Delivery): DeliverySummary {
  return summariseJsonObject(delivery.body, 'object', summariseJson)
}

function summariseJson(body: JsonObject): DeliverySummary {
  const summary = emptySummary('json')
  const variant = swedbankPayVariant(body)
  summary.signalOnly = swedbankPayConfirmHint(body)
  summary.providerObjectId = summary.signalOnly?.path ?? null
  summary.merchantReference = firstText(body.orderReference)
  if (!isSwedbankPayCallback(body)) summary.problems.push('no paymentOrder.id / payment(.id) / transaction(.id) of the form /psp/...')
  const fields = summary.fields
  pushField(fields, 'Format', variant)
  pushField(fields, 'Order reference', body.orderReference)
  pushField(fields, 'Payment order', pspId(body.paymentOrder))
  pushField(fields, 'Payment order instrument', at(body, 'paymentOrder', 'instrument'))
  pushField(fields, 'Payment order number', at(body, 'paymentOrder', 'number'))
  pushField(fields, 'Payment', pspId(body.payment))
  pushField(fields, 'Payment number', body.paymentNumber ?? at(body, 'payment', 'number'))
  pushField(fields, 'Transaction', pspId(body.transaction))
  pushField(fields, 'Transaction number', body.transactionNumber ?? at(body, 'transaction', 'number'))
  return summary
}

// Swedbank Pay, https://github.com/SwedbankPay/developer.swedbankpay.com/blob/HEAD/_includes/callback.md
// (the source of the developer portal's callback sections):
// retried at 30, 60, 360, 432, 864 and 1265 seconds "from the initial transaction time".
const SWEDBANK_PAY_RETRIES: RetrySchedule = {
  provider: 'swedbankpay',
  title: 'Swedbank Pay / PayEx',
  kind: 'published-times',
  description: 'Retried at 30, 60, 360, 432, 864 and 1265 seconds from the initial transaction time (shown here from the first attempt).',
  successRule: 'HTTP 200',
  retries: [30, 60, 360, 432, 864, 1265].map((seconds) => fromFirst(seconds * SECOND)),
  sourceUrl: 'https://github.com/SwedbankPay/developer.swedbankpay.com/blob/HEAD/_includes/callback.md',
  sourceTitle: 'Swedbank Pay developer portal: callback',
  confirmed: true,
  caveat: 'Counted from the transaction, not from the first callback: expected times can be early by the time the first callback took.',
}

export const swedbankPayProvider: ProviderModule<'swedbankpay'> = {
  id: 'swedbankpay',
  rules: {
    callback: ({ json }) =>
      isSwedbankPayCallback(json) ? { variant: swedbankPayVariant(json), detectedBy: '/psp/ ids in paymentOrder, payment or transaction' } : null,
  },
  variantOf: (delivery) => swedbankPayVariant(parseJsonBody(delivery.body)),
  parse: parseSwedbankPay,
  verify: (delivery) => {
    const hint = swedbankPayConfirmHint(parseJsonBody(delivery.body))
    return unsignedResult(hint, `PayEx / Swedbank Pay callbacks are unsigned by design${hint ? `; confirm with ${hint.display}` : ''}`)
  },
  acknowledgement: () => ({
    subject: 'Swedbank Pay',
    expects: 'HTTP 200 OK',
    consequence: 'and retry (up to 8 times)',
    acknowledgement: EMPTY_200,
    timeoutMs: null,
    // Its docs name 200 OK, while a sequence diagram says 2xx: other 2xx are a maybe.
    judge: (status) => (status === 200 ? 'success' : is2xx(status) ? 'uncertain' : 'failure'),
  }),
  publicUrl: { rules: COMMON_URL_RULES, senderName: 'Swedbank Pay' },
  // Unsigned by design: the receiver confirms by fetching the resource.
  keyKinds: [],
  // Retries resend the same bytes, and nothing kept in the summary tells two notifications apart:
  // no identity rule, so the body's bytes identify a delivery.
  simulate: UNSIGNED_SIMULATION,
  retrySchedule: () => SWEDBANK_PAY_RETRIES,
}
