/**
 * Removing the endpoint's configured secrets from everything an export writes, in the forms a
 * secret travels in, not only as written: percent-encoded (a query or form value, `%2D` for `-`),
 * JSON-escaped (`\u0069`, `\/`), inside `Authorization: Basic` credentials, in a UTF-16 body, in a
 * compressed body (gzip, deflate, br), and in the base64 bodies of the resend history (what was
 * sent, and the target's answer, which may echo it). A secret found raw only would leave every one
 * of these in an unredacted export, where the file still reads as the secret once decoded; and
 * HAR's `queryString` decodes the query, so a percent-encoded secret came out whole. A base64
 * or base64url value (a JSON field, a query parameter, a line-wrapped body) that decodes to text
 * holding a secret is removed whole (see replaceBase64Runs).
 *
 * Each pass copies the text and changes only the span that spelled a secret, so the rest of an
 * unredacted export stays byte-exact. Every pass is linear in the text's size.
 */
import { headerValue, type HeaderPairs } from '../../shared/http-message'
import { declaredCharset } from '../../shared/body-charset'
import { decodeContentCoding } from '../content-coding'
import { SECRET_PLACEHOLDER } from './sensitive-text'
import { expandSniffed } from './sniffed-compression'

/** A character decoded from `text` at `index`, and how many characters of `text` spelled it. */
type Decoder = (text: string, index: number) => { char: string; length: number }

/** `%XX` as the byte it names (a latin1 character); anything else as itself. */
const percentDecoder: Decoder = (text, index) => {
  if (text.charCodeAt(index) === 0x25 && index + 2 < text.length && isHex(text.charCodeAt(index + 1)) && isHex(text.charCodeAt(index + 2)))
    return { char: String.fromCharCode(parseInt(text.slice(index + 1, index + 3), 16)), length: 3 }
  return { char: text[index]!, length: 1 }
}

/** JSON's escapes (`\uXXXX`, `\/`, `\n`…) as the character they stand for; anything else as itself. */
const jsonEscapeDecoder: Decoder = (text, index) => {
  if (text.charCodeAt(index) !== 0x5c || index + 1 >= text.length) return { char: text[index]!, length: 1 }
  const next = text[index + 1]!
  if (next === 'u' && index + 5 < text.length) {
    const hex = text.slice(index + 2, index + 6)
    if (/^[0-9a-fA-F]{4}$/.test(hex)) return { char: String.fromCharCode(parseInt(hex, 16)), length: 6 }
  }
  const simple = JSON_SIMPLE_ESCAPES[next]
  return simple === undefined ? { char: text[index]!, length: 1 } : { char: simple, length: 2 }
}

interface DecodingLayer {
  /** A text without this character has nothing to decode. */
  trigger: string
  /** The escapes, for the quick decode (`quick` maps one match to its character). */
  pattern: RegExp
  quick: (match: string) => string
  decode: Decoder
}

const PERCENT_LAYER: DecodingLayer = {
  trigger: '%',
  pattern: /%[0-9a-fA-F]{2}/g,
  quick: (match) => String.fromCharCode(parseInt(match.slice(1), 16)),
  decode: percentDecoder,
}

const JSON_ESCAPE_LAYER: DecodingLayer = {
  trigger: '\\',
  pattern: /\\(?:u[0-9a-fA-F]{4}|["\\/bfnrt])/g,
  quick: (match) => jsonEscapeDecoder(match, 0).char,
  decode: jsonEscapeDecoder,
}

const JSON_SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66)
}

/**
 * Replaces each span of `text` that decodes (with `decode`) to one of the secrets. The decoded
 * text is built with, for each of its characters, where it started in `text`, so a match maps
 * back to exactly the characters that spelled it.
 */
