import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { decodeContentCoding, MAX_DECODED_BODY_BYTES } from './content-coding'

const text = Buffer.from('{"status":"OK","amount":"19.99"}')

describe('decodeContentCoding', () => {
  it('undoes layers in reverse order of application, and raw deflate', () => {
    expect(decodeContentCoding(brotliCompressSync(gzipSync(text)), 'gzip, br')).toEqual(text)
    expect(decodeContentCoding(deflateRawSync(text), 'deflate')).toEqual(text)
    expect(decodeContentCoding(text, 'identity')).toEqual(text)
    expect(decodeContentCoding(text, null)).toEqual(text)
  })

  it('refuses unknown codings, corrupt data, too many layers and output past the cap', () => {
    expect(decodeContentCoding(text, 'zstd')).toBeNull()
    expect(decodeContentCoding(Buffer.from('not gzip'), 'gzip')).toBeNull()
    expect(decodeContentCoding(gzipSync(gzipSync(gzipSync(gzipSync(text)))), 'gzip, gzip, gzip, gzip')).toBeNull()
    expect(decodeContentCoding(gzipSync(Buffer.alloc(MAX_DECODED_BODY_BYTES + 1)), 'gzip')).toBeNull()
    expect(decodeContentCoding(gzipSync(Buffer.alloc(MAX_DECODED_BODY_BYTES)), 'gzip')?.length).toBe(MAX_DECODED_BODY_BYTES)
  })
})
