import { describe, expect, it } from 'vitest'
import { storageHealthText } from './storage-health-text'

describe('storageHealthText', () => {
  it('reads one capture and one segment file in the singular', () => {
    expect(storageHealthText({ captures: 1, segments: 1, logBytes: 2048, logDiskBytes: null, diskFreeBytes: null })).toBe(
      '1 capture in 1 segment file, whose logs are 2 KiB in size.',
    )
    // The dialog read "29 captures in 1 segment files" on a new install.
    expect(storageHealthText({ captures: 29, segments: 1, logBytes: 2048, logDiskBytes: null, diskFreeBytes: null })).toBe(
      '29 captures in 1 segment file, whose logs are 2 KiB in size.',
    )
  })

  it('reads other counts in the plural, with thousands separated', () => {
    expect(storageHealthText({ captures: 0, segments: 0, logBytes: 0, logDiskBytes: null, diskFreeBytes: null })).toBe(
      '0 captures in 0 segment files, whose logs are 0 B in size.',
    )
    expect(storageHealthText({ captures: 100_000, segments: 100, logBytes: 2048, logDiskBytes: null, diskFreeBytes: null })).toBe(
      '100,000 captures in 100 segment files, whose logs are 2 KiB in size.',
    )
  })

  it('says how much the disk has free beside what captures take, when the system says', () => {
    expect(storageHealthText({ captures: 3, segments: 1, logBytes: 2048, logDiskBytes: 4096, diskFreeBytes: 5 * 1024 ** 3 })).toBe(
      '3 captures in 1 segment file, whose logs are 2 KiB in size; 5 GiB free on its disk.',
    )
  })

  it('says how little the logs take on disk once deleted captures gave their space back, naming each figure', () => {
    // "64 MiB of capture logs (2 MiB on disk)" did not say the first figure was their size.
    expect(storageHealthText({ captures: 3, segments: 1, logBytes: 64 * 1024 ** 2, logDiskBytes: 2 * 1024 ** 2, diskFreeBytes: null })).toBe(
      '3 captures in 1 segment file, whose logs are 64 MiB in size (2 MiB on disk).',
    )
    // Within a tenth of their size (a log's last block is whole on disk): not said.
    expect(storageHealthText({ captures: 3, segments: 1, logBytes: 10_000, logDiskBytes: 12_288, diskFreeBytes: null })).toBe(
      '3 captures in 1 segment file, whose logs are 9.8 KiB in size.',
    )
  })
})
