/**
 * Grouped by delivery, a ticked row stands for its whole delivery. Ticking a "×3" row selected its
 * latest attempt alone, so "Delete selected…" left the two others behind without a word. The
 * delivery's first attempt here is older than the 300 captures the list's first page holds: it is
 * on no loaded page, and is selected (and deleted) all the same; a fourth attempt arriving after
 * the tick joins it (the tick is on the delivery, not on the row's capture). Space and Shift (click or Space)
 * select rows as before, each standing for its delivery; turning grouping off starts a new selection.
 */
import { expect, test } from './fixtures/inspector'
import { rows } from './fixtures/capture-rows'

interface Row {
  id: string
  target: string
}

test('ticking a ×3 row selects, exports and deletes every attempt, one of them on no loaded page, one arriving after the tick', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'grouped-select')
  const send = (path: string, body: string) => inspector.sendCallback({ slug: endpoint.slug, path, headers: [['Content-Type', 'application/json']], body })
  // An unknown sender's retries resend the same bytes: one delivery (its body's hash).
  const retried = '{"order":"A-1","status":"paid"}'
  expect(await send('/retried?attempt=1', retried)).toBe(200)
  const SINGLES = 320
  for (let sent = 0; sent < SINGLES; sent += 40) {
    const batch = Array.from({ length: Math.min(40, SINGLES - sent) }, (_, index) => send(`/single?n=${sent + index}`, `{"n":${sent + index}}`))
    expect(await Promise.all(batch)).toEqual(Array(Math.min(40, SINGLES - sent)).fill(200))
  }
  expect(await send('/retried?attempt=2', retried)).toBe(200)
  expect(await send('/retried?attempt=3', retried)).toBe(200)

  await page.getByTestId('group-by-delivery').check()
  await expect(page.getByTestId('capture-count')).toHaveText(`300+ deliveries (${SINGLES + 3} captures)`)
  const delivery = rows(page).first()
  await expect(delivery.getByTestId('delivery-attempt-count')).toHaveText('×3')
  await expect(delivery.getByTestId('row-check')).toHaveAccessibleName(/\(all 3 attempts\)$/)
  const count = page.getByTestId('selection-count')

  // Space on the open row ticks it: the whole delivery.
  await delivery.click()
  await page.keyboard.press(' ')
  await expect(count).toHaveText('3 captures in 1 delivery selected')
  // Shift+Space two rows down: the rows between, each its delivery (two single captures).
  await page.keyboard.press('j')
  await page.keyboard.press('j')
  await page.keyboard.press('Shift+ ')
  await expect(count).toHaveText('5 captures in 3 deliveries selected')
  // Shift-click two rows further: on from the last one ticked.
  await rows(page)
    .nth(4)
    .getByTestId('row-check')
    .click({ modifiers: ['Shift'] })
  await expect(count).toHaveText('7 captures in 5 deliveries selected')
  // Grouping off starts a new selection (the rows no longer stand for the same captures).
  await page.getByTestId('group-by-delivery').uncheck()
  await expect(count).toHaveCount(0)
  await page.getByTestId('group-by-delivery').check()
  await expect(delivery.getByTestId('delivery-attempt-count')).toHaveText('×3')

  // A tick by mouse: the three attempts. A retry arriving makes it the delivery's row: the tick
  // stays on the delivery, now four attempts (keyed by capture, it went with the old row).
  await delivery.getByTestId('row-check').check()
  await expect(count).toHaveText('3 captures in 1 delivery selected')
  expect(await send('/retried?attempt=4', retried)).toBe(200)
  await expect(delivery.getByTestId('delivery-attempt-count')).toHaveText('×4')
  await expect(delivery.getByTestId('row-check')).toBeChecked()
  await expect(count).toHaveText('4 captures in 1 delivery selected')
  // The bar, the export and the delete say the same.
  await page.getByTestId('selection-export').click()
  await expect(page.getByTestId('export-scope')).toContainText('The 4 captures in 1 delivery selected')
  await page.getByTestId('dialog-close').click()
  await page.getByTestId('selection-delete').click()
  await expect(page.getByTestId('confirm-button')).toHaveText('Delete 4 captures')
  await page.getByTestId('confirm-button').click()
  await expect(count).toHaveCount(0)

  const left: Row[] = []
  let cursor: string | undefined
  for (;;) {
    const listed = await inspector.app.call<{ items: Row[]; nextCursor: string | null }>('listCaptures', {
      endpointId: endpoint.id,
      limit: 1000,
      ...(cursor === undefined ? {} : { cursor }),
    })
    left.push(...listed.items)
    if (listed.nextCursor === null) break
    cursor = listed.nextCursor
  }
  expect(left.filter((capture) => capture.target.includes('/retried'))).toEqual([])
  expect(left).toHaveLength(SINGLES)
})
