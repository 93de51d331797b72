/**
 * Deliveries and Compare in the real UI: a signed IXOPAY callback answered 500,
 * 500, then 200 by an answer sequence is retried by "the gateway" (same body, a new Date and
 * signature each time); the list groups the three attempts into one delivery and the Delivery view
 * shows their timeline. Two captures that differ in amount are compared and the diff names the
 * amount's JSON path. A delivery of 520 attempts is counted, gone to by attempt number and compared beyond its latest page. The README's Delivery view screenshot is taken here: it lands in
 * test-results/ on every run, and replaces docs/delivery-view.png with `README_SCREENSHOT=1`.
 */
import { fileURLToPath } from 'node:url'
import { signIxopayJson } from '../src-main/core/providers/index'
import { FAIL_TWICE_THEN_OK } from '../src-main/test-support/answer-configs'
import { startLoopbackTarget } from '../src-main/test-support/loopback-target'
import { expect, test } from './fixtures/inspector'

const SECRET = 'e2e-delivery-shared-secret'
const SCREENSHOT = fileURLToPath(
  new URL(process.env.README_SCREENSHOT === '1' ? '../docs/delivery-view.png' : '../test-results/delivery-view.png', import.meta.url),
)

function ixopayCallback(uuid: string, order: string, amount: string): string {
  return JSON.stringify({
    result: 'OK',
    uuid,
    merchantTransactionId: order,
    purchaseId: `20261206-${uuid}`,
    transactionType: 'DEBIT',
    paymentMethod: 'Creditcard',
    amount,
    currency: 'EUR',
  })
}

