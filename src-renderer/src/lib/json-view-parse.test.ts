import { describe, expect, it } from 'vitest'
import { rawText } from '@shared/lossless-json'
import { parseForJsonView, SYNC_PARSE_MAX_CHARS, transferableParse, withParsedText } from './json-view-parse'

const largeJson = '[' + Array.from({ length: SYNC_PARSE_MAX_CHARS / 4 }, (_, index) => index).join(',') + ', 12345678901234567891]'

describe('transferableParse', () => {
  it('moves the columns without the text; given the text back, every literal reads as sent', () => {
    const { message, transfer } = transferableParse(parseForJsonView(largeJson))
    const received = structuredClone(message, { transfer })
    expect(received.ok && received.document.text).toBe('')
    const result = withParsedText(received, largeJson)
    if (!result.ok) throw new Error('expected a document')
    expect(rawText(result.document, result.document.count - 1)).toBe('12345678901234567891')
    // Transferred, not copied: the parse's own columns are now empty.
    expect(transfer.every((buffer) => buffer.byteLength === 0)).toBe(true)
  })

  it('sends a syntax error as it is', () => {
    const result = parseForJsonView('{"a": ')
    expect(transferableParse(result)).toEqual({ message: result, transfer: [] })
  })
})
