/**
 * The receiver's answering path end to end over real HTTP: parse the configuration as the API
 * would, choose per delivery, send with sendAnswer, and read what a provider's client sees.
 */
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { HeaderPairs } from '../../shared/http-message'
import type { ChosenBy, EndpointAnswerConfig } from '../../shared/responses'
import { chooseAnswer } from './choose-answer'
import { parseAnswerConfig } from './parse-answer-config'
import { sendAnswer } from './send-answer'
import { createSequenceState } from './sequence-state'

const state = createSequenceState()
const controller = new AbortController()
const chosenLog: ChosenBy[] = []
let answerConfig: EndpointAnswerConfig
let server: http.Server
let port: number

function pairs(rawHeaders: string[]): HeaderPairs {
  const result: HeaderPairs = []
  for (let index = 0; index < rawHeaders.length; index += 2) result.push([rawHeaders[index] ?? '', rawHeaders[index + 1] ?? ''])
  return result
}

beforeAll(async () => {
  answerConfig = parseAnswerConfig({
    defaultAnswer: 'provider-default',
    rules: [
      {
        id: 'refunds',
        name: 'Refunds are refused',
        enabled: true,
        match: { pathPattern: '/ixopay/**', jsonField: { path: 'transactionType', equals: 'REFUND' } },
        answer: { kind: 'respond', status: 409, body: { json: { error: 'refund refused' } } },
      },
    ],
    sequence: {
      enabled: true,
      steps: [
        { kind: 'respond', status: 500 },
        { kind: 'respond', status: 500 },
        { kind: 'respond', status: 200, body: { text: 'OK' } },
      ],
      afterLast: 'repeat-last',
    },
    failureRate: null,
  })
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      let deliveryKey = createHash('sha256').update(body).digest('hex')
      try {
        const uuid: unknown = (JSON.parse(body.toString('utf8')) as { uuid?: unknown }).uuid
        if (typeof uuid === 'string') deliveryKey = uuid
      } catch {
        // Not JSON: keep the body hash.
      }
      const chosen = chooseAnswer(
        answerConfig,
        {
          endpointId: 'ep',
          method: req.method ?? 'POST',
          target: req.url ?? '/',
          pathWithinEndpoint: (req.url ?? '/').split('?')[0] ?? '/',
          headers: pairs(req.rawHeaders),
          body,
          provider: 'ixopay',
          verdict: 'valid',
          deliveryKey,
        },
        state,
        { random: Math.random },
      )
      chosenLog.push(chosen.chosenBy)
      void sendAnswer(res, chosen, { signal: controller.signal })
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  controller.abort()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

/** POSTs an IXOPAY-shaped callback over a keep-alive agent, as a gateway would; returns "status body". */
const agent = new http.Agent({ keepAlive: true })
function deliver(uuid: string, transactionType = 'DEBIT'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/ixopay/callback?orderId=1', method: 'POST', agent, headers: { 'content-type': 'application/json; charset=utf-8' } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve(`${res.statusCode ?? 0} ${Buffer.concat(chunks).toString('utf8')}`.trim()))
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify({ result: 'OK', uuid, transactionType }))
  })
}

it('walks each transaction through "500 twice, then 200 OK" on its own retries, over real HTTP', async () => {
  const answers: string[] = []
  for (const uuid of ['tx-a', 'tx-b', 'tx-a', 'tx-b', 'tx-a', 'tx-b', 'tx-a']) answers.push(`${uuid} ${await deliver(uuid)}`)
  expect(answers).toEqual(['tx-a 500', 'tx-b 500', 'tx-a 500', 'tx-b 500', 'tx-a 200 OK', 'tx-b 200 OK', 'tx-a 200 OK'])
  expect(chosenLog.slice(0, 5)).toEqual([
    { kind: 'sequence', step: 1, of: 3 },
    { kind: 'sequence', step: 1, of: 3 },
    { kind: 'sequence', step: 2, of: 3 },
    { kind: 'sequence', step: 2, of: 3 },
    { kind: 'sequence', step: 3, of: 3 },
  ])

  // A rule answers before the sequence, and a reset starts every transaction again.
  expect(await deliver('tx-c', 'REFUND')).toBe('409 {"error":"refund refused"}')
  state.reset('ep')
  expect(await deliver('tx-a')).toBe('500')
  agent.destroy()
})
