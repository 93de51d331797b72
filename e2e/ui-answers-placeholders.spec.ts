/**
 * Every placeholder of the Answers dialog reads whole: the rule's JSON field said "e.g.
 * transactionTy" in its 130 px column, so the example of what to type was cut off. Checked in a wide
 * and a narrow window, with a rule, a header and a sequence on screen.
 */
import type { Locator } from '@playwright/test'
import { expect, test } from './fixtures/inspector'

/** The placeholders of `root` whose text is wider than their field's text area. */
function clippedPlaceholders(root: Locator) {
  return root.evaluate((element) => {
    const canvas = document.createElement('canvas').getContext('2d')
    if (canvas === null) throw new Error('no canvas')
    const clipped: string[] = []
    for (const input of Array.from(element.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[placeholder], textarea[placeholder]'))) {
      if (input.offsetParent === null || input.placeholder === '') continue
      const style = getComputedStyle(input)
      canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      const lines = input instanceof HTMLTextAreaElement ? input.placeholder.split('\n') : [input.placeholder]
      for (const line of lines) {
        if (canvas.measureText(line).width > room + 0.5)
          clipped.push(`${input.dataset['testid'] ?? input.name}: "${line}" (${Math.round(canvas.measureText(line).width)} px in ${Math.round(room)} px)`)
      }
    }
    return clipped
  })
}

for (const width of [1400, 900]) {
  test(`the Answers dialog's placeholders are not cut off at ${width} px`, async ({ page, inspector }) => {
    await page.setViewportSize({ width, height: 900 })
    const endpoint = await inspector.openOwnEndpoint(page, `placeholders-${width}`)
    await page.locator(`[data-endpoint-slug="${endpoint.slug}"] [data-testid=endpoint-answers]`).click()
    const dialog = page.getByTestId('answer-settings-dialog')
    await expect(dialog.getByTestId('answers-form')).toBeVisible()
    await dialog.getByTestId('rule-add').click()
    await expect(dialog.getByTestId('rule-json-path')).toBeVisible()
    await dialog.getByTestId('sequence-add').click()
    await expect(dialog.getByTestId('sequence-step')).toHaveCount(3)
    expect(await clippedPlaceholders(dialog)).toEqual([])
  })
}
