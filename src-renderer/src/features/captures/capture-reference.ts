/**
 * The list's Reference column: what tells one delivery from another at a glance. The merchant's
 * own reference (an order number) is what support is asked about; without one, the provider's id
 * of the transaction or event.
 */
import type { CaptureRecognition } from '../../../../src-main/shared/contract'

export interface CaptureReference {
  /** Shown in the cell. */
  text: string
  /** Every id the provider sent, labelled, for the cell's title. */
  title: string
}

export function captureReference(recognition: CaptureRecognition | null): CaptureReference | null {
  if (recognition === null) return null
  const { reference, objectId } = recognition.summary
  const text = nonEmpty(reference) ?? nonEmpty(objectId)
  if (text === null) return null
  const parts: string[] = []
  if (nonEmpty(reference) !== null) parts.push(`Reference: ${reference}`)
  if (nonEmpty(objectId) !== null) parts.push(`${recognition.provider.name} id: ${objectId}`)
  return { text, title: parts.join('\n') }
}

function nonEmpty(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value
}
