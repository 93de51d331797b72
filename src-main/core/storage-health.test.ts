/** What the storage banner and `getStatus` say when captures cannot be written (storage-health.ts). */
import { describe, expect, test } from 'vitest'
import { failureMessage } from './storage-health'

const systemError = (code: string, message: string) => Object.assign(new Error(message), { code })

describe('storage failure message', () => {
  test('says what to do about a full disk, after the system’s own words', () => {
    const message = failureMessage(systemError('ENOSPC', 'ENOSPC: no space left on device, write'))
    expect(message).toMatch(/^ENOSPC: no space left on device, write: the disk holding the data folder is full\. /)
    expect(message).toMatch(/delete captures \(Clear, or a retention cap in Storage\)/)
    expect(failureMessage(systemError('EDQUOT', 'EDQUOT: disk quota exceeded, write'))).toMatch(/is full/)
  })

  test('says what to check when the folder cannot be written', () => {
    expect(failureMessage(systemError('EROFS', 'EROFS: read-only file system, open'))).toMatch(/cannot be written\. Check its permissions/)
    expect(failureMessage(systemError('EACCES', 'EACCES: permission denied, open'))).toMatch(/cannot be written/)
  })

  test('keeps any other failure in its own words', () => {
    expect(failureMessage(new Error('the capture log is closed.'))).toBe('the capture log is closed')
  })
})
