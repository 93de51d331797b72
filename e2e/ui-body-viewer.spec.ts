/**
 * The body viewer in the real UI: values exactly as sent, syntax errors located, declared charsets
 * honoured, hostile sizes opened without freezing, find, copy, save and expand.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures/inspector'
import { row } from './fixtures/capture-rows'

const requestBody = (page: Page) => page.getByTestId('request-body')

/**
 * How long the UI thread is busy: the time a zero-delay task posted now takes to run. A frozen
 * page answers late (or not at all within the test's timeout).
 */
async function taskLatency(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const posted = performance.now()
        setTimeout(() => resolve(performance.now() - posted), 0)
      }),
  )
}

test('the JSON view shows every value exactly as sent and flags duplicate keys', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'lossless')
  const body = '{"paymentNumber": 12345678901234567891, "amount": 10.10, "fee": 1.0, "dup": "first", "dup": "second"}'
  await inspector.sendCallback({ slug: endpoint.slug, path: '/pay', headers: [['Content-Type', 'application/json']], body })
  await row(page, '/pay').click()

  const body$ = requestBody(page)
  await expect(body$.getByTestId('body-tab-json')).toHaveAttribute('aria-selected', 'true')
  const values = body$.getByTestId('json-value')
  await expect(values).toHaveText(['12345678901234567891', '10.10', '1.0', '"first"', '"second"'])
  await expect(body$.getByTestId('json-key')).toHaveText(['"paymentNumber"', '"amount"', '"fee"', '"dup"', '"dup"'])
  await expect(body$.getByTestId('json-duplicate-flag')).toHaveCount(2)
  await expect(body$.getByTestId('json-has-duplicates')).toBeVisible()
  await expect(body$.getByTestId('body-provenance')).toContainText('every value exactly as received')

  // Selecting a value shows its path and its whole literal.
  await values.nth(0).click()
  await expect(body$.getByTestId('json-selected-path')).toHaveText('$.paymentNumber')
  await expect(body$.getByTestId('json-selected-value')).toHaveText('12345678901234567891')

  // The keyboard moves the selection; Left goes up to the container, then closes it.
  await page.keyboard.press('ArrowDown')
  await expect(body$.getByTestId('json-selected-path')).toHaveText('$.amount')
  await page.keyboard.press('ArrowLeft')
  await expect(body$.getByTestId('json-selected-path')).toHaveText('$')

  // Collapsing the root hides the members and says how many there are.
  await page.keyboard.press('ArrowLeft')
  await expect(body$.getByTestId('json-row')).toHaveCount(1)
  await expect(body$.getByTestId('json-row')).toContainText('5 keys')

  await body$.getByTestId('json-toggle').first().click()
  await expect(body$.getByTestId('json-row')).toHaveCount(6)

  await body$.getByTestId('body-tab-text').click()
  await expect(body$.getByTestId('text-body')).toHaveText(body)
  await expect(body$.getByTestId('body-provenance')).toHaveText('Raw text as received · decoded as UTF-8')
})

test('malformed JSON shows where the syntax error is', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'badjson')
  const body = '{\n  "amount": "9.99",\n  "currency" "EUR"\n}'
  await inspector.sendCallback({ slug: endpoint.slug, path: '/bad', headers: [['Content-Type', 'application/json']], body })
  await row(page, '/bad').click()

  const body$ = requestBody(page)
  await expect(body$.getByTestId('json-syntax-error')).toContainText("Expected ':' but found '\"' at line 3, column 14.")
  await expect(body$.getByTestId('json-syntax-error')).toHaveAttribute('data-offset', String(body.indexOf('"EUR"')))
  const mark = body$.locator('mark.syntax-error-mark')
  await expect(mark).toHaveText('"')
  await expect(mark).toBeVisible()
})

