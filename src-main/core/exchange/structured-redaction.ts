/**
 * Redaction inside JSON, urlencoded-form and XML text: fields are judged by name (security codes
 * removed, expiry dates masked, cardholder names masked on request) and every value by pattern
 * (sensitive-text.ts). Each pass is a single linear scan that copies the text and changes only
 * what it must, so the rest of the body keeps its exact form. Text that does not parse as the
 * declared kind is masked by pattern as a whole instead.
 */
import {
  fieldRuleOf,
  formFieldRuleOf,
  hideDigits,
  maskDigits,
  maskPersonalText,
  maskSensitiveText,
  memberFieldRuleOf,
  type FieldRule,
  type TextChanges,
  type TextRules,
} from './sensitive-text'
import { passesLuhn } from '../luhn'

export interface FieldRedactionRules extends TextRules {
  personalData: boolean
}

/** One field the name rules changed: its path in the body and what was done. */
export interface FieldChange {
  path: string
  action: 'removed' | 'expiry masked' | 'name masked' | 'card number masked'
}

interface Edit {
  start: number
  end: number
  text: string
}

/** Applies non-overlapping edits (an edit inside a removed span is dropped with it). */
function applyEdits(text: string, edits: Edit[]): string {
  if (edits.length === 0) return text
  edits.sort((a, b) => a.start - b.start || b.end - a.end)
  let out = ''
  let copiedUpTo = 0
  for (const edit of edits) {
    if (edit.start < copiedUpTo) continue
    out += text.slice(copiedUpTo, edit.start) + edit.text
    copiedUpTo = edit.end
  }
  return out + text.slice(copiedUpTo)
}

// ---------------------------------------------------------------------------------------------
// JSON

interface JsonFrame {
  kind: 'object' | 'array'
  /** Path of this container, e.g. `$.card`. */
  path: string
  /** Rule inherited from the member holding this container (an `expiry` object…). */
  rule: FieldRule
  /** The name of the member holding this container (through arrays), for names judged with it (`card` and `name`). */
  holderKey: string | null
  index: number
  /** Object: the current member's key, its start, and whether a key or a value comes next. */
  key: string | null
  keyStart: number
  isExpectingKey: boolean
  /** Position of the comma before the current member (to drop it with a removed last member). */
  commaBefore: number
  /** A removed member's span waiting for the comma after it. */
  pendingRemoval: Edit | null
}

/**
 * Redacts JSON text; `null` when it is not JSON (the caller falls back to text). Numbers that
 * are card numbers become strings (`"411111******1111"`): JSON has no masked number.
 */