function replaceDecoded(text: string, secrets: readonly string[], layer: DecodingLayer, placeholder: string): { text: string; count: number } {
  // Most texts hold no secret in any form: a quick decode without positions tells, so the
  // position map below (a number per character) is built only for a text that needs it.
  if (!text.includes(layer.trigger)) return { text, count: 0 }
  const quick = text.replace(layer.pattern, layer.quick)
  if (!secrets.some((secret) => quick.includes(secret))) return { text, count: 0 }
  const decode = layer.decode
  let decoded = ''
  const starts: number[] = []
  for (let index = 0; index < text.length;) {
    const { char, length } = decode(text, index)
    decoded += char
    starts.push(index)
    index += length
  }
  starts.push(text.length)
  const spans: Array<{ start: number; end: number }> = []
  for (const secret of secrets) {
    for (let at = decoded.indexOf(secret); at >= 0; at = decoded.indexOf(secret, at + secret.length)) {
      spans.push({ start: starts[at]!, end: starts[at + secret.length]! })
    }
  }
  if (spans.length === 0) return { text, count: 0 }
  spans.sort((a, b) => a.start - b.start || b.end - a.end)
  let out = ''
  let copiedUpTo = 0
  let count = 0
  for (const span of spans) {
    if (span.start < copiedUpTo) continue
    out += text.slice(copiedUpTo, span.start) + placeholder
    copiedUpTo = span.end
    count++
  }
  return { text: out + text.slice(copiedUpTo), count }
}

/** What one scrub removed, for the export's list of changes. */
export interface SecretScrub {
  /** Secrets of 6 characters or more, longest first. */
  secrets: readonly string[]
  /** Called once per location a secret was removed from, with what was done. */
  removed(location: string, action: string): void
}

/**
 * A text without the secrets, as written (a space also as `+`), percent-encoded or JSON-escaped
 * (in that order, so an escape that only spells a secret once decoded is found too), or inside a
 * base64 value. Secrets are compared with the text's characters and, for percent-encoded bytes,
 * with their UTF-8 bytes.
 */
export function scrubSecretText(text: string, scrub: SecretScrub, location: string, placeholder = SECRET_PLACEHOLDER): string {
  const scrubbed = scrubbedText(text, scrub.secrets, placeholder)
  for (const action of scrubbed.actions) scrub.removed(location, action)
  return scrubbed.text
}

/**
 * What stands for a removed secret where only an HTTP token fits (a header name, a method) and in
 * an endpoint's slug (a path segment and the export's file name): `[secret removed]` there would
 * make the message unreadable, unsendable or not importable.
 */
export const TOKEN_SECRET_PLACEHOLDER = 'secret-removed'

/** `scrubSecretText`'s work without reporting: the text, and what was done to it (nothing: `[]`). */
export function scrubbedText(text: string, secrets: readonly string[], placeholder = SECRET_PLACEHOLDER): { text: string; actions: string[] } {
  if (secrets.length === 0) return { text, actions: [] }
  const { plusForms, forms, cores } = scrubFormsOf(secrets)
  let count = 0
  let out = text
  for (const secret of [...secrets, ...plusForms]) {
    if (!out.includes(secret)) continue
    const parts = out.split(secret)
    count += parts.length - 1
    out = parts.join(placeholder)
  }
  const percent = replaceDecoded(out, forms, PERCENT_LAYER, placeholder)
  const escaped = replaceDecoded(percent.text, secrets, JSON_ESCAPE_LAYER, placeholder)
  count += percent.count + escaped.count
  const base64 = replaceBase64Runs(escaped.text, cores, placeholder)
  const actions: string[] = []
  if (count > 0) actions.push('configured secret removed')
  if (base64.count > 0) actions.push('configured secret removed (a base64 value that decodes to text holding it, removed whole)')
  return { text: base64.text, actions }
}

interface ScrubForms {
  /** The secrets and their UTF-8 bytes (as latin1) with spaces written `+`. */
  plusForms: string[]
  /** The secrets as characters, as UTF-8 bytes (latin1) and with `+` for spaces. */
  forms: string[]
  /** The strings their base64 encodings always hold (base64Cores). */
  cores: string[]
}

/** Derived once per list of secrets (an export scrubs thousands of texts with one list): the last list's. */
let lastForms: { key: string; forms: ScrubForms } | null = null

