/**
 * Writes a chosen answer on a node:http response: status and header lines in the given order
 * (duplicates kept), the body, after the delay; or closes, resets, or holds the connection.
 *
 * Every wait is a timer or a listener, never a blocking call, so one slow answer never holds up
 * another delivery. An `AbortSignal` (the app closing) ends every pending delay and hang at once:
 * timers are cleared and the socket destroyed. Nothing here throws: the client may be gone at any
 * moment, and that is an outcome to record, not an error.
 */
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { ChosenAnswer, ResolvedAnswer } from '../../shared/responses'
import { assertNever } from '../../shared/assert-never'
import { onAbort } from './on-abort'
import { resolvedBodyBytes } from './resolve-answer'
import { errorMessage } from '../../shared/errors'

/**
 * How sending ended.
 * - `answered`: the response was written in full;
 * - `closed` / `reset`: the connection was closed or reset without an answer, as configured;
 * - `client-gone`: the client disconnected first (during a delay or a hang, or mid-write);
 * - `aborted`: the signal aborted during a delay or a hang and the connection was destroyed;
 * - `failed`: Node refused to write (e.g. the response had already been started).
 */
export type SendOutcomeKind = 'answered' | 'closed' | 'reset' | 'client-gone' | 'aborted' | 'failed'

export interface SendOutcome {
  outcome: SendOutcomeKind
  /** Time from the call to the moment the answer was acted on: the delay actually applied. */
  waitedMs: number
  /** Why, for `failed`. */
  error?: string
}

export interface SendAnswerOptions {
  /** Aborting destroys the connection and ends a pending delay or hang. */
  signal?: AbortSignal
}

/** Header lines as Node's `writeHead` takes them to keep order and duplicates: `[name1, value1, name2, value2, …]`. */
function flatHeaderLines(headers: Array<[string, string]>): string[] {
  // A loop, not flatMap: this runs for every answer, and flatMap made an array per header.
  const lines: string[] = []
  for (const [name, value] of headers) lines.push(name, value)
  return lines
}

/**
 * The connection of a response. A response to a pipelined request (sent on the connection before
 * the answer to the one ahead of it) has no socket until that answer is written: Node assigns it
 * then, and buffers what is written meanwhile; its request has the connection all along.
 */
function connectionOf(res: ServerResponse): Socket | null {
  return res.socket ?? res.req.socket ?? null
}

function destroySocket(res: ServerResponse, how: 'close' | 'reset'): void {
  const socket: Socket | null = connectionOf(res)
  if (socket === null || socket.destroyed) return
  if (how === 'reset' && typeof socket.resetAndDestroy === 'function') {
    // Sends a TCP RST instead of a FIN: the client sees ECONNRESET, as from a crashed server.
    socket.resetAndDestroy()
  } else {
    socket.destroy()
  }
}

/**
 * Sends `chosen.answer` on `res` and resolves with how it ended. Never rejects.
 * The caller should have read the request body first: closing a connection with unread request
 * bytes makes the kernel send RST instead of FIN, so a `close` would look like a `reset`.
 */
export function sendAnswer(res: ServerResponse, chosen: ChosenAnswer, options: SendAnswerOptions = {}): Promise<SendOutcome> {
  const { signal } = options
  const answer: ResolvedAnswer = chosen.answer
  // The common case, an immediate answer on a live connection: nothing to wait for, so no
  // listeners to add and remove (this runs for every capture).
  if (
    answer.kind === 'respond' &&
    answer.delayMs === 0 &&
    signal?.aborted !== true &&
    !res.headersSent &&
    !res.destroyed &&
    connectionOf(res)?.destroyed === false
  ) {
    try {
      res.writeHead(answer.status, flatHeaderLines(answer.headers))
      res.end(answer.body === null ? undefined : resolvedBodyBytes(answer.body))
      return Promise.resolve({ outcome: 'answered', waitedMs: 0 })
    } catch (error: unknown) {
      destroySocket(res, 'close')
      return Promise.resolve({ outcome: 'failed', waitedMs: 0, error: errorMessage(error) })
    }
  }
  const startedAt = performance.now()

  return new Promise<SendOutcome>((resolve) => {
    let settled = false
    let timer: NodeJS.Timeout | undefined
    let stopWaitingForAbort = (): void => {}
    // A pipelined request's response gets no 'close' when its connection ends before its turn: the connection's own is heard instead.
    let queuedOn: Socket | null = null

    const finish = (outcome: SendOutcomeKind, error?: string): void => {
      if (settled) return
      settled = true
      if (timer !== undefined) clearTimeout(timer)
      stopWaitingForAbort()
      res.off('close', onClientGone)
      queuedOn?.off('close', onClientGone)
      const waitedMs = Math.round(performance.now() - startedAt)
      resolve(error === undefined ? { outcome, waitedMs } : { outcome, waitedMs, error })
    }
    // 'close' on the response fires when its connection ends before we finished (and after a
    // normal finish, when `settled` already makes it a no-op).
    const onClientGone = (): void => finish('client-gone')

    const act = (): void => {
      try {
        switch (answer.kind) {
          case 'respond': {
            const body = answer.body === null ? undefined : resolvedBodyBytes(answer.body)
            res.writeHead(answer.status, flatHeaderLines(answer.headers))
            res.end(body, () => finish('answered'))
            return
          }
          case 'close':
          case 'reset': {
            const how = answer.kind
            const cut = (): void => {
              destroySocket(res, how)
              finish(how === 'close' ? 'closed' : 'reset')
            }
            // Pipelined behind an earlier answer: cut the connection when its turn comes, not the answers ahead of it.
            if (res.socket === null) res.once('socket', cut)
            else cut()
            return
          }
          case 'hang':
            // Nothing to do: the connection stays open until the client gives up or we abort.
            return
          default:
            return assertNever(answer)
        }
      } catch (error: unknown) {
        // ERR_HTTP_HEADERS_SENT, ERR_INVALID_CHAR from a hand-built answer, a socket torn down
        // between checks: leave no half-written response behind.
        destroySocket(res, 'close')
        finish('failed', errorMessage(error))
      }
    }

    try {
      if (res.headersSent || res.writableEnded) {
        finish('failed', 'the response was already started')
        return
      }
      // Not `res.socket === null`: a pipelined request's response has no socket yet, and was left
      // unanswered as 'client-gone' while its capture said 200 (the client waited for ever).
      const connection = connectionOf(res)
      if (res.destroyed || connection === null || connection.destroyed) {
        finish('client-gone')
        return
      }
      if (signal?.aborted === true) {
        destroySocket(res, 'close')
        finish('aborted')
        return
      }
      res.on('close', onClientGone)
      if (res.socket === null) {
        queuedOn = connection
        connection.once('close', onClientGone)
      }
      if (signal !== undefined) {
        stopWaitingForAbort = onAbort(signal, () => {
          if (settled) return
          destroySocket(res, 'close')
          finish('aborted')
        })
      }
      const delayMs = answer.kind === 'hang' ? 0 : answer.delayMs
      if (delayMs > 0) {
        timer = setTimeout(() => {
          timer = undefined
          act()
        }, delayMs)
      } else {
        act()
      }
    } catch (error: unknown) {
      finish('failed', errorMessage(error))
    }
  })
}