test('a 500, 500, 200 IXOPAY delivery shows as one group with its timeline', async ({ page, inspector }) => {
  await page.setViewportSize({ width: 1440, height: 900 })
  const endpoint = await inspector.openOwnEndpoint(page, 'delivery')
  await inspector.app.call('setAnswerConfig', { endpointId: endpoint.id, config: FAIL_TWICE_THEN_OK })

  const path = '/callbacks/ixopay?orderId=4711'
  const send = async (body: string) => {
    // Each retry is signed anew over its own Date, as the gateway does; the body stays the same.
    // (No key on the endpoint: recognised as IXOPAY by its signature and body, verdict "no key".)
    const signed = signIxopayJson({ secret: SECRET, body, date: new Date().toUTCString(), requestUri: `/${endpoint.slug}${path}` })
    return inspector.sendCallback({ slug: endpoint.slug, path, headers: signed.headers, body })
  }
  const retried = ixopayCallback('d94c0d72f3a36e21f16e', 'order-4711', '49.90')
  expect(await send(retried)).toBe(500)
  // Another transaction in between: a delivery of its own.
  expect(await send(ixopayCallback('a1b2c3d4e5f6a7b8c9d0', 'order-4712', '12.00'))).toBe(500)
  expect(await send(retried)).toBe(500)
  expect(await send(retried)).toBe(200)

  await expect(page.getByTestId('capture-row')).toHaveCount(4)
  await page.getByTestId('group-by-delivery').check()
  await expect(page.getByTestId('capture-row')).toHaveCount(2)
  // Two rows of four captures: the figure says what it counts (it read "4 captures" over two
  // rows), and the switch's title which attempt a row is.
  await expect(page.getByTestId('capture-count')).toHaveText('2 deliveries (4 captures)')
  await expect(page.getByTestId('group-by-delivery-label')).toHaveAttribute(
    'title',
    /latest attempt that matches\); ticking a row selects every attempt of its delivery\. The figure beside counts deliveries/,
  )
  const group = page.getByTestId('capture-row').first()
  await expect(group.getByTestId('capture-reference')).toContainText('order-4711')
  await expect(group.getByTestId('delivery-attempt-count')).toHaveText('×3')
  await expect(page.getByTestId('capture-row').nth(1)).toContainText('order-4712')
  await expect(page.getByTestId('capture-row').nth(1).getByTestId('delivery-attempt-count')).toHaveCount(0)

  await group.click()
  await expect(page.getByTestId('detail-delivery')).toContainText('Attempt 3 of 3')
  await page.getByTestId('view-delivery').click()
  const dialog = page.getByTestId('delivery-dialog')
  await expect(dialog).toBeVisible()
  const attempts = dialog.getByTestId('delivery-attempt')
  await expect(attempts).toHaveCount(3)
  await expect(attempts.nth(0).getByTestId('delivery-answer')).toContainText('500')
  await expect(attempts.nth(1).getByTestId('delivery-answer')).toContainText('500')
  await expect(attempts.nth(2).getByTestId('delivery-answer')).toContainText('200')
  await expect(attempts.nth(0).getByTestId('delivery-gap')).toHaveText('first')
  await expect(attempts.nth(1).getByTestId('delivery-gap')).toHaveText(/^\+\d/)
  await expect(dialog.getByTestId('delivery-duplicate')).toHaveCount(0)
  await expect(dialog.getByTestId('delivery-outcome')).toContainText('delivered (acknowledged)')
  // IXOPAY publishes no intervals: the view says so and links its page instead of guessing.
  const schedule = dialog.getByTestId('delivery-schedule')
  await expect(schedule).toContainText('IXOPAY')
  await expect(schedule).toContainText('publishes no intervals')
  await expect(schedule.getByTestId('delivery-schedule-source')).toHaveAttribute('href', /^https:\/\/documentation\.ixopay\.com\//)
  await page.screenshot({ path: SCREENSHOT })

  // From the keyboard: Compare swaps the view, and focus goes with it (not to the page behind the
  // dialog), then back to the same attempt's button.
  const compareThird = attempts.nth(2).getByTestId('delivery-compare-previous')
  await compareThird.focus()
  await page.keyboard.press('Enter')
  await expect(dialog.getByTestId('compare-view')).toBeVisible()
  await expect(dialog.getByTestId('delivery-back')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(attempts).toHaveCount(3)
  await expect(compareThird).toBeFocused()

  // A fourth attempt after the 200 is flagged as a duplicate, live.
  expect(await send(retried)).toBe(200)
  await expect(attempts).toHaveCount(4)
  await expect(attempts.nth(3).getByTestId('delivery-duplicate')).toBeVisible()
  await dialog.getByTestId('dialog-close').click()
  await expect(group.getByTestId('delivery-attempt-count')).toHaveText('×4')
  await page.getByTestId('group-by-delivery').uncheck()
  await expect(page.getByTestId('capture-row')).toHaveCount(5)
})

test('an IXOPAY attempt answered 200 without OK is not delivered, and its retry is no duplicate', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'ixopay-no-ok')
  // 200 with an empty body, then IXOPAY's acknowledgement (200 OK).
  await inspector.app.call('setAnswerConfig', {
    endpointId: endpoint.id,
    config: {
      defaultAnswer: 'provider-default',
      rules: [],
      sequence: {
        enabled: true,
        afterLast: 'repeat-last',
        steps: [
          { kind: 'respond', status: 200 },
          { kind: 'respond', status: 200, body: { text: 'OK' } },
        ],
      },
      failureRate: null,
    },
  })
  const path = '/callbacks/ixopay?orderId=4800'
  const body = ixopayCallback('f00dfeedf00dfeedf00d', 'order-4800', '10.00')
  const send = () => {
    const signed = signIxopayJson({ secret: SECRET, body, date: new Date().toUTCString(), requestUri: `/${endpoint.slug}${path}` })
    return inspector.sendCallback({ slug: endpoint.slug, path, headers: signed.headers, body })
  }
  expect(await send()).toBe(200)
  await page.getByTestId('capture-row').first().click()
  await page.getByTestId('view-delivery').click()
  const dialog = page.getByTestId('delivery-dialog')
  // IXOPAY retries a 200 without OK: not delivered, and the row says why.
  await expect(dialog.getByTestId('delivery-outcome')).toContainText('not delivered yet')
  const refusedTag = dialog.getByTestId('delivery-attempt').first().getByTestId('delivery-not-acknowledged')
  await expect(refusedTag).toBeVisible()
  await expect(refusedTag).toHaveAttribute('title', /^IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK\./)
  expect(await send()).toBe(200)
  const attempts = dialog.getByTestId('delivery-attempt')
  await expect(attempts).toHaveCount(2)
  // The headline says what decides, not "2xx": IXOPAY's first 200 was a 2xx and did not count.
  await expect(dialog.getByTestId('delivery-outcome-tag')).toHaveText('delivered (acknowledged)')
  await expect(dialog.getByTestId('delivery-outcome-tag')).toHaveAttribute('title', /documents as an acknowledgement .*IXOPAY: 200 with the body OK.*any 2xx/)
  // The second attempt is IXOPAY's retry of an answer it refused, not a duplicate.
  await expect(dialog.getByTestId('delivery-duplicate')).toHaveCount(0)
  await expect(attempts.nth(1).getByTestId('delivery-not-acknowledged')).toHaveCount(0)
  await dialog.getByTestId('dialog-close').click()
  await expect(dialog).toHaveCount(0)

  // In the list, the green 200 IXOPAY retries is marked, with why; its acknowledged retry is not.
  const rows = page.getByTestId('capture-row')
  await expect(rows).toHaveCount(2)
  const why = 'IXOPAY will treat this as a failure and retry: it expects HTTP 200 with body OK'
  const emptyOk = rows.nth(1)
  await expect(emptyOk.getByTestId('capture-status')).toHaveText('200')
  await expect(emptyOk.getByTestId('capture-not-acknowledged')).toBeVisible()
  await expect(emptyOk.getByTestId('capture-not-acknowledged')).toHaveAttribute('title', why)
  await expect(emptyOk.getByTestId('capture-status')).toHaveAccessibleDescription(why)
  await expect(emptyOk.getByTestId('capture-status')).toHaveAttribute('title', new RegExp(`\\n${why}$`))
  await expect(rows.nth(0).getByTestId('capture-not-acknowledged')).toHaveCount(0)
})