function scrubFormsOf(secrets: readonly string[]): ScrubForms {
  const key = secrets.join('\0')
  if (lastForms?.key === key) return lastForms.forms
  // In a query or form a space may be written `+` (HAR's queryString and params decode it so).
  const utf8Forms = secrets.map((secret) => Buffer.from(secret, 'utf8').toString('latin1'))
  const plusForms = [...secrets, ...utf8Forms].filter((form) => form.includes(' ')).map((form) => form.replaceAll(' ', '+'))
  const forms = [...new Set([...secrets, ...utf8Forms, ...plusForms])]
  const cores = [...new Set(forms.flatMap((form) => base64Cores(Buffer.from(form, 'latin1'))))]
  lastForms = { key, forms: { plusForms, forms, cores } }
  return lastForms.forms
}

/**
 * A run of base64 or base64url characters, as it may be written inside other text: `/` escaped
 * as `\/` (JSON from PHP), any character as a JSON `\uXXXX` escape (`\u002F`, `\u002B`, as
 * encoders that escape for HTML write `/` and `+`), `+`, `/` and `=` percent-encoded (a query or form value), wrapped over
 * lines (MIME's 76 columns, or JSON's `\n`), and its padding when nothing follows that (a `=`
 * between a name and its value is not padding). One character class, so matching is one linear
 * scan (an alternation repeated over a 10 MB run overflowed the regular expression's stack).
 */
const BASE64_RUN = /[A-Za-z0-9+/_\\%\r\n-]+(?:={1,2}(?![A-Za-z0-9+/_-]))?/g
/**
 * Replaces each base64 run of `text` whose value encodes bytes holding a secret (its characters as
 * latin1 or its UTF-8 bytes, a space also as `+`) with the placeholder. Whatever bytes come before
 * the secret, its encoding holds one of three strings, one per alignment of the secret among the
 * 3-byte groups base64 encodes (base64Cores): those are searched for in the run once its escapes
 * are read, so a value is found wherever it starts (after a path `/hooks/` too). The whole run
 * goes: cutting the secret's characters out of encoded text is not possible, and what is left of
 * a value that held a secret is no use to anyone. Linear: a few substring searches per run, and
 * runs do not overlap.
 */
function replaceBase64Runs(text: string, cores: readonly string[], placeholder: string): { text: string; count: number } {
  const minLength = Math.min(...cores.map((core) => core.length))
  let count = 0
  const out = text.replace(BASE64_RUN, (run) => {
    if (run.length < minLength) return run
    const unescaped = /[\\%\r\n]/.test(run)
      ? run
          .replace(/\\u([0-9a-fA-F]{4})/g, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)))
          .replace(/\\\/|%2[Ff]/g, '/')
          .replace(/%2[Bb]/g, '+')
          .replace(/%3[Dd]/g, '=')
          .replace(/\\[nr]|[\r\n]/g, '')
      : run
    if (!cores.some((core) => unescaped.includes(core))) return run
    count++
    return placeholder
  })
  return { text: count === 0 ? text : out, count }
}

/**
 * The characters that base64 (and base64url) always writes for these bytes, for each of the three
 * places they can start in a 3-byte group: characters that also hold bits of the bytes around
 * them are left out, so the strings do not depend on what surrounds the bytes.
 */
export function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = []
  for (let lead = 0; lead < 3; lead++) {
    const encoded = Buffer.concat([Buffer.alloc(lead), bytes]).toString('base64')
    // Character i holds bits 6i to 6i+5; the bytes' bits are 8·lead to 8·(lead+length)-1.
    const core = encoded.slice(Math.ceil((8 * lead) / 6), Math.floor((8 * (lead + bytes.length)) / 6))
    cores.push(core, core.replaceAll('+', '-').replaceAll('/', '_'))
  }
  return cores
}

/**
 * What stands for a removed secret in a request target: `[secret removed]` percent-encoded, since
 * a target cannot hold a space (a raw HTTP or curl export with one could not be sent or imported
 * back), and it still reads `[secret removed]` wherever the query is decoded (HAR's queryString).
 */
