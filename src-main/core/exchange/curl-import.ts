/**
 * Reads pasted curl commands into requests. Words are split as bash would (shell-words.ts:
 * single, double and `$'…'` quoting, backslashes); this module first cuts the text into commands at unquoted line
 * ends (after joining `\`-continued lines) and understands the options that shape a request:
 * -X, -H, -d/--data/--data-ascii/--data-raw/--data-binary/--data-urlencode, --json, -u, -A, -e,
 * -b, -G, -I, --url, --request-target. A body piped in from `printf '%b' …` (as this app's own curl export and
 * "Copy as curl" write large or binary bodies) is read back byte for byte. Nothing is run and
 * no file is read: a `@file` value fails that command with a clear message. Commands written for
 * Windows cmd.exe (`^` continuations and escapes) are split into words by cmd-curl-words.ts.
 * A command this app's export labelled as changed before export is read back as changed.
 *
 * The request gets the headers curl would have sent that say something about it: `Host`, the
 * given headers in order, `Content-Type` for form data when none is given, `Content-Length`;
 * or, for a command this app's export wrote, the header lines as received that its comment
 * records (changed-label.ts), as long as the command still sends those it can unchanged.
 */
import { shellWords, type ShellWord } from './shell-words'
import type { HeaderPairs } from '../../shared/http-message'
import { HTTP_TOKEN_PATTERN } from '../../shared/answer-catalog'
import type { EntryResult } from './bundle-format'
import { importedRequest, type ExchangeCapture } from './exchange-capture'
import { targetOf } from './har-format'
import { originFormOf } from '../../shared/target-text'
import { errorMessage } from '../../shared/errors'
import { cmdCommands, crtWords, isCmdSyntax } from './cmd-curl-words'
import {
  curlChangesReader,
  curlHeadersReader,
  curlNoteReader,
  curlRecognisedAsReader,
  curlRefusalReader,
  isChangeComment,
  type CurlComment,
} from './changed-label'
import { curlSendsHeader } from '../../shared/curl-command'
import { formatByteLimit, formatExactBytes } from '../../shared/byte-size'
import { runSteps, textPauses, type Steps } from './work-slices'

/** Options that take no value (skipped). */
const FLAGS = new Set([
  '-s',
  '--silent',
  '-S',
  '--show-error',
  '-v',
  '--verbose',
  '-i',
  '--include',
  '-k',
  '--insecure',
  '-L',
  '--location',
  '--compressed',
  '-g',
  '--globoff',
  '--path-as-is',
  '--http2',
  '-f',
  '--fail',
  '--fail-with-body',
  '-#',
  '--progress-bar',
  '-N',
  '--no-buffer',
  '-sS',
  '-fsS',
  '-sSL',
  '-fsSL',
])
/** Options whose value is not part of the request (skipped with it). */
const IGNORED_WITH_VALUE = new Set([
  '-o',
  '--output',
  '-w',
  '--write-out',
  '-m',
  '--max-time',
  '--connect-timeout',
  '--retry',
  '-x',
  '--proxy',
  '--cacert',
  '--cert',
  '--key',
  '-c',
  '--cookie-jar',
  '--resolve',
  '--max-redirs',
])

/** Splits pasted text into curl commands and reads each one, all at once. */
export function readCurlCommands(text: string, maxBodyBytes: number): { ok: true; entries: EntryResult[] } | { ok: false; message: string } {
  const scanned = runSteps(scanCurlCommands(text, maxBodyBytes, Number.MAX_SAFE_INTEGER))
  if (!scanned.ok) return scanned
  return { ok: true, entries: Array.from({ length: scanned.count }, (_unused, index) => runSteps(scanned.entrySteps(index))) }
}

/** The commands of a script, each request read (its body decoded) only when asked for, in order. */
export interface CurlCommandSource {
  ok: true
  count: number
  /** Fastest asked for in order (0, 1, 2…), as an import reads them; any other order reads the script again up to the entry. */
  entrySteps(index: number): Steps<EntryResult>
}

