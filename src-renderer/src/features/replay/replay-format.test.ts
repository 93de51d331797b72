/** A forward's history record says what the provider got, and never an answer when it got none. */
import { describe, expect, it } from 'vitest'
import { forwardSummarySentence } from './replay-format'

describe('forwardSummarySentence', () => {
  it('says the provider got no answer when the app stopped or the sender left while the target was awaited', () => {
    expect(forwardSummarySentence({ mode: 'pass-through', usedConfiguredAnswer: false, reason: 'app-stopped' })).toBe(
      'the app stopped while waiting for your server, so the provider got no answer.',
    )
    expect(forwardSummarySentence({ mode: 'pass-through', usedConfiguredAnswer: false, reason: 'sender-left' })).toBe(
      'the provider gave up waiting before your server answered, so it got no answer.',
    )
    expect(forwardSummarySentence({ mode: 'pass-through', usedConfiguredAnswer: false, reason: 'store-failed' })).toBe(
      'the app could not record the answer, so the provider got 503 (retry later) instead.',
    )
  })

  it('names the answer the provider got otherwise', () => {
    expect(forwardSummarySentence({ mode: 'pass-through', usedConfiguredAnswer: false, reason: null })).toBe('the provider got this answer from your server.')
    expect(forwardSummarySentence({ mode: 'pass-through', usedConfiguredAnswer: true, reason: 'timeout' })).toBe(
      "the provider got this endpoint's configured answer (timeout).",
    )
  })
})