test("a form's escapes are read in its declared charset, as the search reads them", async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'form-latin1')
  const headers: Array<[string, string]> = [['Content-Type', 'application/x-www-form-urlencoded; charset=iso-8859-1']]
  await inspector.sendCallback({ slug: endpoint.slug, path: '/notify', headers, body: 'name=M%FCller&city=K%F6ln' })
  await row(page, '/notify').click()
  const body$ = requestBody(page)
  await expect(body$.getByTestId('body-tab-form')).toHaveAttribute('aria-selected', 'true')
  // Before: "M�ller" and "K�ln" (the escapes read as UTF-8), while a search for müller found it.
  await expect(body$.getByTestId('form-field')).toHaveText([/^name\s*Müller$/, /^city\s*Köln$/])
  await expect(body$.getByTestId('form-invalid-escapes')).toHaveCount(0)
  await page.getByTestId('filter-text').fill('müller köln')
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
})

test('a form without a charset whose escapes are no UTF-8 says they show as �', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'form-no-charset')
  const headers: Array<[string, string]> = [['Content-Type', 'application/x-www-form-urlencoded']]
  await inspector.sendCallback({ slug: endpoint.slug, path: '/notify', headers, body: 'name=M%FCller' })
  await row(page, '/notify').click()
  const body$ = requestBody(page)
  await expect(body$.getByTestId('form-field')).toHaveText([/^name\s*M\ufffdller$/])
  // Before, "M�ller" stood there as if the sender had written it.
  await expect(body$.getByTestId('form-invalid-escapes')).toHaveText(
    'Some escapes are not valid UTF-8 (the form names no charset): their bytes show as �. The Raw tab has the text as received.',
  )
})

test("an XML body is read in its declaration's encoding when the Content-Type names no charset", async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'xml-latin1')
  const body = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><notification><name>Jos\xe9 M\xfcller</name></notification>', 'latin1')
  await inspector.sendCallback({ slug: endpoint.slug, path: '/notify', headers: [['Content-Type', 'application/xml']], body })
  await row(page, '/notify').click()
  const body$ = requestBody(page)
  // Before: the Hex tab, "Declared as application/xml, but the bytes are not valid UTF-8."
  await expect(body$.getByTestId('body-tab-xml')).toHaveAttribute('aria-selected', 'true')
  await expect(body$.getByTestId('xml-body')).toContainText('<name>José Müller</name>')
  await expect(body$.getByTestId('body-provenance')).toContainText('decoded as ISO-8859-1')
  await page.getByTestId('filter-text').fill('"josé müller"')
  await expect(page.getByTestId('capture-row')).toHaveCount(1)
})

test('a declared ISO-8859-1 body is decoded as such and opens as text', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'latin1')
  await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/latin1',
    headers: [['Content-Type', 'text/plain; charset=iso-8859-1']],
    body: Buffer.from('M\xfcller \xe9', 'latin1'),
  })
  await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/utf16',
    headers: [['Content-Type', 'text/plain; charset=utf-16le']],
    body: Buffer.from('Zoë ✓', 'utf16le'),
  })
  await row(page, '/latin1').click()
  const body$ = requestBody(page)
  await expect(body$.getByTestId('body-tab-text')).toHaveAttribute('aria-selected', 'true')
  await expect(body$.getByTestId('text-body')).toHaveText('Müller é')
  await expect(body$.getByTestId('body-provenance')).toContainText('decoded as ISO-8859-1 (the declared charset)')

  await row(page, '/utf16').click()
  await expect(body$.getByTestId('text-body')).toHaveText('Zoë ✓')
  await expect(body$.getByTestId('body-provenance')).toContainText('decoded as UTF-16LE')
})

