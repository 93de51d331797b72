import { describe, expect, it } from 'vitest'
import { ANSWER_PRESETS, answerConfigSchemas, type AnswerSpecInput } from '../../shared/responses'
import { assessAnswerForProvider, describeProviderExpectation, providerAcknowledgement, PROVIDERS_WITH_ACKNOWLEDGEMENT } from './provider-acknowledgements'
import { resolveAnswer } from './resolve-answer'

const answer = (input: AnswerSpecInput) => answerConfigSchemas.answer.parse(input)
const ok200 = answer({ kind: 'respond', status: 200, body: { text: 'OK' } })
const empty200 = answer({ kind: 'respond', status: 200 })
const status500 = answer({ kind: 'respond', status: 500 })

describe('providerAcknowledgement', () => {
  it("gives each provider's documented acknowledgement", () => {
    expect(providerAcknowledgement('ixopay')).toMatchObject({ status: 200, body: { text: 'OK' } })
    expect(providerAcknowledgement('adyen', 'classic')).toMatchObject({ status: 200, body: { text: '[accepted]' } })
    expect(providerAcknowledgement('adyen')).toMatchObject({ status: 200, body: null })
    expect(providerAcknowledgement('unknown-provider')).toBeNull()
    expect(providerAcknowledgement(null)).toBeNull()
  })

  it('every provider accepts its own acknowledgement (except legacy Plexo, which needs a signature)', () => {
    for (const provider of PROVIDERS_WITH_ACKNOWLEDGEMENT) {
      const acknowledgement = providerAcknowledgement(provider)
      expect(acknowledgement, provider).not.toBeNull()
      if (acknowledgement !== null) expect(assessAnswerForProvider(provider, acknowledgement), provider).toBeNull()
      expect(describeProviderExpectation(provider)?.expects, provider).toBeTruthy()
    }
    const legacy = providerAcknowledgement('plexo', 'legacy-envelope')
    expect(legacy !== null && assessAnswerForProvider('plexo', legacy, 'legacy-envelope')).toContain('may treat this as a failure')
  })
})

