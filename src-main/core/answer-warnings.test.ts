/** The answer warnings rule: which parts of a configuration each provider of an endpoint would count as a failure. */
import { describe, expect, it } from 'vitest'
import { answerConfigSchemas, type EndpointAnswerConfigInput } from '../shared/responses'
import { answerWarnings, answerWarningsView, distinctProviders } from './answer-warnings'

const config = (input: Partial<EndpointAnswerConfigInput>) =>
  answerConfigSchemas.config.parse({ defaultAnswer: 'provider-default', rules: [], sequence: null, failureRate: null, ...input })
const IXOPAY_RETRIES = 'IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK'

describe('answerWarnings', () => {
  it('names each part IXOPAY would retry, and only those', () => {
    const failing = config({
      defaultAnswer: { kind: 'respond', status: 200 },
      rules: [
        { id: 'r1', name: 'refunds fail', enabled: true, match: { pathPattern: '/refunds/**' }, answer: { kind: 'respond', status: 503 } },
        { id: 'r2', name: 'off', enabled: false, match: {}, answer: { kind: 'respond', status: 500 } },
      ],
      sequence: {
        enabled: true,
        afterLast: 'repeat-last',
        steps: [
          { kind: 'respond', status: 500 },
          { kind: 'respond', status: 200, body: { text: 'OK' } },
        ],
      },
      failureRate: { enabled: true, percent: 30, answer: { kind: 'reset' } },
    })
    const warnings = answerWarnings(failing, 'ixopay')
    expect(warnings.map((warning) => warning.slice(0, warning.indexOf(':')))).toEqual([
      'Default answer',
      'Rule "refunds fail"',
      'Sequence step 1',
      'Failure rate (30%)',
    ])
    expect(warnings[0]).toBe(`Default answer: ${IXOPAY_RETRIES}`)
    expect(warnings[3]).toContain('the connection is reset without an answer')
  })

  it('says nothing of the provider default, an unknown provider, a disabled sequence or a 0% failure rate', () => {
    expect(answerWarnings(config({}), 'ixopay')).toEqual([])
    expect(answerWarnings(config({ defaultAnswer: { kind: 'respond', status: 500 } }), null)).toEqual([])
    expect(answerWarnings(config({ defaultAnswer: { kind: 'respond', status: 500 } }), 'not-a-provider')).toEqual([])
    const quiet = config({
      sequence: { enabled: false, afterLast: 'restart', steps: [{ kind: 'respond', status: 500 }] },
      failureRate: { enabled: true, percent: 0, answer: { kind: 'respond', status: 503 } },
    })
    expect(answerWarnings(quiet, 'ixopay')).toEqual([])
  })

  it("warns of the provider default where the inspector cannot make the provider's acknowledgement (Plexo's legacy signed API)", () => {
    expect(answerWarnings(config({}), 'plexo', 'legacy')).toEqual([
      "Default answer (the provider's default): Plexo (legacy signed API) may treat this as a failure: it expects a ClientSignedResponse (ResultCode 0) " +
        "signed for each callback with the merchant's private key, which the inspector does not hold: it answers 200 with an empty body; test the signed answer from your own server",
    ])
    expect(answerWarnings(config({}), 'plexo')).toEqual([])
  })

  it("leaves out a rule restricted to another provider: it never answers this one's callbacks", () => {
    const stripeOnly = config({
      rules: [{ id: 'r1', name: 'stripe fails', enabled: true, match: { provider: 'stripe' }, answer: { kind: 'respond', status: 500 } }],
    })
    expect(answerWarnings(stripeOnly, 'ixopay')).toEqual([])
    expect(answerWarnings(stripeOnly, 'stripe')).toEqual([expect.stringMatching(/^Rule "stripe fails": Stripe will treat this as a failure/)])
  })
})

describe('distinctProviders', () => {
  it('keeps each recognised provider and variant once, newest first, without unknown senders', () => {
    expect(
      distinctProviders([
        { id: 'stripe', variant: null },
        null,
        { id: 'unknown', variant: null },
        { id: 'ixopay', variant: null },
        { id: 'stripe', variant: null },
        undefined,
        { id: 'adyen', variant: 'classic' },
        { id: 'adyen', variant: null },
      ]),
    ).toEqual([
      { id: 'stripe', variant: null },
      { id: 'ixopay', variant: null },
      { id: 'adyen', variant: 'classic' },
      { id: 'adyen', variant: null },
    ])
    expect(distinctProviders([null, { id: 'unknown', variant: null }])).toEqual([])
  })
})

describe('answerWarningsView', () => {
  const answer200Empty = config({ defaultAnswer: { kind: 'respond', status: 200 } })

  it('checks the answer against every provider the endpoint receives from, and says which', () => {
    const view = answerWarningsView(answer200Empty, {
      source: 'recent-captures',
      providers: [
        { id: 'ixopay', variant: null },
        { id: 'stripe', variant: null },
      ],
    })
    // Stripe accepts any 2xx; IXOPAY wants the body OK.
    expect(view.warnings).toEqual([`Default answer: ${IXOPAY_RETRIES}`])
    expect(view.providers).toEqual([
      { id: 'ixopay', variant: null, name: 'IXOPAY', expects: 'HTTP 200 with body OK' },
      { id: 'stripe', variant: null, name: 'Stripe', expects: expect.stringContaining('2xx') },
    ])
    expect(view.providerSource).toBe('recent-captures')
  })

  it('tells CHIP Collect from CHIP Send, which retry on different schedules', () => {
    // An endpoint receiving both got two warnings each beginning "CHIP will treat this as a
    // failure", one "up to about 8 times over 36 hours", the other "up to 25 times over about 21 days".
    const view = answerWarningsView(config({ defaultAnswer: { kind: 'respond', status: 500 } }), {
      source: 'recent-captures',
      providers: [
        { id: 'chip', variant: 'collect' },
        { id: 'chip', variant: 'send' },
      ],
    })
    expect(view.warnings).toEqual([
      'Default answer: CHIP Collect will treat this as a failure and retry (up to about 8 times over 36 hours): it expects a 2xx answer',
      'Default answer: CHIP Send will treat this as a failure and retry (up to 25 times over about 21 days): it expects a 2xx answer',
    ])
    expect(view.providers.map((provider) => provider.name)).toEqual(['CHIP Collect', 'CHIP Send'])
  })

  it('is empty, and says so, when no provider is known', () => {
    expect(answerWarningsView(answer200Empty, { source: 'none', providers: [] })).toEqual({ warnings: [], providers: [], providerSource: 'none' })
  })

  it('names a provider with no documented acknowledgement by its display name', () => {
    expect(answerWarningsView(answer200Empty, { source: 'pinned', providers: [{ id: 'generic', variant: null }] }).providers).toEqual([
      { id: 'generic', variant: null, name: 'Generic HMAC', expects: null },
    ])
  })
})