/**
 * Splits the text into commands and counts the requests they make, pausing after each command
 * (and every so many characters of a long one), without keeping any request: an import then
 * reads them again one at a time, so a script of 40,000 commands never holds more than the batch
 * being stored, and a script of more than `maxEntries` is refused as soon as the one over the
 * limit is found.
 */
export function* scanCurlCommands(text: string, maxBodyBytes: number, maxEntries: number): Steps<CurlCommandSource | { ok: false; message: string }> {
  // Windows cmd.exe syntax (DevTools' "Copy as cURL (cmd)") has its own quoting: see cmd-curl-words.ts.
  // Both are read a slice of text at a time (textPauses): a cmd.exe script was split in one go.
  const isCmd = yield* isCmdSyntax(text)
  const commands = isCmd ? { ok: true as const, commands: yield* cmdCommands(text), comments: [] } : yield* splitCommands(text)
  if (!commands.ok) return commands
  let count = 0
  let curlCommands: number
  const wordsOf = isCmd ? crtWords : shellWords
  const counting = curlEntries(commands.commands, commands.comments, wordsOf, maxBodyBytes, false)
  for (;;) {
    const step = counting.next()
    if (step.done) {
      curlCommands = step.value
      break
    }
    if (step.value === undefined) {
      yield
      continue
    }
    count++
    if (count > maxEntries) return { ok: false, message: `the text has more than ${maxEntries} requests; at most ${maxEntries} are imported at once` }
  }
  // Text without a single curl command is not a failed curl import per line (raw HTTP read as curl failed on each header line).
  if (curlCommands === 0) return { ok: false, message: 'the text holds no curl command' }
  let reading: Generator<EntryResult | undefined, number, void> | null = null
  let next = 0
  return {
    ok: true,
    count,
    *entrySteps(index: number): Steps<EntryResult> {
      if (reading === null || index < next) {
        reading = curlEntries(commands.commands, commands.comments, wordsOf, maxBodyBytes, true)
        next = 0
      }
      for (;;) {
        const step = reading.next()
        if (step.done) return { ok: false, message: `no request ${index + 1}` }
        if (step.value === undefined) {
          yield
          continue
        }
        if (next++ === index) return step.value
      }
    },
  }
}

/**
 * The script's requests in order, `undefined` between commands (a pause); returns how many curl
 * commands there were. Without `readBodies`, the requests are only counted: what is yielded for
 * each is a placeholder.
 */
