/**
 * A readable capture list: a divider that is dragged (or moved with the keyboard) and remembered,
 * a Reference column that tells deliveries apart, statuses and column labels that are never cut,
 * and an answer still due (a delay, a hang) shown as pending, counting down, until it went out.
 */
import { request } from 'node:http'
import type { Page } from '@playwright/test'
import { sendRaw } from '../src-main/test-support/http-client'
import { loadVectors, type VectorCase } from '../src-main/test-support/vectors'
import { expect, test, type InspectorFixture } from './fixtures/inspector'

const IXOPAY = loadVectors('ixopay.json')[0] as VectorCase

function ixopayFor(orderId: string, uuid: string): string {
  const body = JSON.parse(IXOPAY.body) as Record<string, unknown>
  return JSON.stringify({ ...body, merchantTransactionId: orderId, uuid })
}

async function sendIxopay(inspector: InspectorFixture, slug: string, orderId: string, uuid: string): Promise<number> {
  return inspector.sendCallback({ slug, path: IXOPAY.path, method: IXOPAY.method, headers: Object.entries(IXOPAY.headers), body: ixopayFor(orderId, uuid) })
}

async function setAnswer(inspector: InspectorFixture, endpointId: string, defaultAnswer: Record<string, unknown>): Promise<void> {
  await inspector.app.call('setAnswerConfig', { endpointId, config: { defaultAnswer, rules: [], sequence: null, failureRate: null } })
}

/** Sends without waiting for the answer; resolves when it arrives or the sender gives up. */
function sendAndMaybeGiveUp(url: string, giveUpMs: number | null): Promise<number | 'gave-up'> {
  return new Promise((resolve) => {
    const outgoing = request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false }, (incoming) => {
      incoming.resume()
      incoming.on('end', () => resolve(incoming.statusCode ?? 0))
    })
    outgoing.on('error', () => resolve('gave-up'))
    outgoing.end('{"event":"pending-test"}')
    if (giveUpMs !== null) {
      setTimeout(() => {
        outgoing.destroy()
        resolve('gave-up')
      }, giveUpMs)
    }
  })
}

const listWidth = (page: Page) => page.getByTestId('capture-list').evaluate((element) => element.getBoundingClientRect().width)

/** Every visible column label and status cell shows its whole text, and labels keep apart. */
async function expectNothingClipped(page: Page): Promise<void> {
  const problems = await page.evaluate(() => {
    const found: string[] = []
    const labels = [...document.querySelectorAll<HTMLElement>('.capture-columns > span')].filter(
      (span) => span.offsetParent !== null && span.textContent?.trim(),
    )
    labels.forEach((label, index) => {
      if (label.scrollWidth > label.clientWidth) found.push(`label "${label.textContent}" cut (${label.scrollWidth} > ${label.clientWidth})`)
      const next = labels[index + 1]
      if (next) {
        // The text's own right edge, not its box's, must keep a gap from the next label.
        const range = document.createRange()
        range.selectNodeContents(label)
        const textRight = range.getBoundingClientRect().right
        if (next.getBoundingClientRect().left - textRight < 4) found.push(`labels "${label.textContent}" and "${next.textContent}" touch`)
      }
    })
    for (const cell of document.querySelectorAll<HTMLElement>('[data-testid=capture-row] .cell-status')) {
      const range = document.createRange()
      range.selectNodeContents(cell)
      if (range.getBoundingClientRect().right > cell.getBoundingClientRect().right + 0.5) found.push(`status "${cell.textContent}" cut`)
    }
    return found
  })
  expect(problems).toEqual([])
}

