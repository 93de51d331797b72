import { describe, expect, it } from 'vitest'
import { InspectorError } from '../../shared/errors'
import {
  ANSWER_PRESETS,
  DEFAULT_ANSWER_CONFIG,
  MAX_ANSWER_BODY_BYTES,
  answerConfigSchemas,
  createAnswerConfigSchemas,
  formatAnswerConfigIssues,
  type EndpointAnswerConfigInput,
} from '../../shared/responses'
import { MAX_LISTED_ANSWER_CONFIG_ISSUES, MAX_NAMED_UNKNOWN_ANSWER_FIELDS } from '../../shared/answer-config-schemas'
import { parseAnswerConfig, parseAnswerSpec } from './parse-answer-config'

/** The message parseAnswerConfig throws for an input, or null when it is accepted. */
function refusal(input: unknown): string | null {
  try {
    parseAnswerConfig(input)
    return null
  } catch (error: unknown) {
    if (error instanceof InspectorError) {
      expect(error.code).toBe('BAD_REQUEST')
      return error.message
    }
    throw error
  }
}

function withDefault(defaultAnswer: unknown): unknown {
  return { ...DEFAULT_ANSWER_CONFIG, defaultAnswer }
}

const validConfig: EndpointAnswerConfigInput = {
  defaultAnswer: { kind: 'respond', status: 200, body: { text: 'OK' } },
  rules: [
    {
      id: 'r1',
      name: 'Refunds fail',
      enabled: true,
      match: {
        method: 'POST',
        pathPattern: '/ixopay/**',
        header: { name: 'Content-Type', contains: 'json' },
        provider: 'ixopay',
        verdict: 'valid',
        jsonField: { path: 'transactionType', equals: 'REFUND' },
        bodyContains: 'REFUND',
      },
      answer: { kind: 'respond', status: 500, headers: [['Retry-After', '5']], body: { json: { error: 'nope' } }, delayMs: 1500 },
    },
    { id: 'r2', name: 'Drop', enabled: false, match: {}, answer: { kind: 'reset', delayMs: 100 } },
  ],
  sequence: {
    enabled: true,
    steps: [{ kind: 'respond', status: 500 }, { kind: 'close' }, { kind: 'hang' }],
    afterLast: 'repeat-last',
  },
  failureRate: { enabled: true, percent: 30, answer: { kind: 'respond', status: 503 } },
}