test('comparing two captures names the changed amount path', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'compare')
  const body = (amount: string) => ixopayCallback('c0ffee00c0ffee00c0ff', 'order-5000', amount)
  await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/notify',
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Attempt', '1'],
    ],
    body: body('9.99'),
  })
  await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/notify',
    headers: [
      ['Content-Type', 'application/json'],
      ['X-Retry', 'yes'],
    ],
    body: body('19.99'),
  })
  await expect(page.getByTestId('capture-row')).toHaveCount(2)

  // The older one first: it is the left side.
  await page.getByTestId('capture-row').nth(1).getByTestId('row-check').check()
  await page.getByTestId('capture-row').nth(0).getByTestId('row-check').check()
  await page.getByTestId('compare-selection').click()
  const dialog = page.getByTestId('compare-dialog')
  await expect(dialog).toBeVisible()
  const amount = dialog.locator('[data-testid=json-path-changes] tr[data-path="$.amount"]')
  await expect(amount).toHaveAttribute('title', '$.amount: "9.99" → "19.99"')
  await expect(amount.locator('.compare-left')).toHaveText('"9.99"')
  await expect(amount.locator('.compare-right')).toHaveText('"19.99"')
  await expect(dialog.locator('[data-testid=json-path-changes] tbody tr')).toHaveCount(1)
  // The line diff (jsdiff) of the JSON text is one click away.
  await dialog.getByText('Line diff of the JSON text').click()
  await expect(dialog.getByTestId('line-diff').locator('[data-diff=add]')).toContainText('"19.99"')
  await expect(dialog.getByTestId('line-diff').locator('[data-diff=remove]')).toContainText('"9.99"')
  const headers = dialog.getByTestId('header-changes')
  await expect(headers.locator('tr[data-header="x-attempt"]')).toHaveAttribute('data-kind', 'removed')
  await expect(headers.locator('tr[data-header="x-retry"]')).toHaveAttribute('data-kind', 'added')
  await dialog.getByTestId('dialog-close').click()

  // "Compare with…" from the detail offers the other capture too.
  await page.getByTestId('capture-row').first().click()
  await page.getByTestId('compare-with').click()
  const picker = page.getByTestId('compare-dialog')
  const candidate = picker.getByTestId('compare-candidate').first()
  await candidate.focus()
  await page.keyboard.press('Enter')
  await expect(picker.locator('[data-testid=json-path-changes] tr[data-path="$.amount"]')).toBeVisible()
  // Focus went with the view (not to the page behind the dialog), and comes back to the candidate.
  await expect(picker.getByTestId('compare-pick-another')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(candidate).toBeFocused()
  await picker.getByTestId('dialog-close').click()

  // A resend with an edited amount, compared with its capture from the resend history.
  const target = await startLoopbackTarget()
  try {
    // The resend editor lists the JSON values the edit changes, as Compare does.
    await page.getByTestId('resend-capture').click()
    const editorDialog = page.getByTestId('resend-dialog')
    await editorDialog.getByTestId('resend-target').fill(`${target.url}/merchant`)
    await editorDialog.getByTestId('resend-mode').getByText('Edit', { exact: true }).click()
    await editorDialog.getByTestId('resend-body').fill(body('39.99'))
    await expect(editorDialog.locator('[data-testid=json-path-changes] tr[data-path="$.amount"]')).toHaveAttribute('title', '$.amount: "19.99" → "39.99"')
    await page.keyboard.press('Escape')
    await expect(editorDialog).toBeHidden()

    const [newest] = (await inspector.app.call<{ items: Array<{ id: string; seq: number }> }>('listCaptures', { endpointId: endpoint.id })).items
    await inspector.app.call('replayCapture', {
      captureId: newest!.id,
      targetUrl: `${target.url}/merchant`,
      edits: { body: { encoding: 'utf8', text: body('29.99') } },
    })
    const record = page.getByTestId('replay-record')
    await expect(record).toHaveCount(1)
    await record.locator('.replay-history-row').click()
    await record.getByTestId('compare-resend').click()
    const resendDiff = page.getByTestId('compare-dialog')
    await expect(resendDiff.getByTestId('compare-side-right')).toHaveAttribute('data-kind', 'resend')
    // Each side names the capture as the picker and the diff's ---/+++ lines do.
    await expect(resendDiff.getByTestId('compare-side-left')).toContainText(`Left: capture #${newest!.seq}`)
    await expect(resendDiff.getByTestId('compare-side-right')).toContainText(`Right: resend of capture #${newest!.seq}`)
    await expect(resendDiff.locator('[data-testid=json-path-changes] tr[data-path="$.amount"]')).toHaveAttribute('title', '$.amount: "19.99" → "29.99"')
  } finally {
    await target.close()
  }
})

