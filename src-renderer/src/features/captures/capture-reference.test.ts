import { describe, expect, it } from 'vitest'
import type { CaptureRecognition } from '@shared/views'
import { captureReference } from './capture-reference'

function recognition(reference: string | null, objectId: string | null, eventId?: string | null): CaptureRecognition {
  return {
    provider: { id: 'ixopay', name: 'IXOPAY', variant: null },
    verdict: { status: 'valid', reason: null, message: 'valid' },
    summary: { eventType: 'DEBIT', status: 'OK', objectId, eventId, reference, amount: '9.99 EUR', paymentMethod: null, signalOnly: false },
  }
}

describe('captureReference', () => {
  it('shows the merchant reference first and names both ids in the title', () => {
    expect(captureReference(recognition('order-4711', 'a1b2c3'))).toEqual({ text: 'order-4711', title: 'Reference: order-4711\nIXOPAY id: a1b2c3' })
  })

  it("falls back to the provider's id of the object or event", () => {
    expect(captureReference(recognition(null, 'evt_123'))).toEqual({ text: 'evt_123', title: 'IXOPAY id: evt_123' })
    expect(captureReference(recognition('  ', 'evt_123'))?.text).toBe('evt_123')
  })

  it("falls back to the notification's event id when the callback names no object (a Stripe test event)", () => {
    expect(captureReference(recognition(null, null, 'evt_test_webhook'))).toEqual({ text: 'evt_test_webhook', title: 'IXOPAY event: evt_test_webhook' })
    // An object id, when there is one, is what tells deliveries apart: as before.
    expect(captureReference(recognition(null, 'pi_1', 'evt_1'))).toEqual({ text: 'pi_1', title: 'IXOPAY id: pi_1' })
  })

  it('is empty without a recognised provider or any id', () => {
    expect(captureReference(null)).toBeNull()
    expect(captureReference(recognition(null, null))).toBeNull()
  })
})