export function redactJsonText(text: string, rules: FieldRedactionRules, changes: TextChanges, fields: FieldChange[]): string | null {
  const edits: Edit[] = []
  const stack: JsonFrame[] = []
  let index = 0
  let sawValue = false

  const memberRule = (frame: JsonFrame | undefined): FieldRule => {
    if (!frame) return null
    if (frame.kind === 'array') return frame.rule
    return memberFieldRuleOf(frame.holderKey, frame.key ?? '', rules.personalData) ?? frame.rule
  }
  const memberPath = (frame: JsonFrame | undefined): string => {
    if (!frame) return '$'
    return frame.kind === 'array' ? `${frame.path}[${frame.index}]` : `${frame.path}.${frame.key ?? ''}`
  }
  /** A value ended at `end`: remove its member when the rule says so. */
  const valueDone = (end: number) => {
    const frame = stack[stack.length - 1]
    sawValue = true
    if (!frame || frame.kind !== 'object') return
    if (memberFieldRuleOf(frame.holderKey, frame.key ?? '', rules.personalData) === 'remove') {
      frame.pendingRemoval = { start: frame.keyStart, end, text: '' }
      fields.push({ path: memberPath(frame), action: 'removed' })
    }
  }
  const skipSpace = () => {
    while (index < text.length && (text[index] === ' ' || text[index] === '\n' || text[index] === '\r' || text[index] === '\t')) index++
  }

  skipSpace()
  while (index < text.length) {
    const char = text[index]!
    const frame = stack[stack.length - 1]
    if (char === '{' || char === '[') {
      if (frame?.kind === 'object' && frame.isExpectingKey) return null
      stack.push({
        kind: char === '{' ? 'object' : 'array',
        path: memberPath(frame),
        rule: memberRule(frame),
        holderKey: frame?.kind === 'object' ? frame.key : (frame?.holderKey ?? null),
        index: 0,
        key: null,
        keyStart: -1,
        isExpectingKey: char === '{',
        commaBefore: -1,
        pendingRemoval: null,
      })
      index++
    } else if (char === '}' || char === ']') {
      if (!frame || (char === '}') !== (frame.kind === 'object')) return null
      if (frame.pendingRemoval) {
        // The last member went: so does the comma before it.
        if (frame.commaBefore >= 0) frame.pendingRemoval.start = frame.commaBefore
        edits.push(frame.pendingRemoval)
      }
      stack.pop()
      index++
      valueDone(index)
    } else if (char === ',') {
      if (!frame) return null
      if (frame.pendingRemoval) {
        frame.pendingRemoval.end = index + 1
        edits.push(frame.pendingRemoval)
        frame.pendingRemoval = null
        frame.commaBefore = -1
      } else frame.commaBefore = index
      if (frame.kind === 'object') frame.isExpectingKey = true
      else frame.index++
      index++
    } else if (char === ':') {
      if (frame?.kind !== 'object' || frame.key === null || frame.isExpectingKey) return null
      index++
    } else if (char === '"') {
      const end = stringEnd(text, index)
      if (end < 0) return null
      let value: string
      try {
        value = JSON.parse(text.slice(index, end)) as string
      } catch {
        return null
      }
      if (frame?.kind === 'object' && frame.isExpectingKey) {
        frame.key = value
        frame.keyStart = index
        frame.isExpectingKey = false
        index = end
      } else {
        const rule = memberRule(frame)
        const replaced = redactStringValue(value, rule, rules, changes, fields, memberPath(frame))
        if (replaced !== value) {
          edits.push({ start: index, end, text: JSON.stringify(replaced) })
          if (rule === 'expiry' || rule === 'name') fields.push({ path: memberPath(frame), action: rule === 'expiry' ? 'expiry masked' : 'name masked' })
        }
        index = end
        valueDone(end)
      }
    } else {
      // Numbers and literals.
      let end = index
      while (end < text.length && /[0-9A-Za-z+\-.]/.test(text[end]!)) end++
      if (end === index) return null
      const token = text.slice(index, end)
      if (!/^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(token)) return null
      const rule = memberRule(frame)
      if (rule === 'expiry' && /\d/.test(token) && token !== 'true' && token !== 'false') {
        edits.push({ start: index, end, text: JSON.stringify(hideDigits(token)) })
        fields.push({ path: memberPath(frame), action: 'expiry masked' })
      } else if (/^\d{13,19}$/.test(token) && passesLuhn(token)) {
        edits.push({ start: index, end, text: JSON.stringify(maskDigits(token)) })
        changes.cardNumbers++
        fields.push({ path: memberPath(frame), action: 'card number masked' })
      }
      index = end
      valueDone(end)
    }
    skipSpace()
    if (stack.length === 0 && sawValue) break
  }
  skipSpace()
  if (stack.length > 0 || index < text.length || !sawValue) return null
  return applyEdits(text, edits)
}

/** End (exclusive) of the JSON string starting at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    const char = text[index]
    if (char === '\\') index++
    else if (char === '"') return index + 1
    else if (char === '\n') return -1
  }
  return -1
}

/**
 * A JSON string's new value. One that is a whole form (`card_number=…&cvc=123`, as a provider
 * nests the form it received, or its raw notification, in a JSON field) is redacted as a form, its
 * fields by name: masked by pattern only, its security code and expiry went out as sent.
 */
