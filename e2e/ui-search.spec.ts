/**
 * Searching everything from the search box in the real UI: a value only in a body, one only in a
 * header, a malformed query explained in place, live captures joining a body search, the syntax
 * help, and a reload keeping the filter (it lives in the address).
 */
import { saveScreenshot } from './fixtures/screenshots'
import { expect, test, type InspectorFixture, type OwnEndpoint } from './fixtures/inspector'
import { row, rows } from './fixtures/capture-rows'

function sendForm(inspector: InspectorFixture, endpoint: OwnEndpoint, path: string, body: string): Promise<number> {
  return inspector.sendCallback({ slug: endpoint.slug, path, headers: [['Content-Type', 'application/x-www-form-urlencoded']], body })
}

test('find captures by a value only in the body or only in a header; malformed queries are explained; the syntax is at hand', async ({ page, inspector }) => {
  // A dozen searches, each a server round trip after the typing pause: more than the default minute on a busy machine.
  test.slow()
  const endpoint = await inspector.openOwnEndpoint(page, 'search')
  const form = (path: string, body: string) => sendForm(inspector, endpoint, path, body)
  // Only the body says T-7788 and Alex Smith; only a header says gateway-42.
  expect(await form('/form', 'customer=Alex+Smith&code=T-7788')).toBe(200)
  expect(
    await inspector.sendCallback({
      slug: endpoint.slug,
      path: '/json',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Gateway-Id', 'IXOPAY-Gateway-42'],
      ],
      body: '{"status":"declined"}',
    }),
  ).toBe(200)
  expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/plain', headers: [['Content-Type', 'text/plain']], body: 'nothing to see' })).toBe(200)
  await expect(rows(page)).toHaveCount(3)

  const search = page.getByTestId('filter-text')

  // A value only in the body.
  await search.fill('t-7788')
  await expect(rows(page)).toHaveCount(1)
  await expect(row(page, '/form')).toHaveCount(1)
  await expect(page.getByTestId('capture-count')).toHaveText('1 of 3 captures')
  await search.fill('"Alex Smith"')
  await expect(row(page, '/form')).toHaveCount(1)
  await expect(rows(page)).toHaveCount(1)

  // A value only in a header: anywhere, or in that header.
  await search.fill('gateway-42')
  await expect(rows(page)).toHaveCount(1)
  await expect(row(page, '/json')).toHaveCount(1)
  await search.fill('header.x-gateway-id:ixopay')
  await expect(row(page, '/json')).toHaveCount(1)
  await expect(rows(page)).toHaveCount(1)

  // Exclusions and OR.
  await search.fill('-body:declined -path:plain')
  await expect(rows(page)).toHaveCount(1)
  await expect(row(page, '/form')).toHaveCount(1)
  await search.fill('declined OR "nothing to see"')
  await expect(rows(page)).toHaveCount(2)

  // A malformed query is explained where it is typed; the list keeps the last good query.
  await search.fill('declined OR "unclosed')
  await expect(page.getByTestId('filter-query-error')).toHaveText('Unclosed quote at character 13')
  // The rows on screen are the last valid query's, and the box says so.
  await expect(page.getByTestId('filter-query-stale')).toHaveText('Until it is fixed, the list shows the last valid search, declined OR "nothing to see".')
  await expect(search).toHaveAttribute('aria-invalid', 'true')
  await expect(rows(page)).toHaveCount(2)
  await saveScreenshot(page, 'search-query-error')

  // The syntax help lists the terms.
  await page.getByTestId('query-help-button').click()
  await expect(page.getByTestId('query-help')).toContainText('header.user-agent:ixopay')
  await expect(page.getByTestId('query-help')).toContainText('status:5xx')
  await saveScreenshot(page, 'search-syntax-help', { bothSchemes: true })
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('query-help')).toHaveCount(0)
})

