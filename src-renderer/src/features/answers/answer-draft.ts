/**
 * Editable drafts of answers and answer configurations: what the form holds (strings as typed),
 * converted to the API's shape and checked as the user types with the API's own rules
 * (`shared/answer-rules.ts`), so a form without problems is not refused on save. The server
 * validates again.
 */
import type { AnswerSpec, EndpointAnswerConfig, Rule } from '@shared/responses'
import { MAX_ANSWER_BODY_BYTES, MAX_ANSWER_DELAY_MS, MAX_ANSWER_STATUS, MIN_ANSWER_STATUS, STATUSES_WITHOUT_BODY } from '../../lib/answer-presets'
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
} from '@shared/answer-rules'
import { asSentence, errorMessage } from '@shared/errors'
import { assertNever } from '@shared/assert-never'

export type AnswerKindDraft = AnswerSpec['kind']
export type BodyMode = 'none' | 'text' | 'json'

export interface AnswerDraft {
  kind: AnswerKindDraft
  status: string
  headers: Array<[string, string]>
  bodyMode: BodyMode
  bodyText: string
  contentType: string
  /** Seconds, as typed (decimals allowed). */
  delaySeconds: string
}

export type JsonValueType = 'string' | 'number' | 'boolean' | 'null'
export type HeaderOp = 'equals' | 'contains' | 'present'

export interface RuleDraft {
  key: string
  id: string
  name: string
  enabled: boolean
  method: string
  pathPattern: string
  headerName: string
  headerOp: HeaderOp
  headerValue: string
  provider: string
  verdict: string
  jsonPath: string
  jsonType: JsonValueType
  jsonValue: string
  bodyContains: string
  answer: AnswerDraft
}

export interface ConfigDraft {
  defaultMode: 'provider-default' | 'custom'
  defaultAnswer: AnswerDraft
  rules: RuleDraft[]
  sequence: { enabled: boolean; afterLast: 'repeat-last' | 'restart'; steps: Array<{ key: string; answer: AnswerDraft }> } | null
  failureRate: { enabled: boolean; percent: string; answer: AnswerDraft } | null
}

let nextKey = 1
export function newKey(): string {
  nextKey += 1
  return `k${nextKey}`
}

export function respondDraft(status: number, bodyText?: string, headers: Array<[string, string]> = []): AnswerDraft {
  return {
    kind: 'respond',
    status: String(status),
    headers,
    bodyMode: bodyText === undefined ? 'none' : 'text',
    bodyText: bodyText ?? '',
    contentType: bodyText === undefined ? '' : 'text/plain; charset=utf-8',
    delaySeconds: '0',
  }
}

export function draftFromAnswer(answer: AnswerSpec): AnswerDraft {
  const delayMs = 'delayMs' in answer ? (answer.delayMs ?? 0) : 0
  const base: AnswerDraft = { ...respondDraft(200), kind: answer.kind, delaySeconds: String(delayMs / 1000) }
  if (answer.kind !== 'respond') return base
  const body = answer.body
  if (body === null) return { ...base, status: String(answer.status), headers: answer.headers.map(([name, value]) => [name, value]) }
  const isJson = 'json' in body
  return {
    ...base,
    status: String(answer.status),
    headers: answer.headers.map(([name, value]) => [name, value]),
    bodyMode: isJson ? 'json' : 'text',
    bodyText: isJson ? JSON.stringify(body.json, null, 2) : body.text,
    contentType: body.contentType ?? '',
  }
}

/** Problems keyed by field: `status`, `headers.0.name`, `body`, `delay`. */
export type DraftErrors = Record<string, string>

export function answerErrors(draft: AnswerDraft): DraftErrors {
  const errors: DraftErrors = {}
  if (draft.kind !== 'hang') {
    // Seconds as typed, sent as whole milliseconds (answerFromDraft rounds the same way).
    const delayMs = Math.round(Number(draft.delaySeconds) * 1000)
    if (draft.delaySeconds.trim() === '' || describeInvalidAnswerDelay(delayMs) !== null) {
      errors.delay = `A delay is 0 to ${MAX_ANSWER_DELAY_MS / 1000} seconds.`
    }
  }
  if (draft.kind !== 'respond') return errors
  const status = Number(draft.status)
  const statusProblem = /^\d+$/.test(draft.status.trim()) ? describeInvalidAnswerStatus(status) : 'not a number'
  if (statusProblem !== null) errors.status = `A status is a whole number from ${MIN_ANSWER_STATUS} to ${MAX_ANSWER_STATUS}.`
  const tooMany = describeTooManyHeaders(draft.headers.length)
  if (tooMany !== null) errors.headers = asSentence(tooMany)
  draft.headers.forEach(([name, value], index) => {
    const nameProblem = describeInvalidAnswerHeaderName(name)
    if (nameProblem !== null) errors[`headers.${index}.name`] = asSentence(nameProblem)
    const valueProblem = describeInvalidHeaderValue(value)
    if (valueProblem !== null) errors[`headers.${index}.value`] = asSentence(valueProblem)
  })
  const contentTypeProblem = describeInvalidHeaderValue(draft.contentType.trim())
  if (draft.bodyMode !== 'none' && contentTypeProblem !== null) errors.contentType = `Content-Type: ${contentTypeProblem}.`
  if (draft.bodyMode !== 'none') {
    const bodyProblem = bodyTextProblem(draft)
    if (bodyProblem !== null) errors.body = bodyProblem
  }
  if (draft.bodyMode !== 'none' && STATUSES_WITHOUT_BODY.has(status)) errors.body = `A ${status} answer cannot carry a body (HTTP forbids it).`
  return errors
}