function* curlEntries(
  commands: Array<{ text: string; line: number }>,
  comments: CurlComment[],
  wordsOf: (command: string) => ShellWord[],
  maxBodyBytes: number,
  readBodies: boolean,
): Generator<EntryResult | undefined, number, void> {
  let stdin: Buffer[] = []
  // Whether a printf (or a group of them) feeds the next curl command: `@-` without one reads nothing the text holds.
  let isStdinFed = false
  let isInGroup = false
  // What this app's export says it changed in each command (its comments).
  const changesOf = curlChangesReader(comments)
  // The header lines as received, which this app's export writes before each command.
  const recordedHeadersOf = curlHeadersReader(comments)
  const refusalOf = curlRefusalReader(comments)
  const noteOf = curlNoteReader(comments)
  const recognisedAsOf = curlRecognisedAsReader(comments)
  let curlCommands = 0
  let afterLine = 0
  for (const command of commands) {
    yield undefined
    let words: ShellWord[]
    try {
      // `$NAME` stays as written: nothing of the user's environment is substituted.
      words = wordsOf(command.text)
    } catch (error: unknown) {
      yield { ok: false, message: `line ${command.line}: ${errorMessage(error)}` }
      continue
    }
    if (words.length === 0) continue
    for (const segment of splitPipeline(words)) {
      if (segment.length === 0) continue
      const [program = '', ...args] = segment
      if (program === '{') {
        isInGroup = true
        isStdinFed = true
        stdin = []
        if (args.length > 0 && readBodies) stdin.push(...printfOutputs([args]))
        continue
      }
      if (program === '}') {
        isInGroup = false
        continue
      }
      if (program === 'printf') {
        if (!isInGroup) stdin = []
        isStdinFed = true
        // Counting needs no bytes: what printf writes is only read with the command it feeds.
        if (readBodies) stdin.push(...printfOutputs([args]))
        continue
      }
      if (program !== 'curl') {
        yield { ok: false, message: `line ${command.line}: "${program.slice(0, 40)}" is not a curl command` }
        continue
      }
      const index = curlCommands++
      if (!readBodies) {
        afterLine = command.line
        stdin = []
        isStdinFed = false
        yield COUNTED
        continue
      }
      const result = readCurlArguments(args, isStdinFed ? Buffer.concat(stdin) : null, maxBodyBytes)
      stdin = []
      isStdinFed = false
      const changed = changesOf(index, afterLine, command.line)
      const recorded = recordedHeadersOf(afterLine, command.line)
      const refusal = refusalOf(afterLine, command.line)
      const note = noteOf(afterLine, command.line)
      const recognisedAs = recognisedAsOf(afterLine, command.line)
      afterLine = command.line
      if (!result.ok) {
        yield { ok: false, message: `line ${command.line}: ${result.message}` }
        continue
      }
      // Taken only while the command still sends the headers the record says it does (it may have been edited).
      if (
        recorded !== undefined &&
        sameHeaders(
          recorded.filter(([name]) => curlSendsHeader(name)),
          result.given,
        )
      )
        result.capture.headers = recorded
      if (changed !== undefined) result.capture.changedBeforeExport = changed
      // The exporting app's provider, for a command it changed only (changed-label.ts).
      if (changed !== undefined && recognisedAs !== undefined) result.capture.exporterProvider = recognisedAs
      // The capture's note as this app's export recorded it (an empty-stdin note is then already in it).
      if (note !== undefined) result.capture.note = note
      // A refused request is sent without the body it was refused for: it stays refused, never an empty body passed off as sent.
      if (refusal !== undefined && result.capture.body.length === 0)
        Object.assign(result.capture, { outcome: 'refused', refusal } satisfies Partial<ExchangeCapture>)
      yield { ok: true, capture: result.capture }
    }
  }
  return curlCommands
}

/** What counting yields for a curl command. */
const COUNTED: EntryResult = { ok: false, message: 'counted' }

/**
 * Cuts the text at unquoted line ends and `;`, tracking quotes in one pass (linear), so a JSON
 * body spanning lines inside quotes stays in its command. A backslash before a line end joins
 * the lines (outside single quotes, as the shell does); line numbers still count every line.
 * Comments are dropped, but for those this app's export writes about what it changed (changed-label.ts).
 */