describe('answer configuration schema', () => {
  it('accepts a full configuration, the default, and every preset', () => {
    const parsed = parseAnswerConfig(validConfig)
    expect(parsed.rules).toHaveLength(2)
    // Defaults fill in what a respond answer left out.
    expect(parsed.sequence?.steps[0]).toEqual({ kind: 'respond', status: 500, headers: [], body: null, delayMs: 0 })
    expect(parseAnswerConfig(DEFAULT_ANSWER_CONFIG)).toEqual(DEFAULT_ANSWER_CONFIG)
    for (const preset of ANSWER_PRESETS) expect(parseAnswerSpec(preset.answer)).toEqual(preset.answer)
    // The configuration survives a JSON round trip unchanged (it is persisted as JSON).
    expect(parseAnswerConfig(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed)
  })

  it('offers the presets the issue lists, 429 with Retry-After', () => {
    expect(ANSWER_PRESETS.map((preset) => preset.answer.status)).toEqual([200, 201, 204, 400, 401, 404, 409, 429, 500, 502, 503, 504])
    const tooMany = ANSWER_PRESETS.find((preset) => preset.answer.status === 429)
    expect(tooMany?.answer.headers).toEqual([['Retry-After', '60']])
  })

  it('refuses out-of-range statuses', () => {
    expect(refusal(withDefault({ kind: 'respond', status: 99 }))).toBe(
      'invalid answer configuration: defaultAnswer.status: status 99 is out of range: answer with 200-599',
    )
    expect(refusal(withDefault({ kind: 'respond', status: 600 }))).toContain('status 600 is out of range: answer with 200-599')
    expect(refusal(withDefault({ kind: 'respond', status: 150 }))).toContain('status 150 is out of range')
    expect(refusal(withDefault({ kind: 'respond', status: 200.5 }))).toContain('status must be a whole number')
    expect(refusal(withDefault({ kind: 'respond', status: '200' }))).toContain('status must be a number')
    expect(refusal(withDefault({ kind: 'respond', status: 200 }))).toBeNull()
    expect(refusal(withDefault({ kind: 'respond', status: 599 }))).toBeNull()
  })

  it('refuses header injection and invalid header names', () => {
    const header = (name: string, value: string) => withDefault({ kind: 'respond', status: 200, headers: [[name, value]] })
    expect(refusal(header('X-Evil', 'a\r\nSet-Cookie: session=stolen'))).toBe(
      'invalid answer configuration: defaultAnswer.headers.0.1: a header value cannot contain CR, LF or NUL (that would inject header lines)',
    )
    expect(refusal(header('X-Evil', 'a\nb'))).toContain('cannot contain CR, LF or NUL')
    expect(refusal(header('X-Evil', 'a\0b'))).toContain('cannot contain CR, LF or NUL')
    expect(refusal(header('X-Evil', 'a\u0007b'))).toContain('no other control characters')
    expect(refusal(header('X-Emoji', '🙂'))).toContain('latin1')
    expect(refusal(header('X Bad', 'v'))).toContain('header name "X Bad" is not an HTTP token')
    expect(refusal(header('X-Bad:', 'v'))).toContain('is not an HTTP token')
    expect(refusal(header('X-Bad\r\n', 'v'))).toContain('is not an HTTP token')
    expect(refusal(header('', 'v'))).toContain('a header name cannot be empty')
    expect(refusal(header('Content-Length', '5'))).toContain('Content-Length is set automatically from the body')
    expect(refusal(header('transfer-encoding', 'chunked'))).toContain('set automatically')
    expect(refusal(header('X-Tab', 'a\tb é'))).toBeNull()
    expect(refusal(withDefault({ kind: 'respond', status: 200, headers: [['X-Only-Name']] }))).toContain('[name, value] pair')
  })

  it('refuses a body over the size limit, with the limit as a parameter', () => {
    const oversized = 'x'.repeat(MAX_ANSWER_BODY_BYTES + 1)
    expect(refusal(withDefault({ kind: 'respond', status: 200, body: { text: oversized } }))).toBe(
      'invalid answer configuration: defaultAnswer.body: the body is 1,048,577 bytes, over the limit of 1 MiB',
    )
    expect(refusal(withDefault({ kind: 'respond', status: 200, body: { text: 'x'.repeat(MAX_ANSWER_BODY_BYTES) } }))).toBeNull()

    const small = createAnswerConfigSchemas({ maxBodyBytes: 10, maxConfigBodyBytes: 15 })
    // UTF-8 bytes count, not characters: 6 × "é" is 12 bytes.
    const tooBig = small.answer.safeParse({ kind: 'respond', status: 200, body: { text: 'éééééé' } })
    expect(tooBig.success).toBe(false)
    if (!tooBig.success) expect(formatAnswerConfigIssues(tooBig.error)).toBe('body: the body is 12 bytes, over the limit of 10 bytes')
    // Serialised JSON counts: {"a":"1234567"} is 15 bytes.
    expect(small.answer.safeParse({ kind: 'respond', status: 200, body: { json: { a: '1234567' } } }).success).toBe(false)
    expect(small.answer.safeParse({ kind: 'respond', status: 200, body: { json: [1, 2] } }).success).toBe(true)
    // And all bodies of one endpoint together.
    const total = small.config.safeParse({
      ...DEFAULT_ANSWER_CONFIG,
      sequence: {
        enabled: true,
        steps: [
          { kind: 'respond', status: 500, body: { text: '12345678' } },
          { kind: 'respond', status: 200, body: { text: '12345678' } },
        ],
        afterLast: 'restart',
      },
    })
    expect(total.success).toBe(false)
    if (!total.success) expect(formatAnswerConfigIssues(total.error)).toContain('the answer bodies total 16 bytes, over the limit of 15 bytes per endpoint')
  })

  it('refuses unknown fields, naming them and where they are', () => {
    const rule = validConfig.rules[0]
    expect(refusal({ ...validConfig, rules: [{ ...rule, colour: 'red' }] })).toBe('invalid answer configuration: rules.0: unknown field "colour"')
    expect(refusal({ ...validConfig, rules: [{ ...rule, match: { methd: 'POST' } }] })).toContain('rules.0.match: unknown field "methd"')
    expect(refusal({ ...validConfig, extra: 1 })).toContain('unknown field "extra"')
    expect(refusal(withDefault({ kind: 'respond', status: 200, body: { text: 'a', charset: 'x' } }))).toContain('defaultAnswer.body: unknown field "charset"')
    expect(refusal(withDefault({ kind: 'hang', delayMs: 100 }))).toContain('unknown field "delayMs"')
  })

  it('names the first unknown fields and problems of a config with many, and counts the rest', () => {
    // Before, every one was echoed: 300,000 misspelt fields made an 18 MB answer to setAnswerConfig.
    const misspelt = Object.fromEntries(Array.from({ length: 25 }, (_, index) => [`field${index}`, 1]))
    const named = Array.from({ length: MAX_NAMED_UNKNOWN_ANSWER_FIELDS }, (_, index) => `"field${index}"`).join(', ')
    expect(refusal({ ...validConfig, ...misspelt })).toBe(
      `invalid answer configuration: unknown fields ${named}, and ${25 - MAX_NAMED_UNKNOWN_ANSWER_FIELDS} more`,
    )
    // A long name is quoted in part.
    expect(refusal({ ...validConfig, ['x'.repeat(5_000)]: 1 })).toBe(`invalid answer configuration: unknown field "${'x'.repeat(80)}"`)
    // Many problems: the first ones named (where they are), the rest counted; inside one answer too.
    const manyRules = Array.from({ length: 30 }, () => ({ ...validConfig.rules[0], enabled: 'yes' }))
    const rules = refusal({ ...validConfig, rules: manyRules })
    expect(rules?.split('; ')).toHaveLength(MAX_LISTED_ANSWER_CONFIG_ISSUES + 1)
    expect(rules).toMatch(/^invalid answer configuration: rules\.0\.enabled: /)
    expect(rules).toContain(`rules.${MAX_LISTED_ANSWER_CONFIG_ISSUES - 1}.enabled: `)
    expect(rules).not.toContain(`rules.${MAX_LISTED_ANSWER_CONFIG_ISSUES}.enabled: `)
    expect(rules).toMatch(new RegExp(`; and ${30 - MAX_LISTED_ANSWER_CONFIG_ISSUES} more problems$`))
    const headers = Array.from({ length: 30 }, () => ['X-A', 1])
    const answerHeaders = refusal(withDefault({ kind: 'respond', status: 200, headers }))
    expect(answerHeaders?.split('; ')).toHaveLength(MAX_LISTED_ANSWER_CONFIG_ISSUES + 1)
    expect(answerHeaders).toMatch(/^invalid answer configuration: defaultAnswer: headers\.0\.1: /)
    expect(answerHeaders).toMatch(new RegExp(`; and ${30 - MAX_LISTED_ANSWER_CONFIG_ISSUES} more problems$`))
  })

  it('refuses other invalid answers and rules with clear messages', () => {
    expect(refusal(withDefault({ kind: 'teapot' }))).toContain('kind must be "respond", "close", "reset" or "hang"')
    expect(refusal(withDefault({ kind: 'respond', status: 200, delayMs: 120_001 }))).toContain('delayMs is at most 120000 (120 s)')
    expect(refusal(withDefault({ kind: 'close', delayMs: -1 }))).toContain('delayMs cannot be negative')
    expect(refusal(withDefault({ kind: 'respond', status: 204, body: { text: 'x' } }))).toContain('a 204 answer cannot carry a body')
    expect(refusal(withDefault({ kind: 'respond', status: 200, body: 'OK' }))).toContain('body must be null, { text, contentType? } or { json, contentType? }')
    const rule = validConfig.rules[0]
    const withMatch = (match: unknown) => ({ ...validConfig, rules: [{ ...rule, match }] })
    expect(refusal(withMatch({ header: { name: 'X-A', equals: 'a', contains: 'b' } }))).toContain('exactly one of equals, contains or present')
    expect(refusal(withMatch({ header: { name: 'X-A' } }))).toContain('exactly one of equals, contains or present')
    expect(refusal(withMatch({ verdict: 'maybe' }))).toContain('verdict must be one of valid, invalid, no-key, unsigned, not-applicable')
    expect(refusal(withMatch({ jsonField: { path: 'a..b', equals: 1 } }))).toContain('no empty segment')
    expect(refusal(withMatch({ jsonField: { path: 'a', equals: { nested: true } } }))).toContain('jsonField.equals must be a string, number, boolean or null')
    expect(refusal(withMatch({ method: 'PO ST' }))).toContain('method must be an HTTP method')
    expect(refusal({ ...validConfig, rules: [rule, { ...rule, name: 'copy' }] })).toContain('rule id "r1" is used twice')
    expect(refusal({ ...validConfig, sequence: { enabled: true, steps: [], afterLast: 'restart' } })).toContain('a sequence needs at least one step')
    expect(refusal({ ...validConfig, sequence: { enabled: true, steps: [{ kind: 'close' }], afterLast: 'loop' } })).toContain(
      'afterLast must be "repeat-last" or "restart"',
    )
    expect(refusal({ ...validConfig, failureRate: { enabled: true, percent: 101, answer: { kind: 'close' } } })).toContain('percent is between 0 and 100')
  })

  it('reports every problem at once', () => {
    const result = answerConfigSchemas.config.safeParse({
      ...DEFAULT_ANSWER_CONFIG,
      defaultAnswer: { kind: 'respond', status: 700, headers: [['X', 'a\nb']] },
    })
    expect(result.success).toBe(false)
    if (!result.success) {
      expect(formatAnswerConfigIssues(result.error).split('; ')).toHaveLength(2)
    }
  })
})
