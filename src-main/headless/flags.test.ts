import { constants } from 'node:buffer'
import { describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES_LIMIT, parseFlags } from './flags'

describe('--max-body-bytes', () => {
  it('takes up to 256 MiB and refuses more, saying why', () => {
    expect(parseFlags(['--max-body-bytes', String(MAX_BODY_BYTES_LIMIT)])).toMatchObject({ maxBodyBytes: MAX_BODY_BYTES_LIMIT })
    for (const value of [String(MAX_BODY_BYTES_LIMIT + 1), String(1024 * 1024 * 1024), '0', '1e6'])
      expect(parseFlags(['--max-body-bytes', value]), value).toEqual({
        error:
          '--max-body-bytes must be a number of bytes from 1 to 268435456 (256 MiB): a larger body could not be opened again, its base64 outgrows a JavaScript string',
      })
  })

  it('keeps a body of the limit readable: its base64, in a JSON answer with room to spare, fits in one string', () => {
    const base64Length = Math.ceil(MAX_BODY_BYTES_LIMIT / 3) * 4
    // The rest of a capture's detail (headers, analysis, the response) is far below 64 MiB.
    expect(base64Length + 64 * 1024 * 1024).toBeLessThanOrEqual(constants.MAX_STRING_LENGTH)
  })
})
