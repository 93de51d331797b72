/** BodyChunks: a body's chunks kept in proportion to their bytes, the single chunk never copied. */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { BODY_BLOCK_BYTES, BodyChunks, SMALL_CHUNK_BYTES } from './body-chunks'

describe('BodyChunks', () => {
  it('gives back a body that came in one chunk as that very buffer', () => {
    const chunk = Buffer.from('{"event":"paid"}')
    const chunks = new BodyChunks()
    chunks.add(chunk)
    expect(chunks.toBuffer()).toBe(chunk)
  })

  it('copies one-byte chunks into a few blocks, bytes and order kept', () => {
    // As Node hands them over: views of one read buffer.
    const wire = randomBytes(200_000)
    const chunks = new BodyChunks()
    for (let index = 0; index < wire.length; index++) chunks.add(wire.subarray(index, index + 1))
    // Before: one piece per chunk, 200,000 of them.
    expect(chunks.pieceCount).toBeLessThanOrEqual(Math.ceil(wire.length / BODY_BLOCK_BYTES) + 8)
    expect(chunks.byteLength).toBe(wire.length)
    expect(chunks.toBuffer().equals(wire)).toBe(true)
  })

  it('keeps large chunks as they are, between small ones, in order', () => {
    const parts = [Buffer.from('a'), Buffer.from('bc'), randomBytes(SMALL_CHUNK_BYTES), Buffer.from('d'), randomBytes(SMALL_CHUNK_BYTES * 3), Buffer.from('e')]
    const chunks = new BodyChunks()
    for (const part of parts) chunks.add(part)
    expect(chunks.toBuffer().equals(Buffer.concat(parts))).toBe(true)
  })

  it('lets go of everything when cleared', () => {
    const chunks = new BodyChunks()
    chunks.add(Buffer.from('x'))
    chunks.add(Buffer.from('y'))
    chunks.clear()
    expect(chunks.byteLength).toBe(0)
    expect(chunks.pieceCount).toBe(0)
    chunks.add(Buffer.from('z'))
    expect(chunks.toBuffer().toString()).toBe('z')
  })
})
