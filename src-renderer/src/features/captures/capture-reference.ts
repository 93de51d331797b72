/**
 * The list's Reference column: what tells one delivery from another at a glance. The merchant's
 * own reference (an order number) is what support is asked about; without one, the provider's id
 * of the transaction or event.
 */
import type { CaptureRecognition } from '@shared/views'

export interface CaptureReference {
  /** Shown in the cell. */
  text: string
  /** Every id the provider sent, labelled, for the cell's title. */
  title: string
}

export function captureReference(recognition: CaptureRecognition | null): CaptureReference | null {
  if (recognition === null) return null
  const { reference, objectId, eventId = null } = recognition.summary
  const merchant = nonEmpty(reference)
  const provider = nonEmpty(objectId)
  // A notification without its object (Stripe's test `{"id": "evt_…", "object": "event"}`) still has the event's id.
  const event = nonEmpty(eventId)
  const text = merchant ?? provider ?? event
  if (text === null) return null
  const parts: string[] = []
  if (merchant !== null) parts.push(`Reference: ${merchant}`)
  if (provider !== null) parts.push(`${recognition.provider.name} id: ${provider}`)
  if (text === event) parts.push(`${recognition.provider.name} event: ${event}`)
  return { text, title: parts.join('\n') }
}

function nonEmpty(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value
}