test('a failing CHIP delivery shows the times CHIP’s published schedule expects', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'chip-schedule')
  await inspector.app.call('setProviderSettings', { endpointId: endpoint.id, pinnedProvider: 'chip' })
  await inspector.app.call('setAnswerConfig', {
    endpointId: endpoint.id,
    config: { defaultAnswer: { kind: 'respond', status: 503 }, rules: [], sequence: null, failureRate: null },
  })
  const body =
    '{"id":"5b4c3d2e-0000-4000-8000-0000000000e2","type":"purchase","event_type":"purchase.paid","status":"paid","reference":"order-77","purchase":{"currency":"MYR","total":100}}'
  for (let attempt = 0; attempt < 2; attempt++) {
    expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/chip', headers: [['Content-Type', 'application/json']], body })).toBe(503)
  }
  await expect(page.getByTestId('capture-row')).toHaveCount(2)
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('detail-delivery')).toContainText('Attempt 2 of 2')
  await page.getByTestId('view-delivery').click()
  const dialog = page.getByTestId('delivery-dialog')
  await expect(dialog.getByTestId('delivery-attempt')).toHaveCount(2)
  // The second attempt came at once, not 2 minutes after the first as CHIP schedules it.
  await expect(dialog.getByTestId('delivery-attempt').nth(1)).toContainText('early')
  await expect(dialog.getByTestId('delivery-next-expected')).toContainText('#3')
  await expect(dialog.getByTestId('delivery-outcome')).toContainText('not delivered yet')
  const schedule = dialog.getByTestId('delivery-schedule')
  await expect(schedule).toHaveAttribute('data-kind', 'published-times')
  await expect(schedule).toContainText('CHIP Collect')
  await expect(schedule.locator('.delivery-steps li')).toHaveCount(7)
  await expect(schedule.getByTestId('delivery-schedule-source')).toHaveAttribute('href', 'https://docs.chip-in.asia/chip-collect/overview/delivery-protocol')
})

