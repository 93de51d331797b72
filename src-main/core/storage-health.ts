/** Tracks whether captures are being written, and tells the UI the moment that changes. */
import type { InspectorEvent } from '../shared/contract'
import type { InspectorStatus } from '../shared/views'
import type { EventBus } from './event-bus'
import type { Logger } from './logger'
import { errorMessage } from '../shared/errors'
import { isOutOfSpace } from './store/space-reserve'

export interface StorageHealth {
  readonly lastError: InspectorStatus['storage']['lastError']
  failed(error: unknown): void
  succeeded(): void
}

export function createStorageHealth(events: EventBus<InspectorEvent>, logger: Logger, now: () => Date): StorageHealth {
  let lastError: StorageHealth['lastError'] = null
  return {
    get lastError() {
      return lastError
    },
    failed(error) {
      const message = failureMessage(error)
      const at = now().toISOString()
      // Log and publish on every distinct failure, not on every request of a flood.
      if (lastError?.message !== message) {
        logger.error('captures cannot be written', { message })
        events.publish({ type: 'storage-failed', message, at })
      }
      lastError = { message, at }
    },
    succeeded() {
      if (lastError === null) return
      lastError = null
      logger.info('captures are being written again')
      events.publish({ type: 'storage-recovered', at: now().toISOString() })
    },
  }
}

/** The system's words, and what the user can do about the causes that have a remedy. */
export function failureMessage(error: unknown): string {
  const message = errorMessage(error).replace(/\.$/, '')
  if (isOutOfSpace(error))
    return `${message}: the disk holding the data folder is full. Free space, or delete captures (Clear, or a retention cap in Storage): capturing resumes by itself once there is room`
  const code = (error as NodeJS.ErrnoException | null)?.code
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return `${message}: the data folder cannot be written. Check its permissions and the disk it is on: capturing resumes by itself once it can be written`
  return message
}
