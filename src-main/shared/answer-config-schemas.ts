/**
 * The zod schemas of an endpoint's answer configuration (answers, rules, sequence, failure rate),
 * built from the zod-free rules of `answer-rules.ts` and the limits of `answer-catalog.ts`, and the
 * types derived from them. `responses.ts` re-exports all of it.
 */
import { z } from 'zod'
import type { VerdictStatus } from './provider-catalog'
import {
  MAX_ANSWER_BODY_BYTES,
  MAX_CONFIG_BODY_BYTES,
  MAX_MATCH_TEXT_LENGTH,
  MAX_PATH_PATTERN_LENGTH,
  MAX_RULES_PER_ENDPOINT,
  MAX_SEQUENCE_STEPS,
  RULE_VERDICTS,
  type RuleVerdict,
  STATUSES_WITHOUT_BODY,
} from './answer-catalog'
import {
  describeInvalidAnswerDelay,
  describeInvalidAnswerHeaderName,
  describeInvalidAnswerStatus,
  describeInvalidHeaderValue,
  describeInvalidJsonPath,
  describeInvalidMatchHeaderName,
  describeInvalidRuleMethod,
  describeInvalidRuleName,
  describeOversizedBody,
  describeTooManyHeaders,
  utf8ByteLength,
} from './answer-rules'
import { formatByteLimit } from './byte-size'

// Fails to compile when the verifier's verdicts and the ones a rule can name drift apart.
true satisfies [RuleVerdict] extends [VerdictStatus] ? ([VerdictStatus] extends [RuleVerdict] ? true : false) : false

/** A zod check that reports what a shared rule of `answer-rules.ts` says is wrong, in its words. */
function ruleCheck<T>(describe: (value: T) => string | null) {
  return (value: T, context: z.RefinementCtx<T>) => {
    const problem = describe(value)
    if (problem !== null) context.addIssue({ code: 'custom', message: problem })
  }
}

/**
 * The body text an answer body sends, or `null` when a JSON value cannot be serialised (JSON
 * input always can; a caller that builds the value in code might pass `undefined` or a BigInt).
 */
export function answerBodyText(body: AnswerBody): string | null {
  if ('text' in body) return body.text
  try {
    const serialised: unknown = JSON.stringify(body.json)
    return typeof serialised === 'string' ? serialised : null
  } catch {
    // A BigInt or a cycle: not a JSON value, whatever the error says.
    return null
  }
}

/**
 * How many unknown fields one message names, and how many problems a refusal lists; the rest are
 * counted. A caller fixes the first ones and calls again. Without a bound the message grew with
 * the input: `setAnswerConfig` with 300,000 misspelt fields echoed 18 MB back (2.9 s).
 */
export const MAX_NAMED_UNKNOWN_ANSWER_FIELDS = 10
export const MAX_LISTED_ANSWER_CONFIG_ISSUES = 10
/** Characters of an unknown field's name quoted in a message. */
const MAX_QUOTED_FIELD_CHARS = 80

/** The first `limit` items, each described, joined by `separator`, then how many more there are. */
function listSome<T>(items: readonly T[], limit: number, separator: string, describe: (item: T) => string, more: (count: number) => string): string {
  const shown = items.slice(0, limit).map(describe).join(separator)
  return items.length > limit ? `${shown}${separator}${more(items.length - limit)}` : shown
}

/** `unknown field "colour"`, or the first few of many, then how many more. */
function describeUnknownFields(keys: readonly string[]): string {
  const named = listSome(
    keys,
    MAX_NAMED_UNKNOWN_ANSWER_FIELDS,
    ', ',
    (key) => JSON.stringify(key.slice(0, MAX_QUOTED_FIELD_CHARS)),
    (more) => `and ${more} more`,
  )
  return `unknown field${keys.length > 1 ? 's' : ''} ${named}`
}

/** A strict object whose unknown-key error names the field, e.g. `unknown field "colour"`. */
function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? describeUnknownFields(issue.keys) : undefined),
  })
}

const headerName = z.string().superRefine(ruleCheck(describeInvalidAnswerHeaderName))

/** A header a rule looks at: any token, framing headers included (only answers may not set those). */
const matchHeaderName = z.string().superRefine(ruleCheck(describeInvalidMatchHeaderName))

const headerValue = z.string().superRefine(ruleCheck(describeInvalidHeaderValue))

const headerPair = z.tuple([headerName, headerValue], {
  error: 'each header is a [name, value] pair of strings',
})

const delayMs = z.number({ error: 'delayMs must be a number of milliseconds' }).superRefine(ruleCheck(describeInvalidAnswerDelay))

const contentType = headerValue.refine((value) => value.trim() !== '', 'contentType cannot be empty')

const textBody = strictObject({ text: z.string(), contentType: contentType.optional() })
const jsonBody = strictObject({ json: z.unknown(), contentType: contentType.optional() })

/** Limits the schemas enforce that a caller may tighten or relax (tests use small ones). */
export interface AnswerSchemaLimits {
  /** Limit for one answer body, in UTF-8 bytes. */
  maxBodyBytes: number
  /** Limit for all answer bodies of one endpoint configuration together, in UTF-8 bytes. */
  maxConfigBodyBytes: number
}

