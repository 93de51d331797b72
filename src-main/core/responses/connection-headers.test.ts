import { describe, expect, it } from 'vitest'
import type { ResolvedAnswer } from '../../shared/responses'
import { withConnectionHeaders } from './connection-headers'

const NOW = Date.UTC(2026, 11, 7, 9, 0, 0)

function respond(headers: Array<[string, string]>): ResolvedAnswer {
  return { kind: 'respond', status: 200, headers, body: null, delayMs: 0 }
}

function namesOf(answer: ResolvedAnswer): string[] {
  return answer.kind === 'respond' ? answer.headers.map(([name]) => name) : []
}

describe('withConnectionHeaders', () => {
  it('adds Date and the connection headers Node would add, after the answer’s own', () => {
    expect(namesOf(withConnectionHeaders(respond([['X-A', '1']]), true, NOW))).toEqual(['X-A', 'Date', 'Connection', 'Keep-Alive'])
    expect(namesOf(withConnectionHeaders(respond([]), false, NOW))).toEqual(['Date', 'Connection'])
  })

  it('leaves a header the answer names alone, and never sends Keep-Alive twice', () => {
    const own = withConnectionHeaders(
      respond([
        ['Keep-Alive', 'timeout=99'],
        ['date', 'Tue, 01 Jan 2030 00:00:00 GMT'],
      ]),
      true,
      NOW,
    )
    expect(own.kind === 'respond' && own.headers).toEqual([
      ['Keep-Alive', 'timeout=99'],
      ['date', 'Tue, 01 Jan 2030 00:00:00 GMT'],
      ['Connection', 'keep-alive'],
    ])
    expect(namesOf(withConnectionHeaders(respond([['Connection', 'close']]), true, NOW))).toEqual(['Connection', 'Date'])
  })

  it('returns a connection answer as it is', () => {
    const close: ResolvedAnswer = { kind: 'close', delayMs: 0 }
    expect(withConnectionHeaders(close, true, NOW)).toBe(close)
  })
})
