/**
 * Replay, forward and simulate: the input schemas (user input, validated once by the API layer).
 * The types they produce that are not inferred here (keys, results) are in replay-types.ts.
 */
import { z } from 'zod'
import { HTTP_TOKEN_PATTERN, MAX_METHOD_CHARS } from './answer-catalog'
import { providerKeySchema } from './providers'
import {
  BULK_MAX_CONCURRENCY,
  BULK_MAX_RATE_PER_SECOND,
  FORWARD_TIMEOUT_MAX_MS,
  FORWARD_TIMEOUT_MIN_MS,
  FORWARD_TIMEOUT_MS,
  SEND_TIMEOUT_MAX_MS,
  SEND_TIMEOUT_MIN_MS,
} from './replay-limits'
import { FORWARD_MODES } from './replay-types'
import { describeInvalidTargetUrl, isTargetUrl, MAX_TARGET_URL_CHARS, TARGET_URL_EXAMPLE, withoutCredentials } from './target-url'

// ---------------------------------------------------------------------------------------------
// Keys that only a sender holds (their types: replay-types.ts)

export const rsaPrivateKeySchema = z
  .object({
    kind: z.literal('rsa-private-key'),
    provider: z.enum(['chip', 'paypal', 'plexo']),
    pem: z
      .string()
      .min(1, 'cannot be empty')
      .max(65_536)
      .regex(/-----BEGIN (RSA )?PRIVATE KEY-----/, 'a PEM private key (-----BEGIN PRIVATE KEY-----)'),
    label: z.string().max(100).optional(),
    chipProduct: z.enum(['collect', 'send']).optional(),
  })
  .strict()

/** Shape only: the core decodes the key when it signs and says what is wrong with it. */
export const ed25519PrivateKeySchema = z
  .object({
    kind: z.literal('ed25519-private-key'),
    provider: z.literal('standard-webhooks'),
    value: z
      .string()
      .max(65_536)
      .regex(/^\s*(?:whsk_|-----BEGIN PRIVATE KEY-----)/, 'whsk_<base64> or a PEM PKCS#8 private key (-----BEGIN PRIVATE KEY-----)'),
    label: z.string().max(100).optional(),
  })
  .strict()

export const privateKeySchema = z.discriminatedUnion('kind', [rsaPrivateKeySchema, ed25519PrivateKeySchema])

export const signingKeySchema = z.union([providerKeySchema, privateKeySchema])

// ---------------------------------------------------------------------------------------------
// Inputs

/** A target URL given by the caller: refused in the words the forms use (describeInvalidTargetUrl). */
const httpUrl = z.string().superRefine((value, context) => {
  const problem = describeInvalidTargetUrl(value)
  if (problem !== null) context.addIssue({ code: 'custom', message: problem })
})

/**
 * A target URL in the saved forward settings, which are read back with this schema too. Earlier
 * versions accepted `user:password@` in it (never sent): dropped here, not refused, so such a
 * settings file still loads instead of being moved aside whole.
 */
const storedHttpUrl = z
  .string()
  .max(MAX_TARGET_URL_CHARS)
  .transform(withoutCredentials)
  .refine(isTargetUrl, `an http:// or https:// URL, e.g. ${TARGET_URL_EXAMPLE}`)

const headerName = z.string().regex(HTTP_TOKEN_PATTERN, 'a header name is a token like X-Signature')
// Header values are latin1 strings (one char per wire byte); CR, LF and NUL would split the header.
// Any other character Node's client refuses to write (a control character, or one past U+00FF such
// as ✓ typed into the editor) is refused here too: the preview said nothing and the send then
// failed with "Invalid character in header content".
const headerValueText = z
  .string()
  .max(65_536)
  .regex(/^[^\r\n\0]*$/, 'a header value cannot contain line breaks')
  .regex(
    /^[\t\x20-\x7e\x80-\xff]*$/,
    'a header value is sent as bytes: only tab, printable ASCII and Latin-1 characters (one byte each) fit, not control characters or characters past U+00FF such as ✓ (percent-encode them)',
  )
const headerPairsSchema = z.array(z.tuple([headerName, headerValueText])).max(500)

