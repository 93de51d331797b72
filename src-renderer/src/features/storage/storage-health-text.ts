/**
 * The Storage dialog's first line: what the store holds now. Counts of one read as one
 * ("1 capture in 1 segment file"), as a fresh install or a small endpoint shows them.
 */
import type { StorageSettingsView } from '@shared/storage-settings'
import { formatBytes, formatCount } from '../../lib/format'

function counted(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`
}

export function storageHealthText(
  health: Pick<StorageSettingsView['health'], 'captures' | 'segments' | 'logBytes' | 'logDiskBytes' | 'diskFreeBytes'>,
): string {
  // The free space beside what captures take, so caps can be chosen against what the disk has left.
  const free = health.diskFreeBytes === null ? '' : `; ${formatBytes(health.diskFreeBytes)} free on its disk`
  // Logs whose deleted captures' space was given back take less than their size: said when it is
  // noticeably less (a log's last block is always whole on disk, so small differences are noise).
  const onDisk = health.logDiskBytes !== null && health.logDiskBytes < health.logBytes * LESS_ON_DISK ? ` (${formatBytes(health.logDiskBytes)} on disk)` : ''
  // Named as their size: "64 MiB of capture logs (2 MiB on disk)" left open which of the two the
  // first figure was, and the retention cap below counts neither (its hint says what it counts).
  return `${counted(health.captures, 'capture', 'captures')} in ${counted(health.segments, 'segment file', 'segment files')}, whose logs are ${formatBytes(health.logBytes)} in size${onDisk}${free}.`
}

/** The logs are said to take less on disk when they take less than this share of their size. */
const LESS_ON_DISK = 0.9
