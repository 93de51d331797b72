/**
 * Home and End in a capture list longer than what is loaded: End opens the oldest capture of the
 * whole list (not the oldest of the rows paged in so far), Home the newest; moving and scrolling
 * up from the oldest end goes on through the captures in between, and a capture deleted there
 * leaves the list.
 */
import { expect, test } from './fixtures/inspector'
import { rows } from './fixtures/capture-rows'

/** More than the list's first page and the oldest end's load together (300 rows each). */
const CAPTURES = 800

test('End opens the oldest capture of a long list and Home the newest, loading only what is shown', async ({ page, inspector }) => {
  test.slow()
  const endpoint = await inspector.openOwnEndpoint(page, 'end-key')
  for (let start = 0; start < CAPTURES; start += 40) {
    await Promise.all(
      Array.from({ length: 40 }, (_, offset) =>
        inspector.sendCallback({ slug: endpoint.slug, path: `/cb?n=${start + offset}`, headers: [['Content-Type', 'application/json']], body: '{}' }),
      ),
    )
  }
  // The list as the API gives it, newest first (captures sent 40 at a time arrive in any order within a batch).
  type Row = { id: string; seq: number; target: string }
  const first = await inspector.app.call<{ items: Row[] }>('listCaptures', { endpointId: endpoint.id, limit: 1000 })
  const rest = await inspector.app.call<{ items: Row[] }>('listCaptures', { endpointId: endpoint.id, limit: 1000, cursor: String(first.items.at(-1)!.seq) })
  const all = [...first.items, ...rest.items]
  expect(all).toHaveLength(CAPTURES)
  const [newest, oldest, secondOldest] = [all[0]!, all.at(-1)!, all.at(-2)!]

  // Fresh from the store (the live events had put every capture into the open list).
  await page.reload()
  const count = page.getByTestId('capture-count')
  await expect(count).toHaveText(`${CAPTURES.toLocaleString('en-US')} captures`)
  const selected = page.locator('.capture-row-selected')

  await rows(page).first().click()
  await page.keyboard.press('End')
  await expect(selected).toHaveAttribute('aria-posinset', String(CAPTURES))
  await expect(selected).toHaveAttribute('data-capture-id', oldest.id)
  await expect(page.locator('.detail-pane')).toContainText(oldest.target)
  // Only the two ends were read (300 rows each and the gap between), not the captures between them.
  const scroll = page.getByTestId('capture-scroll')
  expect(await scroll.evaluate((element) => element.scrollHeight)).toBeLessThan((CAPTURES - 100) * 32)

  // j at the oldest stays there; k goes to the next newer.
  await page.keyboard.press('j')
  await expect(selected).toHaveAttribute('aria-posinset', String(CAPTURES))
  await page.keyboard.press('k')
  await expect(selected).toHaveAttribute('aria-posinset', String(CAPTURES - 1))
  await expect(selected).toHaveAttribute('data-capture-id', secondOldest.id)

  // A capture deleted at the oldest end leaves it.
  await inspector.app.call('deleteCapture', { id: oldest.id })
  await expect(count).toHaveText(`${(CAPTURES - 1).toLocaleString('en-US')} captures`)
  await expect(page.locator(`[data-capture-id="${oldest.id}"]`)).toHaveCount(0)

  // Home: the newest capture, at the top.
  await page.keyboard.press('Home')
  await expect(selected).toHaveAttribute('aria-posinset', '1')
  await expect(selected).toHaveAttribute('data-capture-id', newest.id)
  await expect.poll(() => page.getByTestId('capture-scroll').evaluate((element) => element.scrollTop)).toBe(0)

  // End again: the oldest left, straight from the rows already loaded.
  await page.keyboard.press('End')
  await expect(selected).toHaveAttribute('aria-posinset', String(CAPTURES - 1))
  await expect(selected).toHaveAttribute('data-capture-id', secondOldest.id)

  // Scrolling up from the oldest end loads the captures above it, in order, until the ends meet.
  await scroll.hover()
  for (let step = 0; step < 300; step++) {
    await page.mouse.wheel(0, -1_500)
    await page.waitForTimeout(40)
    if ((await scroll.evaluate((element) => element.scrollTop)) === 0) break
  }
  await expect.poll(() => scroll.evaluate((element) => element.scrollTop)).toBe(0)
  // Every capture is in the list once, in order: positions 1..1,499 with no repeat and no hole.
  await expect(page.getByTestId('capture-list-gap')).toHaveCount(0)
  const seen = await page.evaluate(async () => {
    const element = document.querySelector<HTMLElement>('[data-testid=capture-scroll]')!
    const targets = new Map<number, string>()
    for (let top = 0; top <= element.scrollHeight; top += element.clientHeight / 2) {
      element.scrollTop = top
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
      for (const row of element.querySelectorAll('[data-testid=capture-row]'))
        targets.set(Number(row.getAttribute('aria-posinset')), row.getAttribute('data-capture-id')!)
    }
    return [...targets.entries()].sort((a, b) => a[0] - b[0])
  })
  expect(seen.map(([position]) => position)).toEqual(Array.from({ length: CAPTURES - 1 }, (_, index) => index + 1))
  expect(seen.map(([, id]) => id)).toEqual(all.slice(0, -1).map((capture) => capture.id))
})
