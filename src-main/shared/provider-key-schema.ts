/**
 * The input schema of provider keys: the API layer validates keys on entry with it, and the core
 * re-validates them with `validateKey` (PEM parsing, hex and base64 checks) before storing them.
 * Kept apart from providers.ts, which holds no zod, so the recognition thread does not load zod.
 */
import { z } from 'zod'
import { HTTP_TOKEN_PATTERN } from './answer-catalog'
import { GENERIC_HMAC_ALGORITHMS, GENERIC_HMAC_ENCODINGS, HMAC_PROVIDER_IDS } from './provider-catalog'
import { describeInvalidSquareNotificationUrl } from './square-notification-url'

const label = z.string().max(100).optional()
/** Square signs this URL with the body: kept as typed (trimmed), see shared/square-notification-url.ts. */
const squareNotificationUrl = z
  .string()
  .trim()
  .superRefine((url, context) => {
    const problem = describeInvalidSquareNotificationUrl(url)
    if (problem !== null) context.addIssue({ code: 'custom', message: problem })
  })
const nonEmpty = z.string().min(1, 'cannot be empty').max(65_536)

export const genericHmacConfigSchema = z
  .object({
    header: z.string().regex(HTTP_TOKEN_PATTERN, 'a header name is a token like X-Signature'),
    prefix: z.string().max(64),
    algorithm: z.enum(GENERIC_HMAC_ALGORITHMS),
    encoding: z.enum(GENERIC_HMAC_ENCODINGS),
    signed: z.union([z.literal('body'), z.object({ template: z.string().min(1, 'a template cannot be empty').max(4096) }).strict()]),
  })
  .strict()

/** Shape check for a key as entered (UI or API). `validateKey` in the core checks the content. */
export const providerKeySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('hmac-secret'),
      provider: z.enum(HMAC_PROVIDER_IDS),
      value: nonEmpty,
      label,
      apiKey: z.string().max(200).optional(),
      notificationUrl: squareNotificationUrl.optional(),
    })
    .strict(),
  z
    .object({ kind: z.literal('rsa-public-key'), provider: z.literal('chip'), pem: nonEmpty, label, chipProduct: z.enum(['collect', 'send']).optional() })
    .strict(),
  z.object({ kind: z.literal('ed25519-public-key'), provider: z.literal('standard-webhooks'), value: nonEmpty, label }).strict(),
  z.object({ kind: z.literal('certificate'), provider: z.enum(['plexo', 'paypal']), pem: nonEmpty, label }).strict(),
  z
    .object({
      kind: z.literal('paypal-webhook-id'),
      value: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a PayPal webhook id is letters and digits, e.g. 4JH86294D6297924G'),
      label,
    })
    .strict(),
  z.object({ kind: z.literal('generic-hmac'), config: genericHmacConfigSchema, secret: nonEmpty, label }).strict(),
])
