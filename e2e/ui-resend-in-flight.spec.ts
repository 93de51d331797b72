/**
 * A resend shows in the open capture's history the moment it goes out, as sending, and turns into
 * its answer when the target answers, without a reload. Before, the history showed nothing while
 * the target held the request (a slow server, a breakpoint in it), then only the answer.
 */
import type { ServerResponse } from 'node:http'
import { startLoopbackTarget } from '../src-main/test-support/loopback-target'
import { waitFor } from '../src-main/test-support/wait-for'
import type { ReplayRecord } from '../src-main/shared/replay'
import type { CaptureSummary } from '../src-main/shared/views'
import { expect, test } from './fixtures/inspector'

const cleanups: Array<() => Promise<void>> = []
test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

test('a resend is in the open history while its answer is awaited, then replaced by the answer', async ({ page, inspector }) => {
  const held: ServerResponse[] = []
  const target = await startLoopbackTarget((_request, response) => held.push(response))
  cleanups.push(() => target.close())
  const endpoint = await inspector.openOwnEndpoint(page, 'resend-in-flight')
  await inspector.sendCallback({ slug: endpoint.slug, path: '/hook', body: '{"id":"evt_in_flight"}' })
  await page.getByTestId('capture-row').first().click()
  await expect(page.getByTestId('replay-history-empty')).toBeVisible()

  const [capture] = (await inspector.app.call<{ items: CaptureSummary[] }>('listCaptures', { endpointId: endpoint.id })).items
  const resend = inspector.app.call<ReplayRecord>('replayCapture', { captureId: capture!.id, targetUrl: `${target.url}/hook` })
  await waitFor(() => (held.length === 1 ? true : undefined))
  const record = page.getByTestId('replay-record')
  await expect(record).toHaveCount(1)
  await expect(record).toHaveAttribute('data-status', 'sending')
  await expect(record.getByTestId('replay-record-status')).toHaveText('Sending…')
  await record.getByRole('button').first().click()
  await expect(record.getByTestId('replay-sending')).toContainText(`waiting for the answer of ${target.url}/hook`)

  held[0]!.writeHead(202).end('queued')
  expect((await resend).outcome.kind).toBe('response')
  await expect(record).toHaveAttribute('data-status', '202')
  await expect(record.getByTestId('replay-record-status')).toHaveText('202 Accepted')
  await expect(record.getByTestId('replay-record-detail')).toContainText('queued')
  await expect(record).toHaveCount(1)
})

test('the resend dialog shows its send on the way where its answer will be, and closing it leaves the send in the history', async ({ page, inspector }) => {
  const held: ServerResponse[] = []
  const target = await startLoopbackTarget((_request, response) => held.push(response))
  cleanups.push(() => target.close())
  const endpoint = await inspector.openOwnEndpoint(page, 'resend-dialog-in-flight')
  await inspector.sendCallback({ slug: endpoint.slug, path: '/hook', body: '{"id":"evt_dialog"}' })
  await page.getByTestId('capture-row').first().click()
  await page.getByTestId('resend-capture').click()
  const dialog = page.getByTestId('resend-dialog')
  await dialog.getByTestId('resend-target').fill(`${target.url}/hook`)
  await expect(dialog.getByTestId('resend-preview')).toBeVisible()

  await dialog.getByTestId('resend-send').click()
  await waitFor(() => (held.length === 1 ? true : undefined))
  // The history row saying so is behind the dialog: the dialog itself says the send is out and awaited.
  const result = dialog.getByTestId('resend-result')
  await expect(result.getByTestId('replay-sending')).toContainText(`Sending… · waiting for the answer of ${target.url}/hook`)
  await expect(result.getByTestId('resend-sending-note')).toContainText('so far (gives up after 30 s). Closing this dialog does not stop it')
  await expect(dialog.getByTestId('resend-send')).toHaveText('Sending…')
  held[0]!.writeHead(202).end('queued')
  await expect(result.getByTestId('replay-status')).toContainText('202 Accepted')
  await expect(result.getByTestId('replay-sending')).toHaveCount(0)

  // Sent again and closed while the target holds it: the history, now in view, shows it on its way, then its answer.
  await dialog.getByTestId('resend-send').click()
  await waitFor(() => (held.length === 2 ? true : undefined))
  await expect(result.getByTestId('replay-sending')).toBeVisible()
  await dialog.getByTestId('dialog-close').click()
  await expect(dialog).toHaveCount(0)
  const records = page.getByTestId('replay-record')
  await expect(records).toHaveCount(2)
  await expect(records.first()).toHaveAttribute('data-status', 'sending')
  held[1]!.writeHead(500).end('broken')
  await expect(records.first()).toHaveAttribute('data-status', '500')
  await expect(records.nth(1)).toHaveAttribute('data-status', '202')
})

test('a bulk replay says how many are out and awaiting their answer, not only that none is done', async ({ page, inspector }) => {
  const held: ServerResponse[] = []
  const target = await startLoopbackTarget((_request, response) => held.push(response))
  cleanups.push(() => target.close())
  const endpoint = await inspector.openOwnEndpoint(page, 'bulk-in-flight')
  for (let index = 0; index < 3; index++) await inspector.sendCallback({ slug: endpoint.slug, path: `/n${index}`, body: String(index) })
  await expect(page.getByTestId('capture-count')).toHaveText('3 captures')
  await page.getByTestId('bulk-replay').click()
  const dialog = page.getByTestId('bulk-replay-dialog')
  await dialog.getByTestId('bulk-target').fill(target.url)
  await dialog.getByTestId('bulk-concurrency').fill('2')
  await dialog.getByTestId('bulk-start').click()
  await waitFor(() => (held.length === 2 ? true : undefined))
  const counts = dialog.getByTestId('bulk-counts')
  await expect(counts).toContainText('0 of 3 done')
  await expect(counts.getByTestId('bulk-in-flight')).toHaveText(' · 2 sent, awaiting the answer')
  held[0]!.writeHead(200).end('ok')
  await waitFor(() => (held.length === 3 ? true : undefined))
  await expect(counts).toContainText('1 of 3 done')
  await expect(counts.getByTestId('bulk-in-flight')).toHaveText(' · 2 sent, awaiting the answer')
  held[1]!.writeHead(200).end('ok')
  held[2]!.writeHead(200).end('ok')
  await expect(dialog.getByTestId('bulk-progress')).toHaveAttribute('data-finished', 'true')
  await expect(counts).toContainText('3 of 3 done')
  await expect(counts.getByTestId('bulk-in-flight')).toHaveCount(0)
})