function* splitCommands(
  text: string,
): Steps<{ ok: true; commands: Array<{ text: string; line: number }>; comments: CurlComment[] } | { ok: false; message: string }> {
  const commands: Array<{ text: string; line: number }> = []
  const comments: CurlComment[] = []
  let quote: "'" | '"' | "$'" | null = null
  // The current command is `pieces` joined, then the text from `from`: slices, never a character at a time.
  const pieces: string[] = []
  let from = 0
  let line = 1
  let startLine = 1
  const finish = (end: number, next: number) => {
    pieces.push(text.slice(from, end))
    const current = pieces.join('')
    pieces.length = 0
    from = next
    if (current.trim() !== '') commands.push({ text: current, line: startLine })
    startLine = line
  }
  // The first line end at or after a place, kept: searched afresh from each quote, a text of 200,000
  // quoted words on one line was searched to its end 200,000 times (3 s for a 2 MB command).
  let nextLineEnd = -1
  const lineEndFrom = (at: number): number => {
    if (nextLineEnd < at) {
      const found = text.indexOf('\n', at)
      nextLineEnd = found < 0 ? text.length : found
    }
    return nextLineEnd
  }
  const isPauseDue = textPauses()
  for (let index = 0; index < text.length; index++) {
    if (isPauseDue(index)) yield
    const char = text[index]!
    const next = text[index + 1]
    if (quote === "'") {
      // Nothing is special inside single quotes but the closing one: jump to it, counting lines.
      const end = text.indexOf("'", index)
      const stop = end < 0 ? text.length : end
      for (let at = lineEndFrom(index); at < stop; at = lineEndFrom(at + 1)) line++
      if (end < 0) break
      index = end
      quote = null
      continue
    }
    if (char === '\n') line++
    if (char === '\\' && quote !== "$'" && (next === '\n' || (next === '\r' && text[index + 2] === '\n'))) {
      // A line continuation: the two (or three) characters vanish.
      pieces.push(text.slice(from, index))
      if (quote === null) pieces.push(' ')
      index += next === '\r' ? 2 : 1
      from = index + 1
      line++
      continue
    }
    if (char === '\\') {
      index++
      if (next === '\n') line++
      continue
    }
    if (quote !== null) {
      if ((quote === '"' && char === '"') || (quote === "$'" && char === "'")) quote = null
      continue
    }
    if (char === "'") quote = text[index - 1] === '$' ? "$'" : "'"
    else if (char === '"') quote = '"'
    else if (char === '#' && (index === 0 || /\s/.test(text[index - 1]!))) {
      const end = text.indexOf('\n', index)
      const comment = text.slice(index, end < 0 ? text.length : end).trimEnd()
      if (isChangeComment(comment)) comments.push({ line, text: comment })
      // The comment is left out of the command; its line end still ends it.
      pieces.push(text.slice(from, index))
      from = end < 0 ? text.length : end
      index = from - 1
    } else if (char === '\n' || char === ';') {
      finish(index, index + 1)
    }
  }
  if (quote !== null) return { ok: false, message: `line ${startLine}: a ${quote === '"' ? 'double' : 'single'} quote is never closed` }
  finish(text.length, text.length)
  return { ok: true, commands, comments }
}

function splitPipeline(words: ShellWord[]): string[][] {
  const segments: string[][] = [[]]
  for (const word of words) {
    if (typeof word === 'string') segments[segments.length - 1]!.push(word)
    else if (word.op === '|' || word.op === '&&' || word.op === ';') segments.push([])
  }
  return segments
}

/** What `printf '%b' ARG…` writes (the only printf form this app writes; others are read alike). */
function printfOutputs(calls: string[][]): Buffer[] {
  const out: Buffer[] = []
  for (const args of calls) {
    const [format, ...values] = args
    if (format === undefined) continue
    if (format === '%b' || format === '%s') for (const value of values) out.push(format === '%b' ? decodePrintfB(value) : Buffer.from(value, 'utf8'))
    else out.push(decodePrintfB(format))
  }
  return out
}

/** POSIX `%b` escapes: \\ \n \t \r \a \b \f \v, \0NNN octal, and bash's \xHH. */
function decodePrintfB(text: string): Buffer {
  // Never longer than the text's UTF-8: an escape is shorter than what it stands for.
  const out = Buffer.allocUnsafe(Buffer.byteLength(text, 'utf8'))
  let length = 0
  let plainStart = 0
  for (let index = text.indexOf('\\'); index >= 0 && index + 1 < text.length; index = text.indexOf('\\', index + 1)) {
    if (plainStart < index) length += out.write(text.slice(plainStart, index), length, 'utf8')
    const next = text[index + 1]!
    let consumed = 2
    const simple = PRINTF_SIMPLE_ESCAPES[next]
    if (simple !== undefined) out[length++] = simple
    else if (next === '0') {
      // Up to three octal digits after the 0.
      let value = 0
      let digits = 0
      while (digits < 3 && isOctal(text.charCodeAt(index + 2 + digits))) value = value * 8 + text.charCodeAt(index + 2 + digits++) - 0x30
      out[length++] = value & 0xff
      consumed += digits
    } else if (next === 'x' && hexValue(text.charCodeAt(index + 2)) >= 0) {
      const high = hexValue(text.charCodeAt(index + 2))
      const low = hexValue(text.charCodeAt(index + 3))
      out[length++] = low >= 0 ? high * 16 + low : high
      consumed += low >= 0 ? 2 : 1
    } else {
      out[length++] = 0x5c
      consumed = 1
    }
    index += consumed - 1
    plainStart = index + 1
  }
  if (plainStart < text.length) length += out.write(text.slice(plainStart), length, 'utf8')
  return out.subarray(0, length)
}

