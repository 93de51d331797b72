/**
 * An attempt counts as delivered when its provider would take the answer as an acknowledgement
 * (providers.md: IXOPAY wants HTTP 200 with the body OK; Shopify a 200-series within 5 s), not
 * whenever its status was a 2xx: IXOPAY retries a 200 with an empty body, and those retries are
 * not duplicates of a delivered notification.
 */
import { describe, expect, it } from 'vitest'
import type { ProviderId } from '../../shared/providers'
import type { CaptureRecognition } from '../../shared/views'
import { testCapture } from '../../test-support/test-capture'
import type { LoggedCapture } from '../store/persisted-schema'
import { toCaptureSummary } from '../store/capture-summary'
import { buildDeliveryView, deliveryGroupInfo } from './delivery-timeline'
import { assessAnswerForProvider } from '../responses/provider-acknowledgements'

const T0 = Date.parse('2026-12-06T08:00:00.000Z')

function recognised(provider: ProviderId, variant: string | null): CaptureRecognition {
  return {
    provider: { id: provider, name: provider, variant },
    verdict: { status: 'valid', reason: null, message: '' },
    summary: { eventType: 'DEBIT', status: 'OK', objectId: 'u-1', eventId: null, reference: null, amount: null, paymentMethod: null, signalOnly: false },
  }
}

/** A stored attempt answered `status` with `body` after `delayMs`, `minutes` after the first. */
function stored(seq: number, minutes: number, provider: ProviderId, variant: string | null, status: number, body: string, delayMs = 0): LoggedCapture {
  const capture = testCapture(Buffer.from('{}'), {
    id: `cap-${seq}`,
    receivedAt: new Date(T0 + minutes * 60_000).toISOString(),
    recognition: recognised(provider, variant),
    response: { kind: 'respond', status, headers: [], bodyBase64: Buffer.from(body).toString('base64'), delayMs, chosenBy: { kind: 'default' } },
  })
  return { ...capture, seq, body: { sha256: capture.body.sha256, size: 2 }, senderLeftAt: null, appStoppedAt: null }
}

describe('delivered: the provider takes the answer as its acknowledgement', () => {
  it('IXOPAY: a 200 without the body OK is not delivered, and the retry it causes is no duplicate', () => {
    const attempts = [stored(1, 0, 'ixopay', 'json-api', 200, ''), stored(2, 3, 'ixopay', 'json-api', 200, 'OK')].map((each) => toCaptureSummary(each))
    const view = buildDeliveryView('ixopay:u-1:DEBIT:OK', attempts)
    expect(view.timeline.map((row) => [row.attempt, row.succeeded, row.afterSuccess])).toEqual([
      [1, false, false],
      [2, true, false],
    ])
    expect(view.succeeded).toBe(true)
    expect(view.duplicateCount).toBe(0)
    expect(deliveryGroupInfo('ixopay:u-1:DEBIT:OK', attempts)).toMatchObject({ succeeded: true, duplicateCount: 0 })
  })

  it('IXOPAY: "OK" with a trailing newline is delivered; a 204 or "ok" is not', () => {
    const view = (status: number, body: string) => buildDeliveryView('k', [toCaptureSummary(stored(1, 0, 'ixopay', 'json-api', status, body))])
    expect(view(200, 'OK\n').succeeded).toBe(true)
    expect(view(204, '').succeeded).toBe(false)
    expect(view(200, 'ok').succeeded).toBe(false)
  })

  it('Shopify: a 200 sent after its 5 s timeout is not delivered', () => {
    const late = buildDeliveryView('shopify:w-1', [toCaptureSummary(stored(1, 0, 'shopify', 'webhook', 200, '', 6_000))])
    expect(late.succeeded).toBe(false)
    const inTime = buildDeliveryView('shopify:w-1', [toCaptureSummary(stored(1, 0, 'shopify', 'webhook', 200, '', 1_000))])
    expect(inTime.succeeded).toBe(true)
  })

  it('a 2xx the provider may take (Swedbank Pay 204, Adyen classic without [accepted]) and unknown senders stay delivered', () => {
    for (const [provider, variant, status] of [
      ['swedbankpay', 'payex-v1', 204],
      ['adyen', 'classic', 200],
      ['unknown', null, 202],
    ] as const) {
      expect(buildDeliveryView('k', [toCaptureSummary(stored(1, 0, provider, variant, status, ''))]).succeeded, provider).toBe(true)
    }
  })

  it("says why in the Answers warnings' words, unless the provider takes the answer as a success", () => {
    const response = (provider: ProviderId, variant: string | null, status: number, body: string, delayMs = 0) =>
      toCaptureSummary(stored(1, 0, provider, variant, status, body, delayMs)).response
    const ixopayEmpty = response('ixopay', 'json-api', 200, '')
    expect(ixopayEmpty.providerTakesItAs).toBe('failure')
    expect(ixopayEmpty.providerExplains).toBe('IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK')
    expect(ixopayEmpty.providerExplains).toBe(
      assessAnswerForProvider('ixopay', { kind: 'respond', status: 200, headers: [], body: null, delayMs: 0 }, 'json-api'),
    )
    expect(response('shopify', 'webhook', 200, '', 6_000).providerExplains).toMatch(/after 6 s, past its 5 s timeout/)
    expect(response('swedbankpay', 'payex-v1', 204, '')).toMatchObject({
      providerTakesItAs: 'uncertain',
      providerExplains: expect.stringMatching(/ may treat this as a failure/),
    })
    expect(response('ixopay', 'json-api', 200, 'OK')).not.toHaveProperty('providerExplains')
    expect(response('unknown', null, 200, '')).not.toHaveProperty('providerExplains')
  })
})