function redactStringValue(value: string, rule: FieldRule, rules: FieldRedactionRules, changes: TextChanges, fields: FieldChange[], path: string): string {
  if (rule === 'expiry') return hideDigits(value)
  if (rule === 'name') return maskPersonalText(value)
  if (looksLikeForm(value)) return redactFormText(value, rules, changes, fields, `${path} (form) `)
  return maskSensitiveText(value, rules, changes)
}

// ---------------------------------------------------------------------------------------------
// urlencoded forms and query strings

/**
 * Redacts `a=1&b=2` text (a form body or a query string); field order, separators and encoding
 * kept. Fields may be separated by `;` too, as HTML 4 allowed and some older providers still send
 * (`a=1;cvc=123`: read as one field, its cvc went out as sent). A field's name is judged as a path
 * (`card[exp_month]`, formFieldRuleOf), name and value are read with every well-formed percent
 * escape decoded, even beside a malformed one (`%ZZ`, a lone `%`).
 */
export function redactFormText(text: string, rules: FieldRedactionRules, changes: TextChanges, fields: FieldChange[], pathPrefix: string): string {
  const kept: string[] = []
  const separators = text.match(FORM_SEPARATORS) ?? []
  for (const [index, pair] of text.split(FORM_SEPARATORS).entries()) {
    // Each kept field with the separator written before it (the first kept one goes without).
    const keep = (field: string) => kept.push(kept.length > 0 ? separators[index - 1]! + field : field)
    const equals = pair.indexOf('=')
    const rawName = equals < 0 ? pair : pair.slice(0, equals)
    const rawValue = equals < 0 ? null : pair.slice(equals + 1)
    const name = decodeFormPart(rawName)
    const rule = formFieldRuleOf(name, rules.personalData)
    if (rule === 'remove') {
      fields.push({ path: `${pathPrefix}${name}`, action: 'removed' })
      continue
    }
    if (rawValue === null) {
      const replaced = maskSensitiveText(name, rules, changes)
      keep(replaced === name ? pair : encodeFormPart(replaced))
      continue
    }
    const value = decodeFormPart(rawValue)
    const replaced = rule === 'expiry' ? hideDigits(value) : rule === 'name' ? maskPersonalText(value) : maskSensitiveText(value, rules, changes)
    if (replaced === value) {
      keep(pair)
      continue
    }
    if (rule === 'expiry' || rule === 'name') fields.push({ path: `${pathPrefix}${name}`, action: rule === 'expiry' ? 'expiry masked' : 'name masked' })
    keep(`${rawName}=${encodeFormPart(replaced)}`)
  }
  return kept.join('')
}

const FORM_SEPARATORS = /[&;]/g

/** `*` and `[secret removed]` are written percent-encoded where a form needs it. */
function encodeFormPart(text: string): string {
  return encodeURIComponent(text).replaceAll('%2A', '*').replaceAll('%20', '+')
}

/**
 * A form part as text: `+` is a space, and each run of well-formed percent escapes is decoded as
 * UTF-8 (a malformed sequence as U+FFFD). A malformed escape elsewhere (`%ZZ`, a lone `%`) stays
 * as written: it once made the whole part stay undecoded, so `card%5Bcvc%5D%ZZ` was not a
 * security code and `%34111…` not a card number.
 */
function decodeFormPart(text: string): string {
  const spaced = text.replaceAll('+', ' ')
  if (!spaced.includes('%')) return spaced
  return spaced.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'))
}

// ---------------------------------------------------------------------------------------------
// XML

const NAME_CHARS = /[A-Za-z0-9_:.-]/

/**
 * Redacts XML text: elements named like a security code are removed with their content,
 * expiry and name elements (and attributes) masked, every text node and attribute value masked
 * by pattern. Comments, processing instructions and CDATA are kept (CDATA masked by pattern).
 */