const PRINTF_SIMPLE_ESCAPES: Record<string, number> = { '\\': 0x5c, n: 0x0a, t: 0x09, r: 0x0d, a: 0x07, b: 0x08, f: 0x0c, v: 0x0b }
const isOctal = (code: number): boolean => code >= 0x30 && code <= 0x37
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  if (code >= 0x41 && code <= 0x46) return code - 0x37
  if (code >= 0x61 && code <= 0x66) return code - 0x57
  return -1
}

/** `given`: the headers the command itself sends (`-H`, `-A`, `-e`, `-b`), in order. */
type CurlResult = { ok: true; capture: ExchangeCapture; given: HeaderPairs } | { ok: false; message: string }

function sameHeaders(left: HeaderPairs, right: HeaderPairs): boolean {
  return left.length === right.length && left.every(([name, value], index) => name === right[index]![0] && value === right[index]![1])
}

/**
 * What the imported capture's note says when a command reads its body from standard input
 * (`--data-binary @-`) and the text pipes nothing into it: curl would send a POST with whatever
 * stdin held, which the text does not have.
 */
export const EMPTY_STDIN_NOTE =
  'Imported from a curl command that reads its body from standard input (@-) with nothing piped into it in the imported text: the body it was run with is not available, so it is imported as curl sends an empty standard input, a POST with an empty body.'

/** What the import's result says of such a command (the note says it on the capture). */
export const EMPTY_STDIN_NOTICE =
  'its body was to be read from standard input (@-), and nothing is piped into it here: imported as curl sends an empty stdin, a POST with an empty body; the body it was run with is not available'

