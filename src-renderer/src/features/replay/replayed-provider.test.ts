import { describe, expect, it } from 'vitest'
import { replayedProvider, signedPathEndpointOf } from './replayed-provider'

describe('replayedProvider', () => {
  it('is the selection’s own provider when the selection is replayed', () => {
    expect(replayedProvider('selection', ['swedbankpay', 'swedbankpay', null], 'ixopay')).toEqual({ example: 'swedbankpay', signedPath: 'swedbankpay' })
  })

  it('checks the signed path when any selected capture is IXOPAY’s, though most are not', () => {
    expect(replayedProvider('selection', ['stripe', 'stripe', 'ixopay'], 'stripe')).toEqual({ example: 'stripe', signedPath: 'ixopay' })
  })

  it('names no provider for a selection of unknown senders', () => {
    expect(replayedProvider('selection', [null, 'unknown'], 'ixopay')).toEqual({ example: null, signedPath: null })
  })

  it('is the endpoint’s provider for the filter and the whole endpoint', () => {
    expect(replayedProvider('endpoint', ['swedbankpay'], 'ixopay')).toEqual({ example: 'ixopay', signedPath: 'ixopay' })
    expect(replayedProvider('filter', [], 'chip')).toEqual({ example: 'chip', signedPath: 'chip' })
  })

  it('finds the endpoint a selection’s IXOPAY captures came to, for a selection made in All captures', () => {
    expect(
      signedPathEndpointOf([
        { providerId: 'stripe', endpointId: 'e-stripe' },
        { providerId: 'ixopay', endpointId: 'e-1' },
        { providerId: 'ixopay', endpointId: 'e-2' },
        { providerId: 'ixopay', endpointId: 'e-2' },
      ]),
    ).toBe('e-2')
    expect(signedPathEndpointOf([{ providerId: 'ixopay', endpointId: 'e-1' }])).toBe('e-1')
    expect(
      signedPathEndpointOf([
        { providerId: 'stripe', endpointId: 'e-stripe' },
        { providerId: null, endpointId: 'e-1' },
      ]),
    ).toBeNull()
  })
})