export function redactXmlText(text: string, rules: FieldRedactionRules, changes: TextChanges, fields: FieldChange[]): string {
  const edits: Edit[] = []
  const stack: Array<{ name: string; rule: FieldRule; start: number }> = []
  let index = 0
  const currentRule = () => stack[stack.length - 1]?.rule ?? null
  const pathOf = (name: string) => `/${[...stack.map((element) => element.name), name].join('/')}`
  while (index < text.length) {
    const open = text.indexOf('<', index)
    const textEnd = open < 0 ? text.length : open
    if (textEnd > index) {
      const segment = text.slice(index, textEnd)
      const rule = currentRule()
      const replaced =
        segment.trim() === ''
          ? segment
          : rule === 'expiry'
            ? hideDigits(segment)
            : rule === 'name'
              ? maskPersonalText(segment.trim())
              : maskSensitiveText(segment, rules, changes)
      if (replaced !== segment) edits.push({ start: index, end: textEnd, text: replaced })
    }
    if (open < 0) break
    if (text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open + 4)
      index = end < 0 ? text.length : end + 3
      continue
    }
    if (text.startsWith('<![CDATA[', open)) {
      const end = text.indexOf(']]>', open + 9)
      const contentEnd = end < 0 ? text.length : end
      const content = text.slice(open + 9, contentEnd)
      const replaced = maskSensitiveText(content, rules, changes)
      if (replaced !== content) edits.push({ start: open + 9, end: contentEnd, text: replaced })
      index = end < 0 ? text.length : end + 3
      continue
    }
    const close = text.indexOf('>', open + 1)
    if (close < 0) {
      edits.push({ start: open, end: text.length, text: maskSensitiveText(text.slice(open), rules, changes) })
      break
    }
    const tag = text.slice(open, close + 1)
    index = close + 1
    if (tag.startsWith('<?') || tag.startsWith('<!')) continue
    if (tag.startsWith('</')) {
      const element = stack.pop()
      if (element?.rule === 'remove' && stack.every((outer) => outer.rule !== 'remove')) {
        edits.push({ start: element.start, end: index, text: '' })
        fields.push({ path: pathOf(element.name), action: 'removed' })
      }
      continue
    }
    let nameEnd = 1
    while (nameEnd < tag.length && NAME_CHARS.test(tag[nameEnd]!)) nameEnd++
    const name = tag.slice(1, nameEnd)
    const localName = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name
    const parent = stack[stack.length - 1]
    const parentName = parent === undefined ? null : parent.name.slice(parent.name.indexOf(':') + 1)
    const ownRule = memberFieldRuleOf(parentName, localName, rules.personalData)
    const rule = ownRule ?? currentRule()
    const isSelfClosing = tag.endsWith('/>')
    if (rule === 'remove' && isSelfClosing) {
      edits.push({ start: open, end: index, text: '' })
      fields.push({ path: pathOf(name), action: 'removed' })
      continue
    }
    const redactedTag = redactAttributes(tag, nameEnd, rules, changes, fields, pathOf(name), rule === 'remove' ? null : rule)
    if (redactedTag !== tag) edits.push({ start: open, end: index, text: redactedTag })
    if (!isSelfClosing) {
      if ((rule === 'expiry' || rule === 'name') && ownRule === rule)
        fields.push({ path: pathOf(name), action: rule === 'expiry' ? 'expiry masked' : 'name masked' })
      stack.push({ name, rule, start: open })
    }
  }
  // An element left open that should go: it goes to the end of the text.
  const unclosed = stack.find((element) => element.rule === 'remove')
  if (unclosed) edits.push({ start: unclosed.start, end: text.length, text: '' })
  return applyEdits(text, edits)
}

