/**
 * End in a list grouped by delivery longer than what is loaded: it opens the oldest delivery of
 * the whole list (the one whose latest attempt is the oldest), not the last row paged in. A retry
 * of that delivery moves its row to the top; deleting a delivery's latest attempt lists it at the
 * attempt before, down at the oldest end. The capture detail numbers an attempt of a delivery
 * longer than a page.
 */
import { expect, test } from './fixtures/inspector'
import { rows } from './fixtures/capture-rows'

/** Deliveries of one attempt each: more than the grouped list's first page and the oldest end's load (300 rows each). */
const SINGLES = 700

test('End opens the oldest delivery of a long grouped list, and follows retries and deletions', async ({ page, inspector }) => {
  test.slow()
  const endpoint = await inspector.openOwnEndpoint(page, 'grouped-end')
  const send = (path: string, body: string) => inspector.sendCallback({ slug: endpoint.slug, path, headers: [['Content-Type', 'application/json']], body })
  // The first capture is a delivery retried at the very end; the second, a delivery of one attempt.
  expect(await send('/retried-first', '{"delivery":"retried"}')).toBe(200)
  expect(await send('/oldest-single', '{"delivery":"oldest-single"}')).toBe(200)
  for (let start = 0; start < SINGLES; start += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, offset) => send(`/single?n=${start + offset}`, `{"n":${start + offset}}`)))
  }
  expect(await send('/retried-again', '{"delivery":"retried"}')).toBe(200)

  type Row = { id: string; seq: number; target: string }
  const all: Row[] = []
  for (let cursor: string | undefined; ;) {
    const page = await inspector.app.call<{ items: Row[]; nextCursor: string | null }>('listCaptures', {
      endpointId: endpoint.id,
      limit: 1000,
      ...(cursor === undefined ? {} : { cursor }),
    })
    all.push(...page.items)
    if (page.nextCursor === null) break
    cursor = page.nextCursor
  }
  expect(all).toHaveLength(SINGLES + 3)
  const idOf = (target: string) => all.find((capture) => capture.target.endsWith(target))!.id
  // The single deliveries arrived 50 at a time, in any order within a batch: the oldest of them by seq.
  const singles = all.filter((capture) => capture.target.includes('/single?'))
  const oldestOfSingles = singles.at(-1)!

  await page.reload()
  await page.getByTestId('group-by-delivery').check()
  await expect(page.getByTestId('capture-count')).toContainText(String(SINGLES + 3))
  const selected = page.locator('.capture-row-selected')

  await rows(page).first().click()
  await expect(selected).toHaveAttribute('data-capture-id', idOf('/retried-again'))
  await expect(selected.getByTestId('delivery-attempt-count')).toHaveText('×2')
  await page.keyboard.press('End')
  // The oldest delivery: its only attempt is the second capture (the first capture's delivery is listed at its retry).
  await expect(selected).toHaveAttribute('data-capture-id', idOf('/oldest-single'))
  await expect(page.getByTestId('detail-delivery')).toContainText('The only attempt so far')

  // A retry of it: its row goes to the top (×2), and End opens the next oldest delivery.
  const count = page.getByTestId('capture-count')
  expect(await send('/oldest-single-again', '{"delivery":"oldest-single"}')).toBe(200)
  const retry = (await inspector.app.call<{ items: Row[] }>('listCaptures', { endpointId: endpoint.id, limit: 1 })).items[0]!
  expect(retry.target).toContain('/oldest-single-again')
  await expect(count).toContainText(String(SINGLES + 4))
  await expect(async () => {
    await page.keyboard.press('Home')
    await expect(selected).toHaveAttribute('data-capture-id', retry.id, { timeout: 1_000 })
  }).toPass()
  await expect(selected.getByTestId('delivery-attempt-count')).toHaveText('×2')
  await page.keyboard.press('End')
  await expect(selected).toHaveAttribute('data-capture-id', oldestOfSingles.id)

  // The retried delivery's latest attempt deleted: it is listed at its first attempt, the oldest capture.
  await inspector.app.call('deleteCapture', { id: idOf('/retried-again') })
  await expect(count).toContainText(String(SINGLES + 3))
  await expect(async () => {
    await page.keyboard.press('Home')
    await expect(selected).toHaveAttribute('data-capture-id', retry.id, { timeout: 1_000 })
    await page.keyboard.press('End')
    await expect(selected).toHaveAttribute('data-capture-id', idOf('/retried-first'), { timeout: 1_000 })
  }).toPass()
  await expect(page.getByTestId('detail-delivery')).toContainText('The only attempt so far')
})