test('live captures join a body search once the core has matched them; a reload keeps the filter', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'search-live')
  const form = (path: string, body: string) => sendForm(inspector, endpoint, path, body)
  expect(await form('/form', 'customer=Alex+Smith&code=T-7788')).toBe(200)
  expect(
    await inspector.sendCallback({ slug: endpoint.slug, path: '/json', headers: [['Content-Type', 'application/json']], body: '{"status":"declined"}' }),
  ).toBe(200)
  expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/plain', headers: [['Content-Type', 'text/plain']], body: 'nothing to see' })).toBe(200)
  await expect(rows(page)).toHaveCount(3)
  const search = page.getByTestId('filter-text')

  // A body search with a select; live captures join it once the core has matched their bodies.
  await search.fill('t-7788')
  await page.getByTestId('filter-method').selectOption('POST')
  await expect(rows(page)).toHaveCount(1)
  await expect(page.getByTestId('filter-query-error')).toHaveCount(0)
  expect(await form('/form-again', 'code=T-7788&attempt=2')).toBe(200)
  expect(await form('/form-other', 'code=T-9999')).toBe(200)
  await expect(row(page, '/form-again')).toHaveCount(1)
  await expect(rows(page)).toHaveCount(2)
  await expect(row(page, '/form-other')).toHaveCount(0)
  await expect(page.getByTestId('capture-count')).toHaveText('2 of 5 captures')

  // The address holds the view: a reload shows the same filtered list.
  expect(new URL(page.url()).hash).toContain('q=t-7788')
  await page.reload()
  await expect(search).toHaveValue('t-7788')
  await expect(page.getByTestId('filter-method')).toHaveValue('POST')
  await expect(rows(page)).toHaveCount(2)
  await expect(page.getByTestId('capture-count')).toHaveText('2 of 5 captures')
  await saveScreenshot(page, 'search-body-after-reload')

  // Clearing the filter clears the address too.
  await page.getByTestId('filter-clear').click()
  await expect(rows(page)).toHaveCount(5)
  await expect.poll(() => new URL(page.url()).hash).not.toContain('q=')
})

test('a header line pasted from raw HTTP or a log finds the capture that carries it', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'header-line')
  const signed = (path: string, signature: string) =>
    inspector.sendCallback({
      slug: endpoint.slug,
      path,
      headers: [
        ['Content-Type', 'application/json; charset=utf-8'],
        ['X-Signature', signature],
      ],
      body: '{"result":"OK"}',
    })
  expect(await signed('/first', 'JkTOs48d03OYYiZCagw7NJU5v3sxEw7')).toBe(200)
  expect(await signed('/second', 'Qm9vdHN0cmFwcGVkU2lnbmF0dXJl')).toBe(200)
  await expect(rows(page)).toHaveCount(2)

  const search = page.getByTestId('filter-text')
  // As `curl -v` or the raw request prints it: name, colon, the start of the value.
  await search.fill('"X-Signature: JkTOs48d03"')
  await expect(rows(page)).toHaveCount(1)
  await expect(row(page, '/first')).toHaveCount(1)
  await search.fill('"content-type: application/json" -"x-signature: jktos"')
  await expect(rows(page)).toHaveCount(1)
  await expect(row(page, '/second')).toHaveCount(1)
  // The name with its colon alone: every capture carrying that header.
  await search.fill('X-Signature:')
  await expect(rows(page)).toHaveCount(2)
  await expect(page.getByTestId('capture-count')).toHaveText('2 of 2 captures')
})

