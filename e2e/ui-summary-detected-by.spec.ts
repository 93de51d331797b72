/**
 * The Summary's "Detected by" line stays inside its card, and says "Not recognised" for an unknown sender. Plexo's legacy envelope is detected by
 * `JSON envelope {"Object":{"Fingerprint":…},"Signature":…}`, a run of punctuation with no space
 * to break at: in the detail pane's default width it ran 58 px past the card's right edge.
 */
import { expect, test } from './fixtures/inspector'

const plexoEnvelope = `{"Object":{"Fingerprint":"07E878CCA6F32681DD2726CAF5254804F46D0CD8","Object":{"Client":"Shop","TransactionId":"t-1","CurrentState":0,"Amount":100.5,"Currency":{"CurrencyId":2},"InvoiceNumber":"INV-1001"},"UTCUnixTimeExpiration":1767225600},"Signature":"c2ln"}`

test('a detection rule without spaces wraps inside the Summary card', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'detected-by')
  await inspector.sendCallback({ slug: endpoint.slug, path: '/plexo/legacy-callback', headers: [['Content-Type', 'application/json']], body: plexoEnvelope })
  await page.getByTestId('capture-row').click()

  const detectedBy = page.getByTestId('summary-detected-by')
  await expect(detectedBy).toContainText('Detected by JSON envelope {"Object":{"Fingerprint":…},"Signature":…}')
  const overflow = await detectedBy.evaluate((element) => {
    const card = element.closest('[data-testid=summary-facts]')
    if (!card) throw new Error('the detected-by line is not in the summary facts')
    return { ownOverflow: element.scrollWidth - element.clientWidth, pastCard: element.getBoundingClientRect().right - card.getBoundingClientRect().right }
  })
  expect(overflow.ownOverflow).toBeLessThanOrEqual(0)
  expect(overflow.pastCard).toBeLessThanOrEqual(0)
})

test('an unknown sender is said to be not recognised, not "detected by" a rule that did not match', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'not-recognised')
  await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/hook',
    headers: [['Content-Type', 'application/json']],
    body: '{"orderReference":"549213","status":"Paid"}',
  })
  await page.getByTestId('capture-row').click()
  await expect(page.getByTestId('summary-provider')).toContainText('Unknown sender')
  await expect(page.getByTestId('summary-detected-by')).toHaveText('Not recognised: no recognition rule matched')
})
