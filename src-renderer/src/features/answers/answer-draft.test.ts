import { describe, expect, it } from 'vitest'
import { answerConfigSchemas, DEFAULT_ANSWER_CONFIG, MAX_ANSWER_BODY_BYTES, MAX_ANSWER_HEADERS, MAX_HEADER_VALUE_LENGTH } from '@shared/responses'
import { MAX_RULE_NAME_CHARS } from '@shared/answer-rules'
import {
  answerErrors,
  answerFromDraft,
  configFromDraft,
  configProblems,
  draftFromConfig,
  newRetrySequence,
  newRule,
  respondDraft,
  ruleErrors,
  ruleMatchesEverything,
  type AnswerDraft,
  type RuleDraft,
} from './answer-draft'

const formAccepts = (draft: AnswerDraft) => Object.keys(answerErrors(draft)).length === 0
const apiAccepts = (draft: AnswerDraft) => answerConfigSchemas.answer.safeParse(answerFromDraft(draft)).success

function withHeaders(headers: Array<[string, string]>): AnswerDraft {
  return { ...respondDraft(200), headers }
}

describe('the answer form checks what the API checks', () => {
  // Each of these the form used to accept and the API refused on save.
  const refusedByBoth: Array<[string, AnswerDraft]> = [
    ['a header value with a character above latin1', withHeaders([['X-Price', '5 €']])],
    ['a header value with a control character', withHeaders([['X-Bell', 'a\u0007b']])],
    ['a header value over the length limit', withHeaders([['X-Long', 'v'.repeat(MAX_HEADER_VALUE_LENGTH + 1)]])],
    ['a header name over the length limit', withHeaders([['X'.repeat(257), 'v']])],
    ['more headers than an answer may set', withHeaders(Array.from({ length: MAX_ANSWER_HEADERS + 1 }, (_, index): [string, string] => [`X-H${index}`, 'v']))],
    ['a body over the size limit', respondDraft(200, 'x'.repeat(MAX_ANSWER_BODY_BYTES + 1))],
    [
      'a JSON body over the size limit once serialised',
      { ...respondDraft(200), bodyMode: 'json', bodyText: JSON.stringify('x'.repeat(MAX_ANSWER_BODY_BYTES)) },
    ],
    ['a Content-Type with a line break', { ...respondDraft(200, 'ok'), contentType: 'text/plain\r\nX-Evil: 1' }],
  ]
  for (const [what, draft] of refusedByBoth) {
    it(`refuses ${what}, as the API does`, () => {
      expect(apiAccepts(draft)).toBe(false)
      expect(formAccepts(draft)).toBe(false)
    })
  }

  const acceptedByBoth: Array<[string, AnswerDraft]> = [
    ['a plain answer', respondDraft(200, 'OK')],
    ['a latin1 header value', withHeaders([['X-Name', 'Zoë\tok']])],
    ['a body exactly at the limit', respondDraft(200, 'x'.repeat(MAX_ANSWER_BODY_BYTES))],
    ['a pretty-printed JSON body whose serialised form is under the limit', { ...respondDraft(200), bodyMode: 'json', bodyText: '{\n  "ok": true\n}' }],
    ['a delay given in fractions of a second', { ...respondDraft(200), delaySeconds: '1.5' }],
  ]
  for (const [what, draft] of acceptedByBoth) {
    it(`accepts ${what}, as the API does`, () => {
      expect(apiAccepts(draft)).toBe(true)
      expect(answerErrors(draft)).toEqual({})
    })
  }

  it('names the problem in the words the API uses', () => {
    expect(answerErrors(withHeaders([['X-Price', '5 €']]))['headers.0.value']).toBe(
      'A header value may contain only tab, printable ASCII and latin1 characters (no other control characters).',
    )
    expect(answerErrors(withHeaders([['Content-Length', '5']]))['headers.0.name']).toBe(
      'Header Content-Length is set automatically from the body and cannot be configured.',
    )
  })
})

describe('the rule form checks what the API checks', () => {
  const ruleAccepted = (rule: RuleDraft) => Object.keys(ruleErrors(rule)).length === 0

  it('refuses a rule name over the API limit (the form used to accept it)', () => {
    const rule = { ...newRule(0), name: 'n'.repeat(MAX_RULE_NAME_CHARS + 1) }
    expect(ruleErrors(rule).name).toBe(`A rule name is at most ${MAX_RULE_NAME_CHARS} characters.`)
    expect(ruleAccepted({ ...rule, name: `  ${'n'.repeat(MAX_RULE_NAME_CHARS)}  ` })).toBe(true)
  })

  it('refuses a method over 32 characters and accepts one it will send trimmed and upper-cased', () => {
    expect(ruleErrors({ ...newRule(0), method: 'M'.repeat(33) }).method).toBe('Method is at most 32 characters.')
    expect(ruleAccepted({ ...newRule(0), method: ' post ' })).toBe(true)
  })

  it('refuses a JSON path with an empty segment', () => {
    expect(ruleErrors({ ...newRule(0), jsonPath: 'a..b' }).jsonPath).toMatch(/^A JSON path is dotted keys/)
  })
})

describe('a new sequence', () => {
  it('is the retry test its button names, 500 twice then 200 with body OK, and the API takes it', () => {
    const draft = { ...draftFromConfig(DEFAULT_ANSWER_CONFIG), sequence: newRetrySequence() }
    expect(configProblems(draft)).toEqual([])
    const config = answerConfigSchemas.config.parse(configFromDraft(draft))
    expect(config.sequence?.afterLast).toBe('repeat-last')
    expect(config.sequence?.steps).toMatchObject([
      { kind: 'respond', status: 500, body: null },
      { kind: 'respond', status: 500, body: null },
      { kind: 'respond', status: 200, body: { text: 'OK' } },
    ])
  })
})

describe('a rule without conditions', () => {
  it('is told apart: a new rule matches every callback until one condition is set, whichever', () => {
    expect(ruleMatchesEverything(newRule(0))).toBe(true)
    // Blank text is no condition: it is not sent.
    expect(ruleMatchesEverything({ ...newRule(0), method: '  ', pathPattern: ' ', headerName: ' ' })).toBe(true)
    expect(ruleMatchesEverything({ ...newRule(0), pathPattern: '/refunds/**' })).toBe(false)
    expect(ruleMatchesEverything({ ...newRule(0), provider: 'stripe' })).toBe(false)
    expect(ruleMatchesEverything({ ...newRule(0), verdict: 'invalid' })).toBe(false)
    expect(ruleMatchesEverything({ ...newRule(0), headerName: 'X-Env', headerOp: 'present' })).toBe(false)
    expect(ruleMatchesEverything({ ...newRule(0), jsonPath: 'transactionType', jsonValue: 'REFUND' })).toBe(false)
    expect(ruleMatchesEverything({ ...newRule(0), bodyContains: 'ERROR' })).toBe(false)
  })
})