/**
 * Builds the configuration schemas with the given body limits. {@link answerConfigSchemas} holds
 * the ones built with the defaults ({@link MAX_ANSWER_BODY_BYTES}, {@link MAX_CONFIG_BODY_BYTES}).
 */
export function createAnswerConfigSchemas(limits: Partial<AnswerSchemaLimits> = {}) {
  const maxBodyBytes = limits.maxBodyBytes ?? MAX_ANSWER_BODY_BYTES
  const maxConfigBodyBytes = limits.maxConfigBodyBytes ?? MAX_CONFIG_BODY_BYTES

  const body = z
    .union([textBody, jsonBody, z.null()], {
      error: 'body must be null, { text, contentType? } or { json, contentType? }',
    })
    .superRefine((value, context) => {
      if (value === null) return
      const text = answerBodyText(value)
      if (text === null) {
        context.addIssue({ code: 'custom', path: ['json'], message: 'json must be a JSON value (not undefined)' })
        return
      }
      const oversized = describeOversizedBody(utf8ByteLength(text), maxBodyBytes)
      if (oversized !== null) context.addIssue({ code: 'custom', message: oversized })
    })

  const respond = strictObject({
    kind: z.literal('respond'),
    status: z.number({ error: 'status must be a number' }).superRefine(ruleCheck(describeInvalidAnswerStatus)),
    headers: z
      .array(headerPair)
      .superRefine(ruleCheck((headers: unknown[]) => describeTooManyHeaders(headers.length)))
      .default([]),
    body: body.default(null),
    delayMs: delayMs.default(0),
  }).superRefine((answer, context) => {
    if (answer.body !== null && STATUSES_WITHOUT_BODY.has(answer.status)) {
      context.addIssue({
        code: 'custom',
        path: ['body'],
        message: `a ${answer.status} answer cannot carry a body (HTTP forbids it); set body to null`,
      })
    }
  })

  const answer = z.discriminatedUnion(
    'kind',
    [
      respond,
      strictObject({ kind: z.literal('close'), delayMs: delayMs.optional() }),
      strictObject({ kind: z.literal('reset'), delayMs: delayMs.optional() }),
      // No delay: a hang never answers, so there is nothing to delay.
      strictObject({ kind: z.literal('hang') }),
    ],
    { error: 'kind must be "respond", "close", "reset" or "hang"' },
  )

  const matchText = z.string().max(MAX_MATCH_TEXT_LENGTH, `at most ${MAX_MATCH_TEXT_LENGTH} characters`)

  const headerCondition = strictObject({
    name: matchHeaderName,
    equals: matchText.optional(),
    contains: matchText.min(1, 'contains cannot be empty').optional(),
    present: z.boolean().optional(),
  }).superRefine((condition, context) => {
    const given = [condition.equals, condition.contains, condition.present].filter((value) => value !== undefined)
    if (given.length !== 1) {
      context.addIssue({
        code: 'custom',
        message: 'a header condition needs exactly one of equals, contains or present',
      })
    }
  })

  const jsonPath = z.string().superRefine(ruleCheck(describeInvalidJsonPath))

  const match = strictObject({
    method: z.string().superRefine(ruleCheck(describeInvalidRuleMethod)).optional(),
    pathPattern: z
      .string()
      .min(1, 'pathPattern cannot be empty')
      .max(MAX_PATH_PATTERN_LENGTH, `pathPattern is at most ${MAX_PATH_PATTERN_LENGTH} characters`)
      .optional(),
    header: headerCondition.optional(),
    provider: z.string().min(1, 'provider cannot be empty').max(64, 'provider is at most 64 characters').optional(),
    verdict: z.enum(RULE_VERDICTS, { error: `verdict must be one of ${RULE_VERDICTS.join(', ')}` }).optional(),
    jsonField: strictObject({
      path: jsonPath,
      equals: z.union([z.string(), z.number(), z.boolean(), z.null()], {
        error: 'jsonField.equals must be a string, number, boolean or null',
      }),
    }).optional(),
    bodyContains: matchText.min(1, 'bodyContains cannot be empty').optional(),
  })

  const rule = strictObject({
    id: z.string().min(1, 'a rule id cannot be empty').max(100, 'a rule id is at most 100 characters'),
    name: z.string().trim().superRefine(ruleCheck(describeInvalidRuleName)),
    enabled: z.boolean(),
    match,
    answer,
  })

  const sequence = strictObject({
    enabled: z.boolean(),
    steps: z.array(answer).min(1, 'a sequence needs at least one step').max(MAX_SEQUENCE_STEPS, `a sequence has at most ${MAX_SEQUENCE_STEPS} steps`),
    afterLast: z.enum(['repeat-last', 'restart'], { error: 'afterLast must be "repeat-last" or "restart"' }),
  })

  const failureRate = strictObject({
    enabled: z.boolean(),
    percent: z.number({ error: 'percent must be a number' }).min(0, 'percent is between 0 and 100').max(100, 'percent is between 0 and 100'),
    answer,
  })

  const config = strictObject({
    defaultAnswer: z.union([z.literal('provider-default'), answer], {
      // A union reports a bare "Invalid input" when both branches fail hard (a wrong type
      // inside the answer); the answer branch's own messages are the useful ones.
      error: (issue) => {
        if (issue.code !== 'invalid_union') return undefined
        const answerIssues = issue.errors[1] ?? []
        if (typeof issue.input !== 'object' || issue.input === null || answerIssues.length === 0) {
          return 'must be "provider-default" or an answer'
        }
        return listIssues(answerIssues)
      },
    }),
    rules: z.array(rule).max(MAX_RULES_PER_ENDPOINT, `at most ${MAX_RULES_PER_ENDPOINT} rules`),
    sequence: sequence.nullable(),
    failureRate: failureRate.nullable(),
  }).superRefine((value, context) => {
    const seen = new Set<string>()
    value.rules.forEach((candidate, index) => {
      if (seen.has(candidate.id)) {
        context.addIssue({
          code: 'custom',
          path: ['rules', index, 'id'],
          message: `rule id ${JSON.stringify(candidate.id)} is used twice`,
        })
      }
      seen.add(candidate.id)
    })
    const totalBytes = configuredAnswers(value).reduce((sum, each) => sum + answerBodyBytes(each), 0)
    if (totalBytes > maxConfigBodyBytes) {
      context.addIssue({
        code: 'custom',
        message: `the answer bodies total ${formatByteLimit(totalBytes)}, over the limit of ${formatByteLimit(maxConfigBodyBytes)} per endpoint`,
      })
    }
  })

  return { answer, rule, sequence, failureRate, config }
}

