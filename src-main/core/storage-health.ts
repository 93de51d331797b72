/** Tracks whether captures are being written, and tells the UI the moment that changes. */
import type { InspectorEvent } from '../shared/contract'
import type { InspectorStatus } from '../shared/views'
import type { EventBus } from './event-bus'
import type { Logger } from './logger'
import { errorMessage } from '../shared/errors'

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
      const message = errorMessage(error)
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
