/**
 * Providers' retry policies as their public pages state them, and the times they predict for the
 * attempts of one delivery. Each schedule names its page (`sourceUrl`), which the Delivery view
 * links to; where a page gives no times, the schedule says so and predicts nothing rather than
 * guessing.
 */
import type { ProviderId } from '../../shared/provider-catalog'
import type { RetrySchedule, RetryStep } from '../../shared/deliveries'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

const fromFirst = (delayMs: number): RetryStep => ({ delayMs, from: 'first-attempt' })
const fromPrevious = (delayMs: number): RetryStep => ({ delayMs, from: 'previous-attempt' })

// CHIP Collect, https://docs.chip-in.asia/chip-collect/overview/delivery-protocol:
// the delay before attempt n is 3^(n−1) − 1 minutes counted from when the callback was first
// scheduled; delivery stops after the 8th attempt, 36 h 26 min after the first.
const CHIP_COLLECT: RetrySchedule = {
  provider: 'chip',
  title: 'CHIP Collect',
  kind: 'published-times',
  description:
    'Retried until a 2xx, up to 8 attempts over 36 h 26 min: attempt n comes 3^(n−1) − 1 minutes after the first (2, 8, 26, 80, 242, 728 and 2186 minutes).',
  successRule: 'any 2xx',
  retries: [2, 8, 26, 80, 242, 728, 2186].map((minutes) => fromFirst(minutes * MINUTE)),
  sourceUrl: 'https://docs.chip-in.asia/chip-collect/overview/delivery-protocol',
  sourceTitle: 'CHIP Collect: delivery protocol',
  confirmed: true,
  caveat: 'CHIP’s older callbacks page says “up to 8 additional attempts” over about 36 hours, one more than this page: the last attempt may differ by one.',
}

// CHIP Send, https://docs.chip-in.asia/chip-send/api-reference/webhooks/delivery-protocol:
// 25 retries over about 21 days, then an e-mail; no per-attempt times.
const CHIP_SEND: RetrySchedule = {
  provider: 'chip',
  title: 'CHIP Send',
  kind: 'outline',
  description: 'Retried up to 25 times over about 21 days, then CHIP sends an e-mail. The page gives no per-attempt times.',
  successRule: 'any 2xx',
  retries: [],
  sourceUrl: 'https://docs.chip-in.asia/chip-send/api-reference/webhooks/delivery-protocol',
  sourceTitle: 'CHIP Send: webhook delivery protocol',
  confirmed: true,
  caveat: null,
}

// IXOPAY, https://documentation.ixopay.com/docs/reference/integration/callbacks/response-handling:
// asks for HTTP 200 with body "OK"; no public copy of the page gives retry intervals.
const IXOPAY: RetrySchedule = {
  provider: 'ixopay',
  title: 'IXOPAY',
  kind: 'not-published',
  description: 'IXOPAY retries callbacks that are not acknowledged, but publishes no intervals: attempts are shown as they arrive, without expected times.',
  successRule: 'HTTP 200 with the body OK',
  retries: [],
  sourceUrl: 'https://documentation.ixopay.com/docs/reference/integration/callbacks/response-handling',
  sourceTitle: 'IXOPAY: callback response handling',
  confirmed: true,
  caveat: null,
}

// Stripe, https://docs.stripe.com/webhooks (automatic retries): live mode retries for up to three
// days with exponential backoff, sandboxes three times over a few hours; no per-attempt times.
const STRIPE: RetrySchedule = {
  provider: 'stripe',
  title: 'Stripe',
  kind: 'outline',
  description:
    'Live mode: retried for up to 3 days with exponential backoff. Sandbox: retried 3 times over a few hours. Stripe gives no per-attempt times and does not guarantee order.',
  successRule: 'any 2xx',
  retries: [],
  sourceUrl: 'https://docs.stripe.com/webhooks',
  sourceTitle: 'Stripe: receive events in your webhook endpoint (automatic retries)',
  confirmed: true,
  caveat: null,
}

