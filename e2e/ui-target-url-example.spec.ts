/**
 * The send forms' example target is a route for the provider being sent: a Stripe capture's Resend,
 * and the Replay and Forward dialogs of an endpoint receiving Stripe, show …/callbacks/stripe, an
 * unrecognised capture a bare …/callbacks, never IXOPAY's route.
 */
import { expect, test } from './fixtures/inspector'

const EXAMPLE_SERVER = 'http://localhost:3000/callbacks'

test('the target example follows the provider of the capture or endpoint being sent', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'target-example')
  const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } })
  const stripe = await inspector.sendCallback({
    slug: endpoint.slug,
    path: '/webhooks/stripe',
    headers: [
      ['Content-Type', 'application/json'],
      ['Stripe-Signature', 't=1,v1=abc'],
    ],
    body,
  })
  expect(stripe).toBe(200)
  expect(
    await inspector.sendCallback({ slug: endpoint.slug, path: '/plain', headers: [['Content-Type', 'application/json']], body: '{"hello":"world"}' }),
  ).toBe(200)
  await expect(page.getByTestId('capture-row')).toHaveCount(2)

  await page.getByTestId('capture-row').filter({ hasText: '/webhooks/stripe' }).click()
  await expect(page.getByTestId('detail-request-line')).toContainText('/webhooks/stripe')
  await page.getByTestId('resend-capture').click()
  const resend = page.getByTestId('resend-dialog')
  await expect(resend.getByTestId('resend-target')).toHaveAttribute('placeholder', `${EXAMPLE_SERVER}/stripe`)
  await expect(resend.getByText('Remembered for this endpoint.')).toHaveText(`Remembered for this endpoint. e.g. ${EXAMPLE_SERVER}/stripe`)
  await expect(resend).not.toContainText('ixopay')
  await page.keyboard.press('Escape')
  await expect(resend).toHaveCount(0)

  await page.getByTestId('capture-row').filter({ hasText: '/plain' }).click()
  await expect(page.getByTestId('detail-request-line')).toContainText('/plain')
  await page.getByTestId('resend-capture').click()
  await expect(resend.getByTestId('resend-target')).toHaveAttribute('placeholder', EXAMPLE_SERVER)
  await expect(resend.getByText('Remembered for this endpoint.')).toHaveText(`Remembered for this endpoint. e.g. ${EXAMPLE_SERVER}`)
  await page.keyboard.press('Escape')
  await expect(resend).toHaveCount(0)

  // The endpoint's captures come from Stripe most (the unrecognised one names no provider).
  await page.getByTestId('bulk-replay').click()
  await expect(page.getByTestId('bulk-target')).toHaveAttribute('placeholder', `${EXAMPLE_SERVER}/stripe`)
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('bulk-target')).toHaveCount(0)

  await page.locator(`[data-testid=endpoint-item][data-endpoint-slug="${endpoint.slug}"] [data-testid=forward-endpoint]`).click()
  await expect(page.getByTestId('forward-target')).toHaveAttribute('placeholder', `${EXAMPLE_SERVER}/stripe`)
})
