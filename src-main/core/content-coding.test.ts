import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { decodeContentCoding, decodeContentCodingWithin, MAX_DECODED_BODY_BYTES } from './content-coding'

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

  it('stops at a smaller cap when asked, and says the output passed it', () => {
    expect(decodeContentCodingWithin(gzipSync(text), 'gzip', text.length)).toEqual(text)
    expect(decodeContentCodingWithin(gzipSync(text), 'gzip', text.length - 1)).toBe('too-large')
    expect(decodeContentCodingWithin(brotliCompressSync(gzipSync(text)), 'gzip, br', text.length - 1)).toBe('too-large')
    expect(decodeContentCodingWithin(deflateRawSync(Buffer.alloc(100)), 'deflate', 99)).toBe('too-large')
    expect(decodeContentCodingWithin(Buffer.from('not gzip'), 'gzip', 100)).toBeNull()
    // Never past the app's own cap.
    expect(decodeContentCodingWithin(gzipSync(Buffer.alloc(MAX_DECODED_BODY_BYTES + 1)), 'gzip', MAX_DECODED_BODY_BYTES * 2)).toBe('too-large')
  })
})
