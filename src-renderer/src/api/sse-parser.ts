/**
 * A minimal server-sent-events parser (the WHATWG "event stream" interpretation), fed with
 * decoded text chunks. EventSource cannot send an Authorization header, so the events stream is
 * read with fetch and parsed here.
 */
export interface SseMessage {
  event: string
  data: string
}

export interface SseParser {
  push(chunk: string): void
}

export function createSseParser(onMessage: (message: SseMessage) => void): SseParser {
  let buffer = ''
  let eventType = ''
  let dataLines: string[] = []
  // A chunk can end between the CR and the LF of one CRLF line ending.
  let isAfterCarriageReturn = false

  function dispatch(): void {
    if (dataLines.length > 0) onMessage({ event: eventType || 'message', data: dataLines.join('\n') })
    eventType = ''
    dataLines = []
  }

  function processLine(line: string): void {
    if (line === '') {
      dispatch()
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') eventType = value
    else if (field === 'data') dataLines.push(value)
    // `id` and `retry` are not used: a reconnect refetches instead of resuming.
  }

  return {
    push(chunk: string): void {
      let text = chunk
      if (isAfterCarriageReturn && text.startsWith('\n')) text = text.slice(1)
      isAfterCarriageReturn = false
      buffer += text
      let start = 0
      for (let index = 0; index < buffer.length; index++) {
        const char = buffer[index]
        if (char !== '\n' && char !== '\r') continue
        processLine(buffer.slice(start, index))
        if (char === '\r') {
          if (index + 1 < buffer.length) {
            if (buffer[index + 1] === '\n') index++
          } else {
            isAfterCarriageReturn = true
          }
        }
        start = index + 1
      }
      buffer = buffer.slice(start)
    },
  }
}
