/**
 * What the UI/API server answers a request Node could not parse (a header over Node's 16 KB limit,
 * a control character in a header, not HTTP at all): the status Node itself would send, instead of a
 * silent reset that a script reports as "empty reply from server". The receiver answers its own
 * malformed requests the same way (core/receiver/receiver.ts), including the one exception: a
 * connection that never sent a byte and timed out is closed without a word, since a 408 there answers
 * no request and a client that reuses idle connections would read it as the answer to its next one.
 */
import type { Socket } from 'node:net'

export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  const headersSent = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
  if ((error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && socket.bytesRead === 0) || !socket.writable || headersSent) {
    socket.destroy()
    return
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const message = `${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}`
  socket.end(
    `HTTP/1.1 ${message}\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: ${message.length}\r\n\r\n${message}`,
  )
}