test('find within a body highlights matches and steps through them', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'find')
  const lines = Array.from({ length: 300 }, (_, index) => (index % 100 === 7 ? `line ${index}: Order-4711 paid` : `line ${index}: nothing here`))
  await inspector.sendCallback({ slug: endpoint.slug, path: '/find', headers: [['Content-Type', 'text/plain']], body: lines.join('\n') })
  await row(page, '/find').click()

  const body$ = requestBody(page)
  await body$.getByTestId('text-body').click()
  await page.keyboard.press('Control+f')
  const input = body$.getByTestId('body-find-input')
  await expect(input).toBeFocused()
  await input.fill('order-4711')
  await expect(body$.getByTestId('body-find-count')).toHaveText('1 of 3')
  await expect(body$.locator('mark.find-match')).toHaveCount(3)
  await expect(body$.locator('mark.find-current')).toHaveText('Order-4711')
  await expect(body$.locator('mark.find-current')).toBeInViewport()

  await input.press('Enter')
  await expect(body$.getByTestId('body-find-count')).toHaveText('2 of 3')
  await body$.getByTestId('body-find-next').click()
  await expect(body$.getByTestId('body-find-count')).toHaveText('3 of 3')
  await expect(body$.locator('mark.find-current')).toBeInViewport()
  await input.press('Shift+Enter')
  await expect(body$.getByTestId('body-find-count')).toHaveText('2 of 3')
  await body$.getByTestId('body-find-previous').click()
  await expect(body$.getByTestId('body-find-count')).toHaveText('1 of 3')

  await body$.getByTestId('body-find-case').check()
  await expect(body$.getByTestId('body-find-count')).toHaveText('No matches')
  await input.press('Escape')
  await expect(body$.getByTestId('body-find')).toHaveCount(0)
})

test('find in the JSON view opens collapsed containers to reach a match', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'jsonfind')
  const items = Array.from({ length: 5000 }, (_, index) => ({ id: `pi_${index}`, amount: '1.00' }))
  const body = JSON.stringify({ items })
  await inspector.sendCallback({ slug: endpoint.slug, path: '/jsonfind', headers: [['Content-Type', 'application/json']], body })
  await row(page, '/jsonfind').click()

  const body$ = requestBody(page)
  await expect(body$.getByTestId('json-rows')).toBeVisible()
  await body$.getByTestId('json-collapse-all').click()
  await body$.getByTestId('body-find-open').click()
  await body$.getByTestId('body-find-input').fill('"pi_4321"')
  await expect(body$.getByTestId('body-find-count')).toHaveText('1 of 1')
  await expect(body$.locator('mark.find-current')).toHaveText('"pi_4321"')
  await expect(body$.locator('mark.find-current')).toBeInViewport()
})

test('a 100,000-item JSON array and 1 MB of "<" open without freezing the page', async ({ page, inspector }) => {
  // The array is parsed in a Web Worker: the page's policy must allow it (no refusal logged).
  const refusals: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy|worker/i.test(message.text())) refusals.push(message.text())
  })
  const endpoint = await inspector.openOwnEndpoint(page, 'hostile')
  const wide = '[' + Array.from({ length: 100_000 }, () => '0').join(',') + ']'
  await inspector.sendCallback({ slug: endpoint.slug, path: '/wide', headers: [['Content-Type', 'application/json']], body: wide })
  await inspector.sendCallback({ slug: endpoint.slug, path: '/angles', headers: [['Content-Type', 'application/xml']], body: '<'.repeat(1024 * 1024) })
  await expect(page.getByTestId('capture-row')).toHaveCount(2)
  const body$ = requestBody(page)

  /** Opens a capture; returns how long its body view took once the capture itself was loaded. */
  const open = async (path: string, view: () => Promise<void>) => {
    await row(page, path).click()
    await expect(page.getByTestId('detail-request-line')).toContainText(path)
    const loaded = Date.now()
    await view()
    return Date.now() - loaded
  }

  const wideMs = await open('/wide', () => expect(body$.getByTestId('json-rows')).toHaveAttribute('data-row-count', '100002'))
  expect(await taskLatency(page)).toBeLessThan(500)
  // The last item is reachable: scroll to the end and read it.
  await body$.getByTestId('json-rows').evaluate((element) => {
    element.scrollTop = element.scrollHeight
  })
  await expect(body$.getByTestId('json-rows').locator('[data-row="100001"]')).toHaveText(']')

  const anglesMs = await open('/angles', async () => {
    await expect(body$.getByTestId('body-tab-xml')).toHaveAttribute('aria-selected', 'true')
    await expect(body$.getByTestId('xml-body')).toContainText('<<<<')
  })
  expect(await taskLatency(page)).toBeLessThan(500)

  // The page still answers: the other capture opens again.
  const backMs = await open('/wide', () => expect(body$.getByTestId('json-rows')).toBeVisible())
  console.log(`body view after the capture loaded (Chromium): 100,000-item array ${wideMs} ms, 1 MB of "<" ${anglesMs} ms, the array again ${backMs} ms`)
  expect(refusals).toEqual([])
  // Loose bounds: the target is 1 s on a quiet machine; the test machine is shared.
  expect(wideMs).toBeLessThan(5000)
  expect(anglesMs).toBeLessThan(5000)
})