test('the divider is dragged and moved with the keyboard, remembered across a reload, and the stacked layout still works', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'divider')
  await sendIxopay(inspector, endpoint.slug, 'order-1', 'uuid-1')
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  const divider = page.getByRole('separator', { name: 'Resize the capture list and the detail' })
  await expect(divider).toHaveAttribute('aria-valuenow', '67')

  const before = await listWidth(page)
  const box = (await divider.boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + 200)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width / 2 - 60, box.y + 200, { steps: 4 })
  await page.mouse.move(box.x + box.width / 2 - 120, box.y + 200, { steps: 4 })
  await page.mouse.up()
  const dragged = await listWidth(page)
  expect(dragged).toBeGreaterThan(before - 130)
  expect(dragged).toBeLessThan(before - 110)
  const draggedValue = Number(await divider.getAttribute('aria-valuenow'))
  expect(draggedValue).toBeLessThan(67)

  // Arrow keys on the focused separator move it by 2 %.
  await divider.focus()
  await page.keyboard.press('ArrowRight')
  await expect(divider).toHaveAttribute('aria-valuenow', String(draggedValue + 2))
  await page.keyboard.press('ArrowLeft')
  await expect(divider).toHaveAttribute('aria-valuenow', String(draggedValue))
  const remembered = await listWidth(page)

  await page.reload()
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  await expect(divider).toHaveAttribute('aria-valuenow', String(draggedValue))
  expect(Math.abs((await listWidth(page)) - remembered)).toBeLessThan(2)

  // Neither pane can be dragged out of sight: Home/End stop at the minimum widths.
  await divider.focus()
  await page.keyboard.press('Home')
  expect(Math.round(await listWidth(page))).toBe(540)
  await expectNothingClipped(page)
  await page.keyboard.press('End')
  const detailWidth = await page.getByTestId('detail-pane').evaluate((element) => element.getBoundingClientRect().width)
  expect(Math.round(detailWidth)).toBe(380)
  await expectNothingClipped(page)

  // Narrow window: the detail goes under the list, and the divider between them moves up and down.
  const sideBySideValue = await divider.getAttribute('aria-valuenow')
  await page.setViewportSize({ width: 1000, height: 700 })
  await expect(divider).toHaveAttribute('data-arrangement', 'stacked')
  await expect(divider).toHaveAttribute('aria-orientation', 'horizontal')
  const listBox = (await page.getByTestId('capture-list').boundingBox())!
  const detailBox = (await page.getByTestId('detail-pane').boundingBox())!
  expect(detailBox.y).toBeGreaterThanOrEqual(listBox.y + listBox.height - 1)
  expect(Math.abs(detailBox.width - listBox.width)).toBeLessThan(2)
  await expectNothingClipped(page)
  const listHeight = () => page.getByTestId('capture-list').evaluate((element) => element.getBoundingClientRect().height)
  const stackedBefore = await listHeight()
  await divider.focus()
  await page.keyboard.press('Shift+ArrowDown')
  await expect.poll(listHeight).toBeGreaterThan(stackedBefore + 40)
  const afterKey = await listHeight()
  const bar = (await divider.boundingBox())!
  await page.mouse.move(bar.x + 200, bar.y + bar.height / 2)
  await page.mouse.down()
  await page.mouse.move(bar.x + 200, bar.y + bar.height / 2 - 50, { steps: 4 })
  await page.mouse.up()
  const stackedAfter = await listHeight()
  expect(stackedAfter).toBeGreaterThan(afterKey - 60)
  expect(stackedAfter).toBeLessThan(afterKey - 40)
  await page.reload()
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
  expect(Math.abs((await listHeight()) - stackedAfter)).toBeLessThan(2)

  // Each arrangement keeps its own position: side by side again, the list is as it was.
  await page.setViewportSize({ width: 1400, height: 900 })
  await expect(divider).toHaveAttribute('data-arrangement', 'side-by-side')
  await expect(divider).toHaveAttribute('aria-valuenow', sideBySideValue!)
  expect(Math.round(await page.getByTestId('detail-pane').evaluate((element) => element.getBoundingClientRect().width))).toBe(380)
})

test('the Reference column tells two orders apart; the full target shows on hover; labels and statuses are never cut', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'reference')
  await sendIxopay(inspector, endpoint.slug, 'order-4711', 'a1b2c3d4e5f6a7b8c9d0')
  await sendIxopay(inspector, endpoint.slug, 'order-4712', 'f0e9d8c7b6a5f4e3d2c1')
  const rows = page.getByTestId('capture-row')
  await expect(rows.getByTestId('capture-reference')).toHaveText(['order-4712', 'order-4711'])
  await expect(rows.first().getByTestId('capture-reference')).toHaveAttribute('title', 'Reference: order-4712\nIXOPAY id: f0e9d8c7b6a5f4e3d2c1')
  await expect(rows.first().getByTestId('capture-target')).toHaveAttribute('title', `/${endpoint.slug}${IXOPAY.path}`)

  // The widest status: no HTTP answer ("no answer"), chosen by a rule; then a reset, and a 413 REFUSED.
  await inspector.app.call('setAnswerConfig', {
    endpointId: endpoint.id,
    config: {
      defaultAnswer: { kind: 'respond', status: 200 },
      rules: [
        { id: 'held', name: 'Hold', enabled: true, match: { pathPattern: '/held' }, answer: { kind: 'hang' } },
        { id: 'reset', name: 'Reset', enabled: true, match: { pathPattern: '/reset' }, answer: { kind: 'reset' } },
      ],
      sequence: null,
      failureRate: null,
    },
  })
  await inspector.sendCallback({ slug: endpoint.slug, path: '/reset', body: '{}' }).catch(() => 0)
  const held = new AbortController()
  void fetch(`${inspector.app.ready.receiver}/${endpoint.slug}/held`, { method: 'POST', body: '{}', signal: held.signal }).catch(() => undefined)
  await expect(rows).toHaveCount(4)
  held.abort()
  await expect(rows.first().getByTestId('capture-status')).toHaveText('sender left')
  await expect(rows.nth(1).getByTestId('capture-status')).toHaveText('reset')
  await expect(rows.nth(1).getByTestId('capture-answer-choice')).toHaveText('rule')
  const receiver = new URL(inspector.app.ready.receiver)
  await sendRaw(
    inspector.app.ready.receiver,
    `POST /${endpoint.slug}/too-large HTTP/1.1\r\nHost: ${receiver.host}\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n{}`,
    2000,
  )
  await expect(rows).toHaveCount(5)
  await expect(rows.first()).toHaveAttribute('data-outcome', 'refused')
  await expect(rows.first().getByTestId('capture-status')).toHaveText('413')
  // A pass-through forward to nothing: the configured answer went out, marked as a failed forward.
  await inspector.app.call('setForwardConfig', {
    endpointId: endpoint.id,
    config: { enabled: true, targetUrl: 'http://127.0.0.1:1/hooks', mode: 'pass-through', timeoutMs: 2000, keepCapturedPath: false },
  })
  await inspector.sendCallback({ slug: endpoint.slug, path: '/forwarded', body: '{}' })
  await expect(rows).toHaveCount(6)
  await expect(rows.first().getByTestId('capture-forward-failed')).toBeVisible()
  await page.screenshot({ path: test.info().outputPath('list-1400.png') })
  for (const width of [1400, 1180]) {
    await page.setViewportSize({ width, height: 900 })
    await expectNothingClipped(page)
  }
})