/** `stdin`: what printf pipes into the command, or `null` when the text pipes nothing into it. */
function readCurlArguments(args: string[], stdin: Buffer | null, maxBodyBytes: number): CurlResult {
  let method: string | null = null
  let url: string | null = null
  const headers: HeaderPairs = []
  const suppressed = new Set<string>()
  const data: Buffer[] = []
  // `@-` with nothing piped in: the body curl would read is not in the text.
  let isStdinMissing = false
  let isGet = false
  let isHead = false
  let isJson = false
  let user: string | null = null
  // `--request-target`: the request line's target when it is not the URL's (absolute form, `*`).
  let requestTarget: string | null = null
  // What this app's export writes for a request received as HTTP/1.0; curl sends HTTP/1.1 otherwise.
  let httpVersion = '1.1'

  const take = (index: number, option: string): string | CurlResult => {
    const value = args[index + 1]
    return value === undefined ? { ok: false, message: `${option} needs a value` } : value
  }
  for (let index = 0; index < args.length; index++) {
    let arg = args[index]!
    let inlineValue: string | null = null
    // --opt=value and -Xvalue forms.
    if (arg.startsWith('--') && arg.includes('=')) {
      inlineValue = arg.slice(arg.indexOf('=') + 1)
      arg = arg.slice(0, arg.indexOf('='))
    } else if (/^-[XHdAebu]./.test(arg)) {
      inlineValue = arg.slice(2)
      arg = arg.slice(0, 2)
    }
    const valueOf = (): string | CurlResult => {
      if (inlineValue !== null) return inlineValue
      const value = take(index, arg)
      if (typeof value === 'string') index++
      return value
    }
    if (FLAGS.has(arg)) continue
    if (IGNORED_WITH_VALUE.has(arg)) {
      const skipped = valueOf()
      if (typeof skipped !== 'string') return skipped
      continue
    }
    switch (arg) {
      case '-X':
      case '--request': {
        const value = valueOf()
        if (typeof value !== 'string') return value
        method = value
        break
      }
      case '-H':
      case '--header': {
        const value = valueOf()
        if (typeof value !== 'string') return value
        if (value.startsWith('@')) return { ok: false, message: `-H ${value.slice(0, 60)} reads headers from a file, which an import cannot do` }
        const header = parseHeaderArgument(value)
        if (header === null) return { ok: false, message: `-H ${JSON.stringify(value.slice(0, 60))} is not "Name: value"` }
        if (header === 'suppress') suppressed.add(value.slice(0, value.indexOf(':')).trim().toLowerCase())
        else headers.push(header)
        break
      }
      case '-d':
      case '--data':
      case '--data-ascii':
      case '--data-binary':
      case '--data-raw':
      case '--json': {
        const value = valueOf()
        if (typeof value !== 'string') return value
        if (arg === '--json') isJson = true
        if (arg !== '--data-raw' && value.startsWith('@')) {
          if (value === '@-') {
            data.push(stdin ?? Buffer.alloc(0))
            if (stdin === null) isStdinMissing = true
          } else
            // Said as what to do with the file that came with the command (a merchant sends both).
            return {
              ok: false,
              message: `${arg} ${value.slice(0, 60)} reads a file, which an import cannot do: put the file's content in the command instead (--data-raw '…'), or import the body as "A pasted body"`,
            }
        } else data.push(Buffer.from(value, 'utf8'))
        break
      }
      case '--data-urlencode': {
        const value = valueOf()
        if (typeof value !== 'string') return value
        const encoded = urlencodeArgument(value)
        if (encoded === null) return { ok: false, message: `--data-urlencode ${value.slice(0, 60)} reads a file, which an import cannot do` }
        data.push(Buffer.from(encoded))
        break
      }
      case '-u':
      case '--user': {
        const value = valueOf()
        if (typeof value !== 'string') return value
        user = value
        break
      }
      case '-A':
      case '--user-agent':
      case '-e':
      case '--referer':
      case '-b':
      case '--cookie': {
        const value = valueOf()
        if (typeof value !== 'string') return value
        const name = arg === '-A' || arg === '--user-agent' ? 'User-Agent' : arg === '-e' || arg === '--referer' ? 'Referer' : 'Cookie'
        headers.push([name, value])
        break
      }
      case '--request-target': {
        const value = valueOf()
        if (typeof value !== 'string') return value
        if (value !== '*' && !originFormOf(value).startsWith('/'))
          return { ok: false, message: `--request-target ${value.slice(0, 80)} is not a path, an absolute http(s) URL or *` }
        requestTarget = value
        break
      }
      case '--url': {
        const value = valueOf()
        if (typeof value !== 'string') return value
        url = value
        break
      }
      case '-0':
      case '--http1.0':
        httpVersion = '1.0'
        break
      case '--http1.1':
        httpVersion = '1.1'
        break
      case '-G':
      case '--get':
        isGet = true
        break
      case '-I':
      case '--head':
        isHead = true
        break
      default:
        if (arg.startsWith('-') && arg !== '-') return { ok: false, message: `the option ${arg.slice(0, 40)} is not understood` }
        if (url !== null) return { ok: false, message: `a second URL (${arg.slice(0, 60)}) is given: import one request per command` }
        url = arg
    }
  }
  if (url === null) return { ok: false, message: 'the command has no URL' }
  const fullUrl = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) ? url : `http://${url}`
  // curl would speak another protocol to another scheme (ftp://, file://…), and refuse a host with spaces.
  if (!/^https?:\/\//i.test(fullUrl)) return { ok: false, message: `the URL is not http or https: ${url.slice(0, 80)}` }
  let target = targetOf(fullUrl)
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(fullUrl)?.[1] ?? ''
  if (target === null || authority.replace(/^[^@]*@/, '') === '' || /[\s\x00-\x1f\x7f]/.test(authority))
    return { ok: false, message: `the URL is not understood: ${url.slice(0, 80)}` }
  // curl joins several data options with `&`.
  let body = data.length === 0 ? Buffer.alloc(0) : Buffer.concat(data.flatMap((part, index) => (index === 0 ? [part] : [Buffer.from('&'), part])))
  if (isGet && body.length > 0) {
    target += (target.includes('?') ? '&' : '?') + body.toString('utf8')
    body = Buffer.alloc(0)
  }
  // curl sends it in the request line as given (this app's export writes one for an absolute-form target).
  if (requestTarget !== null) target = requestTarget
  if (body.length > maxBodyBytes)
    return { ok: false, message: `the body (${formatExactBytes(body.length)}) is larger than the ${formatByteLimit(maxBodyBytes)} limit` }
  const host = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(fullUrl)?.[1] ?? ''
  const has = (name: string) => headers.some(([headerName]) => headerName.toLowerCase() === name)
  const finalHeaders: HeaderPairs = []
  if (!suppressed.has('host') && !has('host')) finalHeaders.push(['Host', host.replace(/^[^@]*@/, '')])
  finalHeaders.push(...headers)
  if (user !== null && !has('authorization')) finalHeaders.push(['Authorization', `Basic ${Buffer.from(user, 'utf8').toString('base64')}`])
  // Any data option makes curl send a POST with its form Content-Type and a length, an empty body
  // too (`-d ''`, `--data-binary @-` reading an empty stdin): it was imported as a GET without either.
  const sendsBody = data.length > 0 && !isGet
  if (sendsBody && !has('content-type') && !suppressed.has('content-type'))
    finalHeaders.push(['Content-Type', isJson ? 'application/json' : 'application/x-www-form-urlencoded'])
  if (isJson && !has('accept') && !suppressed.has('accept')) finalHeaders.push(['Accept', 'application/json'])
  if (sendsBody && !has('content-length')) finalHeaders.push(['Content-Length', String(body.length)])
  const finalMethod = method ?? (isHead ? 'HEAD' : sendsBody ? 'POST' : 'GET')
  const capture = importedRequest({ method: finalMethod, target, httpVersion, headers: finalHeaders, body })
  if (isStdinMissing) {
    capture.note = EMPTY_STDIN_NOTE
    capture.importNotice = EMPTY_STDIN_NOTICE
  }
  return { ok: true, capture, given: headers }
}

/** `Name: value`, `Name;` (empty value) or `Name:` (curl's "do not send"). */
function parseHeaderArgument(value: string): [string, string] | 'suppress' | null {
  const colon = value.indexOf(':')
  const semicolon = value.indexOf(';')
  if (semicolon > 0 && (colon < 0 || semicolon < colon) && value.slice(semicolon + 1).trim() === '') return [value.slice(0, semicolon).trim(), '']
  if (colon <= 0) return null
  const name = value.slice(0, colon).trim()
  const headerValue = value.slice(colon + 1).replace(/^[ \t]+/, '')
  if (!HTTP_TOKEN_PATTERN.test(name)) return null
  return headerValue === '' ? 'suppress' : [name, headerValue]
}

/** curl's --data-urlencode forms: `content`, `=content`, `name=content`; `@file` forms are refused. */
function urlencodeArgument(value: string): string | null {
  const equals = value.indexOf('=')
  const at = value.indexOf('@')
  if (at >= 0 && (equals < 0 || at < equals)) return null
  if (equals < 0) return encodeURIComponent(value)
  if (equals === 0) return encodeURIComponent(value.slice(1))
  return `${value.slice(0, equals)}=${encodeURIComponent(value.slice(equals + 1))}`
}