test('a 5 MB capture is read off the UI thread and still shows every value and byte as sent', async ({ page, inspector }) => {
  // Building, sending, storing and reading back 5 MB took 40-65 s beside another test worker on a busy machine.
  test.slow()
  const endpoint = await inspector.openOwnEndpoint(page, 'large')
  const items = Array.from({ length: 80_000 }, (_, index) => JSON.stringify({ id: `pi_${index}`, amount: '10.10', note: 'line one\nline two' }))
  const body = `{"paymentNumber": 12345678901234567891, "amount": 10.10, "note": "Grüße € 😀", "dup": 1, "dup": 2, "items": [${items.join(',')}]}`
  await inspector.sendCallback({ slug: endpoint.slug, path: '/large', headers: [['Content-Type', 'application/json']], body })
  await row(page, '/large').click()

  const body$ = requestBody(page)
  await expect(body$.getByTestId('json-rows')).toBeVisible({ timeout: 60_000 })
  await expect(body$.getByTestId('json-value')).toHaveText(['12345678901234567891', '10.10', '"Grüße € 😀"', '1', '2'])
  await expect(body$.getByTestId('json-duplicate-flag')).toHaveCount(2)
  await expect(body$.getByTestId('json-row').last()).toContainText('80,000 items')

  // The capture came through the loader's worker: the page itself never downloaded it.
  const pageFetches = await page.evaluate(() => performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/api/getCapture')).length)
  expect(pageFetches).toBe(0)

  const downloading = page.waitForEvent('download')
  await body$.getByTestId('body-save').click()
  expect(await readFile(await (await downloading).path())).toEqual(Buffer.from(body))

  await body$.getByTestId('body-tab-text').click()
  await expect(body$.getByTestId('text-body').locator('.text-line').first()).toContainText('{"paymentNumber": 12345678901234567891')
})

test('millions of rows still scroll end to end, and find reaches the last one', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'tall')
  // 1,500,000 values: 30 M px of rows, beyond what a browser lets an element be, so scrolling is scaled.
  const body = '[' + Array.from({ length: 1_499_999 }, () => '0').join(',') + ',"the-last-one"]'
  await inspector.sendCallback({ slug: endpoint.slug, path: '/tall', headers: [['Content-Type', 'application/json']], body })
  await row(page, '/tall').click()
  const rows = requestBody(page).getByTestId('json-rows')
  await expect(rows).toHaveAttribute('data-row-count', '1500002', { timeout: 30_000 })
  await rows.scrollIntoViewIfNeeded()

  await rows.evaluate((element) => {
    element.scrollTop = element.scrollHeight
  })
  await expect(rows.locator('[data-row="1500001"]')).toHaveText(']')
  await expect(rows.locator('[data-row="1500000"]')).toBeInViewport()

  await rows.evaluate((element) => {
    element.scrollTop = 0
  })
  await expect(rows.locator('[data-row="0"]')).toBeInViewport()
  await requestBody(page).getByTestId('body-find-open').click()
  await requestBody(page).getByTestId('body-find-input').fill('the-last')
  await expect(requestBody(page).locator('mark.find-current')).toBeInViewport()
  await expect(requestBody(page).getByTestId('body-find-count')).toHaveText('1 of 1')
})

