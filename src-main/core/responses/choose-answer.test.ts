import { describe, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import {
  DEFAULT_ANSWER_CONFIG,
  answerConfigSchemas,
  type EndpointAnswerConfig,
  type EndpointAnswerConfigInput,
  type ResolvedAnswer,
} from '../../shared/responses'
import type { AnswerContext } from './answer-context'
import { chooseAnswer } from './choose-answer'
import { matchesPathPattern } from './path-pattern'
import { createSequenceState } from './sequence-state'
import { seededRandom } from '../../test-support/seeded-random'

function config(input: Partial<EndpointAnswerConfigInput>): EndpointAnswerConfig {
  return answerConfigSchemas.config.parse({ ...DEFAULT_ANSWER_CONFIG, ...input })
}

const IXOPAY_BODY = JSON.stringify({
  result: 'OK',
  uuid: 'abc',
  transactionType: 'DEBIT',
  amount: '9.99',
  returnData: { _TYPE: 'cardData', binDigits: '411111', lastFourDigits: '1111' },
  items: [{ sku: 'A-1', qty: 2, gift: false, note: null }],
})

function context(overrides: Partial<Omit<AnswerContext, 'body'>> & { body?: string | Buffer } = {}): AnswerContext {
  const { body, ...rest } = overrides
  return {
    endpointId: 'ep-1',
    method: 'POST',
    target: '/callbacks/ixopay?orderId=1',
    pathWithinEndpoint: '/callbacks/ixopay',
    headers: [
      ['Content-Type', 'application/json; charset=utf-8'],
      ['X-Signature', 'abc=='],
    ] satisfies HeaderPairs,
    provider: 'ixopay',
    verdict: 'valid',
    deliveryKey: 'tx-1',
    ...rest,
    body: Buffer.isBuffer(body) ? body : Buffer.from(body ?? IXOPAY_BODY, 'utf8'),
  }
}

const noRandom = {
  random: (): number => {
    throw new Error('random must not be drawn here')
  },
}

function status(answer: ResolvedAnswer): number | string {
  return answer.kind === 'respond' ? answer.status : answer.kind
}

/** A config whose only rule has the given match, answering 418-ish 299 so a match is easy to see. */
function ruleWith(match: Record<string, unknown>): EndpointAnswerConfig {
  return config({
    defaultAnswer: { kind: 'respond', status: 200 },
    rules: [{ id: 'r', name: 'R', enabled: true, match, answer: { kind: 'respond', status: 299 } }],
  })
}

function matches(match: Record<string, unknown>, ctx: AnswerContext = context()): boolean {
  return chooseAnswer(ruleWith(match), ctx, createSequenceState(), noRandom).chosenBy.kind === 'rule'
}

describe('chooseAnswer: rules', () => {
  it('first enabled match wins; disabled rules are skipped', () => {
    const answerConfig = config({
      defaultAnswer: { kind: 'respond', status: 200 },
      rules: [
        { id: 'off', name: 'Disabled', enabled: false, match: {}, answer: { kind: 'respond', status: 500 } },
        { id: 'other', name: 'Other provider', enabled: true, match: { provider: 'chip' }, answer: { kind: 'respond', status: 501 } },
        { id: 'first', name: 'First', enabled: true, match: { method: 'POST' }, answer: { kind: 'respond', status: 502 } },
        { id: 'second', name: 'Second', enabled: true, match: {}, answer: { kind: 'respond', status: 503 } },
      ],
    })
    const chosen = chooseAnswer(answerConfig, context(), createSequenceState(), noRandom)
    expect(status(chosen.answer)).toBe(502)
    expect(chosen.chosenBy).toEqual({ kind: 'rule', ruleId: 'first', ruleName: 'First' })
    expect(chooseAnswer(answerConfig, context({ method: 'PUT' }), createSequenceState(), noRandom).chosenBy).toEqual({
      kind: 'rule',
      ruleId: 'second',
      ruleName: 'Second',
    })
  })

  it('all conditions of one rule must hold', () => {
    expect(matches({ method: 'POST', provider: 'ixopay', verdict: 'valid' })).toBe(true)
    expect(matches({ method: 'POST', provider: 'ixopay', verdict: 'invalid' })).toBe(false)
    expect(matches({})).toBe(true)
  })

  it('matches the method, case-insensitively', () => {
    expect(matches({ method: 'post' })).toBe(true)
    expect(matches({ method: 'GET' })).toBe(false)
  })

  it('matches path globs against the path within the endpoint', () => {
    expect(matches({ pathPattern: '/callbacks/*' })).toBe(true)
    expect(matches({ pathPattern: 'callbacks/ixopay' })).toBe(true)
    expect(matches({ pathPattern: '/callbacks/chip' })).toBe(false)
    expect(matches({ pathPattern: '/**' }, context({ pathWithinEndpoint: '/' }))).toBe(true)
    expect(matches({ pathPattern: '/*' }, context({ pathWithinEndpoint: '/a/b' }))).toBe(false)
    expect(matches({ pathPattern: '/**' }, context({ pathWithinEndpoint: '/a/b' }))).toBe(true)
  })

  it('path globs: * stays in one segment, ** crosses segments and may match none', () => {
    expect(matchesPathPattern('/orders/*', '/orders/17')).toBe(true)
    expect(matchesPathPattern('/orders/*', '/orders/17/refunds')).toBe(false)
    expect(matchesPathPattern('/orders/**', '/orders/17/refunds')).toBe(true)
    expect(matchesPathPattern('/orders/**', '/orders')).toBe(true)
    expect(matchesPathPattern('/orders/**/refunds', '/orders/refunds')).toBe(true)
    expect(matchesPathPattern('/orders/**/refunds', '/orders/1/2/refunds')).toBe(true)
    expect(matchesPathPattern('/orders/**/refunds', '/orders/1/2/captures')).toBe(false)
    expect(matchesPathPattern('/cb-*.json', '/cb-17.json')).toBe(true)
    expect(matchesPathPattern('/cb-*.json', '/cb-17xjson')).toBe(false)
    expect(matchesPathPattern('/a**z', '/a/b/z')).toBe(true)
    expect(matchesPathPattern('/v1/(x)+', '/v1/(x)+')).toBe(true)
    expect(matchesPathPattern('/orders', '/orders?x=1')).toBe(true)
    expect(matchesPathPattern('/Orders', '/orders')).toBe(false)
  })

  it('matches a header by equals, contains or present, name case-insensitive, any repeated line', () => {
    expect(matches({ header: { name: 'content-type', equals: 'application/json; charset=utf-8' } })).toBe(true)
    expect(matches({ header: { name: 'content-type', equals: 'application/json' } })).toBe(false)
    expect(matches({ header: { name: 'Content-Type', contains: 'json' } })).toBe(true)
    expect(matches({ header: { name: 'x-signature', present: true } })).toBe(true)
    expect(matches({ header: { name: 'x-signature', present: false } })).toBe(false)
    expect(matches({ header: { name: 'date', present: false } })).toBe(true)
    const repeated = context({
      headers: [
        ['X-Tag', 'one'],
        ['x-tag', 'two'],
      ],
    })
    expect(matches({ header: { name: 'X-Tag', equals: 'two' } }, repeated)).toBe(true)
  })

  it('matches the recognised provider and the signature verdict', () => {
    expect(matches({ provider: 'IXOPAY' })).toBe(true)
    expect(matches({ provider: 'chip' })).toBe(false)
    expect(matches({ provider: 'ixopay' }, context({ provider: null }))).toBe(false)
    expect(matches({ verdict: 'valid' })).toBe(true)
    expect(matches({ verdict: 'no-key' }, context({ verdict: 'no-key' }))).toBe(true)
    expect(matches({ verdict: 'valid' }, context({ verdict: null }))).toBe(false)
  })

  it('matches a JSON field by dotted path, arrays included, with strict equality', () => {
    expect(matches({ jsonField: { path: 'transactionType', equals: 'DEBIT' } })).toBe(true)
    expect(matches({ jsonField: { path: 'returnData._TYPE', equals: 'cardData' } })).toBe(true)
    expect(matches({ jsonField: { path: 'items.0.sku', equals: 'A-1' } })).toBe(true)
    expect(matches({ jsonField: { path: 'items.0.qty', equals: 2 } })).toBe(true)
    expect(matches({ jsonField: { path: 'items.0.qty', equals: '2' } })).toBe(false)
    expect(matches({ jsonField: { path: 'items.0.gift', equals: false } })).toBe(true)
    expect(matches({ jsonField: { path: 'items.0.note', equals: null } })).toBe(true)
    // A missing field is not null.
    expect(matches({ jsonField: { path: 'items.0.missing', equals: null } })).toBe(false)
    expect(matches({ jsonField: { path: 'items.1.sku', equals: 'A-1' } })).toBe(false)
    expect(matches({ jsonField: { path: 'items.x', equals: 'A-1' } })).toBe(false)
    expect(matches({ jsonField: { path: 'amount.length', equals: 4 } })).toBe(false)
    expect(matches({ jsonField: { path: 'constructor', equals: null } })).toBe(false)
    expect(matches({ jsonField: { path: '0', equals: 'a' } }, context({ body: '["a"]' }))).toBe(true)
    // Not JSON: the condition does not hold (and nothing throws).
    expect(matches({ jsonField: { path: 'id', equals: 'tr_1' } }, context({ body: 'id=tr_1' }))).toBe(false)
  })

  it('matches body text, byte for byte', () => {
    expect(matches({ bodyContains: '"transactionType":"DEBIT"' })).toBe(true)
    expect(matches({ bodyContains: 'REFUND' })).toBe(false)
    expect(matches({ bodyContains: 'id=tr_1' }, context({ body: 'id=tr_1' }))).toBe(true)
    expect(matches({ bodyContains: 'é' }, context({ body: Buffer.from('café', 'utf8') }))).toBe(true)
  })
})

describe('chooseAnswer: sequences', () => {
  const retryTest = config({
    sequence: {
      enabled: true,
      steps: [
        { kind: 'respond', status: 500 },
        { kind: 'respond', status: 500 },
        { kind: 'respond', status: 200, body: { text: 'OK' } },
      ],
      afterLast: 'repeat-last',
    },
  })

  it('counts per delivery key: two interleaved transactions each get 500, 500, 200', () => {
    const state = createSequenceState()
    const answers = ['tx-a', 'tx-b', 'tx-a', 'tx-b', 'tx-b', 'tx-a'].map((deliveryKey) => {
      const chosen = chooseAnswer(retryTest, context({ deliveryKey }), state, noRandom)
      return `${deliveryKey}:${status(chosen.answer)}:${chosen.chosenBy.kind === 'sequence' ? `${chosen.chosenBy.step}/${chosen.chosenBy.of}` : '-'}`
    })
    expect(answers).toEqual(['tx-a:500:1/3', 'tx-b:500:1/3', 'tx-a:500:2/3', 'tx-b:500:2/3', 'tx-b:200:3/3', 'tx-a:200:3/3'])
  })

  it('repeat-last keeps answering the last step', () => {
    const state = createSequenceState()
    const statuses = Array.from({ length: 5 }, () => status(chooseAnswer(retryTest, context(), state, noRandom).answer))
    expect(statuses).toEqual([500, 500, 200, 200, 200])
  })

  it('restart begins again after the last step', () => {
    const restarting = config({
      sequence: {
        enabled: true,
        steps: [{ kind: 'respond', status: 503 }, { kind: 'reset' }, { kind: 'respond', status: 200 }],
        afterLast: 'restart',
      },
    })
    const state = createSequenceState()
    const answers = Array.from({ length: 7 }, () => status(chooseAnswer(restarting, context(), state, noRandom).answer))
    expect(answers).toEqual([503, 'reset', 200, 503, 'reset', 200, 503])
  })

  it('reset starts every delivery again, for one endpoint or all', () => {
    const state = createSequenceState()
    chooseAnswer(retryTest, context({ endpointId: 'ep-1' }), state, noRandom)
    chooseAnswer(retryTest, context({ endpointId: 'ep-2' }), state, noRandom)
    state.reset('ep-1')
    expect(chooseAnswer(retryTest, context({ endpointId: 'ep-1' }), state, noRandom).chosenBy).toEqual({ kind: 'sequence', step: 1, of: 3 })
    expect(chooseAnswer(retryTest, context({ endpointId: 'ep-2' }), state, noRandom).chosenBy).toEqual({ kind: 'sequence', step: 2, of: 3 })
    state.reset()
    expect(state.size).toBe(0)
    expect(chooseAnswer(retryTest, context({ endpointId: 'ep-2' }), state, noRandom).chosenBy).toEqual({ kind: 'sequence', step: 1, of: 3 })
  })

  it('counts separately per endpoint, and starts again when the steps change', () => {
    const state = createSequenceState()
    chooseAnswer(retryTest, context({ endpointId: 'ep-1' }), state, noRandom)
    expect(chooseAnswer(retryTest, context({ endpointId: 'ep-2' }), state, noRandom).chosenBy).toEqual({ kind: 'sequence', step: 1, of: 3 })
    expect(chooseAnswer(retryTest, context({ endpointId: 'ep-1' }), state, noRandom).chosenBy).toEqual({ kind: 'sequence', step: 2, of: 3 })
    const edited = config({
      sequence: {
        enabled: true,
        steps: [
          { kind: 'respond', status: 502 },
          { kind: 'respond', status: 200 },
        ],
        afterLast: 'repeat-last',
      },
    })
    expect(chooseAnswer(edited, context({ endpointId: 'ep-1' }), state, noRandom).chosenBy).toEqual({ kind: 'sequence', step: 1, of: 2 })
    // The same steps parsed again (a new object) keep counting.
    const reparsed = config({ sequence: JSON.parse(JSON.stringify(edited.sequence)) })
    expect(chooseAnswer(reparsed, context({ endpointId: 'ep-1' }), state, noRandom).chosenBy).toEqual({ kind: 'sequence', step: 2, of: 2 })
  })

  it('remembers at most maxKeys delivery keys, forgetting the least recently seen', () => {
    const state = createSequenceState({ maxKeys: 3 })
    for (const deliveryKey of ['a', 'b', 'c']) chooseAnswer(retryTest, context({ deliveryKey }), state, noRandom)
    chooseAnswer(retryTest, context({ deliveryKey: 'a' }), state, noRandom) // a is now the most recent
    chooseAnswer(retryTest, context({ deliveryKey: 'd' }), state, noRandom) // evicts b
    expect(state.size).toBe(3)
    expect(chooseAnswer(retryTest, context({ deliveryKey: 'a' }), state, noRandom).chosenBy).toEqual({ kind: 'sequence', step: 3, of: 3 })
    expect(chooseAnswer(retryTest, context({ deliveryKey: 'b' }), state, noRandom).chosenBy).toEqual({ kind: 'sequence', step: 1, of: 3 })
  })

  it('a disabled sequence is skipped; a matching rule takes precedence and does not advance it', () => {
    const state = createSequenceState()
    const disabled = config({ sequence: { ...retryTest.sequence!, enabled: false } })
    expect(chooseAnswer(disabled, context(), state, noRandom).chosenBy.kind).toBe('provider-default')
    const withRule = config({
      ...retryTest,
      rules: [{ id: 'inv', name: 'Bad signature', enabled: true, match: { verdict: 'invalid' }, answer: { kind: 'respond', status: 401 } }],
    })
    expect(status(chooseAnswer(withRule, context({ verdict: 'invalid' }), state, noRandom).answer)).toBe(401)
    expect(chooseAnswer(withRule, context(), state, noRandom).chosenBy).toEqual({ kind: 'sequence', step: 1, of: 3 })
  })
})

describe('chooseAnswer: failure rate and default', () => {
  it('answers the failure to about the configured share of 2000 deliveries', () => {
    const flaky = config({ failureRate: { enabled: true, percent: 30, answer: { kind: 'respond', status: 503 } } })
    const deps = { random: seededRandom(42) }
    const state = createSequenceState()
    let failures = 0
    for (let index = 0; index < 2000; index += 1) {
      const chosen = chooseAnswer(flaky, context({ deliveryKey: `tx-${index}` }), state, deps)
      if (chosen.chosenBy.kind === 'failure-rate') {
        failures += 1
        expect(chosen.chosenBy.percent).toBe(30)
        expect(status(chosen.answer)).toBe(503)
      } else {
        expect(chosen.chosenBy).toEqual({ kind: 'provider-default', provider: 'ixopay' })
      }
    }
    // 30% of 2000 is 600; the binomial standard deviation is about 20.5, so ±4σ is ±82.
    expect(Math.abs(failures - 600)).toBeLessThan(82)
  })

  it('0% never fails and 100% always does; a disabled failure rate draws nothing', () => {
    const at = (percent: number, enabled = true) => config({ failureRate: { enabled, percent, answer: { kind: 'respond', status: 503 } } })
    expect(chooseAnswer(at(0), context(), createSequenceState(), { random: () => 0 }).chosenBy.kind).toBe('provider-default')
    expect(chooseAnswer(at(100), context(), createSequenceState(), { random: () => 0.999999 }).chosenBy.kind).toBe('failure-rate')
    expect(chooseAnswer(at(100, false), context(), createSequenceState(), noRandom).chosenBy.kind).toBe('provider-default')
  })

  it('an enabled sequence answers before the failure rate', () => {
    const both = config({
      sequence: { enabled: true, steps: [{ kind: 'respond', status: 500 }], afterLast: 'repeat-last' },
      failureRate: { enabled: true, percent: 100, answer: { kind: 'respond', status: 503 } },
    })
    expect(chooseAnswer(both, context(), createSequenceState(), noRandom).chosenBy.kind).toBe('sequence')
  })

  it("provider-default answers with the recognised provider's acknowledgement", () => {
    const state = createSequenceState()
    const ixopay = chooseAnswer(DEFAULT_ANSWER_CONFIG, context(), state, noRandom)
    expect(ixopay.chosenBy).toEqual({ kind: 'provider-default', provider: 'ixopay' })
    expect(ixopay.answer).toEqual({
      kind: 'respond',
      status: 200,
      headers: [
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Content-Length', '2'],
      ],
      body: { encoding: 'utf8', data: 'OK', size: 2 },
      delayMs: 0,
    })
    const adyen = chooseAnswer(DEFAULT_ANSWER_CONFIG, context({ provider: 'adyen', providerVariant: 'classic' }), state, noRandom)
    expect(adyen.answer.kind === 'respond' && adyen.answer.body?.data).toBe('[accepted]')
    const chip = chooseAnswer(DEFAULT_ANSWER_CONFIG, context({ provider: 'chip' }), state, noRandom)
    expect(chip.answer).toEqual({ kind: 'respond', status: 200, headers: [['Content-Length', '0']], body: null, delayMs: 0 })
    const unknown = chooseAnswer(DEFAULT_ANSWER_CONFIG, context({ provider: null }), state, noRandom)
    expect(unknown.chosenBy).toEqual({ kind: 'provider-default', provider: null })
    expect(status(unknown.answer)).toBe(200)
  })

  it('a configured default answer is used as is, and the result is JSON-serialisable', () => {
    const custom = config({ defaultAnswer: { kind: 'respond', status: 202, body: { json: { ok: true } }, delayMs: 250 } })
    const chosen = chooseAnswer(custom, context(), createSequenceState(), noRandom)
    expect(chosen.chosenBy).toEqual({ kind: 'default' })
    expect(JSON.parse(JSON.stringify(chosen))).toEqual(chosen)
    expect(chosen.answer).toMatchObject({ status: 202, delayMs: 250, body: { data: '{"ok":true}' } })
  })
})
