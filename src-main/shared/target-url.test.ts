import { describe, expect, it } from 'vitest'
import { forwardConfigInputSchema, forwardConfigSchema, replayCaptureInputSchema, sendOptionsSchema } from './replay'
import { describeInvalidTimeout, FORWARD_TIMEOUT_MAX_MS, FORWARD_TIMEOUT_MIN_MS, SEND_TIMEOUT_MAX_MS, SEND_TIMEOUT_MIN_MS } from './replay-limits'
import { describeInvalidTargetUrl, MAX_TARGET_URL_CHARS, withoutCredentials } from './target-url'

const apiAccepts = (targetUrl: string) => replayCaptureInputSchema.safeParse({ captureId: 'c1', targetUrl }).success

describe('describeInvalidTargetUrl', () => {
  it('accepts http and https URLs with a host', () => {
    expect(describeInvalidTargetUrl('http://localhost:3000/callbacks/ixopay')).toBeNull()
    expect(describeInvalidTargetUrl('https://example.test/hook?x=1')).toBeNull()
  })

  it('says what is wrong with anything else', () => {
    expect(describeInvalidTargetUrl('')).toMatch(/^Enter the URL/)
    expect(describeInvalidTargetUrl('   ')).toMatch(/^Enter the URL/)
    expect(describeInvalidTargetUrl('localhost:3000')).toBe('Use an http:// or https:// URL')
    expect(describeInvalidTargetUrl('ftp://example.test/')).toBe('Use an http:// or https:// URL')
    expect(describeInvalidTargetUrl('http//nope')).toMatch(/^Not a URL/)
  })

  it('suggests the example it is given (a form sending a Stripe capture suggests a Stripe route)', () => {
    const example = 'http://localhost:3000/callbacks/stripe'
    expect(describeInvalidTargetUrl('', example)).toBe(`Enter the URL to send to, e.g. ${example}`)
    expect(describeInvalidTargetUrl('http//nope', example)).toBe(`Not a URL: use e.g. ${example}`)
    expect(describeInvalidTargetUrl('', example)).not.toContain('ixopay')
  })

  it('refuses a URL longer than the API accepts (the form used to accept it and the API refused it)', () => {
    const atLimit = `http://example.test/${'a'.repeat(MAX_TARGET_URL_CHARS - 'http://example.test/'.length)}`
    expect(atLimit).toHaveLength(MAX_TARGET_URL_CHARS)
    expect(describeInvalidTargetUrl(atLimit)).toBeNull()
    expect(describeInvalidTargetUrl(`${atLimit}a`)).toBe(`A URL of at most ${MAX_TARGET_URL_CHARS} characters`)
  })

  it('refuses a user name or password in the URL: they are never sent, only kept and exported', () => {
    for (const url of ['http://user:pass@localhost:3000/x', 'http://user@localhost:3000/x', 'https://:secret@example.test/hook']) {
      expect(describeInvalidTargetUrl(url)).toMatch(/^Remove the user name and password from the URL/)
    }
    // An `@` elsewhere is no credential.
    expect(describeInvalidTargetUrl('http://localhost:3000/x?email=a@b.test')).toBeNull()
  })

  it('agrees with the API schema on every input', () => {
    const inputs = [
      'http://localhost:3000/x',
      'https://a.test',
      ' http://padded.test ',
      'http://',
      'file:///etc/passwd',
      'mailto:someone@example.test',
      'javascript:alert(1)',
      'http://[::1]:8080/',
      'http://exa mple.test/',
      '',
      `http://example.test/${'b'.repeat(MAX_TARGET_URL_CHARS)}`,
      'http://user:pass@localhost:3000/x',
      'http://user@localhost:3000/x',
    ]
    for (const input of inputs) expect({ input, accepted: describeInvalidTargetUrl(input) === null }).toEqual({ input, accepted: apiAccepts(input) })
  })
})

describe('credentials in forward target URLs', () => {
  const config = (targetUrl: string) => ({ enabled: true, targetUrl, mode: 'background', timeoutMs: 1000, keepCapturedPath: false })

  it('refuses them in setForwardConfig input, with the form message', () => {
    const parsed = forwardConfigInputSchema.safeParse(config('http://fwduser:FWDPASS7@127.0.0.1:3000/x'))
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toMatch(/^Remove the user name and password/)
    expect(forwardConfigInputSchema.safeParse(config('http://127.0.0.1:3000/x')).success).toBe(true)
    expect(forwardConfigInputSchema.safeParse({ ...config('http://127.0.0.1:3000/x'), extra: 1 }).success).toBe(false)
  })

  it('drops them from saved settings instead of refusing the file, which earlier versions let them into', () => {
    const saved = forwardConfigSchema.parse(config('http://fwduser:FWDPASS7@127.0.0.1:3000/x?a=1'))
    expect(saved.targetUrl).toBe('http://127.0.0.1:3000/x?a=1')
    expect(forwardConfigSchema.safeParse(config('ftp://127.0.0.1/')).success).toBe(false)
  })

  it('leaves a URL without credentials exactly as typed', () => {
    for (const url of ['http://localhost:3000', 'HTTP://Example.test/a/../b', 'not a url']) expect(withoutCredentials(url)).toBe(url)
    expect(withoutCredentials('https://u:p@example.test/hook')).toBe('https://example.test/hook')
  })
})

describe('describeInvalidTimeout', () => {
  it('accepts whole milliseconds within the bounds and words the bounds in seconds', () => {
    expect(describeInvalidTimeout(SEND_TIMEOUT_MIN_MS, SEND_TIMEOUT_MIN_MS, SEND_TIMEOUT_MAX_MS)).toBeNull()
    expect(describeInvalidTimeout(SEND_TIMEOUT_MAX_MS, SEND_TIMEOUT_MIN_MS, SEND_TIMEOUT_MAX_MS)).toBeNull()
    expect(describeInvalidTimeout(99, SEND_TIMEOUT_MIN_MS, SEND_TIMEOUT_MAX_MS)).toBe('between 0.1 and 600 seconds')
    expect(describeInvalidTimeout(Number.NaN, FORWARD_TIMEOUT_MIN_MS, FORWARD_TIMEOUT_MAX_MS)).toBe('between 0.1 and 120 seconds')
    expect(describeInvalidTimeout(150.5, FORWARD_TIMEOUT_MIN_MS, FORWARD_TIMEOUT_MAX_MS)).not.toBeNull()
  })

  it('uses the bounds the schemas enforce', () => {
    for (const timeoutMs of [SEND_TIMEOUT_MIN_MS - 1, SEND_TIMEOUT_MIN_MS, SEND_TIMEOUT_MAX_MS, SEND_TIMEOUT_MAX_MS + 1]) {
      const formAccepts = describeInvalidTimeout(timeoutMs, SEND_TIMEOUT_MIN_MS, SEND_TIMEOUT_MAX_MS) === null
      expect(sendOptionsSchema.safeParse({ timeoutMs }).success).toBe(formAccepts)
    }
    for (const timeoutMs of [FORWARD_TIMEOUT_MIN_MS - 1, FORWARD_TIMEOUT_MIN_MS, FORWARD_TIMEOUT_MAX_MS, FORWARD_TIMEOUT_MAX_MS + 1]) {
      const formAccepts = describeInvalidTimeout(timeoutMs, FORWARD_TIMEOUT_MIN_MS, FORWARD_TIMEOUT_MAX_MS) === null
      const config = { enabled: true, targetUrl: 'http://localhost:1/', mode: 'pass-through', timeoutMs }
      expect(forwardConfigSchema.safeParse(config).success).toBe(formAccepts)
    }
  })
})