test('copy body, save body and the expanded view', async ({ page, context, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'actions')
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(inspector.app.ready.ui).origin })
  const body = '{"amount": 10.10, "note": "Grüße"}'
  await inspector.sendCallback({ slug: endpoint.slug, path: '/actions', headers: [['Content-Type', 'application/json']], body })
  await row(page, '/actions').click()
  const body$ = requestBody(page)

  await body$.getByTestId('body-copy').click()
  await expect(body$.getByTestId('body-copy')).toHaveAttribute('data-copy-state', 'copied')
  expect(String(await page.evaluate('navigator.clipboard.readText()'))).toBe(body)

  const downloading = page.waitForEvent('download')
  await body$.getByTestId('body-save').click()
  const download = await downloading
  expect(download.suggestedFilename()).toMatch(/^capture-[\w-]+-request\.json$/)
  expect(await readFile(await download.path())).toEqual(Buffer.from(body))

  await body$.getByTestId('body-expand').click()
  await expect(body$).toHaveAttribute('data-expanded', 'true')
  const pane = (await page.locator('.detail-pane').boundingBox())!
  const expanded = (await body$.boundingBox())!
  expect(Math.abs(expanded.width - pane.width)).toBeLessThan(2)
  expect(Math.abs(expanded.height - pane.height)).toBeLessThan(2)
  await page.keyboard.press('Escape')
  await expect(body$).toHaveAttribute('data-expanded', 'false')
})

test('copying a large body puts exactly the text received on the clipboard, from the button and the b key', async ({ page, context, inspector }) => {
  // Building, sending and reading back megabytes is slow beside another test worker on a busy machine.
  test.slow()
  const endpoint = await inspector.openOwnEndpoint(page, 'copy-large')
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(inspector.app.ready.ui).origin })
  // 3 MB: loaded through the capture loader's worker, as every body over 48 KB is.
  const items = Array.from({ length: 30_000 }, (_, index) => `{"id": "pi_${index}", "amount": 10.10, "big": 12345678901234567891, "note": "Grüße € 😀\\n"}`)
  const json = `[${items.join(',')}]`
  // ISO-8859-1 declared: the text copied is the bytes decoded in that charset, not read as UTF-8.
  const latin1 = 'Müller café ñ °\n'.repeat(70_000)
  await inspector.sendCallback({ slug: endpoint.slug, path: '/json', headers: [['Content-Type', 'application/json']], body: json })
  await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/latin1',
    headers: [['Content-Type', 'text/plain; charset=iso-8859-1']],
    body: Buffer.from(latin1, 'latin1'),
  })

  /** The clipboard's text, hashed in the page (its megabytes need not cross to the test). */
  const clipboardSha256 = () =>
    page.evaluate(async () => {
      const text = await navigator.clipboard.readText()
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
      return { length: text.length, sha256: Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('') }
    })
  const expected = (text: string) => ({ length: text.length, sha256: createHash('sha256').update(text, 'utf8').digest('hex') })

  for (const [path, text] of [
    ['/json', json],
    ['/latin1', latin1],
  ] as const) {
    await page.evaluate(() => navigator.clipboard.writeText(''))
    await row(page, path).click()
    const body$ = requestBody(page)
    await expect(body$.locator('[data-testid^=body-view-]')).toBeVisible({ timeout: 60_000 })
    await body$.getByTestId('body-copy').click()
    await expect(body$.getByTestId('body-copy')).toHaveAttribute('data-copy-state', 'copied', { timeout: 30_000 })
    expect(await clipboardSha256()).toEqual(expected(text))

    await page.evaluate(() => navigator.clipboard.writeText(''))
    await page.getByTestId('detail-request-line').click()
    await page.keyboard.press('b')
    // The clipboard was emptied first: it holds the body once the key has copied it.
    await expect.poll(clipboardSha256, { timeout: 30_000 }).toEqual(expected(text))
  }
})
