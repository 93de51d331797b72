import { describe, expect, it } from 'vitest'
import { describeInvalidSquareNotificationUrl, squareNotificationUrlWarning, SQUARE_NOTIFICATION_URL_MAX_CHARS } from './square-notification-url'

describe('Square notification URL rule', () => {
  it('accepts absolute http(s) URLs as typed, trailing slash or not', () => {
    for (const url of ['https://demo.loca.lt/square/webhooks', 'https://example.com', 'https://example.com/', 'http://127.0.0.1:4100/x?y=1'])
      expect(describeInvalidSquareNotificationUrl(url)).toBeNull()
  })

  it('refuses what cannot be the signed URL, saying why', () => {
    expect(describeInvalidSquareNotificationUrl('')).toContain('empty')
    expect(describeInvalidSquareNotificationUrl('/square/webhooks')).toContain('absolute')
    expect(describeInvalidSquareNotificationUrl('ftp://example.com/x')).toContain('https://')
    expect(describeInvalidSquareNotificationUrl('https://example.com/a b')).toContain('whitespace')
    expect(describeInvalidSquareNotificationUrl(`https://example.com/${'a'.repeat(SQUARE_NOTIFICATION_URL_MAX_CHARS)}`)).toContain('longer')
  })

  it('warns about plain http, which Square does not accept', () => {
    expect(squareNotificationUrlWarning('http://example.com/x')).toContain('only https')
    expect(squareNotificationUrlWarning('https://example.com/x')).toBeNull()
  })
})
