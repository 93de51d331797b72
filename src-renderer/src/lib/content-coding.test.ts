import { describe, expect, it } from 'vitest'
import { contentCodingsOf, decodeContentCoding } from './content-coding'

/** The bytes compressed by the platform's CompressionStream (Node's and the browser's alike). */
async function compressed(bytes: Uint8Array, format: 'gzip' | 'deflate' | 'deflate-raw'): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream(format))).arrayBuffer())
}

const text = '{"amount": 10.10, "name": "Zoë Müller"}'
const bytes = new TextEncoder().encode(text)
const decodedText = async (body: Uint8Array, coding: string | null, maxBytes?: number) => {
  const result = await decodeContentCoding(body, coding, maxBytes)
  return result.kind === 'decoded' ? new TextDecoder().decode(result.bytes) : result
}

describe('contentCodingsOf', () => {
  it('lists the codings in the order applied, lower-cased, without identity', () => {
    expect(contentCodingsOf(null)).toEqual([])
    expect(contentCodingsOf(' identity ')).toEqual([])
    expect(contentCodingsOf('GZIP, br')).toEqual(['gzip', 'br'])
  })
})

describe('decodeContentCoding', () => {
  it('leaves a body without a coding alone', async () => {
    expect(await decodeContentCoding(bytes, null)).toEqual({ kind: 'identity' })
    expect(await decodeContentCoding(bytes, 'identity')).toEqual({ kind: 'identity' })
  })

  it('undoes gzip, x-gzip, zlib deflate and the raw deflate some senders send as deflate', async () => {
    expect(await decodedText(await compressed(bytes, 'gzip'), 'gzip')).toBe(text)
    expect(await decodedText(await compressed(bytes, 'gzip'), 'x-gzip')).toBe(text)
    expect(await decodedText(await compressed(bytes, 'deflate'), 'deflate')).toBe(text)
    expect(await decodedText(await compressed(bytes, 'deflate-raw'), 'Deflate')).toBe(text)
  })

  it('undoes layers last applied first', async () => {
    expect(await decodedText(await compressed(await compressed(bytes, 'deflate'), 'gzip'), 'deflate, gzip')).toBe(text)
    expect(
      await decodeContentCoding(
        await compressed(await compressed(await compressed(await compressed(bytes, 'gzip'), 'gzip'), 'gzip'), 'gzip'),
        'gzip, gzip, gzip, gzip',
      ),
    ).toMatchObject({ kind: 'failed' })
  })

  it('says why it cannot: brotli, an unknown coding, corrupt or cut-short data, a bomb past the cap', async () => {
    expect(await decodeContentCoding(bytes, 'br')).toEqual({ kind: 'failed', codings: ['br'], reason: 'Brotli (br) cannot be decompressed here' })
    expect(await decodeContentCoding(bytes, 'compress')).toMatchObject({ kind: 'failed', reason: '"compress" is not a coding the viewer can undo' })
    expect(await decodeContentCoding(bytes, 'gzip')).toMatchObject({ kind: 'failed', reason: 'the bytes are not valid gzip data (corrupt or cut short)' })
    expect(await decodeContentCoding((await compressed(bytes, 'gzip')).subarray(0, 20), 'gzip')).toMatchObject({ kind: 'failed' })
    const bomb = await compressed(new Uint8Array(3 * 1024 * 1024), 'gzip')
    expect(await decodeContentCoding(bomb, 'gzip', 2 * 1024 * 1024)).toMatchObject({ kind: 'failed', reason: 'it decompresses to more than 2 MiB' })
    expect(await decodeContentCoding(await compressed(new Uint8Array(3 * 1024 * 1024), 'deflate'), 'deflate', 2 * 1024 * 1024)).toMatchObject({
      reason: 'it decompresses to more than 2 MiB',
    })
  })
})