/** Invalid JSON, or a body over the API's limit (measured as the API does: the text, or the JSON as serialised). */
function bodyTextProblem(draft: AnswerDraft): string | null {
  let sentText = draft.bodyText
  if (draft.bodyMode === 'json') {
    try {
      sentText = JSON.stringify(JSON.parse(draft.bodyText))
    } catch (error: unknown) {
      return `Not valid JSON: ${errorMessage(error)}`
    }
  }
  const oversized = describeOversizedBody(utf8ByteLength(sentText), MAX_ANSWER_BODY_BYTES)
  return oversized === null ? null : asSentence(oversized)
}

export function answerFromDraft(draft: AnswerDraft): AnswerSpec {
  const delayMs = Math.round(Number(draft.delaySeconds) * 1000) || 0
  switch (draft.kind) {
    case 'hang':
      return { kind: 'hang' }
    case 'close':
    case 'reset':
      return { kind: draft.kind, delayMs }
    case 'respond': {
      const contentType = draft.contentType.trim() === '' ? {} : { contentType: draft.contentType.trim() }
      let body: Extract<AnswerSpec, { kind: 'respond' }>['body'] = null
      if (draft.bodyMode === 'text') body = { text: draft.bodyText, ...contentType }
      if (draft.bodyMode === 'json') {
        let json: unknown
        try {
          json = JSON.parse(draft.bodyText)
        } catch {
          json = draft.bodyText
        }
        body = { json, ...contentType }
      }
      return { kind: 'respond', status: Number(draft.status), headers: draft.headers, body, delayMs }
    }
    default: {
      return assertNever(draft.kind)
    }
  }
}

/**
 * What "Add a sequence" starts with: the retry test its button names, 500 twice then 200 with body
 * OK (IXOPAY's acknowledgement, and a 2xx for every other provider), ready to edit.
 */
export function newRetrySequence(): NonNullable<ConfigDraft['sequence']> {
  const steps = [respondDraft(500), respondDraft(500), respondDraft(200, 'OK')]
  return { enabled: true, afterLast: 'repeat-last', steps: steps.map((answer) => ({ key: newKey(), answer })) }
}

export function newRule(index: number): RuleDraft {
  return {
    key: newKey(),
    id: `rule-${Date.now().toString(36)}-${index}`,
    name: `Rule ${index + 1}`,
    enabled: true,
    method: '',
    pathPattern: '',
    headerName: '',
    headerOp: 'equals',
    headerValue: '',
    provider: '',
    verdict: '',
    jsonPath: '',
    jsonType: 'string',
    jsonValue: '',
    bodyContains: '',
    answer: respondDraft(500),
  }
}

function ruleFromSpec(rule: Rule): RuleDraft {
  const header = rule.match.header
  const json = rule.match.jsonField
  const jsonValue = json?.equals
  return {
    key: newKey(),
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    method: rule.match.method ?? '',
    pathPattern: rule.match.pathPattern ?? '',
    headerName: header?.name ?? '',
    headerOp: header?.present !== undefined ? 'present' : header?.contains !== undefined ? 'contains' : 'equals',
    headerValue: header?.equals ?? header?.contains ?? '',
    provider: rule.match.provider ?? '',
    verdict: rule.match.verdict ?? '',
    jsonPath: json?.path ?? '',
    jsonType: jsonValue === null && json ? 'null' : typeof jsonValue === 'number' ? 'number' : typeof jsonValue === 'boolean' ? 'boolean' : 'string',
    jsonValue: jsonValue === null || jsonValue === undefined ? '' : String(jsonValue),
    bodyContains: rule.match.bodyContains ?? '',
    answer: draftFromAnswer(rule.answer),
  }
}

