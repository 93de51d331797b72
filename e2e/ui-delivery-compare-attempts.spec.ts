/**
 * "Compare with #2" in the Delivery view compares attempts by their numbers in the delivery, and
 * the comparison says so: "Left: attempt #2 · capture #17". It named the sides by capture number
 * only ("capture #2" and "capture #4" for attempts 2 and 3, with another callback in between),
 * so the numbers read as the wrong attempts.
 */
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'
import { FAIL_TWICE_THEN_OK } from '../src-main/test-support/answer-configs'

test('a comparison asked for from the Delivery view names each side by its attempt number', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'deliverycmp')
  const retried = '{"order":"ORD-77","status":"paid"}'
  const send = (body: string) => inspector.sendCallback({ slug: endpoint.slug, path: '/hook', headers: [['Content-Type', 'application/json']], body })
  // Attempts 1 and 2 of one delivery (same bytes), another callback, then attempt 3.
  for (const body of [retried, retried, '{"order":"ORD-78","status":"paid"}', retried]) expect(await send(body)).toBe(200)
  const { items } = await inspector.app.call<{ items: Array<{ seq: number; target: string; bodySize: number }> }>('listCaptures', {
    endpointId: endpoint.id,
    limit: 10,
  })
  // Newest first: attempt 3, the other callback, attempt 2, attempt 1.
  const [third, , second] = items
  expect(third!.seq - second!.seq).toBe(2)

  await expect(page.getByTestId('capture-row')).toHaveCount(4)
  await row(page, '/hook').first().click()
  await expect(page.getByTestId('detail-delivery')).toContainText('Attempt 3 of 3')
  await page.getByTestId('view-delivery').click()
  const dialog = page.getByTestId('delivery-dialog')
  const attempts = dialog.getByTestId('delivery-attempt')
  await expect(attempts).toHaveCount(3)
  await expect(attempts.nth(2).getByTestId('delivery-compare-previous')).toHaveText('Compare with #2')
  await attempts.nth(2).getByTestId('delivery-compare-previous').click()

  await expect(dialog.getByTestId('compare-side-left')).toContainText(`Left: attempt #2 · capture #${second!.seq}`)
  await expect(dialog.getByTestId('compare-side-right')).toContainText(`Right: attempt #3 · capture #${third!.seq}`)
})

test('comparing two attempts says what each was answered, often what differs between them', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'deliverycmp-answers')
  await inspector.app.call('setAnswerConfig', { endpointId: endpoint.id, config: FAIL_TWICE_THEN_OK })
  const retried = '{"order":"ORD-79","status":"paid"}'
  const send = () => inspector.sendCallback({ slug: endpoint.slug, path: '/hook', headers: [['Content-Type', 'application/json']], body: retried })
  // The same bytes three times: the comparison's request sides are identical, only the answers differ.
  for (const status of [500, 500, 200]) expect(await send()).toBe(status)

  await expect(page.getByTestId('capture-row')).toHaveCount(3)
  await page.getByTestId('capture-row').first().click()
  await page.getByTestId('view-delivery').click()
  const dialog = page.getByTestId('delivery-dialog')
  await dialog.getByTestId('delivery-attempt').nth(2).getByTestId('delivery-compare-previous').click()
  await expect(dialog.getByTestId('compare-side-left').getByTestId('compare-side-answer')).toHaveText('Answered 500 Internal Server Error')
  await expect(dialog.getByTestId('compare-side-right').getByTestId('compare-side-answer')).toHaveText('Answered 200 OK')
  await expect(dialog.getByTestId('compare-side-right').locator('.status')).toHaveClass(/status-ok/)
})