/** Attributes in one tag: `name="value"` pairs judged by name, values masked by pattern. */
function redactAttributes(
  tag: string,
  from: number,
  rules: FieldRedactionRules,
  changes: TextChanges,
  fields: FieldChange[],
  elementPath: string,
  elementRule: FieldRule,
): string {
  let out = tag.slice(0, from)
  let index = from
  while (index < tag.length) {
    const equals = tag.indexOf('=', index)
    if (equals < 0) break
    let valueStart = equals + 1
    while (tag[valueStart] === ' ') valueStart++
    const quote = tag[valueStart]
    if (quote !== '"' && quote !== "'") break
    const valueEnd = tag.indexOf(quote, valueStart + 1)
    if (valueEnd < 0) break
    const before = tag.slice(index, equals)
    const attributeName = before.trim()
    const value = tag.slice(valueStart + 1, valueEnd)
    // An attribute of an expiry or cardholder element (`<Holder name="…">`) is judged like the element.
    const rule =
      fieldRuleOf(attributeName.includes(':') ? attributeName.slice(attributeName.indexOf(':') + 1) : attributeName, rules.personalData) ?? elementRule
    if (rule === 'remove') {
      fields.push({ path: `${elementPath}/@${attributeName}`, action: 'removed' })
    } else {
      const replaced = rule === 'expiry' ? hideDigits(value) : rule === 'name' ? maskPersonalText(value) : maskSensitiveText(value, rules, changes)
      if (replaced !== value && (rule === 'expiry' || rule === 'name'))
        fields.push({ path: `${elementPath}/@${attributeName}`, action: rule === 'expiry' ? 'expiry masked' : 'name masked' })
      out += `${before}${tag.slice(equals, valueStart + 1)}${replaced.replaceAll(quote, quote === '"' ? '&quot;' : '&apos;')}${quote}`
    }
    index = valueEnd + 1
  }
  return out + tag.slice(index)
}

// ---------------------------------------------------------------------------------------------
// Bodies by kind, and multipart forms

/**
 * Redacts a text body by its kind: JSON, form, XML (by Content-Type, or its first character; a
 * body sent without a Content-Type or as text/plain that is written as a form, `a=1&cvc=123` and
 * nothing else, as a form), else (or when it does not parse as its kind) by pattern as a whole.
 */
export function redactTypedText(text: string, contentType: string | null, rules: FieldRedactionRules, changes: TextChanges, fields: FieldChange[]): string {
  const type = (contentType ?? '').toLowerCase()
  const start = text.trimStart()[0]
  let out: string | null = null
  if (type.includes('json') || ((start === '{' || start === '[') && !type.includes('xml'))) out = redactJsonText(text, rules, changes, fields)
  else if (type.includes('x-www-form-urlencoded') || ((type.trim() === '' || type.startsWith('text/plain')) && looksLikeForm(text)))
    out = redactFormText(text, rules, changes, fields, '')
  else if (type.includes('xml') || start === '<') out = redactXmlText(text, rules, changes, fields)
  return out ?? maskSensitiveText(text, rules, changes)
}

/** `name=value` pairs joined by `&` (or `;`, one may end the text), with no space or line break: what a form encoder writes. */
const FORM_TEXT = /^[^=&;\s]+=[^&;\s]*(?:[&;][^=&;\s]+(?:=[^&;\s]*)?)*[&;]?$/

function looksLikeForm(text: string): boolean {
  return FORM_TEXT.test(text)
}

/** The boundary a `multipart/…` Content-Type names, or `null`. */
export function multipartBoundary(contentType: string | null): string | null {
  if (contentType === null || !/^\s*multipart\//i.test(contentType)) return null
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;]{1,200}))/i.exec(contentType)
  return match ? (match[1] ?? match[2]!) : null
}

/**
 * Redacts a multipart body (bytes as latin1 text, so a file part's bytes survive): each part is
 * judged by its field name as a form field is (formFieldRuleOf: a security code's part removed
 * whole, an expiry or a cardholder's name masked), else its content by its own Content-Type
 * (JSON, form, XML, text by pattern; content that is not UTF-8 by pattern, byte for byte); the
 * part headers, preamble and epilogue by pattern. `null` when the body holds no part: the
 * caller masks it as text. A multipart body was masked by pattern only: a `cvc` part was kept.
 */