export function ruleErrors(rule: RuleDraft): DraftErrors {
  const errors: DraftErrors = {}
  // Each field is checked as ruleToSpec will send it (trimmed; the method upper-cased).
  const nameProblem = describeInvalidRuleName(rule.name.trim())
  if (nameProblem !== null) errors.name = asSentence(nameProblem)
  const methodProblem = rule.method.trim() === '' ? null : describeInvalidRuleMethod(rule.method.trim().toUpperCase())
  if (methodProblem !== null) errors.method = asSentence(methodProblem)
  const headerNameProblem = rule.headerName.trim() === '' ? null : describeInvalidMatchHeaderName(rule.headerName.trim())
  if (headerNameProblem !== null) errors.headerName = asSentence(headerNameProblem)
  if (rule.headerName !== '' && rule.headerOp === 'contains' && rule.headerValue === '') errors.headerValue = 'Enter the text the header contains.'
  const jsonPathProblem = rule.jsonPath.trim() === '' ? null : describeInvalidJsonPath(rule.jsonPath.trim())
  if (jsonPathProblem !== null) errors.jsonPath = asSentence(jsonPathProblem)
  if (rule.jsonPath !== '' && rule.jsonType === 'number' && !Number.isFinite(Number(rule.jsonValue))) errors.jsonValue = 'Not a number.'
  if (rule.jsonPath !== '' && rule.jsonType === 'boolean' && rule.jsonValue !== 'true' && rule.jsonValue !== 'false') errors.jsonValue = 'true or false.'
  for (const [field, message] of Object.entries(answerErrors(rule.answer))) errors[`answer.${field}`] = message
  return errors
}

/** A rule without a single condition (as it would be sent) answers every callback: the rules before it are all that stop it. */
export function ruleMatchesEverything(rule: RuleDraft): boolean {
  return Object.keys(ruleToSpec(rule).match).length === 0
}

function ruleToSpec(rule: RuleDraft): Rule {
  const match: Rule['match'] = {}
  if (rule.method.trim() !== '') match.method = rule.method.trim().toUpperCase()
  if (rule.pathPattern.trim() !== '') match.pathPattern = rule.pathPattern.trim()
  if (rule.headerName.trim() !== '') {
    const name = rule.headerName.trim()
    match.header =
      rule.headerOp === 'present'
        ? { name, present: true }
        : rule.headerOp === 'contains'
          ? { name, contains: rule.headerValue }
          : { name, equals: rule.headerValue }
  }
  if (rule.provider !== '') match.provider = rule.provider
  if (rule.verdict !== '') match.verdict = rule.verdict as NonNullable<Rule['match']['verdict']>
  if (rule.jsonPath.trim() !== '') {
    const equals =
      rule.jsonType === 'null'
        ? null
        : rule.jsonType === 'number'
          ? Number(rule.jsonValue)
          : rule.jsonType === 'boolean'
            ? rule.jsonValue === 'true'
            : rule.jsonValue
    match.jsonField = { path: rule.jsonPath.trim(), equals }
  }
  if (rule.bodyContains !== '') match.bodyContains = rule.bodyContains
  return { id: rule.id, name: rule.name.trim(), enabled: rule.enabled, match, answer: answerFromDraft(rule.answer) }
}

export function draftFromConfig(config: EndpointAnswerConfig): ConfigDraft {
  return {
    defaultMode: config.defaultAnswer === 'provider-default' ? 'provider-default' : 'custom',
    defaultAnswer: config.defaultAnswer === 'provider-default' ? respondDraft(200, 'OK') : draftFromAnswer(config.defaultAnswer),
    rules: config.rules.map(ruleFromSpec),
    sequence: config.sequence && {
      enabled: config.sequence.enabled,
      afterLast: config.sequence.afterLast,
      steps: config.sequence.steps.map((answer) => ({ key: newKey(), answer: draftFromAnswer(answer) })),
    },
    failureRate: config.failureRate && {
      enabled: config.failureRate.enabled,
      percent: String(config.failureRate.percent),
      answer: draftFromAnswer(config.failureRate.answer),
    },
  }
}

/** Every problem the form can see, as readable lines. */
export function configProblems(draft: ConfigDraft): string[] {
  const problems: string[] = []
  const add = (where: string, errors: DraftErrors) => {
    for (const message of Object.values(errors)) problems.push(`${where}: ${message}`)
  }
  if (draft.defaultMode === 'custom') add('Default answer', answerErrors(draft.defaultAnswer))
  draft.rules.forEach((rule, index) => add(`Rule ${index + 1} (${rule.name || 'unnamed'})`, ruleErrors(rule)))
  draft.sequence?.steps.forEach((step, index) => add(`Sequence step ${index + 1}`, answerErrors(step.answer)))
  if (draft.sequence && draft.sequence.steps.length === 0) problems.push('Sequence: add at least one step, or remove the sequence.')
  if (draft.failureRate) {
    const percent = Number(draft.failureRate.percent)
    if (draft.failureRate.percent.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100)
      problems.push('Failure rate: a percentage from 0 to 100.')
    add('Failure rate answer', answerErrors(draft.failureRate.answer))
  }
  return problems
}

export function configFromDraft(draft: ConfigDraft): EndpointAnswerConfig {
  return {
    defaultAnswer: draft.defaultMode === 'provider-default' ? 'provider-default' : answerFromDraft(draft.defaultAnswer),
    rules: draft.rules.map(ruleToSpec),
    sequence: draft.sequence && {
      enabled: draft.sequence.enabled,
      afterLast: draft.sequence.afterLast,
      steps: draft.sequence.steps.map((step) => answerFromDraft(step.answer)),
    },
    failureRate: draft.failureRate && {
      enabled: draft.failureRate.enabled,
      percent: Number(draft.failureRate.percent),
      answer: answerFromDraft(draft.failureRate.answer),
    },
  }
}