export const TARGET_SECRET_PLACEHOLDER = encodeURIComponent(SECRET_PLACEHOLDER)

/** A request target without the secrets; a placeholder a redaction wrote before is made valid in a target too. */
export function scrubSecretTarget(target: string, scrub: SecretScrub): string {
  return scrubSecretText(target.replaceAll(SECRET_PLACEHOLDER, TARGET_SECRET_PLACEHOLDER), scrub, 'request target', TARGET_SECRET_PLACEHOLDER)
}

/**
 * Headers without the secrets, in their names too (a sender can put anything in a name, and a
 * name is written to every format and named in the list of changes), `Authorization: Basic`
 * credentials decoded to look inside.
 */
export function scrubSecretHeaders(headers: HeaderPairs, scrub: SecretScrub, label: string): HeaderPairs {
  return headers.map(([rawName, value]): [string, string] => {
    const scrubbedName = scrubbedText(rawName, scrub.secrets, TOKEN_SECRET_PLACEHOLDER)
    const name = scrubbedName.text
    const location = `${label} ${name}`
    if (scrubbedName.actions.length > 0) scrub.removed(location, 'configured secret removed from the header name')
    const basic = /^(\s*basic\s+)([A-Za-z0-9+/=_-]+)(\s*)$/i.exec(value)
    if (basic) {
      const credentials = Buffer.from(basic[2]!, 'base64').toString('latin1')
      const scrubbed = scrubSecretText(credentials, scrub, location)
      if (scrubbed !== credentials) return [name, `${basic[1] ?? ''}${Buffer.from(scrubbed, 'latin1').toString('base64')}${basic[3] ?? ''}`]
    }
    return [name, scrubSecretText(value, scrub, location)]
  })
}

/** A body and the headers that describe it, after scrubbing. */
export interface ScrubbedBody {
  body: Buffer
  headers: HeaderPairs
}

/**
 * A body without the secrets. Text in a UTF-16 charset is scrubbed as that text and written back
 * in it; any other body byte by byte (latin1, which keeps every byte and finds an ASCII secret in
 * UTF-8 and single-byte charsets alike).
 *
 * A compressed body (`Content-Encoding`) is expanded and searched (its own bytes too: gzip's
 * header can carry a file name or comment). When a secret is found it is exported expanded and
 * scrubbed, without its Content-Encoding (a secret cannot be cut out of compressed bytes, and
 * compressing again would pass off the app's bytes as the sender's), and the change is listed.
 * One that cannot be expanded (corrupt, truncated, a coding the app does not read, or more than
 * 16 MiB expanded) cannot be shown to hold no secret: a reader that goes as far as it can, or
 * that knows the coding, may find one. It is left out (exported empty) and listed. So is a body
 * that is gzip or zlib data without a Content-Encoding (sniffed-compression.ts) holding a secret.
 */