test('pasted JSON finds a body however it is spaced, either Unicode spelling finds the other, and a pasted URL finds the captures sent to it', async ({
  page,
  inspector,
}) => {
  test.slow()
  const endpoint = await inspector.openOwnEndpoint(page, 'pasted')
  // The URL the app tells a new user to send to, as the empty list shows it.
  const hintedUrl = (await page.getByTestId('captures-empty').locator('code').first().textContent()) ?? ''
  expect(hintedUrl).toBe(endpoint.url)
  const json = (path: string, body: string) => inspector.sendCallback({ slug: endpoint.slug, path, headers: [['Content-Type', 'application/json']], body })
  expect(await json('/compact', '{"result":"OK","amount":1000}')).toBe(200)
  expect(await json('/pretty', JSON.stringify({ result: 'FAILED', amount: 1000 }, null, 2))).toBe(200)
  expect(await json('/accents', '{"shop":"Cafe\u0301 Ole\u0301"}')).toBe(200)
  expect(await inspector.sendCallback({ slug: endpoint.slug, path: '/return?order=7&status=paid', method: 'GET' })).toBe(200)
  await expect(rows(page)).toHaveCount(4)
  const search = page.getByTestId('filter-text')

  // A line of pretty-printed JSON finds the compact body; compact JSON finds the pretty one.
  await search.fill('"\\"result\\": \\"OK\\""')
  await expect(row(page, '/compact')).toHaveCount(1)
  await expect(rows(page)).toHaveCount(1)
  await search.fill('"\\"result\\":\\"FAILED\\",\\"amount\\":1000"')
  await expect(row(page, '/pretty')).toHaveCount(1)
  await expect(rows(page)).toHaveCount(1)

  // Typed with precomposed letters, found in a body that spells them decomposed.
  await search.fill('"caf\u00e9 ol\u00e9"')
  await expect(row(page, '/accents')).toHaveCount(1)
  await expect(rows(page)).toHaveCount(1)

  // The GET request's URL, on the receiver or through the tunnel: its path and query name it.
  // Each step first waits for its own row: the rows on screen until then are the step before's.
  await search.fill(`${hintedUrl}/return?order=7`)
  await expect(row(page, '/return?order=7')).toHaveCount(1)
  await expect(rows(page)).toHaveCount(1)
  await search.fill('nothing matches this')
  await expect(rows(page)).toHaveCount(0)
  await search.fill(`https://pasted-e2e.loca.lt/${endpoint.slug}/return?order=7&status=paid`)
  await expect(row(page, '/return?order=7')).toHaveCount(1)
  await expect(rows(page)).toHaveCount(1)
  await expect(page.getByTestId('capture-count')).toHaveText('1 of 4 captures')
  // The endpoint's own URL: every capture sent to it.
  await search.fill(hintedUrl)
  await expect(rows(page)).toHaveCount(4)

  // The syntax help says so.
  await page.getByTestId('query-help-button').click()
  await expect(page.getByTestId('query-help')).toContainText('a pasted URL')
  await expect(page.getByTestId('query-help')).toContainText('JSON pasted as a phrase')
  await expect(page.getByTestId('query-help')).toContainText('nor how an accent is encoded')
})

test('a query pasted longer than the limit is explained, not cut and searched', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'search-long')
  expect(await sendForm(inspector, endpoint, '/form', 'customer=Alex+Smith')).toBe(200)
  expect(await sendForm(inspector, endpoint, '/other', 'customer=Jane+Doe')).toBe(200)
  await expect(rows(page)).toHaveCount(2)
  const search = page.getByTestId('filter-text')
  await search.fill('customer')
  await expect(page.getByTestId('capture-count')).toHaveText('2 of 2 captures')

  // 1,008 characters asking for alex and jane: the box used to keep the first 1,000 (`jane` cut
  // off) and search those, listing /form as the answer, without a word.
  const pasted = `alex${' '.repeat(1000)}jane`
  await search.fill(pasted)
  await expect(search).toHaveValue(pasted)
  await expect(page.getByTestId('filter-query-error')).toHaveText('The query is longer than 1000 characters at character 1001')
  await expect(page.getByTestId('filter-query-stale')).toHaveText('Until it is fixed, the list shows the last valid search, customer.')
  await expect(rows(page)).toHaveCount(2)
  await expect(page.getByTestId('capture-count')).toHaveText('2 of 2 captures')
})

test('a search whose matches all fit on its first page is not counted again', async ({ page, inspector }) => {
  const endpoint = await inspector.openOwnEndpoint(page, 'search-one-page')
  for (const [path, body] of [
    ['/a', 'code=T-1&kind=needle'],
    ['/b', 'code=T-2&kind=needle'],
    ['/c', 'code=T-3&kind=hay'],
  ])
    expect(await sendForm(inspector, endpoint, path as string, body as string)).toBe(200)
  await expect(rows(page)).toHaveCount(3)
  const counts: string[] = []
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.endsWith('/countCaptures')) counts.push(request.url())
  })
  const search = page.getByTestId('filter-text')
  // The first page holds every match (it names no older page): its rows are the total. It used
  // to be counted again (every capture read a second time), "2 of 3 captures, counting…" meanwhile.
  await search.fill('body:needle')
  await expect(rows(page)).toHaveCount(2)
  await expect(page.getByTestId('capture-count')).toHaveText('2 of 3 captures')
  await search.fill('body:nothing-has-this')
  await expect(rows(page)).toHaveCount(0)
  await expect(page.getByTestId('capture-count')).toHaveText('0 of 3 captures')
  expect(counts).toEqual([])
})