// Adyen, https://docs.adyen.com/development-resources/webhooks/troubleshoot: three tries at 9 s,
// 18 s and 27 s, then a retry queue at 2 min, 5 min, 10 min, 15 min, 30 min, 1 h, 2 h, 4 h and 8 h,
// continuing for up to 30 days.
const ADYEN: RetrySchedule = {
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

// Standard Webhooks, https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md:
// an example schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h); each
// sender picks its own.
const STANDARD_WEBHOOKS: RetrySchedule = {
  provider: 'standard-webhooks',
  title: 'Standard Webhooks / Svix',
  kind: 'example-times',
  description:
    'The specification’s example: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h after each failure. Each sender may use its own.',
  successRule: 'any 2xx',
  retries: [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR].map(fromPrevious),
  sourceUrl: 'https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md',
  sourceTitle: 'Standard Webhooks specification',
  confirmed: true,
  caveat: null,
}

// Swedbank Pay, https://github.com/SwedbankPay/developer.swedbankpay.com/blob/HEAD/_includes/callback.md
// (the source of the developer portal's callback sections):
// retried at 30, 60, 360, 432, 864 and 1265 seconds "from the initial transaction time".
const SWEDBANK_PAY: RetrySchedule = {
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

// Shopify, https://shopify.dev/docs/apps/build/webhooks: failed deliveries are retried 8 times
// over 4 hours (figures from summaries of the docs, not re-read on Shopify's page).
const SHOPIFY: RetrySchedule = {
  provider: 'shopify',
  title: 'Shopify',
  kind: 'outline',
  description: 'Retried 8 times over 4 hours; after 8 consecutive failures an Admin API subscription is deleted.',
  successRule: 'a 200-series status within 5 s',
  retries: [],
  sourceUrl: 'https://shopify.dev/docs/apps/build/webhooks',
  sourceTitle: 'Shopify: about webhooks',
  confirmed: false,
  caveat: 'Taken from summaries of Shopify’s documentation; check the page for the current figures.',
}

// PayPal, https://developer.paypal.com/api/rest/webhooks/: "up to 25 retries over 3 days" is how
// PayPal's policy is commonly described; not confirmed on PayPal's own page.
const PAYPAL: RetrySchedule = {
  provider: 'paypal',
  title: 'PayPal',
  kind: 'outline',
  description: 'Commonly described as up to 25 retries over 3 days for answers that are not 2xx.',
  successRule: 'any 2xx',
  retries: [],
  sourceUrl: 'https://developer.paypal.com/api/rest/webhooks/',
  sourceTitle: 'PayPal: webhooks',
  confirmed: false,
  caveat: 'Not confirmed on PayPal’s own pages.',
}

// GitHub, https://docs.github.com/en/webhooks/testing-and-troubleshooting-webhooks/redelivering-webhooks:
// failed deliveries are not redelivered automatically.
const GITHUB: RetrySchedule = {
  provider: 'github',
  title: 'GitHub',
  kind: 'no-automatic-retries',
  description: 'GitHub does not retry failed deliveries: a second attempt is a redelivery someone asked for (in the settings or through the API).',
  successRule: 'any 2xx within 10 s',
  retries: [],
  sourceUrl: 'https://docs.github.com/en/webhooks/testing-and-troubleshooting-webhooks/redelivering-webhooks',
  sourceTitle: 'GitHub: redelivering webhooks',
  confirmed: true,
  caveat: null,
}

/**
 * The retry policy of a provider (and product, for CHIP), or `null` where no public policy is
 * known (Plexo, Mollie, generic and unknown senders).
 */
export function retryScheduleFor(provider: ProviderId, variant: string | null): RetrySchedule | null {
  switch (provider) {
    case 'chip':
      return variant === 'send' ? CHIP_SEND : CHIP_COLLECT
    case 'ixopay':
      return IXOPAY
    case 'stripe':
      return STRIPE
    case 'adyen':
      return ADYEN
    case 'standard-webhooks':
      return STANDARD_WEBHOOKS
    case 'swedbankpay':
      return SWEDBANK_PAY
    case 'shopify':
      return SHOPIFY
    case 'paypal':
      return PAYPAL
    case 'github':
      return GITHUB
    case 'plexo':
    case 'mollie':
    case 'generic':
    case 'unknown':
      return null
  }
}

/**
 * When the schedule expected each attempt, given when the attempts actually came (ms since the
 * epoch, oldest first): index 0 is the first attempt (never expected), index i the i-th retry.
 * A step counted from the previous attempt uses that attempt's real arrival, so one late attempt
 * does not shift every later expectation by a guess. One more entry than `arrivals` is returned:
 * the next attempt the schedule expects. `null` where the schedule gives no time.
 */
export function expectedAttemptTimes(schedule: RetrySchedule, arrivals: readonly number[]): Array<number | null> {
  const expected: Array<number | null> = [null]
  const first = arrivals[0]
  if (first === undefined) return expected
  for (let attempt = 1; attempt <= arrivals.length; attempt++) {
    const step = schedule.retries[attempt - 1]
    if (step === undefined) {
      expected.push(null)
      continue
    }
    const base = step.from === 'first-attempt' ? first : (arrivals[attempt - 1] ?? expected[attempt - 1] ?? null)
    expected.push(base === null ? null : base + step.delayMs)
  }
  return expected
}
