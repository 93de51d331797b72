/**
 * The store's attempts of one delivery (`deliveryAttempts`, what getDelivery and the grouped list
 * build on): every capture with the delivery's key, oldest first, however many there are (they
 * are read in batches), and none of another delivery.
 */
import { expect } from 'vitest'
import { useCaptureStore } from '../../test-support/capture-store-fixture'
import { testCapture } from '../../test-support/test-capture'
import { bodyHashKey } from './delivery-key'

const now = () => new Date('2026-11-21T10:00:00Z')
const test = useCaptureStore({ now })

test('finds every attempt of a delivery sent hundreds of times, oldest first, among other deliveries', async ({ openStore: open }) => {
  const store = await open()
  // An unknown sender's identical bytes are one delivery (keyed by the body's sha256).
  const ping = Buffer.from('{"ping":true}')
  const attempts = []
  for (let index = 0; index < 450; index++) {
    attempts.push(await store.append(testCapture(ping), ping))
    const other = Buffer.from(`{"n":${index}}`)
    await store.append(testCapture(other), other)
  }
  const key = (await store.get(attempts[0]!.id))!.deliveryKey
  expect(key).toBe(bodyHashKey(attempts[0]!.body.sha256))

  const found = await store.deliveryAttempts(key)

  expect(found.map((attempt) => attempt.id)).toEqual(attempts.map((attempt) => attempt.id))
  expect(await store.deliveryAttempts(bodyHashKey('0'.repeat(64)))).toEqual([])
})
