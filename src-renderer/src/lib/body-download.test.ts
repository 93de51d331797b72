import { describe, expect, it } from 'vitest'
import { bodyFileExtension, safeFileStem } from './body-download'

describe('body file names', () => {
  it('picks an extension from the content type, else from what the body is', () => {
    expect(bodyFileExtension('application/json; charset=utf-8', true, true)).toBe('json')
    expect(bodyFileExtension('application/vnd.api+json', false, true)).toBe('json')
    expect(bodyFileExtension('application/soap+xml', false, true)).toBe('xml')
    expect(bodyFileExtension('text/plain; charset=iso-8859-1', false, true)).toBe('txt')
    expect(bodyFileExtension(null, true, true)).toBe('json')
    expect(bodyFileExtension(null, false, true)).toBe('txt')
    expect(bodyFileExtension('application/x-unknown', false, false)).toBe('bin')
    expect(bodyFileExtension('image/png', false, false)).toBe('png')
  })

  it('names the exact bytes of a compressed body as what they are: JSON under gzip is .json.gz', () => {
    expect(bodyFileExtension('application/json', true, true, { kind: 'decoded', codings: ['gzip'], bytes: new Uint8Array(0) })).toBe('json.gz')
    expect(bodyFileExtension('text/plain', false, false, { kind: 'failed', codings: ['deflate', 'br'], reason: '' })).toBe('txt.zz.br')
  })

  it('keeps file names portable', () => {
    expect(safeFileStem('capture-01HX/../request body')).toBe('capture-01HX-..-request-body')
    expect(safeFileStem('../..')).toBe('body')
    expect(safeFileStem('x'.repeat(300)).length).toBe(100)
  })
})