export function redactMultipartLatin1(text: string, boundary: string, rules: FieldRedactionRules, changes: TextChanges, fields: FieldChange[]): string | null {
  const delimiter = `--${boundary}`
  // Delimiter lines: at the start of the body or of a line.
  const delimiters: number[] = []
  for (let at = text.indexOf(delimiter); at >= 0; at = text.indexOf(delimiter, at + delimiter.length)) {
    if (at === 0 || text[at - 1] === '\n') delimiters.push(at)
  }
  if (delimiters.length < 2) return null
  const edits: Edit[] = []
  const maskLatin1 = (start: number, end: number) => {
    const segment = text.slice(start, end)
    const replaced = maskSensitiveText(segment, rules, changes)
    if (replaced !== segment) edits.push({ start, end, text: replaced })
  }
  maskLatin1(0, delimiters[0]!)
  for (let index = 0; index < delimiters.length; index++) {
    const at = delimiters[index]!
    const next = delimiters[index + 1]
    if (next === undefined || text.startsWith('--', at + delimiter.length)) {
      // The closing delimiter: what follows is the epilogue.
      const lineEnd = text.indexOf('\n', at)
      if (lineEnd >= 0) maskLatin1(lineEnd + 1, text.length)
      break
    }
    const lineEnd = text.indexOf('\n', at)
    if (lineEnd < 0 || lineEnd >= next) continue
    // The part's content ends at the line break before the next delimiter.
    const partEnd = text[next - 2] === '\r' ? next - 2 : next - 1
    const headersStart = lineEnd + 1
    const blank = /\r?\n\r?\n/.exec(text.slice(headersStart - 1, partEnd))
    const headersEnd = blank === null ? partEnd : headersStart - 1 + blank.index
    const contentStart = blank === null ? partEnd : headersEnd + blank[0].length
    const headers = text.slice(headersStart, headersEnd)
    const name = partName(headers)
    const rule = name === null ? null : formFieldRuleOf(name, rules.personalData)
    const path = `part ${JSON.stringify(name ?? '')}`
    if (rule === 'remove') {
      edits.push({ start: at, end: next, text: '' })
      fields.push({ path, action: 'removed' })
      continue
    }
    maskLatin1(headersStart, headersEnd)
    if (contentStart >= partEnd) continue
    const bytes = Buffer.from(text.slice(contentStart, partEnd), 'latin1')
    let utf8: string | null
    try {
      utf8 = STRICT_UTF8.decode(bytes)
    } catch {
      utf8 = null
    }
    if (utf8 === null) {
      maskLatin1(contentStart, partEnd)
      continue
    }
    let replaced: string
    if (rule === 'expiry' || rule === 'name') {
      replaced = rule === 'expiry' ? hideDigits(utf8) : maskPersonalText(utf8)
      if (replaced !== utf8) fields.push({ path, action: rule === 'expiry' ? 'expiry masked' : 'name masked' })
    } else {
      const partFields: FieldChange[] = []
      replaced = redactTypedText(utf8, partContentType(headers), rules, changes, partFields)
      for (const field of partFields) fields.push({ path: `${path} ${field.path}`, action: field.action })
    }
    if (replaced !== utf8) edits.push({ start: contentStart, end: partEnd, text: Buffer.from(replaced, 'utf8').toString('latin1') })
  }
  return applyEdits(text, edits)
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** The field name a part's `Content-Disposition: form-data; name="…"` gives. */
function partName(headers: string): string | null {
  const disposition = /^content-disposition\s*:(.*)$/im.exec(headers)
  if (!disposition) return null
  const match = /;\s*name\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]+))/i.exec(disposition[1]!)
  if (!match) return null
  const raw = match[1] ?? match[2]!
  // Browsers write a name's UTF-8 bytes as they are (latin1 here), escaping quotes as %22 or \".
  return Buffer.from(raw.replace(/\\(.)/g, '$1'), 'latin1').toString('utf8')
}

function partContentType(headers: string): string | null {
  return /^content-type\s*:\s*(.*?)\s*$/im.exec(headers)?.[1] ?? null
}