test('a delayed answer shows as pending with a countdown, then as answered; a sender that left says so', async ({ page, inspector }) => {
  test.setTimeout(120_000)
  const endpoint = await inspector.openOwnEndpoint(page, 'pending')
  await setAnswer(inspector, endpoint.id, { kind: 'respond', status: 202, delayMs: 12_000 })
  const status = page.getByTestId('capture-row').first().getByTestId('capture-status')

  const answered = sendAndMaybeGiveUp(`${inspector.app.ready.receiver}/${endpoint.slug}/delayed`, null)
  await expect(status).toHaveAttribute('data-progress', 'pending')
  await expect(status).toHaveText(/^in ([1-9]|1[0-2]) s$/)
  await expect(status).toHaveAttribute('title', /^Answering in ([1-9]|1[0-2]) s \(202 Accepted, delayed\): the sender is still waiting/)
  // It counts down by itself (no new event arrives for this capture in the meantime).
  const secondsLeft = async () => Number(/^in (\d+) s$/.exec((await status.textContent()) ?? '')?.[1] ?? 0)
  const first = await secondsLeft()
  expect(first).toBeGreaterThan(1)
  const countedDown = async () => {
    const left = await secondsLeft()
    return left > 0 && left < first
  }
  // It goes below the first reading within a second; under load the page's timers can be late by
  // seconds, so the poll may use the seconds left before the answer (after it the row says 202 and
  // the poll could not pass anyway), not only 3 s.
  await expect.poll(countedDown, { timeout: Math.max(3_000, (first - 1) * 1_000), intervals: [100] }).toBe(true)
  // The detail says it too, and stops saying it once the answer went out.
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('detail-answer-progress')).toContainText(/^Answering in ([1-9]|1[0-2]) s \(202 Accepted, delayed\)/)
  await expect(page.getByTestId('detail-answered-label')).toHaveText('Will answer')
  // The Response section said "202 Accepted · body 0 bytes" as if it had been sent.
  await expect(page.getByTestId('response-status')).toContainText(/^202 Accepted · not sent yet: due in ([1-9]|1[0-2]) s · body/)
  expect(await answered).toBe(202)
  await expect(status).toHaveText('202')
  await expect(status).toHaveAttribute('data-progress', 'answered')
  await expect(page.getByTestId('detail-answer-progress')).toHaveCount(0)
  await expect(page.getByTestId('detail-answered-label')).toHaveText('Answered')
  await expect(page.getByTestId('response-progress')).toHaveCount(0)

  // A sender that gives up during the delay never got the answer.
  await sendAndMaybeGiveUp(`${inspector.app.ready.receiver}/${endpoint.slug}/impatient`, 700)
  await expect(page.getByTestId('capture-row')).toHaveCount(2)
  await expect(status).toHaveText('sender left')
  await expect(status).toHaveAttribute('data-progress', 'sender-left')
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('response-status')).toContainText('202 Accepted · never received: the sender left before it went out')

  // A hang is held (pending) until the sender gives up.
  await setAnswer(inspector, endpoint.id, { kind: 'hang' })
  const held = sendAndMaybeGiveUp(`${inspector.app.ready.receiver}/${endpoint.slug}/held`, 6000)
  await expect(page.getByTestId('capture-row')).toHaveCount(3)
  await expect(status).toHaveText('holding')
  await expect(status).toHaveAttribute('data-progress', 'holding')
  expect(await held).toBe('gave-up')
  await expect(status).toHaveText('sender left')
})

test("the empty list's Copy command never covers the command, even for a long endpoint URL", async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'a-rather-long-endpoint-slug-for-the-empty-state-check')
  const command = page.getByTestId('empty-curl')
  await expect(command).toContainText(endpoint.url)
  const button = (await page.getByTestId('copy-empty-curl').boundingBox())!
  const text = (await command.boundingBox())!
  const overlaps = button.x < text.x + text.width && text.x < button.x + button.width && button.y < text.y + text.height && text.y < button.y + button.height
  expect(overlaps).toBe(false)
})