/** A body as edited: text (sent as UTF-8) or base64 (any bytes). */
export const replayBodySchema = z.discriminatedUnion('encoding', [
  z.object({ encoding: z.literal('utf8'), text: z.string() }).strict(),
  z.object({ encoding: z.literal('base64'), base64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64') }).strict(),
])
export type ReplayBody = z.infer<typeof replayBodySchema>

/** What the user changed before sending; anything absent is sent as captured. */
export const replayEditsSchema = z
  .object({
    method: z.string().regex(HTTP_TOKEN_PATTERN, 'a method is a token like POST').max(MAX_METHOD_CHARS, 'a method is a token like POST').optional(),
    /** The whole header list as it should go out (order and case kept). Host is still rewritten for the target. */
    headers: headerPairsSchema.optional(),
    body: replayBodySchema.optional(),
  })
  .strict()
export type ReplayEdits = z.infer<typeof replayEditsSchema>

export const sendOptionsSchema = z
  .object({
    timeoutMs: z.number().int().min(SEND_TIMEOUT_MIN_MS).max(SEND_TIMEOUT_MAX_MS).optional(),
    connectTimeoutMs: z.number().int().min(SEND_TIMEOUT_MIN_MS).max(SEND_TIMEOUT_MAX_MS).optional(),
    followRedirects: z.boolean().optional(),
    maxResponseBytes: z
      .number()
      .int()
      .min(0)
      .max(64 * 1024 * 1024)
      .optional(),
    /** Accept a self-signed certificate on the target (a local dev server over https); the target's origin only, never a redirect's. */
    allowInsecureTls: z.boolean().optional(),
    /** Follow a redirect from https to http (refused by default: the rest would travel unencrypted). */
    allowHttpsToHttp: z.boolean().optional(),
  })
  .strict()
export type SendOptionsInput = z.infer<typeof sendOptionsSchema>

/** `replayCapture`: resend one capture, as captured or edited, optionally re-signed. */
export const replayCaptureInputSchema = z
  .object({
    captureId: z.string().min(1).max(100),
    targetUrl: httpUrl,
    keepCapturedPath: z.boolean().optional(),
    edits: replayEditsSchema.optional(),
    /** Re-sign every recognised scheme whose key is configured on the endpoint (or given here). */
    resign: z.boolean().optional(),
    privateKeys: z.array(privateKeySchema).max(10).optional(),
    send: sendOptionsSchema.optional(),
  })
  .strict()
export type ReplayCaptureInput = z.infer<typeof replayCaptureInputSchema>

/** `bulkReplay`: many captures, oldest first. Either a concurrency or a rate (or both). */
export const bulkReplayInputSchema = z
  .object({
    captureIds: z.array(z.string().min(1).max(100)).min(1).max(10_000),
    targetUrl: httpUrl,
    keepCapturedPath: z.boolean().optional(),
    resign: z.boolean().optional(),
    /** For schemes signed with a private key (never stored): used for every capture of its provider. */
    privateKeys: z.array(privateKeySchema).max(10).optional(),
    concurrency: z.number().int().min(1).max(BULK_MAX_CONCURRENCY).optional(),
    ratePerSecond: z.number().positive().max(BULK_MAX_RATE_PER_SECOND).optional(),
    send: sendOptionsSchema.optional(),
  })
  .strict()
export type BulkReplayInput = z.infer<typeof bulkReplayInputSchema>

/**
 * Live forwarding per endpoint. `pass-through`: the provider gets the target's real answer, or the
 * endpoint's configured answer once `timeoutMs` passes (the capture says so). `background`: the
 * provider gets the configured answer at once and the forward runs on its own.
 */
export const forwardConfigSchema = z
  .object({
    enabled: z.boolean(),
    targetUrl: storedHttpUrl,
    mode: z.enum(FORWARD_MODES),
    timeoutMs: z.number().int().min(FORWARD_TIMEOUT_MIN_MS).max(FORWARD_TIMEOUT_MAX_MS).default(FORWARD_TIMEOUT_MS),
    keepCapturedPath: z.boolean().default(false),
  })
  .strict()

/** `setForwardConfig`'s `config` as the caller gives it: a URL with a user name or password is refused, saying why. */
export const forwardConfigInputSchema = forwardConfigSchema.extend({ targetUrl: httpUrl })
export type ForwardConfig = z.infer<typeof forwardConfigSchema>

/** `simulateCallback`: build (and send) a test callback from a template. */
export const simulateCallbackInputSchema = z
  .object({
    templateId: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,80}$/, 'a template id from listSimulatorTemplates'),
    targetUrl: httpUrl,
    /** Keys to sign with; without one the app generates a secret or key pair and returns it. */
    keys: z.array(signingKeySchema).max(10).optional(),
    send: sendOptionsSchema.optional(),
  })
  .strict()
export type SimulateCallbackInput = z.infer<typeof simulateCallbackInputSchema>