export function scrubSecretBody(body: Buffer, headers: HeaderPairs, scrub: SecretScrub, location: string): ScrubbedBody {
  if (scrub.secrets.length === 0 || body.length === 0) return { body, headers }
  const encoding = headerValue(headers, 'content-encoding')
  if (encoding !== undefined && encoding.trim() !== '' && encoding.trim().toLowerCase() !== 'identity') {
    const plainHeaders = headers.filter(([name]) => name.toLowerCase() !== 'content-encoding')
    const expanded = decodeContentCoding(body, encoding)
    if (expanded === null) {
      scrub.removed(location, `left out: compressed (${encoding}) and could not be expanded to look for configured secrets`)
      return { body: Buffer.alloc(0), headers: withContentLength(plainHeaders, 0) }
    }
    let didRemove = scrubbedText(body.toString('latin1'), scrub.secrets).actions.length > 0
    const inner = scrubSecretBody(expanded, plainHeaders, { secrets: scrub.secrets, removed: () => (didRemove = true) }, location)
    if (!didRemove) return { body, headers }
    scrub.removed(location, `configured secret removed; it was compressed (${encoding}): exported decompressed, without its Content-Encoding`)
    return { body: inner.body, headers: withContentLength(inner.headers, inner.body.length) }
  }
  const sniffed = expandSniffed(body)
  if (sniffed !== null && bodyHoldsSecret(sniffed.expanded, headers, scrub.secrets)) {
    // Compressed data the headers do not describe is the body's content, not a coding the app may
    // undo on its way out: what it holds cannot be cut out of it, so it goes whole.
    scrub.removed(location, `left out: its bytes are ${sniffed.coding} data that hold a configured secret once expanded`)
    return { body: Buffer.alloc(0), headers: withContentLength(headers, 0) }
  }
  const utf16 = utf16Of(body, headerValue(headers, 'content-type') ?? null)
  const source = utf16 === null ? body.toString('latin1') : (utf16.isBigEndian ? swapBytes(body) : body).toString('utf16le', utf16.start)
  const scrubbed = scrubSecretText(source, scrub, location)
  if (scrubbed === source) return { body, headers }
  let out: Buffer
  if (utf16 === null) out = Buffer.from(scrubbed, 'latin1')
  else {
    const encoded = Buffer.from(scrubbed, 'utf16le')
    out = Buffer.concat([body.subarray(0, utf16.start), utf16.isBigEndian ? swapBytes(encoded) : encoded])
  }
  return { body: out, headers: withContentLength(headers, out.length) }
}

/**
 * Whether expanded bytes hold a secret the scrub would remove, read as latin1 and as UTF-16 text
 * where the body is that. Not expanded again: compressed data can expand to itself.
 */
function bodyHoldsSecret(body: Buffer, headers: HeaderPairs, secrets: readonly string[]): boolean {
  const utf16 = utf16Of(body, headerValue(headers, 'content-type') ?? null)
  const text = utf16 === null ? body.toString('latin1') : (utf16.isBigEndian ? swapBytes(body) : body).toString('utf16le', utf16.start)
  return scrubbedText(text, secrets).actions.length > 0
}

/** Where UTF-16 text starts (after its byte order mark) and its byte order, or `null`. */
function utf16Of(body: Buffer, contentType: string | null): { start: number; isBigEndian: boolean } | null {
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return { start: 2, isBigEndian: false }
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return { start: 2, isBigEndian: true }
  const charset = declaredCharset(contentType)
  if (charset === 'utf-16be') return { start: 0, isBigEndian: true }
  if (charset === 'utf-16le' || charset === 'utf-16') return { start: 0, isBigEndian: false }
  return null
}

function swapBytes(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)))
  return copy.swap16()
}

function withContentLength(headers: HeaderPairs, length: number): HeaderPairs {
  return headers.map(([name, value]): [string, string] => (name.toLowerCase() === 'content-length' ? [name, String(length)] : [name, value]))
}

/**
 * Any JSON-shaped value (a resend record) without the secrets: every string scrubbed as text,
 * and every `bodyBase64` decoded and scrubbed as a body described by the `headers` beside it.
 */
export function scrubSecretValue<T>(value: T, scrub: SecretScrub, location: string): T {
  return scrubAny(value, scrub, location) as T
}

function scrubAny(value: unknown, scrub: SecretScrub, location: string): unknown {
  if (typeof value === 'string') return scrubSecretText(value, scrub, location)
  if (Array.isArray(value)) return value.map((item) => scrubAny(item, scrub, location))
  if (typeof value !== 'object' || value === null) return value
  const record = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(record)) {
    if (key === 'bodyBase64' && typeof item === 'string' && item !== '') {
      const headers = isHeaderPairs(record.headers) ? record.headers : []
      const bytes = Buffer.from(item, 'base64')
      const scrubbed = scrubSecretBody(bytes, headers, scrub, `${location} body`)
      out[key] = scrubbed.body === bytes ? item : scrubbed.body.toString('base64')
    } else out[key] = scrubAny(item, scrub, location)
  }
  return out
}

function isHeaderPairs(value: unknown): value is HeaderPairs {
  return Array.isArray(value) && value.every((pair) => Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === 'string')
}
