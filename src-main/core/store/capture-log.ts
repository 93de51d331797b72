/**
 * The capture log: each segment's append-only file of frames, one per capture, written before
 * the capture is answered. A frame holds the capture's metadata (JSON) and its raw body bytes:
 *
 *   "CIF1" | metadata length (uint32 BE) | body length (uint32 BE) | metadata JSON | body bytes
 *
 * Why a log beside lowdb: lowdb rewrites its whole document (temp file + rename) on each write,
 * which is too slow to wait for on every request. A frame is one positional `writev`; the lowdb
 * index catches up in the background, and on start-up any frames it had not yet recorded are
 * read back from the log, so an answered capture survives a kill -9 either way.
 *
 * Deleting a capture zeroes its whole frame: a scan steps over zeros to the next frame's header
 * (frames of earlier versions kept their 12-byte header, and a scan steps over those as frames
 * whose metadata is zeros). A log may end in zeros (the space of frames whose write failed, given
 * back): a scan stops at them, and they are not a torn write.
 */
import type { FileHandle } from 'node:fs/promises'

export const FRAME_MAGIC = Buffer.from('CIF1')
export const FRAME_HEADER_BYTES = 12

/** Writes a frame header into the first `FRAME_HEADER_BYTES` of `target`. */
export function encodeFrameHeader(target: Buffer, metadataBytes: number, bodyBytes: number): void {
  FRAME_MAGIC.copy(target, 0)
  target.writeUInt32BE(metadataBytes, 4)
  target.writeUInt32BE(bodyBytes, 8)
}

/** Where a frame starting at `offset` ends: its header, metadata and body. */
export function frameEnd(offset: number, metadataBytes: number, bodyBytes: number): number {
  return offset + FRAME_HEADER_BYTES + metadataBytes + bodyBytes
}

export interface ScannedFrame {
  frameOffset: number
  metadataBytes: number
  bodyOffset: number
  bodyBytes: number
  /** Parsed metadata, or `null` when erased (deleted) or unreadable. */
  metadata: unknown
  /** Its metadata is zeros: a deleted capture (or a frame whose metadata never reached the disk). */
  erased: boolean
}

export interface LogScan {
  frames: ScannedFrame[]
  /** End of the last complete frame: new frames may go here. */
  goodEnd: number
  /** Bytes after `goodEnd` that are not all zeros: a torn write. Zeros there are not (space given back after a failed write). */
  tornBytes: number
}

const SCAN_CHUNK_BYTES = 1024 * 1024

/** Reads every complete frame from `from` to the end of the file. */
export async function scanLog(handle: FileHandle, from: number, fileBytes: number): Promise<LogScan> {
  const frames: ScannedFrame[] = []
  let position = from
  const header = Buffer.alloc(FRAME_HEADER_BYTES)
  while (position + FRAME_HEADER_BYTES <= fileBytes) {
    await readExactly(handle, header, position)
    if (!header.subarray(0, 4).equals(FRAME_MAGIC)) {
      // Frames are written concurrently: a crash can leave the space reserved for an unfinished
      // one as zeros (a hole) before later, complete frames. Step over zeros only; anything else
      // is a torn write, and the scan ends there.
      const next = await skipZeros(handle, position, fileBytes)
      if (next === position || next + FRAME_HEADER_BYTES > fileBytes) break
      position = next
      continue
    }
    const metadataBytes = header.readUInt32BE(4)
    const bodyBytes = header.readUInt32BE(8)
    const end = frameEnd(position, metadataBytes, bodyBytes)
    if (end > fileBytes) break
    const metadataBuffer = Buffer.alloc(metadataBytes)
    await readExactly(handle, metadataBuffer, position + FRAME_HEADER_BYTES)
    frames.push({
      frameOffset: position,
      metadataBytes,
      bodyOffset: position + FRAME_HEADER_BYTES + metadataBytes,
      bodyBytes,
      metadata: parseMetadata(metadataBuffer),
      erased: metadataBytes === 0 || metadataBuffer[0] === 0,
    })
    position = end
  }
  const zerosEnd = position < fileBytes ? await skipZeros(handle, position, fileBytes) : fileBytes
  return { frames, goodEnd: position, tornBytes: zerosEnd < fileBytes ? fileBytes - position : 0 }
}

/** The first non-zero byte at or after `from` (or `fileBytes`). */
async function skipZeros(handle: FileHandle, from: number, fileBytes: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024)
  let position = from
  while (position < fileBytes) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, fileBytes - position), position)
    if (bytesRead === 0) return fileBytes
    const firstNonZero = chunk.subarray(0, bytesRead).findIndex((byte) => byte !== 0)
    if (firstNonZero !== -1) return position + firstNonZero
    position += bytesRead
  }
  return fileBytes
}

function parseMetadata(bytes: Buffer): unknown {
  // An erased frame is all zeros; anything else that is not JSON is unreadable: both are skipped.
  if (bytes.length === 0 || bytes[0] === 0) return null
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown
  } catch {
    return null
  }
}

async function readExactly(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, Math.min(buffer.length - done, SCAN_CHUNK_BYTES), position + done)
    if (bytesRead === 0) throw new Error(`unexpected end of capture log at byte ${position + done}`)
    done += bytesRead
  }
}
