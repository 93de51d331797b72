import { describe, expect, it } from 'vitest'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import type { DeliveryAnalysis, ProviderRecognition } from '@shared/providers'
import { SummaryPanel } from './summary-panel'

/** Rendered as the detail shows it (server-side: the markup is what matters, no clicks). */
function render(variant: string, display: string): string {
  const analysis = {
    provider: { id: 'mollie', name: 'Mollie', variant, detectedBy: 'test', pinned: false } as unknown as ProviderRecognition,
    summary: {
      eventType: null,
      status: null,
      providerObjectId: null,
      eventId: null,
      revision: null,
      merchantReference: null,
      amount: null,
      paymentMethod: null,
      maskedCard: null,
      errorCode: null,
      errorMessage: null,
      isTest: null,
      items: [],
      signalOnly: { method: 'GET', path: '/x', url: 'https://example.test/x', display, alternativeUrls: [`https://sandbox.test/${display}`], note: '' },
      fields: [],
      problems: [],
      bodyFormat: 'form',
    },
  } as unknown as DeliveryAnalysis
  return renderToStaticMarkup(createElement(SummaryPanel, { analysis, pinnedBy: 'endpoint' }))
}

describe('SummaryPanel', () => {
  it('marks hidden and direction characters in the signal-only request and the provider variant, as in its facts', () => {
    const markup = render('clas\u200Bsic', 'GET https://api.mollie.com/v2/payments/tr_\u202Eabc')
    const request = /data-testid="signal-only-request">(.*?)<\/code>/.exec(markup)?.[1] ?? ''
    expect(request).toContain('data-code-point="U+202E"')
    // The aside and the Provider fact's tag both name the variant; each is marked.
    expect(markup.match(/data-code-point="U\+200B"/g)).toHaveLength(2)
    // "Also served by" URLs come from the same ids.
    expect(markup.match(/data-code-point="U\+202E"/g)).toHaveLength(2)
  })
})