describe('assessAnswerForProvider', () => {
  it('says plainly when IXOPAY would retry', () => {
    expect(assessAnswerForProvider('ixopay', ok200)).toBeNull()
    expect(assessAnswerForProvider('ixopay', answer({ kind: 'respond', status: 200, body: { text: 'OK\n' } }))).toBeNull()
    expect(assessAnswerForProvider('ixopay', empty200)).toBe('IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK')
    expect(assessAnswerForProvider('ixopay', answer({ kind: 'respond', status: 201, body: { text: 'OK' } }))).toBe(
      'IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK',
    )
    expect(assessAnswerForProvider('ixopay', answer({ kind: 'respond', status: 200, body: { json: 'OK' } }))).not.toBeNull()
  })

  it('counts close, reset and hang as failures for every provider', () => {
    for (const provider of PROVIDERS_WITH_ACKNOWLEDGEMENT) {
      for (const kind of ['close', 'reset', 'hang'] as const) {
        expect(assessAnswerForProvider(provider, answer({ kind })), `${provider} ${kind}`).toMatch(/treat this as a failure/)
      }
    }
    expect(assessAnswerForProvider('chip', answer({ kind: 'close' }))).toBe(
      'CHIP Collect will treat this as a failure and retry (up to about 8 times over 36 hours): the connection is closed without an answer; it expects a 2xx answer',
    )
    expect(assessAnswerForProvider('stripe', answer({ kind: 'reset' }))).toContain('the connection is reset without an answer')
    expect(assessAnswerForProvider('paypal', answer({ kind: 'hang' }))).toContain('nothing is answered, so the delivery times out')
  })

  it('counts a delay at or past the documented timeout as a failure', () => {
    const delayed = (delayMs: number) => answer({ kind: 'respond', status: 200, delayMs })
    expect(assessAnswerForProvider('shopify', delayed(4_900))).toBeNull()
    expect(assessAnswerForProvider('shopify', delayed(6_000))).toBe(
      'Shopify will treat this as a failure and retry (8 times over 4 hours, after which it may delete the subscription): the answer comes after 6 s, past its 5 s timeout; it expects a 200-series answer within 5 s',
    )
    expect(assessAnswerForProvider('github', delayed(9_000))).toBeNull()
    expect(assessAnswerForProvider('github', delayed(10_000))).toContain('GitHub will treat this as a failure (it does not redeliver on its own')
    expect(assessAnswerForProvider('adyen', delayed(12_500))).toContain('past its 10 s timeout')
    // No documented timeout: a long delay is not flagged.
    expect(assessAnswerForProvider('chip', delayed(60_000))).toBeNull()
  })

  it('judges 2xx providers by status', () => {
    for (const provider of ['chip', 'stripe', 'standard-webhooks', 'github', 'shopify', 'adyen', 'mollie', 'paypal']) {
      expect(assessAnswerForProvider(provider, answer({ kind: 'respond', status: 204 })), provider).toBeNull()
      expect(assessAnswerForProvider(provider, status500), provider).toMatch(/will treat this as a failure/)
      expect(assessAnswerForProvider(provider, answer({ kind: 'respond', status: 302 })), provider).toMatch(/failure/)
    }
    expect(assessAnswerForProvider('mollie', status500)).toBe('Mollie will treat this as a failure: it expects a 2xx answer')
    expect(assessAnswerForProvider('paypal', status500)).toBe(
      'PayPal will treat this as a failure and retry (reportedly up to 25 times over 3 days): it expects a 2xx answer',
    )
  })

  it("explains Standard Webhooks' special statuses", () => {
    expect(assessAnswerForProvider('standard-webhooks', answer({ kind: 'respond', status: 410 }))).toContain('take 410 as a request to disable this endpoint')
    expect(assessAnswerForProvider('standard-webhooks', answer({ kind: 'respond', status: 429 }))).toContain('429 means throttle')
    expect(assessAnswerForProvider('standard-webhooks', status500)).toBe(
      'A Standard Webhooks sender will treat this as a failure and retry: it expects a 2xx answer',
    )
  })

  it('says "may" where the docs leave it open', () => {
    expect(assessAnswerForProvider('swedbankpay', empty200)).toBeNull()
    expect(assessAnswerForProvider('swedbankpay', answer({ kind: 'respond', status: 204 }))).toBe(
      'Swedbank Pay may treat this as a failure and retry (up to 8 times): it expects HTTP 200 OK',
    )
    expect(assessAnswerForProvider('swedbankpay', status500)).toContain('Swedbank Pay will treat this as a failure')
    expect(assessAnswerForProvider('plexo', status500)).toBe('Plexo may treat this as a failure: it expects a 2xx answer')
    expect(assessAnswerForProvider('adyen', empty200, 'classic')).toContain('Adyen may treat this as a failure and retry')
    expect(assessAnswerForProvider('adyen', status500, 'classic')).toContain('Adyen will treat this as a failure')
    expect(assessAnswerForProvider('adyen', answer({ kind: 'respond', status: 200, body: { text: '[accepted]' } }), 'classic')).toBeNull()
  })

  it('assesses a resolved answer (as recorded with a capture) the same way', () => {
    expect(assessAnswerForProvider('ixopay', resolveAnswer(ok200))).toBeNull()
    expect(assessAnswerForProvider('ixopay', resolveAnswer(status500))).toContain('IXOPAY will treat this as a failure')
    expect(assessAnswerForProvider('ixopay', resolveAnswer(answer({ kind: 'hang' })))).toContain('times out')
  })

  it('has nothing to say about unknown providers', () => {
    expect(assessAnswerForProvider(null, status500)).toBeNull()
    expect(assessAnswerForProvider('acme-pay', status500)).toBeNull()
  })

  it('the 200 OK preset satisfies every provider but legacy Plexo', () => {
    const okPreset = ANSWER_PRESETS.find((preset) => preset.id === 'ok')
    for (const provider of PROVIDERS_WITH_ACKNOWLEDGEMENT) {
      expect(okPreset && assessAnswerForProvider(provider, okPreset.answer), provider).toBeNull()
    }
  })
})
