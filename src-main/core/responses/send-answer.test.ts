import { once } from 'node:events'
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { answerConfigSchemas, type AnswerSpecInput, type ChosenAnswer } from '../../shared/responses'
import { resolveAnswer } from './resolve-answer'
import { sendAnswer, type SendOutcome } from './send-answer'

/**
 * How much later than configured an answer may arrive here. The lower bound is exact (never early);
 * the upper one only catches a delay applied twice or not cancelled: on a loaded 2-core CI machine
 * timers run hundreds of milliseconds late, and unit tests do not time things.
 */
const DELAY_TOLERANCE_MS = 1000

function chosen(input: AnswerSpecInput): ChosenAnswer {
  return { answer: resolveAnswer(answerConfigSchemas.answer.parse(input)), chosenBy: { kind: 'default' } }
}

interface Harness {
  server: Server
  port: number
  controller: AbortController
  /** Outcomes of sendAnswer, in the order they settled. */
  outcomes: Array<{ path: string; outcome: SendOutcome }>
  /** Resolves with the next settled outcome for a path. */
  outcomeFor(path: string): Promise<SendOutcome>
  answers: Map<string, ChosenAnswer>
}

/** A real node:http receiver that reads the body, then answers with the answer registered for the path. */
async function startHarness(): Promise<Harness> {
  const answers = new Map<string, ChosenAnswer>()
  const outcomes: Harness['outcomes'] = []
  const waiters = new Map<string, Array<(outcome: SendOutcome) => void>>()
  const controller = new AbortController()
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/'
    req.resume()
    req.on('end', () => {
      const answer = answers.get(path) ?? chosen({ kind: 'respond', status: 200 })
      void sendAnswer(res, answer, { signal: controller.signal }).then((outcome) => {
        outcomes.push({ path, outcome })
        for (const waiter of waiters.get(path) ?? []) waiter(outcome)
        waiters.delete(path)
      })
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  return {
    server,
    port,
    controller,
    outcomes,
    answers,
    outcomeFor: (path) =>
      new Promise((resolve) => {
        const list = waiters.get(path) ?? []
        list.push(resolve)
        waiters.set(path, list)
      }),
  }
}

interface ClientResult {
  status: number
  rawHeaders: string[]
  body: string
  /** From sending the request to receiving the response head. */
  elapsedMs: number
}

/** Sends one POST on a fresh connection (agent: false) so connection-level answers stay isolated. */
function send(port: number, path: string, options: { method?: string; timeoutMs?: number; body?: string } = {}): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now()
    const req = http.request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        const elapsedMs = performance.now() - startedAt
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8'), elapsedMs }))
        res.on('error', reject)
      },
    )
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')))
    }
    req.on('error', reject)
    req.end(options.body ?? '{"uuid":"t-1"}')
  })
}

/** Header lines Node adds on its own, which are not part of the configured answer. */
const NODE_ADDED = new Set(['date', 'connection', 'keep-alive'])
function configuredLines(rawHeaders: string[]): Array<[string, string]> {
  const lines: Array<[string, string]> = []
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] ?? ''
    if (!NODE_ADDED.has(name.toLowerCase())) lines.push([name, rawHeaders[index + 1] ?? ''])
  }
  return lines
}

let harness: Harness

beforeEach(async () => {
  harness = await startHarness()
})

afterEach(async () => {
  harness.controller.abort()
  harness.server.closeAllConnections()
  await new Promise((resolve) => harness.server.close(resolve))
})

