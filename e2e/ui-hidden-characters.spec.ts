/**
 * Characters that show nothing or reorder the text around them are marked where they are: a
 * right-to-left override made `"\u202E00.001"` read `100.00` (and `"\u202Eevil"` read `live`), a
 * zero-width space made `a\u200Bb` read `ab`, in the JSON and Raw views, the headers, the form
 * fields and the list, the Summary panel (its facts, batch items and All fields) and a capture's note.
 * Copy body still copies the text exactly.
 */
import type { Locator } from '@playwright/test'
import { sendRaw } from '../src-main/test-support/http-client'
import { loadVectors, type VectorCase } from '../src-main/test-support/vectors'
import { expect, test } from './fixtures/inspector'

/** Whether `text`'s characters, inside `element`, are laid out left to right in the order written. */
async function readsLeftToRight(element: Locator, text: string): Promise<boolean> {
  return element.evaluate((root, wanted) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(wanted) ?? -1
      if (at < 0) continue
      const lefts = [...wanted].map((_, index) => {
        const range = document.createRange()
        range.setStart(node, at + index)
        range.setEnd(node, at + index + 1)
        return range.getBoundingClientRect().left
      })
      return lefts.every((left, index) => index === 0 || left > lefts[index - 1]!)
    }
    throw new Error(`"${wanted}" is not in the element`)
  }, text)
}

test('a direction override or a zero-width space is marked in every view, and copied exactly', async ({ page, inspector, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const endpoint = await inspector.openOwnEndpoint(page, 'hidden')
  const json = '{"amount":"\u202E00.001","note":"a\u200Bb"}'
  const receiver = new URL(inspector.app.ready.receiver)
  const body = Buffer.from(json, 'utf8')
  const head = `POST /${endpoint.slug}/json HTTP/1.1\r\nHost: ${receiver.host}\r\nContent-Type: application/json\r\nX-Ref: abc\u202Exyz\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`
  await sendRaw(inspector.app.ready.receiver, Buffer.concat([Buffer.from(head, 'utf8'), body]))
  await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/form',
    headers: [['content-type', 'application/x-www-form-urlencoded']],
    body: 'name=%E2%80%AEevil&ok=1',
  })
  const rows = page.getByTestId('capture-row')
  await expect(rows).toHaveCount(2)

  await rows.filter({ hasText: '/json' }).click()
  const jsonView = page.getByTestId('json-body')
  await expect(jsonView.locator('.hidden-char')).toHaveCount(2)
  await expect(jsonView.locator('.hidden-char').first()).toHaveAttribute('data-code-point', 'U+202E')
  await expect(jsonView.locator('.hidden-char').nth(1)).toHaveAttribute('data-code-point', 'U+200B')
  expect(await readsLeftToRight(jsonView, '00.001')).toBe(true)
  const headers = page.getByTestId('request-headers')
  await expect(headers.locator('.hidden-char')).toHaveAttribute('data-code-point', 'U+202E')
  expect(await readsLeftToRight(headers, 'xyz')).toBe(true)

  await page.getByTestId('body-tab-text').click()
  const raw = page.getByTestId('detail-body').locator('.wire-text')
  await expect(raw.locator('.hidden-char')).toHaveCount(2)
  expect(await readsLeftToRight(raw, '00.001')).toBe(true)
  await page.getByTestId('body-copy').click()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(json)

  await rows.filter({ hasText: '/form' }).click()
  const form = page.getByTestId('form-body')
  await expect(form.locator('.hidden-char')).toHaveAttribute('data-code-point', 'U+202E')
  expect(await readsLeftToRight(form, 'evil')).toBe(true)
})

test("the Summary's facts and All fields, and a capture's note, mark them too", async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'hidden-summary')
  const vector = loadVectors('ixopay.json')[0] as VectorCase
  // Recognised by its X-Signature header (the signature no longer matches: that is beside the point).
  const body = vector.body.replace('"merchantTransactionId":"', '"merchantTransactionId":"\u202E').replace('"uuid":"', '"uuid":"a\u200B')
  expect(body).not.toBe(vector.body)
  await inspector.sendCallback({ slug: endpoint.slug, path: vector.path, method: vector.method, headers: Object.entries(vector.headers), body })
  await page.getByTestId('capture-row').first().click()

  const reference = page.getByTestId('summary-reference')
  await expect(reference.locator('.hidden-char')).toHaveAttribute('data-code-point', 'U+202E')
  await page
    .getByTestId('summary-panel')
    .getByText(/^All fields/)
    .click()
  const fields = page.getByTestId('summary-fields')
  await expect(fields.locator('.hidden-char[data-code-point="U+202E"]')).toHaveCount(1)
  await expect(fields.locator('.hidden-char[data-code-point="U+200B"]')).toHaveCount(1)

  await page.getByTestId('note-add').click()
  await page.getByTestId('note-editor').fill('refund \u202Eevil and a\u200Bb')
  await page.getByTestId('note-save').click()
  const note = page.getByTestId('note-text')
  await expect(note.locator('.hidden-char')).toHaveCount(2)
  expect(await readsLeftToRight(note, 'evil')).toBe(true)
})