function answerBodyBytes(answer: AnswerSpec): number {
  if (answer.kind !== 'respond' || answer.body === null) return 0
  const text = answerBodyText(answer.body)
  return text === null ? 0 : utf8ByteLength(text)
}

/** Every answer a configuration can send, except `'provider-default'`. */
export function configuredAnswers(config: EndpointAnswerConfig): AnswerSpec[] {
  return [
    ...(config.defaultAnswer === 'provider-default' ? [] : [config.defaultAnswer]),
    ...config.rules.map((rule) => rule.answer),
    ...(config.sequence?.steps ?? []),
    ...(config.failureRate ? [config.failureRate.answer] : []),
  ]
}

/** The schemas with the default limits; `api/` parses user input with `answerConfigSchemas.config`. */
export const answerConfigSchemas = createAnswerConfigSchemas()

type AnswerConfigSchemas = ReturnType<typeof createAnswerConfigSchemas>

/** One answer: respond (status, headers, body, delay), close the connection, reset it, or never answer. */
export type AnswerSpec = z.output<AnswerConfigSchemas['answer']>
/** An answer as a caller may write it (headers, body and delayMs of `respond` may be left out). */
export type AnswerSpecInput = z.input<AnswerConfigSchemas['answer']>
export type RespondAnswerSpec = Extract<AnswerSpec, { kind: 'respond' }>
export type AnswerBody = Exclude<RespondAnswerSpec['body'], null>
export type AnswerKind = AnswerSpec['kind']
/** An ordered rule: when every condition in `match` holds (and it is enabled), it answers. */
export type Rule = z.output<AnswerConfigSchemas['rule']>
export type RuleMatch = Rule['match']
/** "Answer 500 twice, then 200 OK", counted per delivery key. */
export type Sequence = z.output<AnswerConfigSchemas['sequence']>
/** "Answer 503 to 30% of deliveries". */
export type FailureRate = z.output<AnswerConfigSchemas['failureRate']>
/** The whole answer configuration of one endpoint, as persisted. */
export type EndpointAnswerConfig = z.output<AnswerConfigSchemas['config']>
export type EndpointAnswerConfigInput = z.input<AnswerConfigSchemas['config']>

/** What a new endpoint answers: the recognised provider's acknowledgement, else 200 with no body. */
export const DEFAULT_ANSWER_CONFIG: EndpointAnswerConfig = {
  defaultAnswer: 'provider-default',
  rules: [],
  sequence: null,
  failureRate: null,
}

/**
 * A readable message for a failed parse, one part per problem, e.g. `rules.0.answer.status: status
 * 600 is out of range: ...`: the first {@link MAX_LISTED_ANSWER_CONFIG_ISSUES}, then how many more.
 */
export function formatAnswerConfigIssues(error: z.ZodError): string {
  return listIssues(error.issues)
}

function listIssues(issues: readonly z.core.$ZodIssue[]): string {
  return listSome(issues, MAX_LISTED_ANSWER_CONFIG_ISSUES, '; ', formatIssue, (more) => `and ${more} more problem${more === 1 ? '' : 's'}`)
}

function formatIssue(issue: z.core.$ZodIssue): string {
  return issue.path.length === 0 ? issue.message : `${issue.path.map(String).join('.')}: ${issue.message}`
}