test('a delivery of more attempts than a page lists the latest, and shows the earlier ones on request', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'many-attempts')
  // A monitoring ping's identical bytes: one delivery (the same body), 520 attempts.
  const ping = '{"ping":"health-check"}'
  const total = 520
  for (let sent = 0; sent < total; sent += 20) {
    const batch = Array.from({ length: 20 }, () =>
      inspector.sendCallback({ slug: endpoint.slug, path: '/ping', headers: [['Content-Type', 'application/json']], body: ping }),
    )
    expect(await Promise.all(batch)).toEqual(Array(20).fill(200))
  }
  await expect(page.getByTestId('capture-count')).toContainText('520')
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('detail-delivery')).toContainText('Attempt 520 of 520')
  await page.getByTestId('view-delivery').click()
  const dialog = page.getByTestId('delivery-dialog')
  const attempts = dialog.getByTestId('delivery-attempt')
  await expect(attempts).toHaveCount(500)
  await expect(attempts.first()).toContainText('#21')
  await expect(dialog.getByTestId('delivery-earlier')).toContainText('The 500 latest of 520 attempts are listed.')
  // Every attempt after the first is a duplicate (all were answered 200), counted by the core over
  // the whole delivery: the first attempt is on no page fetched, yet the count is exact.
  await expect(dialog.getByTestId('delivery-duplicate-count')).toHaveText('519 after an acknowledged attempt')
  await expect(dialog.getByTestId('delivery-outcome')).toContainText('delivered (acknowledged)')

  // "Go to attempt": a number past the last or not a number is explained and nothing moves.
  const jumpNumber = dialog.getByTestId('delivery-jump-number')
  await jumpNumber.fill('521')
  await jumpNumber.press('Enter')
  await expect(dialog.getByTestId('delivery-jump-problem')).toHaveText('There is no attempt 521. This delivery has attempts 1 to 520.')
  await expect(jumpNumber).toHaveAttribute('aria-invalid', 'true')
  await jumpNumber.fill('seven')
  await jumpNumber.press('Enter')
  await expect(dialog.getByTestId('delivery-jump-problem')).toHaveText('“seven” is not an attempt number. This delivery has attempts 1 to 520.')
  // Read without its spaces, "1 2" went to attempt 12: it is refused and says why.
  await jumpNumber.fill(' 1 2 ')
  await jumpNumber.press('Enter')
  await expect(dialog.getByTestId('delivery-jump-problem')).toHaveText(
    '“1 2” is not one attempt number: it has a space inside. This delivery has attempts 1 to 520.',
  )
  await expect(attempts).toHaveCount(500)
  // An attempt on no page listed (#7): the page holding it (1-20, where "Show 20 earlier" goes),
  // with #7 marked, in view and focused.
  await jumpNumber.fill('#7')
  await jumpNumber.press('Enter')
  await expect(dialog.getByTestId('delivery-jump-problem')).toHaveCount(0)
  await expect(attempts).toHaveCount(20)
  await expect(attempts.first()).toContainText('#1')
  await expect(attempts.last()).toContainText('#20')
  await expect(dialog.getByTestId('delivery-earlier')).toContainText('Attempts 1 to 20 of 520 are listed.')
  const seventhRow = dialog.locator('[data-testid=delivery-attempt][data-target=true]')
  await expect(seventhRow).toHaveAttribute('data-attempt', '7')
  await expect(seventhRow).toBeFocused()
  await expect(seventhRow).toBeInViewport()
  // Back to the latest attempts: the latest page again, focus on the number box.
  await dialog.getByTestId('delivery-back-to-latest').click()
  await expect(attempts).toHaveCount(500)
  await expect(attempts.first()).toContainText('#21')
  await expect(dialog.getByTestId('delivery-earlier')).toContainText('The 500 latest of 520 attempts are listed.')
  await expect(dialog.getByTestId('delivery-back-to-latest')).toHaveCount(0)
  await expect(jumpNumber).toBeFocused()
  // An attempt already listed, far down the list: scrolled to and focused in place, nothing fetched.
  await jumpNumber.fill('300')
  await jumpNumber.press('Enter')
  const target = dialog.locator('[data-testid=delivery-attempt][data-target=true]')
  await expect(target).toHaveAttribute('data-attempt', '300')
  await expect(target).toBeFocused()
  await expect(target).toBeInViewport()
  await expect(attempts).toHaveCount(500)

  await dialog.getByTestId('delivery-show-earlier').click()
  await expect(attempts).toHaveCount(total)
  await expect(attempts.first()).toContainText('#1')
  await expect(attempts.first().getByTestId('delivery-gap')).toHaveText('first')
  await expect(attempts.nth(20)).toContainText('#21')
  await expect(dialog.getByTestId('delivery-earlier')).toHaveCount(0)
  await expect(dialog.getByTestId('delivery-duplicate-count')).toHaveText('519 after an acknowledged attempt')

  // The first attempt, on no page the detail asks for (the latest 500), is still numbered.
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await page.getByTestId('capture-row').first().click()
  await page.keyboard.press('End')
  await expect(page.locator('.capture-row-selected')).toHaveAttribute('aria-posinset', '520')
  await expect(page.getByTestId('detail-delivery')).toContainText('Attempt 1 of 520')
  // Opened from it, the Delivery view opens on its page with it marked, not on the latest 500.
  await page.getByTestId('view-delivery').click()
  await expect(attempts).toHaveCount(20)
  await expect(dialog.getByTestId('delivery-earlier')).toContainText('Attempts 1 to 20 of 520 are listed.')
  const askedRow = dialog.locator('[data-testid=delivery-attempt][data-target=true]')
  await expect(askedRow).toHaveAttribute('data-attempt', '1')
  await expect(askedRow).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)

  // "Compare with…" offers any attempt, not only the latest page: by its number, or page by page.
  await page.getByTestId('compare-with').click()
  const picker = page.getByTestId('compare-dialog')
  const listed = picker.getByTestId('compare-attempts').getByTestId('compare-candidate')
  await expect(listed).toHaveCount(500)
  await expect(listed.first()).toHaveAttribute('data-attempt', '21')
  await expect(picker.getByTestId('compare-attempts-earlier')).toContainText('The 500 latest of 520 attempts are listed.')
  const number = picker.getByTestId('compare-attempt-number')
  await number.fill('521')
  await number.press('Enter')
  await expect(picker.getByTestId('compare-attempt-problem')).toHaveText('There is no attempt 521. This delivery has attempts 1 to 520.')
  await number.fill('#7')
  await number.press('Enter')
  await expect(picker.getByTestId('compare-attempt-problem')).toHaveCount(0)
  const seventh = picker.getByTestId('compare-attempt-found').getByTestId('compare-candidate')
  await expect(seventh).toHaveAttribute('data-attempt', '7')
  const seventhId = await seventh.getAttribute('data-capture-id')
  await seventh.click()
  // Attempt 1 (the open capture) on the left, attempt 7 on the right.
  await expect(picker.getByTestId('compare-side-right')).toHaveAttribute('data-id', seventhId!)
  await expect(picker.getByTestId('compare-pick-another')).toBeFocused()
  // Back to the list as it was: attempt 7 still looked up, and focused.
  await page.keyboard.press('Enter')
  await expect(seventh).toBeFocused()
  await picker.getByTestId('compare-attempts-show-earlier').click()
  await expect(listed).toHaveCount(519)
  await expect(listed.first()).toHaveAttribute('data-attempt', '2')
  await expect(picker.getByTestId('compare-attempts-earlier')).toHaveCount(0)
  await page.keyboard.press('Escape')
  await expect(picker).toHaveCount(0)

  // Grouped, ticking the delivery's row selects all 520 attempts: more than one page of getDelivery.
  await page.getByTestId('group-by-delivery').check()
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  await expect(page.getByTestId('delivery-attempt-count')).toHaveAttribute('title', '520 attempts, delivered (acknowledged), 519 after an acknowledged attempt')
  await page.getByTestId('capture-row').first().getByTestId('row-check').check()
  await expect(page.getByTestId('selection-count')).toHaveText('520 captures in 1 delivery selected')
})

test('a repeat after an acknowledged attempt reads as words in the detail, not "of 2after a 2xx"', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'after-2xx')
  const body =
    '{"id":"5b4c3d2e-0000-4000-8000-0000000000f3","type":"purchase","event_type":"purchase.paid","status":"paid","reference":"order-78","purchase":{"currency":"MYR","total":100}}'
  for (let attempt = 0; attempt < 2; attempt++) {
    expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/chip', headers: [['Content-Type', 'application/json']], body })).toBe(200)
  }
  await expect(page.getByTestId('capture-row')).toHaveCount(2)
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('detail-delivery')).toHaveText('Attempt 2 of 2 after an acknowledged attempt · view delivery')
})