describe('sendAnswer: respond', () => {
  it('sends the status and the header lines in order, duplicates kept, then Content-Type and Content-Length', async () => {
    harness.answers.set(
      '/headers',
      chosen({
        kind: 'respond',
        status: 201,
        headers: [
          ['X-Second', 'b'],
          ['Set-Cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
          ['x-first', 'a'],
        ],
        body: { text: 'héllo', contentType: 'text/x-custom; charset=utf-8' },
      }),
    )
    const result = await send(harness.port, '/headers')
    expect(result.status).toBe(201)
    expect(configuredLines(result.rawHeaders)).toEqual([
      ['X-Second', 'b'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['x-first', 'a'],
      ['Content-Type', 'text/x-custom; charset=utf-8'],
      ['Content-Length', '6'],
    ])
    expect(result.body).toBe('héllo')
    expect(harness.outcomes.find((entry) => entry.path === '/headers')?.outcome.outcome).toBe('answered')
  })

  it('sends a JSON body with its content type, and a configured Content-Type header wins over the default', async () => {
    harness.answers.set('/json', chosen({ kind: 'respond', status: 200, body: { json: { received: true, ids: [1, 2] } } }))
    harness.answers.set(
      '/problem',
      chosen({
        kind: 'respond',
        status: 409,
        headers: [['Content-Type', 'application/problem+json']],
        body: { json: { title: 'duplicate' } },
      }),
    )
    const json = await send(harness.port, '/json')
    expect(configuredLines(json.rawHeaders)).toEqual([
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Content-Length', String(Buffer.byteLength(json.body))],
    ])
    expect(JSON.parse(json.body)).toEqual({ received: true, ids: [1, 2] })

    const problem = await send(harness.port, '/problem')
    expect(problem.status).toBe(409)
    expect(configuredLines(problem.rawHeaders)).toEqual([
      ['Content-Type', 'application/problem+json'],
      ['Content-Length', '21'],
    ])
    expect(problem.body).toBe('{"title":"duplicate"}')
  })

  it('sends an empty body as Content-Length 0, and a 204 with no length at all', async () => {
    harness.answers.set('/empty', chosen({ kind: 'respond', status: 503 }))
    harness.answers.set('/no-content', chosen({ kind: 'respond', status: 204 }))
    const empty = await send(harness.port, '/empty')
    expect(empty.status).toBe(503)
    expect(configuredLines(empty.rawHeaders)).toEqual([['Content-Length', '0']])
    expect(empty.body).toBe('')
    const noContent = await send(harness.port, '/no-content')
    expect(noContent.status).toBe(204)
    expect(configuredLines(noContent.rawHeaders)).toEqual([])
  })

  it('waits the configured delay, never less', async () => {
    const delayMs = 300
    harness.answers.set('/slow', chosen({ kind: 'respond', status: 200, body: { text: 'OK' }, delayMs }))
    const settled = harness.outcomeFor('/slow')
    const result = await send(harness.port, '/slow')
    expect(result.body).toBe('OK')
    expect(result.elapsedMs).toBeGreaterThanOrEqual(delayMs - 1)
    expect(result.elapsedMs).toBeLessThan(delayMs + DELAY_TOLERANCE_MS)
    const outcome = await settled
    expect(outcome.outcome).toBe('answered')
    expect(Math.abs(outcome.waitedMs - delayMs)).toBeLessThan(DELAY_TOLERANCE_MS)
  })
})

describe('sendAnswer: connection answers', () => {
  it('close: the client sees the connection end without any response', async () => {
    harness.answers.set('/close', chosen({ kind: 'close' }))
    const settled = harness.outcomeFor('/close')
    const error = await send(harness.port, '/close').then(
      () => null,
      (failure: unknown) => failure as NodeJS.ErrnoException,
    )
    expect(error?.code).toBe('ECONNRESET')
    expect(error?.message).toBe('socket hang up')
    expect((await settled).outcome).toBe('closed')
  })

  it('close after a delay waits first', async () => {
    harness.answers.set('/close-late', chosen({ kind: 'close', delayMs: 200 }))
    const startedAt = performance.now()
    await expect(send(harness.port, '/close-late')).rejects.toThrow('socket hang up')
    const elapsedMs = performance.now() - startedAt
    expect(elapsedMs).toBeGreaterThanOrEqual(199)
    expect(elapsedMs).toBeLessThan(200 + DELAY_TOLERANCE_MS)
  })

  it('reset: the client sees ECONNRESET from a TCP reset', async () => {
    harness.answers.set('/reset', chosen({ kind: 'reset' }))
    const settled = harness.outcomeFor('/reset')
    const error = await send(harness.port, '/reset').then(
      () => null,
      (failure: unknown) => failure as NodeJS.ErrnoException,
    )
    expect(error?.code).toBe('ECONNRESET')
    // A reset surfaces from the socket read, not as the parser's "socket hang up".
    expect(error?.message).toBe('read ECONNRESET')
    expect((await settled).outcome).toBe('reset')
  })

  it('hang: the client times out; the server notices it left', async () => {
    harness.answers.set('/hang', chosen({ kind: 'hang' }))
    const settled = harness.outcomeFor('/hang')
    await expect(send(harness.port, '/hang', { timeoutMs: 200 })).rejects.toThrow('client timeout')
    const outcome = await settled
    expect(outcome.outcome).toBe('client-gone')
    expect(outcome.waitedMs).toBeGreaterThanOrEqual(150)
  })

  it('hang: aborting the signal destroys the connection and frees the socket', async () => {
    harness.answers.set('/hang', chosen({ kind: 'hang' }))
    const settled = harness.outcomeFor('/hang')
    const pending = send(harness.port, '/hang').then(
      () => null,
      (failure: unknown) => failure as NodeJS.ErrnoException,
    )
    await waitUntil(async () => (await connectionCount(harness.server)) === 1)
    harness.controller.abort()
    expect((await pending)?.message).toBe('socket hang up')
    expect((await settled).outcome).toBe('aborted')
    await waitUntil(async () => (await connectionCount(harness.server)) === 0)
  })

  it('aborting the signal cancels a pending delay', async () => {
    harness.answers.set('/slow', chosen({ kind: 'respond', status: 200, delayMs: 60_000 }))
    const settled = harness.outcomeFor('/slow')
    const pending = send(harness.port, '/slow').catch((failure: unknown) => failure as Error)
    await waitUntil(async () => (await connectionCount(harness.server)) === 1)
    setTimeout(() => harness.controller.abort(), 100)
    expect(await pending).toBeInstanceOf(Error)
    const outcome = await settled
    expect(outcome.outcome).toBe('aborted')
    // Ended before the delay ran out (a bound in milliseconds would fail whenever the machine stalls that long).
    expect(outcome.waitedMs).toBeLessThan(60_000)
  })

  it('a client that leaves during a delay ends the wait at once', async () => {
    harness.answers.set('/slow', chosen({ kind: 'respond', status: 200, delayMs: 60_000 }))
    const settled = harness.outcomeFor('/slow')
    await expect(send(harness.port, '/slow', { timeoutMs: 100 })).rejects.toThrow('client timeout')
    const outcome = await settled
    expect(outcome.outcome).toBe('client-gone')
    // Ended before the delay ran out (a bound in milliseconds would fail whenever the machine stalls that long).
    expect(outcome.waitedMs).toBeLessThan(60_000)
  })
})

describe('sendAnswer: concurrency and robustness', () => {
  it('delays and hangs do not block a concurrent delivery', async () => {
    harness.answers.set('/hang', chosen({ kind: 'hang' }))
    // Far longer than the test may take: the fast answer must come while this one still waits.
    harness.answers.set('/slow', chosen({ kind: 'respond', status: 200, delayMs: 60_000 }))
    harness.answers.set('/fast', chosen({ kind: 'respond', status: 202 }))
    const settled = new Set<string>()
    const hanging = send(harness.port, '/hang')
      .catch(() => null)
      .finally(() => settled.add('/hang'))
    const slow = send(harness.port, '/slow')
      .catch(() => null)
      .finally(() => settled.add('/slow'))
    await waitUntil(async () => (await connectionCount(harness.server)) === 2)
    // Answered while the hang and the delay are both still pending: they did not hold it back (a
    // check of order, not of milliseconds, which a loaded machine stretches).
    const fast = await send(harness.port, '/fast')
    expect(fast.status).toBe(202)
    expect(settled).toEqual(new Set())
    harness.controller.abort()
    await Promise.all([hanging, slow])
  })

  it('answers pipelined requests in order, each as configured, a close after the answers ahead of it', async () => {
    harness.answers.set('/p1', chosen({ kind: 'respond', status: 201, body: { text: 'one' } }))
    harness.answers.set('/p2', chosen({ kind: 'respond', status: 202, body: { text: 'two' }, delayMs: 50 }))
    harness.answers.set('/p3', chosen({ kind: 'respond', status: 203, body: { text: 'three' } }))
    harness.answers.set('/p4', chosen({ kind: 'close' }))
    const settled = Promise.all(['/p1', '/p2', '/p3', '/p4'].map((path) => harness.outcomeFor(path)))
    const socket = net.connect(harness.port, '127.0.0.1')
    const received: Buffer[] = []
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    const closed = once(socket, 'close')
    // Four requests in one write, as an HTTP/1.1 client that pipelines sends them.
    socket.write(['/p1', '/p2', '/p3', '/p4'].map((path) => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi`).join(''))
    await closed
    const wire = Buffer.concat(received).toString('latin1')
    expect([...wire.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1])).toEqual(['201', '202', '203'])
    expect(wire).toMatch(/one[\s\S]*two[\s\S]*three$/)
    expect((await settled).map((outcome) => outcome.outcome)).toEqual(['answered', 'answered', 'answered', 'closed'])
  })

  it('a pipelined request whose sender leaves while its answer waits settles as client-gone', async () => {
    harness.answers.set('/first', chosen({ kind: 'hang' }))
    harness.answers.set('/second', chosen({ kind: 'respond', status: 200, delayMs: 60_000 }))
    const second = harness.outcomeFor('/second')
    const socket = net.connect(harness.port, '127.0.0.1')
    socket.on('error', () => undefined)
    socket.write(['/first', '/second'].map((path) => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi`).join(''))
    await waitUntil(async () => (await connectionCount(harness.server)) === 1)
    await new Promise((resolve) => setTimeout(resolve, 50))
    socket.destroy()
    // Its response never had the connection: without listening to the connection it waited for ever.
    expect((await second).outcome).toBe('client-gone')
  })

  it('an already aborted signal destroys the connection without waiting', async () => {
    harness.controller.abort()
    harness.answers.set('/slow', chosen({ kind: 'respond', status: 200, delayMs: 5_000 }))
    const settled = harness.outcomeFor('/slow')
    await expect(send(harness.port, '/slow')).rejects.toThrow('socket hang up')
    expect((await settled).outcome).toBe('aborted')
  })

  it('never throws: a response that was already answered is reported as failed', async () => {
    const server = http.createServer((_req, res) => {
      res.end('first')
      void sendAnswer(res, chosen({ kind: 'respond', status: 500 })).then((outcome) => {
        expect(outcome.outcome).toBe('failed')
        expect(outcome.error).toMatch(/already started/)
      })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const result = await send((server.address() as AddressInfo).port, '/')
    expect(result.body).toBe('first')
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })
})

function connectionCount(server: Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))))
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
