/**
 * A refusal's reason reads its sizes in one way (byte-size.ts), whether the receiver wrote it
 * today or an earlier version stored a raw byte count (the store's views: capture-store.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { bodyStalledReason, bodyTooLargeReason, refusalReasonToShow } from './refusal-reasons'

describe('refusal reasons', () => {
  it("an earlier version stored the limit as a raw byte count: shown in today's words", () => {
    expect(refusalReasonToShow('The body is larger than this inspector accepts (10485760 bytes).')).toBe(
      'The body is larger than this inspector accepts (10 MiB).',
    )
    // A limit that is no whole number of KiB keeps every byte, grouped.
    expect(refusalReasonToShow('The body is larger than this inspector accepts (10485761 bytes).')).toBe(
      'The body is larger than this inspector accepts (10,485,761 bytes).',
    )
    expect(refusalReasonToShow('The body stopped arriving: no byte for 1.5 s after 12345 byte(s).')).toBe(
      'The body stopped arriving: no byte for 1.5 s after 12,345 bytes.',
    )
    expect(refusalReasonToShow('The body stopped arriving: no byte for 30 s after 1 byte(s).')).toBe(bodyStalledReason(30, 1))
  })

  it("today's reasons, and any other text, are shown as stored", () => {
    for (const reason of [
      bodyTooLargeReason(10 * 1024 * 1024),
      bodyStalledReason(1.5, 10),
      "Too many bodies are arriving at once: this inspector already holds 800 B of other callbacks' bodies (its limit is 1,000 bytes). Retry later.",
      'The body is larger than this inspector accepts (10485760 bytes). And more.',
    ])
      expect(refusalReasonToShow(reason)).toBe(reason)
  })
})
